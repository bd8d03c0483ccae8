"""Illustrated avatars: milliseconds per frame for every template, at 512² and 720p.

Each template renders the same 150 frames (6 s at 25 fps): the mouth glides through every
viseme, the eyes blink, the head turns, nods and tilts within the motion module's
limits, and the body breathes. Times cover :meth:`CreatorAvatar.render` only (drawing
plus the BGR conversion of the dirty rectangle), after one warm-up frame: wall-clock mean
and 95th percentile, and the mean CPU time of the rendering thread (steadier than wall
time when other processes share the cores).

    .venv/bin/python benchmarks/creator.py [--frames N] [--sizes 512x512,1280x720]
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np

from persona.avatar.creator.draw import CreatorAvatar
from persona.avatar.creator.templates import templates
from persona.lipsync.visemes import target_matrix
from persona.types import FaceState


def states(n: int) -> list[FaceState]:
    targets = target_matrix()
    out = []
    for k in range(n):
        a, t = divmod(k / 3.0, 1.0)  # a new viseme every 3 frames, blended in between
        i = int(a) % len(targets)
        mouth = (1 - t) * targets[i] + t * targets[(i + 1) % len(targets)]
        blink = max(0.0, 1.0 - abs(k % 60 - 30) / 3.0)  # a blink every 2.4 s
        s = 2 * math.pi * k / 25
        head = (3 * math.sin(0.3 * s), 2 * math.sin(0.5 * s), 1.5 * math.sin(0.2 * s), 0.0, 0.0)
        out.append(FaceState(mouth=tuple(float(v) for v in mouth), blink=blink, head=head,
                             brow=0.5 + 0.5 * math.sin(0.7 * s), frame=k))  # fmt: skip
    return out


def measure(avatar: CreatorAvatar, frames: list[FaceState]) -> tuple[float, float, float, float]:
    """Wall ms per frame (mean, p95), CPU ms per frame (mean), mean dirty share."""
    avatar.render(FaceState.rest())
    times, shares = [], []
    area = avatar.width * avatar.height
    cpu = time.thread_time()
    for state in frames:
        t = time.perf_counter()
        frame = avatar.render(state)
        times.append((time.perf_counter() - t) * 1000)
        d = frame.dirty
        shares.append(1.0 if d is None else d.w * d.h / area)
    cpu_ms = (time.thread_time() - cpu) * 1000 / len(frames)
    wall = np.array(times)
    return float(wall.mean()), float(np.percentile(wall, 95)), cpu_ms, float(np.mean(shares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--sizes", default="512x512,1280x720")
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    frames = states(args.frames)
    cols = " | ".join(f"{w}×{h} mean | p95 | CPU | dirty" for w, h in sizes)
    print(f"ms per frame; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"| template | {cols} |")
    print("|---" * (1 + 4 * len(sizes)) + "|")
    totals: list[list[tuple[float, float, float]]] = [[] for _ in sizes]
    for t in templates():
        cells = []
        for k, (w, h) in enumerate(sizes):
            mean, p95, cpu, share = measure(CreatorAvatar(t.spec, w, h), frames)
            totals[k].append((mean, p95, cpu))
            cells.append(f"{mean:.2f} | {p95:.2f} | {cpu:.2f} | {share:.0%}")
        print(f"| {t.name} | " + " | ".join(cells) + " |")
    summary = []
    for rows in totals:
        m = np.array(rows)
        summary.append(f"{m[:, 0].mean():.2f} | {m[:, 1].mean():.2f} | {m[:, 2].mean():.2f} | ")
    print("| **mean of all** | " + " | ".join(summary))


if __name__ == "__main__":
    main()
