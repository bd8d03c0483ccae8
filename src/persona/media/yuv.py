"""BGR frames → one persistent I420 (yuv420p) picture, converting only what changed.

Encoders want planar YUV 4:2:0. Letting the encoder's software scaler convert BGR costs
about a fifth of the encode time, and a talking head changes only a small part of each
frame, so :class:`I420Canvas` keeps the previous picture and converts just the frame's
dirty rectangle with OpenCV (BT.601, limited range; chroma of each 2×2 block is computed
from that block alone, so a region aligned to even coordinates converts exactly as it
would inside the whole frame).

The I420 layout is one ``uint8`` array of shape ``(height * 3 // 2, width)``: ``height``
rows of Y, then the U plane (``height/2 × width/2``) and the V plane, each stored
row-major in the remaining ``height // 2`` rows.
"""

from __future__ import annotations

import cv2
import numpy as np

from persona.errors import EncodeError
from persona.types import Frame, Rect


def even_rect(rect: Rect, width: int, height: int) -> Rect:
    """Clip ``rect`` to the frame and grow it outward to even coordinates and sizes.

    The result may be empty (``w == 0`` or ``h == 0``) when ``rect`` lies outside the frame.
    """
    x0 = max(0, min(rect.x, width))
    y0 = max(0, min(rect.y, height))
    x1 = max(x0, min(rect.x + rect.w, width))
    y1 = max(y0, min(rect.y + rect.h, height))
    x0 -= x0 % 2
    y0 -= y0 % 2
    x1 += x1 % 2
    y1 += y1 % 2
    return Rect(x0, y0, x1 - x0, y1 - y0)


def bgr_to_i420(image: np.ndarray) -> np.ndarray:
    """Convert a whole BGR image (even width and height) to a new I420 array."""
    return cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420)


def i420_to_bgr(i420: np.ndarray) -> np.ndarray:
    """Inverse of :func:`bgr_to_i420` (BT.601, limited range)."""
    return cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420)


class I420Canvas:
    """The current picture in I420, updated frame by frame.

    The first frame is always converted whole; later frames only inside ``frame.dirty``
    (everything when ``dirty`` is ``None``). :attr:`buffer` is reused: copy it to keep it.
    """

    def __init__(self, width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"I420 needs even sizes, got {width}×{height}")
        self.width = width
        self.height = height
        self.buffer = np.zeros((height * 3 // 2, width), np.uint8)
        self._has_picture = False
        quarter = (height // 2) * (width // 2)
        flat = self.buffer.reshape(-1)
        plane_y = width * height
        self._y = self.buffer[:height]
        self._u = flat[plane_y : plane_y + quarter].reshape(height // 2, width // 2)
        self._v = flat[plane_y + quarter :].reshape(height // 2, width // 2)

    def update(self, frame: Frame) -> np.ndarray:
        """Bring the picture up to date with ``frame`` and return :attr:`buffer`."""
        image = frame.image
        if image.shape != (self.height, self.width, 3) or image.dtype != np.uint8:
            raise EncodeError(
                f"frame of shape {image.shape} ({image.dtype}) does not match the video "
                f"size {self.width}×{self.height} (BGR uint8 expected)"
            )
        if frame.dirty is None or not self._has_picture:
            cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420, dst=self.buffer)
            self._has_picture = True
        else:
            self._convert_region(image, even_rect(frame.dirty, self.width, self.height))
        return self.buffer

    def _convert_region(self, image: np.ndarray, r: Rect) -> None:
        if r.w == 0 or r.h == 0:
            return
        part = cv2.cvtColor(image[r.y : r.y + r.h, r.x : r.x + r.w], cv2.COLOR_BGR2YUV_I420)
        flat = part.reshape(-1)
        n_y, n_c = r.w * r.h, (r.w // 2) * (r.h // 2)
        cy, cx, ch, cw = r.y // 2, r.x // 2, r.h // 2, r.w // 2
        self._y[r.y : r.y + r.h, r.x : r.x + r.w] = part[: r.h]
        self._u[cy : cy + ch, cx : cx + cw] = flat[n_y : n_y + n_c].reshape(ch, cw)
        self._v[cy : cy + ch, cx : cx + cw] = flat[n_y + n_c :].reshape(ch, cw)


class RawFrameRecorder:
    """A frame sink that keeps every frame as an I420 array in memory.

    It converts exactly as :class:`~persona.media.encode.VideoWriter` does (dirty regions
    only), so rendering into it and then passing :attr:`frames` to
    :func:`~persona.media.encode.encode_i420_frames` separates render time from encode
    time. Memory grows with the video: for measurements on short clips only.
    """

    def __init__(self, width: int, height: int) -> None:
        self._canvas = I420Canvas(width, height)
        self.frames: list[np.ndarray] = []

    def write(self, frame: Frame) -> None:
        self.frames.append(self._canvas.update(frame).copy())

    def __len__(self) -> int:
        return len(self.frames)
