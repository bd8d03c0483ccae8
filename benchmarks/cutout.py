"""Drawing avatars over transparency: ms per frame of ``render`` vs ``render_bgra``.

The talking photo (the bundled portrait) and one illustrated template each render the same
frames (the mouth through every viseme, blinks, head turns; see ``creator.py``), first
opaque with :meth:`render`, then premultiplied BGRA with :meth:`render_bgra`. The photo's
first ``render_bgra`` call finds the person's matte; it is timed on its own ("setup")
and left out of the per-frame figures. Wall-clock mean and 95th percentile, and the mean
CPU time of the rendering thread. The two calls alternate frame by frame, so both see
the same load when other processes share the cores.

    .venv/bin/python benchmarks/cutout.py [--frames N] [--size 1280x720] [--template NAME]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from creator import states  # the sibling benchmark's frame sequence
from persona.avatar.base import CutoutAvatar
from persona.avatar.creator.draw import CreatorAvatar
from persona.avatar.creator.templates import get_template, templates
from persona.avatar.photo import PhotoAvatar
from persona.types import FaceState

PORTRAIT = Path(__file__).resolve().parents[1] / "src" / "persona" / "assets" / "astronaut.jpg"


def summary(ms: list[float], cpu_ms: float) -> tuple[float, float, float]:
    wall = np.array(ms)
    return float(wall.mean()), float(np.percentile(wall, 95)), cpu_ms / len(ms)


def row(name: str, avatar: CutoutAvatar, frames: list[FaceState]) -> str:
    avatar.render(FaceState.rest())
    t = time.perf_counter()
    avatar.render_bgra(FaceState.rest())
    setup = (time.perf_counter() - t) * 1000
    # Frame by frame, one call of each, so both see the same load on shared cores.
    wall: dict[str, list[float]] = {"render": [], "bgra": []}
    cpu = {"render": 0.0, "bgra": 0.0}
    draws: dict[str, Callable[[FaceState], object]] = {
        "render": avatar.render,
        "bgra": avatar.render_bgra,
    }
    for state in frames:
        for key, draw in draws.items():
            c, t = time.thread_time(), time.perf_counter()
            draw(state)
            wall[key].append((time.perf_counter() - t) * 1000)
            cpu[key] += (time.thread_time() - c) * 1000
    plain = summary(wall["render"], cpu["render"])
    bgra = summary(wall["bgra"], cpu["bgra"])
    cells = " | ".join(f"{v:.2f}" for v in (*plain, *bgra))
    return f"| {name} | {cells} | {bgra[0] / plain[0]:.2f}× | {setup:.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--template", default=None, help="illustrated template (default: first)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    frames = states(args.frames)
    spec = (get_template(args.template) if args.template else templates()[0]).spec
    print(f"{width}×{height}, ms per frame; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")  # fmt: skip
    print("| avatar | render mean | p95 | CPU | render_bgra mean | p95 | CPU | ratio | setup ms |")
    print("|---" * 9 + "|")
    photo = PhotoAvatar.from_path(PORTRAIT, width, height)
    print(row("photo (astronaut)", photo, frames))
    print(row(f"creator ({spec.name})", CreatorAvatar(spec, width, height), frames))


if __name__ == "__main__":
    main()
