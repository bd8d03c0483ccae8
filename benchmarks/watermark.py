"""The invisible watermark, measured: does it outlive what videos go through, does it
stay out of unmarked videos, how faint is it, and what does it cost?

    .venv/bin/python benchmarks/watermark.py            # all tables (a few minutes)
    .venv/bin/python benchmarks/watermark.py --quick    # fewer videos

1. Marked videos: eight illustrated templates at 448x448 and the bundled portrait at
   480x480 (6 s each, the avatar talking without sound, encoded as the pipeline
   encodes, marked by the pipeline's filters), one template at 1280x720, and one real
   ``render_video`` at 1280x720 (TTS, lip-sync, the pipeline's own marks). Each goes
   through every attack of :data:`persona.watermark.attacks.ATTACKS` (x264 CRF 28,
   50 % downscale, 10 % crop off each edge or off the right edge, the first 5 s, and
   all of them together); we print how often the mark is found and how often the
   payload read is the right one.
2. Unmarked videos (22): sixteen templates and the portrait at three sizes rendered
   without the mark (256 to 1280 px), a pan across the portrait, drifting 1/f noise and
   moving shapes on a gradient ("natural-ish" content), each as it is and after all
   attacks together: the false-positive rate is the share read as marked.
3. Cost: PSNR of marked against unmarked frames before encoding; milliseconds per
   1280x720 frame to embed, for a whole frame and for a talking head's frames (only
   the renderer's dirty rectangle); seconds to detect, per video.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np

from persona.types import Frame
from persona.watermark import detect_video, payload_for
from persona.watermark.attacks import ATTACKS, Attack, attack, clip_frames, render_clip
from persona.watermark.embed import Watermarker
from persona.watermark.label import AiLabel

PORTRAIT = Path(__file__).resolve().parents[1] / "src" / "persona" / "assets" / "astronaut.jpg"
TEMPLATES = ("maya", "arjun", "priya", "kwame", "mei", "hiro", "walter", "zara")
OTHER_TEMPLATES = ("amara", "fatima", "harpreet", "rosa", "leo", "sam", "nina", "omar",
                   "lars", "siobhan", "chidi", "ama")  # fmt: skip
SECONDS = 6.0


def marked_videos(folder: Path, quick: bool) -> list[tuple[str, Path, int]]:
    """(name, path, payload) of every marked video."""
    videos: list[tuple[str, Path, int]] = []
    sources = [(f"template:{t}", (448, 448)) for t in TEMPLATES[: 3 if quick else None]]
    sources += [(str(PORTRAIT), (480, 480)), ("template:maya", (1280, 720))]
    for k, (avatar, size) in enumerate(sources):
        payload = payload_for(f"bench-{k}")
        name = f"{Path(avatar).stem.replace('template:', '')}@{size[0]}x{size[1]}"
        path = folder / f"marked-{k}.mp4"
        render_clip(avatar, path, size, SECONDS, [AiLabel(), Watermarker(payload)], seed=k)
        videos.append((name, path, payload))
    if not quick:
        videos.append(pipeline_video(folder))
    return videos


def pipeline_video(folder: Path) -> tuple[str, Path, int]:
    from persona.pipeline import render_video
    from persona.types import RenderOptions, VideoSpec

    text = (
        "Welcome back. Today we look at how a studio can mark every video it makes, "
        "so that anyone can tell later where it came from."
    )
    options = RenderOptions(video=VideoSpec(1280, 720, 25))
    result = render_video(text, "template:hiro", folder / "pipeline.mp4", options)
    return ("render_video hiro@1280x720", result.path, payload_for(result.video_id))


def unmarked_videos(folder: Path, quick: bool) -> list[tuple[str, Path]]:
    """Templates (those not marked above at several sizes, those marked above at the
    same size), the portrait at three sizes, and natural-ish content."""
    sizes = [(256, 256), (384, 384), (480, 480), (640, 360), (720, 1280), (1280, 720)]
    sources = [
        (f"template:{name}", sizes[k % len(sizes)])
        for k, name in enumerate(OTHER_TEMPLATES[: 4 if quick else None])
    ]
    sources += [(f"template:{name}", (448, 448)) for name in TEMPLATES[: 0 if quick else 4]]
    sources += [(str(PORTRAIT), size) for size in ((256, 256), (480, 480), (1280, 720))]
    videos: list[tuple[str, Path]] = []
    for k, (avatar, size) in enumerate(sources):
        name = f"{Path(avatar).stem.replace('template:', '')}@{size[0]}x{size[1]}"
        path = render_clip(avatar, folder / f"plain-{k}.mp4", size, 4.0, [AiLabel()], k)
        videos.append((name, path))
    for name, frames in natural_sources():
        videos.append((name, write_frames(folder / f"natural-{name}.mp4", frames)))
    return videos


def natural_sources() -> list[tuple[str, Callable[[], Iterator[np.ndarray]]]]:
    """Content unlike an avatar: a pan over a photo, drifting 1/f noise, shapes."""

    def pan() -> Iterator[np.ndarray]:
        photo = cv2.resize(cv2.imread(str(PORTRAIT)), (1100, 1100))
        for k in range(100):
            yield np.ascontiguousarray(
                photo[100 + k : 100 + k + 480, 50 + 3 * k : 50 + 3 * k + 640]
            )

    def pink() -> Iterator[np.ndarray]:
        rng = np.random.default_rng(7)
        f = np.hypot(*np.meshgrid(np.fft.fftfreq(512), np.fft.fftfreq(512))) + 1e-3
        field = np.real(np.fft.ifft2(np.fft.fft2(rng.normal(size=(512, 512))) / f))
        field = (field - field.min()) / np.ptp(field) * 200 + 20
        for k in range(100):
            shifted = np.roll(field, (k, 2 * k), axis=(0, 1)).astype(np.uint8)
            yield cv2.cvtColor(shifted[:384, :512], cv2.COLOR_GRAY2BGR)

    def shapes() -> Iterator[np.ndarray]:
        ramp = np.linspace(30, 220, 640, dtype=np.float32)[None, :, None]
        base = np.broadcast_to(ramp, (360, 640, 3)).astype(np.uint8)
        for k in range(100):
            frame = base.copy()
            cv2.circle(frame, (100 + 4 * k, 180), 60, (40, 160, 220), -1)
            cv2.rectangle(frame, (400, 40 + k), (560, 140 + k), (200, 60, 90), -1)
            yield frame

    return [("pan-photo@640x480", pan), ("pink-noise@512x384", pink), ("shapes@640x360", shapes)]


def write_frames(path: Path, frames: Callable[[], Iterator[np.ndarray]]) -> Path:
    from persona.media import VideoWriter
    from persona.types import VideoSpec

    pictures = list(frames())
    h, w = pictures[0].shape[:2]
    silence = np.zeros(16000 * len(pictures) // 25, np.float32)
    with VideoWriter(path, VideoSpec(w, h, 25), silence, 16000) as writer:
        for picture in pictures:
            writer.write(Frame(picture))
    return path


def robustness(marked: list[tuple[str, Path, int]], folder: Path) -> dict[str, list[float]]:
    print("\n1. Marked videos after each attack: found / payload right (of", len(marked), ")")
    print(f"{'attack':<14}{'found':>8}{'right':>8}{'mean score':>12}{'detect s':>10}")
    times: list[float] = []
    for how in ATTACKS:
        found = right = 0
        scores = []
        for k, (_, path, payload) in enumerate(marked):
            target = (
                path if how.name == "none" else attack(path, folder / f"a-{k}-{how.name}.mp4", how)
            )
            t = time.perf_counter()
            reading = detect_video(target)
            times.append(time.perf_counter() - t)
            found += reading.found
            right += reading.payload == payload
            scores.append(reading.score)
        n = len(marked)
        mean_s = statistics.mean(times[-n:])
        row = f"{how.name:<14}{found / n:>8.0%}{right / n:>8.0%}"
        print(f"{row}{statistics.mean(scores):>12.1f}{mean_s:>10.2f}")
    return {"detect": times}


def false_positives(unmarked: list[tuple[str, Path]], folder: Path) -> None:
    combined = next(a for a in ATTACKS if a.name == "combined")
    readings = []
    for k, (name, path) in enumerate(unmarked):
        for how in (Attack("none"), combined):
            target = path if how.name == "none" else attack(path, folder / f"u-{k}.mp4", how)
            reading = detect_video(target)
            readings.append((name, how.name, reading))
    positives = [r for r in readings if r[2].found]
    scores = [r[2].score for r in readings]
    n, rate = len(readings), len(positives) / len(readings)
    print(f"\n2. Unmarked: {len(unmarked)} videos, {n} readings (as is + combined attack)")
    print(f"false positives {len(positives)} / {n} = {rate:.1%}")
    print(f"score mean {statistics.mean(scores):.2f}, max {max(scores):.2f}")
    print("(found: a score >= 7, or >= 5 with a payload that passes its CRC)")
    for name, how, reading in positives:
        print(f"   positive: {name} ({how}) score {reading.score:.2f} payload {reading.payload}")


def cost() -> None:
    print("\n3. Cost")
    print("ms per frame to embed: a whole frame / a talking head's frame (dirty rectangle)")
    print(f"{'content':<26}{'PSNR dB':>9}{'whole ms':>10}{'talking ms':>12}")
    for avatar, size in (("template:maya", (1280, 720)), (str(PORTRAIT), (1280, 720)),
                         ("template:zara", (448, 448)), (str(PORTRAIT), (480, 480))):  # fmt: skip
        frames = [Frame(f.image.copy(), f.dirty) for f in clip_frames(avatar, size, 50)]
        psnr, whole, talking = _cost(frames)
        name = f"{Path(avatar).stem.replace('template:', '')}@{size[0]}x{size[1]}"
        print(f"{name:<26}{psnr:>9.1f}{whole * 1000:>10.2f}{talking * 1000:>12.2f}")


def _cost(frames: list[Frame]) -> tuple[float, float, float]:
    """The lowest PSNR of the first ten frames; seconds per frame for whole frames
    and for frames with the renderer's dirty rectangles (each frame's fastest of
    :data:`REPEATS` tries: the machine may be busy with other work)."""
    mark = Watermarker(payload_for("psnr"))
    psnr = []
    for k, f in enumerate(frames[:10]):
        out = mark.apply(Frame(f.image, None), k).image
        psnr.append(10 * np.log10(255**2 / np.mean((out.astype(np.float64) - f.image) ** 2)))
    whole = [
        _fastest(lambda f=f, k=k: mark.apply(Frame(f.image, None), k)) for k, f in enumerate(frames)
    ]
    talking = []
    for k in range(1, len(frames)):
        tries = []
        for _ in range(REPEATS):
            marker = Watermarker(payload_for("cost"))
            marker.apply(Frame(frames[k - 1].image, None), k - 1)
            t = time.perf_counter()
            marker.apply(frames[k], k)
            tries.append(time.perf_counter() - t)
        talking.append(min(tries))
    return min(psnr), statistics.mean(whole), statistics.mean(talking)


REPEATS = 5


def _fastest(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer videos")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: 1,2,3")
    args = parser.parse_args(argv)
    skip = set(args.skip.split(","))
    with tempfile.TemporaryDirectory(prefix="persona-watermark-") as tmp:
        folder = Path(tmp)
        if "1" not in skip:
            t = time.perf_counter()
            marked = marked_videos(folder, args.quick)
            print(f"made {len(marked)} marked videos in {time.perf_counter() - t:.0f} s:",
                  ", ".join(name for name, _, _ in marked))  # fmt: skip
            robustness(marked, folder)
        if "2" not in skip:
            false_positives(unmarked_videos(folder, args.quick), folder)
        if "3" not in skip:
            cost()
    return 0


if __name__ == "__main__":
    sys.exit(main())
