"""Video avatar training and rendering, timed.

    .venv/bin/python benchmarks/video_avatar.py                # 20 s and 60 s clips
    .venv/bin/python benchmarks/video_avatar.py --lengths 30   # one 30 s clip
    .venv/bin/python benchmarks/video_avatar.py --known-phones # skip speech recognition

Each clip is made the way the tests make theirs (``tests/videoclips.py``): the photo
engine speaks the test script (repeated to the length asked for) with the bundled
portrait at 854×480, then the frames get a slow handheld drift and grain and are
re-encoded as MP4. Making the clip is not timed. Training runs with the speech
recogniser unless ``--known-phones`` is given.

The first table shows seconds per stage (``cutout`` is the person's masks for the idle
loop), the total with saving, and seconds of training per minute of footage. The second
shows what was kept — visemes with samples, samples in all, loop length, model size and
the share of it taken by the loop's masks — and the time to draw one 1280×720 frame of
new speech with ``render`` and with ``render_bgra`` (encoding not included), and the
mouth region's mean frame-to-frame difference (grey levels) over that speech with all
samples and with only the best one per viseme.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from persona.avatar.video import VideoModel
    from persona.types import MouthTrack

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

STAGES = ("read", "track", "speech", "loop", "harvest", "cutout")


def _script(seconds: float) -> str:
    from tests.videoclips import SCRIPT

    repeats = max(1, round(seconds / 18.5))  # the script runs about 18.5 s
    return " ".join([SCRIPT] * repeats)


def _sentence() -> MouthTrack:
    from persona.lipsync import animate
    from persona.script import parse_script
    from persona.voice import get_voice, synthesize_script

    script = parse_script("Hello there, how are you doing today? Bob bought a map.", "en")
    return animate(synthesize_script(script, get_voice("joe", "en")), 25)


def _render_ms(model: VideoModel, mouth: MouthTrack, cutout: bool) -> float:
    """Mean time to draw a 1280×720 frame of a sentence (after one warm-up frame)."""
    from persona.avatar.video import VideoAvatar
    from persona.types import FaceState

    avatar = VideoAvatar(model, 1280, 720)
    avatar.prepare(mouth)
    draw = avatar.render_bgra if cutout else avatar.render
    states = [
        FaceState(mouth=tuple(mouth.params[k]), frame=k, viseme=mouth.visemes[k])
        for k in range(mouth.n_frames)
    ]
    draw(states[0])
    t = time.perf_counter()
    for state in states:
        draw(state)
    return (time.perf_counter() - t) * 1000 / len(states)


def _flicker(model: VideoModel, mouth: MouthTrack) -> float:
    """Mean absolute frame-to-frame difference of the mouth region, grey levels."""
    from persona.avatar.video import VideoAvatar
    from persona.avatar.video.sheet import mouth_flicker

    return mouth_flicker(VideoAvatar(model, model.width, model.height), mouth).step


def run(seconds: float, known_phones: bool) -> dict[str, float]:
    from tests.videoclips import make_talking_clip

    from persona.avatar.video import train_video_avatar

    with tempfile.TemporaryDirectory() as tmp:
        clip = make_talking_clip(Path(tmp) / "clip.mp4", text=_script(seconds), size=(854, 480))
        t = time.perf_counter()
        model = train_video_avatar(clip.path, speech=clip.speech if known_phones else None)
        t_save = time.perf_counter()
        path = model.save(Path(tmp) / "model.zip")
        save = time.perf_counter() - t_save
        total = time.perf_counter() - t
        row = {k: float(model.facts["timings"][k]) for k in STAGES}
        mouth = _sentence()
        single = replace(model, samples=model.samples.limited(1))
        row.update(
            length=clip.n_frames / clip.fps,
            save=save,
            total=total,
            visemes=len(model.facts["visemes_covered"]),
            samples=len(model.samples),
            loop_s=model.n_loop / model.fps,
            size_mb=path.stat().st_size / 1e6,
            masks_mb=sum(len(m) for m in model.masks) / 1e6,
            render_ms=_render_ms(model, mouth, cutout=False),
            bgra_ms=_render_ms(model, mouth, cutout=True),
            flicker=_flicker(model, mouth),
            flicker_one=_flicker(single, mouth),
        )
    row["per_min"] = row["total"] / row["length"] * 60
    return row


TIMES = (
    ("clip s", "length"),
    *((name, name) for name in STAGES),
    ("save", "save"),
    ("total s", "total"),
    ("s/min", "per_min"),
)
KEPT = (
    ("clip s", "length"),
    ("visemes", "visemes"),
    ("samples", "samples"),
    ("loop s", "loop_s"),
    ("MB", "size_mb"),
    ("masks MB", "masks_mb"),
    ("ms/frame", "render_ms"),
    ("ms bgra", "bgra_ms"),
    ("flicker", "flicker"),
    ("1/viseme", "flicker_one"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lengths", type=float, nargs="+", default=[20.0, 60.0])
    parser.add_argument("--known-phones", action="store_true")
    args = parser.parse_args()
    rows = [run(s, args.known_phones) for s in args.lengths]
    _table(TIMES, rows)
    print()
    _table(KEPT, rows)


def _table(columns: tuple[tuple[str, str], ...], rows: list[dict[str, float]]) -> None:
    print(" | ".join(f"{head:>8}" for head, _ in columns))
    for r in rows:
        cells = (r[key] for _, key in columns)
        print(" | ".join(f"{c:8.2f}" if c % 1 else f"{int(c):8d}" for c in cells))


if __name__ == "__main__":
    main()
