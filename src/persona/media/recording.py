"""An uploaded recording to make a video from: any audio file, or a video with sound.

    audio, rate = read_recording("speech.m4a")      # mono float32 at the file's own rate

The length is checked from the file's header before anything is decoded, so a
three-hour upload fails at once instead of after filling memory; the decoded length is
checked again for files whose header says nothing (or says too little).
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from persona.errors import AudioError
from persona.media.audio import read_audio_file

MAX_RECORDING_S = 30 * 60
"""The longest recording a video is made from (30 minutes)."""


def read_recording(path: str | Path, max_s: float = MAX_RECORDING_S) -> tuple[np.ndarray, int]:
    """The sound of ``path`` as mono ``float32`` and its sample rate.

    Raises :class:`AudioError` for a missing file, a file FFmpeg cannot read, one without
    a sound track, an empty track, or one longer than ``max_s`` seconds.
    """
    path = Path(path)
    if path.is_dir():
        raise AudioError(f"cannot read audio {path}: it is a folder")
    _check_length(path, declared_seconds(path), max_s)
    audio, rate = read_audio_file(path)
    _check_length(path, len(audio) / rate, max_s)
    return audio, rate


def declared_seconds(path: Path) -> float:
    """The length the file's header gives its first sound track (or the whole file), in
    seconds; 0.0 when it gives none or the file cannot be opened (decoding then says why)."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return 0.0
            stream = container.streams.audio[0]
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
            return container.duration / av.time_base if container.duration else 0.0
    except (av.FFmpegError, OSError, UnicodeDecodeError, ValueError):
        return 0.0


def _check_length(path: Path, seconds: float, max_s: float) -> None:
    if seconds > max_s:
        raise AudioError(
            f"{path} is {_minutes(seconds)} long; recordings up to {_minutes(max_s)} can be "
            "made into a video: cut it into parts"
        )


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60:02d} s" if whole % 60 else f"{whole // 60} min"
