"""Finding the invisible watermark in frames or a video file, and reading its payload.

    frames ─mean luma→ picture ─for each scale: resize to the canonical scale,
        high-pass, fold into one tile→ folded ─phase correlation with the sync→ peak
    best peak ─shift the folded tile back→ 80 soft symbols ─CRC (+ Chase)→ payload

* **Many frames.** The mark is the same in every frame while the picture moves, so the
  mean of the frames' luma keeps all of the mark and less of the picture.
* **Scale.** The tile is :data:`~persona.watermark.pattern.TILE` pixels at the size
  the video was made; a video shrunk since (a 50 % downscale, a 1080p upload shown at
  720p) is brought back by trying each of :data:`SCALES`.
* **Crop.** Folding (summing all ``TILE`` × ``TILE`` blocks) keeps the periodic mark
  and averages the picture away; a crop only moves the tile, and the peak of the phase
  correlation with the sync pattern says by how much.
* **Verdict.** The peak's height over the correlation's spread (a z-score, ``score``) is
  about 4 on unmarked pictures (the largest of 16384 nearly Gaussian values). A mark is
  ``found`` at :data:`FOUND_SCORE`, or at :data:`WEAK_SCORE` when the payload also
  passes its CRC, which a chance pattern does once in thousands of tries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from persona.watermark.pattern import TILE, layout
from persona.watermark.payload import CODE_BITS, decode_soft

SCALES = (1.0, 0.889, 0.8, 0.75, 0.667, 0.6, 0.5625, 0.5, 0.444, 0.375, 0.333)
"""Sizes, relative to the marked original, that a video is tried at."""
FOUND_SCORE = 7.0
WEAK_SCORE = 5.0
MAX_FRAMES = 150
"""Frames :func:`detect_video` reads (from the start): 6 s at 25 fps."""
HIGHPASS_SIGMA = 8.0
LOCAL_SIGMA = 6.0
CLIP = 2.5
"""Residual values beyond this many local standard deviations are clipped (edges)."""


@dataclass(frozen=True)
class WatermarkReading:
    """What the detector found: ``payload`` is None when no payload passed its CRC.
    ``score`` is the sync peak's z-score; ``scale`` the video's size relative to the
    marked original and ``shift`` the tile's offset (pixels at the original size)."""

    found: bool
    payload: int | None
    score: float
    frames_used: int
    scale: float = 1.0
    shift: tuple[int, int] = (0, 0)

    def matches(self, payload: int) -> bool:
        return self.found and self.payload == payload


@dataclass(frozen=True)
class _Peak:
    score: float
    scale: float
    shift: tuple[int, int]
    folded: np.ndarray


def detect_frames(frames: Iterable[np.ndarray]) -> WatermarkReading:
    """Look for the watermark in ``frames`` (BGR or grayscale uint8 pictures of one
    size); ``frames_used`` counts them."""
    total: np.ndarray | None = None
    count = 0
    for frame in frames:
        luma = _luma(frame)
        if total is None:
            total = np.zeros(luma.shape, dtype=np.float64)
        elif luma.shape != total.shape:
            raise ValueError(f"frames differ in size: {luma.shape} after {total.shape}")
        total += luma
        count += 1
    if total is None:
        return WatermarkReading(False, None, 0.0, 0)
    return read_picture((total / count).astype(np.float32), count)


def detect_video(path: str | Path, max_frames: int = MAX_FRAMES) -> WatermarkReading:
    """Look for the watermark in the first ``max_frames`` frames of the video at
    ``path``. Raises :class:`~persona.errors.InputError` when it cannot be read."""
    import av

    from persona.errors import InputError

    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        raise InputError(f"cannot read video {path}: {exc}") from exc
    with container:
        if not container.streams.video:
            raise InputError(f"cannot read video {path}: it has no video track")
        try:
            frames = (
                f.to_ndarray(format="gray")
                for _, f in zip(range(max_frames), container.decode(video=0), strict=False)
            )
            return detect_frames(frames)
        except (av.FFmpegError, ValueError) as exc:
            raise InputError(f"cannot read video {path}: {exc}") from exc


