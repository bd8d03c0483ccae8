"""Opening a talking-head clip: checks first, then upright frames at one steady rate.

Phones record with variable frame timing and store portrait video as landscape frames
plus a rotation tag; cameras record 24 to 60 fps at any size. The trainer wants none of
that variety, so every clip is read as upright frames at :data:`FPS`, scaled to at most
720p (:data:`WORK_SIDE` on the short side), with its audio aligned so that sample 0 is
the first frame. Frame ``k`` shows the source picture nearest to time ``k / FPS``.

Decoding is cheap next to face tracking, so a clip is read twice rather than held in
memory: once for tracking, once for the few frames the avatar keeps.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from persona.errors import AudioError, VideoError

MIN_SECONDS = 15.0
MAX_SECONDS = 120.0
FPS = 25
WORK_SIDE = 720  # the short side of the working frames, at most
MAX_LONG_SIDE = 1280
SILENT_RMS = 1e-4


@dataclass(frozen=True)
class ClipInfo:
    """What the trainer needs to know about a clip before reading its frames."""

    path: Path
    width: int  # upright source size
    height: int
    rotation: int  # degrees clockwise that make the decoded picture upright
    duration_s: float
    source_fps: float
    work_width: int
    work_height: int
    fps: int = FPS

    @property
    def n_frames(self) -> int:
        return int(self.duration_s * self.fps + 1e-6)

    @property
    def scale(self) -> float:
        """Working pixels per source pixel."""
        return self.work_width / self.width


def open_clip(path: str | Path, *, work_side: int = WORK_SIDE, fps: int = FPS) -> ClipInfo:
    """Check that ``path`` is a usable clip and describe it.

    Raises :class:`VideoError` for a missing, unreadable or video-less file and for a
    clip shorter than :data:`MIN_SECONDS` or longer than :data:`MAX_SECONDS`, and
    :class:`AudioError` for a clip without sound.
    """
    path = Path(path)
    if not path.is_file():
        raise VideoError(f"cannot read video {path}: file not found")
    container = _open(path)
    try:
        if not container.streams.video:
            raise VideoError(f"{path.name} has no video track")
        if not container.streams.audio:
            raise AudioError(
                f"{path.name} has no audio track: the avatar learns its mouth shapes from "
                "the person's speech, so record the clip with sound"
            )
        stream = container.streams.video[0]
        first = _first_frame(container, path)
        duration = _duration(container, stream)
        rate = stream.average_rate or stream.guessed_rate
        rotation = upright_turn(display_rotation(stream, first))
    except (av.FFmpegError, ValueError) as exc:
        raise VideoError(f"cannot read video {path.name}: {exc}") from exc
    finally:
        container.close()
    _check_length(path, duration)
    w, h = first.width, first.height
    if rotation in (90, 270):
        w, h = h, w
    scale = min(1.0, work_side / min(w, h), MAX_LONG_SIDE / max(w, h))
    return ClipInfo(
        path=path,
        width=w,
        height=h,
        rotation=rotation,
        duration_s=duration,
        source_fps=float(rate) if rate else 0.0,
        work_width=_even(w * scale),
        work_height=_even(h * scale),
        fps=fps,
    )


def display_rotation(stream: av.VideoStream, frame: av.VideoFrame) -> int:
    """The rotation the clip asks a player to show its pictures with, in FFmpeg's
    convention (counter-clockwise degrees): the display matrix FFmpeg attaches to every
    decoded frame (MP4, MOV and MKV carry one; phones write it), or else the older
    ``rotate`` tag (clockwise degrees) that some files carry in the stream's metadata."""
    matrix = float(getattr(frame, "rotation", 0) or 0)
    if matrix:
        return round(matrix)
    tags = {k.lower(): v for k, v in (stream.metadata or {}).items()}
    try:
        return -round(float(tags.get("rotate", 0)))
    except ValueError:
        return 0


def upright_turn(display_rotation: int) -> int:
    """Clockwise turn (0, 90, 180, 270) that shows a frame upright, given the display
    matrix rotation FFmpeg reports (counter-clockwise degrees, as ``frame.rotation``)."""
    return round(-display_rotation / 90) % 4 * 90


