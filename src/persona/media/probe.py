"""Read media files back: stream facts, decoded frames and decoded audio.

Used by tests, the quality scripts and anything that must check a produced video the way
a player sees it (edit lists and codec delays applied, colours converted using the
stream's own colour tags).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

from persona.errors import InputError
from persona.media.audio import decode_audio, resample

_WEBM_CODECS = {None, "vp8", "vp9", "av1", "opus", "vorbis"}
_COLORSPACES = {0: "gbr", 1: "bt709", 2: "unspecified", 5: "bt470bg", 6: "smpte170m", 9: "bt2020nc"}
_COLOR_RANGES = {0: "unspecified", 1: "tv", 2: "pc"}


@dataclass(frozen=True)
class MediaInfo:
    """What a media file holds. Video fields are zero/``None`` without a video track,
    audio fields likewise without an audio track. Durations are in seconds."""

    container: str  # "mp4", "mov", "webm", "matroska" or FFmpeg's demuxer name
    duration_s: float
    video_codec: str | None = None
    width: int = 0
    height: int = 0
    fps: float = 0.0
    n_frames: int = 0
    video_duration_s: float = 0.0
    pixel_format: str | None = None
    color_space: str | None = None  # e.g. "smpte170m" (BT.601) or "bt709"
    color_range: str | None = None  # "tv" (limited) or "pc" (full)
    audio_codec: str | None = None
    sample_rate: int = 0
    channels: int = 0
    audio_duration_s: float = 0.0


def _cannot_read(path: str | Path, exc: BaseException) -> InputError:
    error = InputError(f"cannot read media {path}: {exc}")
    error.__cause__ = exc
    return error


def _open(path: str | Path) -> av.container.InputContainer:
    if not Path(path).is_file():
        raise InputError(f"cannot read media {path}: file not found")
    try:
        return av.open(str(path))
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise _cannot_read(path, exc) from exc


def _seconds(stream: av.stream.Stream, fallback: float) -> float:
    """A stream's duration from its header, its Matroska DURATION tag, or ``fallback``."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    tag = stream.metadata.get("DURATION") or stream.metadata.get("duration")
    match = re.fullmatch(r"(\d+):(\d+):(\d+(?:\.\d*)?)", tag or "")
    if match:
        h, m, s = match.groups()
        return int(h) * 3600 + int(m) * 60 + float(s)
    return fallback


def _container_name(container: av.container.InputContainer, codecs: set[str | None]) -> str:
    names = container.format.name.split(",")
    if "mp4" in names:
        brand = container.metadata.get("major_brand", "").strip()
        return "mov" if brand == "qt" else "mp4"
    if "matroska" in names:
        return "webm" if codecs <= _WEBM_CODECS else "matroska"
    return names[0]


def probe(path: str | Path) -> MediaInfo:
    """Describe the first video and first audio track of ``path``.

    Raises :class:`InputError` ("cannot read media …") for missing or unreadable files.
    """
    container = _open(path)
    try:
        return _describe(container)
    except (av.FFmpegError, ValueError) as exc:
        raise _cannot_read(path, exc) from exc
    finally:
        container.close()


def _describe(container: av.container.InputContainer) -> MediaInfo:
    total = container.duration / av.time_base if container.duration else 0.0
    fields: dict[str, Any] = {}
    codecs: set[str | None] = set()
    if container.streams.audio:
        a = container.streams.audio[0]
        codecs.add(a.codec_context.name)
        fields.update(
            audio_codec=a.codec_context.name,
            sample_rate=a.codec_context.sample_rate,
            channels=a.codec_context.channels,
            audio_duration_s=_seconds(a, total),
        )
    if container.streams.video:
        v = container.streams.video[0]
        cc = v.codec_context
        codecs.add(cc.name)
        rate = v.average_rate or v.guessed_rate or v.base_rate
        fps = float(rate) if rate else 0.0
        n_frames = v.frames or sum(1 for p in container.demux(v) if p.size)
        fields.update(
            video_codec=cc.name,
            width=cc.width,
            height=cc.height,
            fps=fps,
            n_frames=n_frames,
            video_duration_s=_seconds(v, n_frames / fps if fps else total),
            pixel_format=cc.pix_fmt,
            color_space=_COLORSPACES.get(int(cc.colorspace), str(int(cc.colorspace))),
            color_range=_COLOR_RANGES.get(int(cc.color_range), str(int(cc.color_range))),
        )
    name = _container_name(container, codecs)
    return MediaInfo(container=name, duration_s=total, **fields)


def read_video_frames(path: str | Path) -> Iterator[np.ndarray]:
    """Decode the first video track of ``path`` to BGR ``uint8`` frames, one at a time.

    Colours are converted with the matrix and range the stream is tagged with (BT.601
    limited range when untagged), as a player would.
    """
    container = _open(path)
    if not container.streams.video:
        container.close()
        raise InputError(f"cannot read media {path}: it has no video track")
    return _frames(container, path)


def _frames(container: av.container.InputContainer, path: str | Path) -> Iterator[np.ndarray]:
    try:
        for frame in container.decode(video=0):
            full = int(frame.color_range) == 2
            yield frame.to_ndarray(format="bgr24", src_color_range=2 if full else None)
    except (av.FFmpegError, ValueError) as exc:
        raise _cannot_read(path, exc) from exc
    finally:
        container.close()


def read_audio(path: str | Path, sample_rate: int | None = None) -> tuple[np.ndarray, int]:
    """Decode the first audio track of a media file to mono ``float32`` (resampled to
    ``sample_rate`` when given), with codec delays removed as a player removes them.

    Sample 0 is the first decoded sample; in files written by
    :class:`~persona.media.VideoWriter` that is the time of the first video frame.
    """
    container = _open(path)
    try:
        audio, rate = decode_audio(container)
    except LookupError:
        raise InputError(f"cannot read media {path}: it has no audio track") from None
    except (av.FFmpegError, ValueError) as exc:
        raise _cannot_read(path, exc) from exc
    finally:
        container.close()
    if sample_rate is not None and sample_rate != rate:
        return resample(audio, rate, sample_rate), sample_rate
    return audio, rate
