"""What signing and checking a video's provenance costs, by video size and length.

    .venv/bin/python benchmarks/provenance.py           # 720p and 1080p, 10 s and 60 s
    .venv/bin/python benchmarks/provenance.py --quick   # 720p, 10 s only

Each clip is encoded once (a moving gradient and a tone, x264 ultrafast, AAC), then
signed with :func:`persona.provenance.write_provenance` (content hash, metadata tag by
stream copy, C2PA manifest, sidecar) and checked with
:func:`persona.provenance.verify_video` (both hashes, three signatures, C2PA with the
local root, the invisible-watermark detector over the decoded frames; "of it, mark" is
the detector alone, timed again). The key lives in a
temporary data folder; the first signing also makes it, and is not timed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}


def encode(path: Path, size: tuple[int, int], seconds: int) -> None:
    from persona.media import VideoWriter
    from persona.types import Frame, VideoSpec

    w, h = size
    fps, rate = 25, 16000
    audio = (0.1 * np.sin(np.arange(seconds * rate) * 0.05)).astype(np.float32)
    ramp = np.linspace(0, 200, w, dtype=np.float32)
    with VideoWriter(path, VideoSpec(w, h, fps, preset="ultrafast"), audio, rate) as writer:
        for k in range(seconds * fps):
            row = np.clip(ramp + (k % 50), 0, 255).astype(np.uint8)
            writer.write(Frame(np.broadcast_to(row[None, :, None], (h, w, 3)).copy()))


def measure(folder: Path, name: str, seconds: int) -> tuple[str, float, float, float, float, str]:
    from persona.provenance import verify_video, write_provenance
    from persona.watermark import detect_video

    video = folder / f"{name}-{seconds}s.mp4"
    encode(video, SIZES[name], seconds)
    t = time.perf_counter()
    result = write_provenance(video)
    signed = time.perf_counter() - t
    t = time.perf_counter()
    report = verify_video(video)
    checked = time.perf_counter() - t
    t = time.perf_counter()
    detect_video(video)
    mark = time.perf_counter() - t
    mib = video.stat().st_size / 2**20
    status = report.verdict + (", C2PA" if result.c2pa else ", no C2PA")
    return f"{name} {seconds:>2} s", mib, signed, checked, mark, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="720p, 10 s only")
    args = parser.parse_args()
    cases = [("720p", 10)] if args.quick else [(n, s) for n in SIZES for s in (10, 60)]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PERSONA_DATA_DIR"] = str(Path(tmp) / "data")
        from persona.provenance.keys import signing_key

        signing_key()  # made once, not timed
        print(f"{'clip':<12}{'MiB':>7}{'sign s':>9}{'verify s':>10}{'of it, mark':>13}  result")
        for name, seconds in cases:
            clip, mib, signed, checked, mark, status = measure(Path(tmp), name, seconds)
            print(f"{clip:<12}{mib:>7.1f}{signed:>9.2f}{checked:>10.2f}{mark:>13.2f}  {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
