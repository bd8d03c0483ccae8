"""A still of a finished video for the studio's job lists: one JPEG frame, 320 px wide.

The frame is the one at :data:`FRAME_AT_S` (past the first blink and the fade-in of a
talking head), or the middle frame of a video shorter than twice that. A video task adds
the file to its outputs as ``thumbnail.jpg`` (:func:`thumbnail_output`); a thumbnail that
cannot be made never fails the job, it is only missing.

:func:`preview_size` is the frame size of a quick preview render: the requested size
scaled down to fit :data:`PREVIEW_MAX_PX`, but never below the encoder's shortest side
(:data:`persona.media.formats.MIN_SIDE`), even sides as the encoders need.
"""

from __future__ import annotations

import logging
from pathlib import Path

from persona.errors import PersonaError

THUMBNAIL_NAME = "thumbnail.jpg"
THUMBNAIL_KIND = "thumbnail"
THUMBNAIL_WIDTH = 320
JPEG_QUALITY = 82
FRAME_AT_S = 1.0
PREVIEW_MAX_PX = 360
log = logging.getLogger(__name__)


def thumbnail_frame_index(n_frames: int, fps: float) -> int:
    """Which frame to show: ~1 s in, or the middle of a short video."""
    if n_frames <= 0:
        return 0
    at = round(FRAME_AT_S * fps)
    return at if n_frames > 2 * at else n_frames // 2


def make_thumbnail(video: Path, output: Path, n_frames: int, fps: float) -> Path:
    """Write the chosen frame of ``video`` to ``output`` as a 320 px wide JPEG."""
    import cv2

    from persona.media.probe import read_video_frames

    wanted = thumbnail_frame_index(n_frames, fps)
    frame = None
    for index, image in enumerate(read_video_frames(video)):
        frame = image
        if index >= wanted:
            break
    if frame is None:
        raise PersonaError(f"{video} has no frames to take a thumbnail from")
    height, width = frame.shape[:2]
    size = (THUMBNAIL_WIDTH, max(2, round(height * THUMBNAIL_WIDTH / width)))
    small = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
    if not cv2.imwrite(str(output), small, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]):
        raise PersonaError(f"cannot write the thumbnail {output}")
    return output


def thumbnail_output(video: Path, n_frames: int, fps: float) -> Path | None:
    """The thumbnail beside ``video``, or None (logged) when it cannot be made."""
    try:
        return make_thumbnail(video, video.with_name(THUMBNAIL_NAME), n_frames, fps)
    except (PersonaError, OSError, ValueError) as exc:
        log.warning("no thumbnail for %s: %s", video.name, exc)
        return None


def preview_size(width: int, height: int) -> tuple[int, int]:
    """``width`` × ``height`` scaled to fit :data:`PREVIEW_MAX_PX` (never enlarged), the
    short side kept at :data:`~persona.media.formats.MIN_SIDE` or more: 1280×720 → 456×256."""
    from persona.media.formats import MIN_SIDE

    scale = min(1.0, PREVIEW_MAX_PX / max(width, height))
    if min(width, height) * scale < MIN_SIDE:
        scale = min(1.0, MIN_SIDE / min(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)
