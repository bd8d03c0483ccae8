"""Captions, measured: how much burning captions in adds per frame, and how long cutting
words into cues takes.

    .venv/bin/python benchmarks/captions.py              # 1920x1080 and 720x1280
    .venv/bin/python benchmarks/captions.py --frames 500 # longer runs

The burn filter runs over a synthetic 30 s talk at 25 fps (about 2.5 words a second,
sentences with pauses) on a photo-like frame. Four cases:

* ``head moves``: the renderer changes a head-sized rectangle each frame (a photo
  avatar), captions as plain white text;
* ``head moves + highlight``: the same with the spoken word highlighted;
* ``whole frame``: the renderer reports no dirty rectangle (a video avatar), so the
  caption is blended again on every frame;
* ``no cue``: only silence, for the cost of passing frames through.

Per case: mean and 95th-percentile milliseconds per frame, the share of frames whose
caption picture had to be drawn (cue or word changes), and the mean dirty area handed
to the encoder (% of the frame). Segmentation is timed on 500 to 4000 words.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from persona.compose.caption_burn import CaptionBurner
from persona.compose.caption_style import CaptionStyle
from persona.compose.captions import CaptionSettings, CaptionWord, segment_captions
from persona.types import Frame, Rect

TEXT = (
    "Persona Studio turns a script and a single portrait photo into a talking video. "
    "It runs on an ordinary computer, without a network connection, and it keeps every "
    "file on your own disk. The voices come in many languages, and the lips follow the "
    "sounds of each word. You can add music, captions and titles before you share it."
)


def talk(seconds: float, words_per_s: float = 2.5) -> list[CaptionWord]:
    """Words of :data:`TEXT`, repeated, at a steady pace with pauses after sentences."""
    out: list[CaptionWord] = []
    t, step = 200, round(1000 / words_per_s)
    tokens = TEXT.split()
    while t < seconds * 1000:
        word = tokens[len(out) % len(tokens)]
        out.append(CaptionWord(word, t, t + step - 40))
        t += step + (500 if word.endswith(".") else 0)
    return out


def frame_like(width: int, height: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    ramp = np.linspace(60, 190, width, dtype=np.float32)[None, :, None]
    image = np.repeat(np.repeat(ramp, height, 0), 3, 2)
    return np.clip(image + rng.normal(0, 12, image.shape), 0, 255).astype(np.uint8)


def run_case(
    width: int, height: int, frames: int, style: CaptionStyle, dirty: str
) -> tuple[float, float, float, float]:
    """(mean ms, p95 ms, % frames drawn, mean dirty %) for one case."""
    settings = CaptionSettings.for_frame(width, height, 25)
    words = talk(frames / 25) if dirty != "none" else talk(60)[:0]
    burner = CaptionBurner(segment_captions(words, settings), 25, style)
    base = frame_like(width, height)
    head = Rect(width // 3, height // 8, width // 3, height // 2)
    times, areas = [], []
    for k in range(frames):
        frame = Frame(base, dirty=None if dirty == "whole" else head)
        t = time.perf_counter()
        out = burner.apply(frame, k)
        times.append((time.perf_counter() - t) * 1000)
        d = out.dirty
        areas.append(100.0 if d is None else 100 * d.w * d.h / (width * height))
    times = times[1:]  # the first frame is always copied whole
    drawn = 100 * (burner.pictures.drawn if burner.pictures else 0) / frames
    return float(np.mean(times)), float(np.percentile(times, 95)), drawn, float(np.mean(areas))


def segmentation_table() -> None:
    print("\nsegmentation (CaptionSettings defaults)")
    print(f"{'words':>7} {'cues':>6} {'seconds':>8}")
    for n in (500, 1000, 2000, 4000):
        words = talk(10_000)[:n]
        t = time.perf_counter()
        cues = segment_captions(words)
        print(f"{n:>7} {len(cues):>6} {time.perf_counter() - t:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=250, help="frames per case (default 250)")
    args = parser.parse_args()
    plain, lit = CaptionStyle(), CaptionStyle(highlight="#ffd400")
    cases = (
        ("head moves", plain, "head"),
        ("head moves + highlight", lit, "head"),
        ("whole frame", plain, "whole"),
        ("whole frame + highlight", lit, "whole"),
        ("no cue", plain, "none"),
    )
    print("burned-in captions, ms per frame (the filter alone)")
    print(f"{'size':>10} {'case':<24} {'mean':>6} {'p95':>6} {'drawn %':>8} {'dirty %':>8}")
    for width, height in ((1920, 1080), (720, 1280)):
        for name, style, dirty in cases:
            mean, p95, drawn, area = run_case(width, height, args.frames, style, dirty)
            size = f"{width}x{height}"
            print(f"{size:>10} {name:<24} {mean:>6.2f} {p95:>6.2f} {drawn:>8.1f} {area:>8.1f}")
    segmentation_table()


if __name__ == "__main__":
    main()
