"""What the provenance tests share: the script of the signed video, and plain videos."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from persona.media import VideoWriter
from persona.types import Frame, VideoSpec

TEXT = "Hello there, this is a test."
AVATAR = "template:maya"


@dataclass(frozen=True)
class Rendered:
    video: Path
    sidecar: Path
    data_dir: Path


def encode_plain(path: Path, n: int = 10) -> Path:
    """``n`` frames of a moving gradient with a quiet tone, no provenance."""
    spec = VideoSpec(256, 256, 10, preset="ultrafast", container=path.suffix.lstrip("."))
    rate = 16000
    audio = (0.1 * np.sin(np.arange(n * rate // 10) * 0.05)).astype(np.float32)
    ramp = np.linspace(0, 255, 256, dtype=np.float32)
    with VideoWriter(path, spec, audio, rate) as writer:
        for k in range(n):
            pixels = np.clip(ramp[None, :, None] + 10 * k, 0, 255).astype(np.uint8)
            writer.write(Frame(np.repeat(np.repeat(pixels, 256, axis=0), 3, axis=2)))
    return path