def read_picture(picture: np.ndarray, frames_used: int = 1) -> WatermarkReading:
    """The reading of one (mean) luma picture, float32."""
    if min(picture.shape) < TILE // 4:
        return WatermarkReading(False, None, 0.0, frames_used)
    peaks = [_peak(picture, s) for s in SCALES]
    best = max(peaks, key=lambda p: p.score)
    payload = decode_soft(soft_symbols(best.folded, best.shift))
    if best.score < FOUND_SCORE and (best.score < WEAK_SCORE or payload is None):
        return WatermarkReading(False, None, best.score, frames_used, best.scale, best.shift)
    return WatermarkReading(True, payload, best.score, frames_used, best.scale, best.shift)


def soft_symbols(folded: np.ndarray, shift: tuple[int, int]) -> np.ndarray:
    """One soft value per code symbol: the folded tile, moved back by ``shift``,
    correlated (phase only) with each symbol's bins."""
    lay = layout()
    spectrum = _phase_only(np.fft.rfft2(np.roll(folded, (-shift[0], -shift[1]), axis=(0, 1))))
    turned = spectrum * np.conj(lay.phases) * lay.weight
    agreement = np.stack([turned.real, turned.imag])
    data = lay.symbol >= 0
    return np.bincount(lay.symbol[data], weights=agreement[data], minlength=CODE_BITS)


def _peak(picture: np.ndarray, scale: float) -> _Peak:
    h, w = picture.shape
    size = (max(TILE // 4, round(w / scale)), max(TILE // 4, round(h / scale)))
    interpolation = cv2.INTER_CUBIC if scale < 1 else cv2.INTER_AREA
    canonical = cv2.resize(picture, size, interpolation=interpolation)
    folded = fold(whiten(canonical))
    lay = layout()
    spectrum = _phase_only(np.fft.rfft2(folded)) * np.conj(lay.phases) * lay.sync
    surface = np.fft.irfft2(spectrum, s=(TILE, TILE))
    at = np.unravel_index(int(np.argmax(surface)), surface.shape)
    spread = float(surface.std())
    score = float((surface[at] - surface.mean()) / spread) if spread > 0 else 0.0
    return _Peak(score, scale, (int(at[0]), int(at[1])), folded)


def whiten(picture: np.ndarray) -> np.ndarray:
    """The picture less its broad shading, divided by its local spread (busy texture
    is mostly picture, not mark), with what still stands out clipped."""
    residual = picture - cv2.GaussianBlur(picture, (0, 0), HIGHPASS_SIGMA)
    spread = np.sqrt(cv2.GaussianBlur(residual * residual, (0, 0), LOCAL_SIGMA))
    floor = float(np.median(spread)) + 1e-3
    return np.clip(residual / np.maximum(spread, floor), -CLIP, CLIP)


def fold(picture: np.ndarray) -> np.ndarray:
    """The mean of ``picture``'s ``TILE`` × ``TILE`` blocks, partial blocks included."""
    h, w = picture.shape
    ph, pw = -(-h // TILE) * TILE, -(-w // TILE) * TILE
    padded = np.zeros((ph, pw), dtype=np.float64)
    padded[:h, :w] = picture
    counts = np.zeros((ph, pw), dtype=np.float64)
    counts[:h, :w] = 1.0
    total = padded.reshape(ph // TILE, TILE, pw // TILE, TILE).sum(axis=(0, 2))
    n = counts.reshape(ph // TILE, TILE, pw // TILE, TILE).sum(axis=(0, 2))
    return total / np.maximum(n, 1.0)


def _phase_only(spectrum: np.ndarray) -> np.ndarray:
    return spectrum / (np.abs(spectrum) + 1e-9)


def _luma(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return frame.astype(np.float32)
