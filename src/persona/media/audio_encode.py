"""Mono audio → the bytes of one audio file, in memory: what an API returns for speech.

    encode_audio(audio, sample_rate, "mp3") → EncodedAudio(data, content_type, ...)

Formats (each checked against what this PyAV build can encode, see
:func:`available_formats`):

======  ==========================  ===============  ===========
format  codec / container           content type     sample rate
======  ==========================  ===============  ===========
wav     16-bit PCM in RIFF          audio/wav        as given
mp3     LAME (libmp3lame)           audio/mpeg       as given (≤ 48 kHz)
opus    Opus in Ogg                 audio/ogg        48 kHz
aac     AAC-LC in ADTS              audio/aac        as given
flac    FLAC                        audio/flac       as given
pcm     raw 16-bit little-endian    audio/pcm        24 kHz
======  ==========================  ===============  ===========
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

import av
import numpy as np

from persona.errors import EncodeError, InputError
from persona.media.audio import as_mono_float32, resample

PCM_RATE = 24000
"""Raw ``pcm`` output is 24 kHz, as OpenAI's speech API returns it."""


@dataclass(frozen=True)
class AudioFormat:
    name: str
    content_type: str
    container: str | None  # None: raw samples, no container
    codec: str
    sample_format: str
    rate: int | None = None  # None: keep the input's rate
    options: tuple[tuple[str, str], ...] = ()


FORMATS: dict[str, AudioFormat] = {
    "wav": AudioFormat("wav", "audio/wav", "wav", "pcm_s16le", "s16"),
    "mp3": AudioFormat("mp3", "audio/mpeg", "mp3", "libmp3lame", "s16p"),
    "opus": AudioFormat("opus", "audio/ogg", "ogg", "libopus", "s16", 48000),
    "aac": AudioFormat("aac", "audio/aac", "adts", "aac", "fltp", None, (("aac_coder", "fast"),)),
    "flac": AudioFormat("flac", "audio/flac", "flac", "flac", "s16"),
    "pcm": AudioFormat("pcm", "audio/pcm", None, "pcm_s16le", "s16", PCM_RATE),
}


@dataclass(frozen=True)
class EncodedAudio:
    data: bytes
    content_type: str
    format: str
    sample_rate: int
    duration_ms: int


@cache
def available_formats() -> tuple[str, ...]:
    """The formats whose encoder this PyAV build has."""
    return tuple(name for name, f in FORMATS.items() if f.codec in av.codecs_available)


def check_format(name: str) -> AudioFormat:
    """The format called ``name``; :class:`InputError` naming the available ones."""
    fmt = FORMATS.get(name.strip().lower())
    if fmt is None or fmt.name not in available_formats():
        raise InputError(
            f"unknown audio format {name!r}: use one of {', '.join(available_formats())}"
        )
    return fmt


def encode_audio(audio: np.ndarray, sample_rate: int, format_name: str) -> EncodedAudio:
    """Encode mono ``audio`` (float in [-1, 1]) as a whole file of ``format_name``."""
    fmt = check_format(format_name)
    samples = as_mono_float32(audio)
    rate = fmt.rate or (min(sample_rate, 48000) if fmt.name == "mp3" else sample_rate)
    if rate != sample_rate:
        samples = resample(samples, sample_rate, rate)
    samples = np.clip(samples, -1.0, 1.0)
    if fmt.container is None:
        data = np.round(samples * 32767.0).astype("<i2").tobytes()
    else:
        data = _encode(samples, rate, fmt)
    duration_ms = round(1000 * len(samples) / rate)
    return EncodedAudio(data, fmt.content_type, fmt.name, rate, duration_ms)


def _encode(samples: np.ndarray, rate: int, fmt: AudioFormat) -> bytes:
    buffer = io.BytesIO()
    try:
        with av.open(buffer, mode="w", format=fmt.container) as container:
            stream = container.add_stream(fmt.codec, rate=rate, options=dict(fmt.options))
            assert isinstance(stream, av.AudioStream)
            stream.layout = "mono"
            stream.format = fmt.sample_format
            frame_size = stream.codec_context.frame_size or 1024
            for start in range(0, len(samples), frame_size):
                frame = _frame(samples[start : start + frame_size], rate, fmt.sample_format)
                frame.pts = start
                container.mux(stream.encode(frame))
            container.mux(stream.encode(None))
    except av.FFmpegError as exc:
        raise EncodeError(f"cannot encode {fmt.name} audio: {exc}") from exc
    return buffer.getvalue()


def _frame(chunk: np.ndarray, rate: int, sample_format: str) -> av.AudioFrame:
    if sample_format in ("s16", "s16p"):
        data = np.round(chunk * 32767.0).astype(np.int16)[np.newaxis, :]
    else:
        data = chunk.astype(np.float32)[np.newaxis, :]
    frame = av.AudioFrame.from_ndarray(data, format=sample_format, layout="mono")
    frame.sample_rate = rate
    return frame