def turn(image: np.ndarray, degrees: int) -> np.ndarray:
    """``image`` turned clockwise by a multiple of 90 degrees."""
    return np.ascontiguousarray(np.rot90(image, k=-(degrees // 90) % 4))


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path))
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise VideoError(
            f"cannot read video {path.name}: not a video file this build can decode ({exc})"
        ) from exc


def _first_frame(container: av.container.InputContainer, path: Path) -> av.VideoFrame:
    for frame in container.decode(video=0):
        return frame
    raise VideoError(f"cannot read video {path.name}: its video track holds no pictures")


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return 0.0


def _check_length(path: Path, seconds: float) -> None:
    if seconds < MIN_SECONDS:
        raise VideoError(
            f"{path.name} is {seconds:.1f} s long; a video avatar needs {MIN_SECONDS:.0f} to "
            f"{MAX_SECONDS:.0f} s of the person talking"
        )
    if seconds > MAX_SECONDS:
        raise VideoError(
            f"{path.name} is {seconds:.0f} s long; use a clip of at most {MAX_SECONDS:.0f} s "
            "(trim it to the best part)"
        )


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)


def iter_frames(
    info: ClipInfo, wanted: Collection[int] | None = None
) -> Iterator[tuple[int, np.ndarray]]:
    """(index, BGR working frame) for every working frame, or only the ``wanted`` ones.

    Each index gets the decoded picture nearest its time, so variable frame timing and
    any source rate map onto :attr:`ClipInfo.fps`. Pictures no index wants are never
    converted.
    """
    n = info.n_frames
    container = _open(info.path)
    try:
        pending: tuple[float, av.VideoFrame] | None = None
        k = 0
        start: float | None = None
        for frame in container.decode(video=0):
            t = float(frame.time) if frame.time is not None else k / info.fps
            start = t if start is None else start
            t -= start
            if pending is not None:
                k = yield from _emit(info, pending[1], k, (pending[0] + t) / 2, wanted)
            pending = (t, frame)
            if k >= n:
                return
        if pending is not None:
            yield from _emit(info, pending[1], k, math.inf, wanted)
    except (av.FFmpegError, ValueError) as exc:
        raise VideoError(f"cannot read video {info.path.name}: {exc}") from exc
    finally:
        container.close()


def _emit(
    info: ClipInfo,
    frame: av.VideoFrame,
    k: int,
    until_s: float,
    wanted: Collection[int] | None,
) -> Generator[tuple[int, np.ndarray], None, int]:
    """Yield ``frame`` for indices k, k+1, ... whose time is before ``until_s``."""
    image: np.ndarray | None = None
    while k < info.n_frames and k / info.fps < until_s:
        if wanted is None or k in wanted:
            if image is None:
                image = _convert(info, frame)
            yield k, image
        k += 1
    return k


def _convert(info: ClipInfo, frame: av.VideoFrame) -> np.ndarray:
    w, h = info.work_width, info.work_height
    if info.rotation in (90, 270):
        w, h = h, w
    full = int(frame.color_range) == 2
    image = frame.to_ndarray(
        format="bgr24",
        width=w,
        height=h,
        interpolation="AREA",
        src_color_range=2 if full else None,
    )
    return turn(image, info.rotation) if info.rotation else image


def read_clip_audio(info: ClipInfo) -> tuple[np.ndarray, int]:
    """The clip's sound as mono ``float32``: sample 0 is the first frame, and it lasts
    exactly as long as the working frames. Raises :class:`AudioError` when it is silent."""
    from persona.media.audio import decode_audio

    container = _open(info.path)
    try:
        offset = _audio_lead(container)
        audio, rate = decode_audio(container)
    except LookupError:
        raise AudioError(f"{info.path.name} has no audio track") from None
    except (av.FFmpegError, ValueError) as exc:
        raise AudioError(f"cannot read the sound of {info.path.name}: {exc}") from exc
    finally:
        container.close()
    shift = round(offset * rate)  # + the audio starts after the first frame
    audio = np.pad(audio, (shift, 0)) if shift > 0 else audio[-shift:]
    length = round(info.n_frames / info.fps * rate)
    audio = np.pad(audio[:length], (0, max(0, length - len(audio))))
    if float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) < SILENT_RMS:
        raise AudioError(f"the sound of {info.path.name} is silent: record the person speaking")
    return audio.astype(np.float32, copy=False), rate


def _audio_lead(container: av.container.InputContainer) -> float:
    """Seconds from the first video frame to the first audio sample."""
    v, a = container.streams.video[0], container.streams.audio[0]
    if v.start_time is None or a.start_time is None or not v.time_base or not a.time_base:
        return 0.0
    return float(a.start_time * a.time_base) - float(v.start_time * v.time_base)
