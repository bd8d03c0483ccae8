"""MediaPipe's legacy solutions, shared by the face and person models.

One import guard with a message that says what to install, a way to silence the C++ logging
MediaPipe writes straight to file descriptor 2, and the image shrinking both models use.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from persona.errors import DependencyError


def solutions() -> Any:
    """The ``mediapipe.python.solutions`` package (models ship inside the wheel)."""
    try:
        from mediapipe.python import solutions as found
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DependencyError(
            "MediaPipe is not installed: pip install 'mediapipe==0.10.21'"
        ) from exc
    return found


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence MediaPipe's C++ logging for the duration of the block."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def shrink(image: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """``image`` scaled down so its long side is at most ``side``, and the scale used."""
    import cv2

    scale = min(1.0, side / max(image.shape[:2]))
    if scale == 1.0:
        return image, 1.0
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale
