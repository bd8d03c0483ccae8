"""Video avatar training and rendering, timed.

    .venv/bin/python benchmarks/video_avatar.py                # 20 s and 60 s clips
    .venv/bin/python benchmarks/video_avatar.py --lengths 30   # one 30 s clip
    .venv/bin/python benchmarks/video_avatar.py --known-phones # skip speech recognition

Each clip is made the way the tests make theirs (``tests/videoclips.py``): the photo
engine speaks the test script (repeated to the length asked for) with the bundled
portrait at 854×480, then the frames get a slow handheld drift and grain and are
re-encoded as MP4. Making the clip is not timed. Training runs with the speech
recogniser unless ``--known-phones`` is given; the table shows seconds per stage, the
total, seconds of training per minute of footage, the visemes that got samples, and the
time to draw one 1280×720 frame of new speech (encoding not included).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

STAGES = ("read", "track", "speech", "loop", "harvest")


def _script(seconds: float) -> str:
    from tests.videoclips import SCRIPT

    repeats = max(1, round(seconds / 18.5))  # the script runs about 18.5 s
    return " ".join([SCRIPT] * repeats)


def _render_ms(model_path: Path) -> float:
    """Mean time to draw a 1280×720 frame of a sentence (after one warm-up frame)."""
    from persona.avatar.video import VideoAvatar
    from persona.lipsync import animate
    from persona.script import parse_script
    from persona.types import FaceState
    from persona.voice import get_voice, synthesize_script

    avatar = VideoAvatar.load(model_path, 1280, 720)
    script = parse_script("Hello there, how are you doing today?", "en")
    speech = synthesize_script(script, get_voice("joe", "en"))
    mouth = animate(speech, 25)
    states = [
        FaceState(mouth=tuple(mouth.params[k]), frame=k, viseme=mouth.visemes[k])
        for k in range(mouth.n_frames)
    ]
    avatar.render(states[0])
    t = time.perf_counter()
    for state in states:
        avatar.render(state)
    return (time.perf_counter() - t) * 1000 / len(states)


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
        row.update(
            length=clip.n_frames / clip.fps,
            save=save,
            total=total,
            visemes=len(model.facts["visemes_covered"]),
            loop_s=model.n_loop / model.fps,
            size_mb=path.stat().st_size / 1e6,
            render_ms=_render_ms(path),
        )
    row["per_min"] = row["total"] / row["length"] * 60
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lengths", type=float, nargs="+", default=[20.0, 60.0])
    parser.add_argument("--known-phones", action="store_true")
    args = parser.parse_args()
    rows = [run(s, args.known_phones) for s in args.lengths]
    head = ["clip s", *STAGES, "save", "total s", "s/min", "visemes", "loop s", "MB", "ms/frame"]
    print(" | ".join(f"{h:>8}" for h in head))
    for r in rows:
        cells = [r["length"], *(r[k] for k in STAGES), r["save"], r["total"], r["per_min"]]
        text = [f"{c:8.2f}" for c in cells]
        text += [f"{int(r['visemes']):8d}", f"{r['loop_s']:8.2f}", f"{r['size_mb']:8.1f}"]
        text.append(f"{r['render_ms']:8.1f}")
        print(" | ".join(text))


if __name__ == "__main__":
    main()
