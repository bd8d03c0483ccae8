"""Audio helpers for the media layer: mono conversion, resampling, WAV and file decoding.

Audio inside the engine is a mono ``float32`` array in [-1, 1] plus its sample rate.
:class:`ResampledAudio` resamples lazily, block by block, and gives exactly the samples a
whole-signal :func:`scipy.signal.resample_poly` would, so the encoder can stream long
tracks without holding a second full copy at 48 kHz.
"""

from __future__ import annotations

import math
import wave
from pathlib import Path

import av
import numpy as np

from persona.errors import AudioError, OutputPathError

MAX_CHANNELS = 16
"""More columns than this means the array is not (samples, channels)."""


def as_mono_float32(audio: np.ndarray) -> np.ndarray:
    """Return ``audio`` as a 1-D ``float32`` array in [-1, 1].

    Accepts 1-D arrays, or 2-D ``(samples, channels)`` arrays (channels are averaged);
    integer samples are scaled from their type's full range. Raises :class:`AudioError`.
    """
    a = np.asarray(audio)
    if np.issubdtype(a.dtype, np.integer):
        a = _int_to_float(a)
    elif not np.issubdtype(a.dtype, np.floating):
        raise AudioError(f"audio samples must be numbers, got {a.dtype}")
    if a.ndim == 2 and a.shape[1] <= MAX_CHANNELS:
        a = a.mean(axis=1)
    elif a.ndim != 1:
        raise AudioError(f"audio must be mono samples or (samples, channels), got {a.shape}")
    a = a.astype(np.float32, copy=False)
    if not np.all(np.isfinite(a)):
        raise AudioError("audio contains NaN or infinite samples")
    return np.clip(a, -1.0, 1.0)


def _int_to_float(a: np.ndarray) -> np.ndarray:
    info = np.iinfo(a.dtype)
    half = (int(info.max) - int(info.min) + 1) / 2  # 32768 for int16 and uint16
    offset = 0.0 if info.min < 0 else half  # unsigned PCM is centred on half its range
    return ((a.astype(np.float64) - offset) / half).astype(np.float32)


def _resample_poly(audio: np.ndarray, up: int, down: int) -> np.ndarray:
    # Imported here: scipy.signal takes about half a second to import.
    from scipy.signal import resample_poly

    return np.asarray(resample_poly(audio, up, down))


def _ratio(from_rate: int, to_rate: int) -> tuple[int, int]:
    if from_rate <= 0 or to_rate <= 0:
        raise AudioError(f"sample rates must be positive, got {from_rate} and {to_rate}")
    g = math.gcd(from_rate, to_rate)
    return to_rate // g, from_rate // g


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample mono ``float32`` audio with a polyphase filter (no-op if rates match)."""
    up, down = _ratio(from_rate, to_rate)
    if up == down or not len(audio):
        return np.asarray(audio, np.float32)
    return _resample_poly(audio, up, down).astype(np.float32)


class ResampledAudio:
    """``audio`` at ``to_rate``, computed on demand for any range of output samples.

    ``read(start, stop)`` equals ``resample(audio, from_rate, to_rate)[start:stop]``, and
    reads past the end return silence. Each read filters only the input it needs plus the
    filter's reach on either side.
    """

    def __init__(self, audio: np.ndarray, from_rate: int, to_rate: int) -> None:
        self.audio = as_mono_float32(audio)
        self.up, self.down = _ratio(from_rate, to_rate)
        # scipy's default filter spans 10 * max(up, down) upsampled samples on each side.
        self._reach = 10 * max(self.up, self.down) // self.up + 2
        self.length = -(-len(self.audio) * self.up // self.down)  # ceil

    def read(self, start: int, stop: int) -> np.ndarray:
        """Output samples ``[start, stop)`` as ``float32``; silence past :attr:`length`."""
        out = np.zeros(max(0, stop - start), np.float32)
        if stop <= start or start >= self.length:
            return out
        if self.up == self.down:
            part = self.audio[start:stop]
            out[: len(part)] = part
            return out
        n = len(self.audio)
        first = max(0, start * self.down // self.up - self._reach)
        first -= first % self.down  # output index first*up/down must be an integer
        last = min(n, -(-stop * self.down // self.up) + self._reach)
        y = _resample_poly(self.audio[first:last], self.up, self.down)
        offset = first * self.up // self.down
        lo = start - offset
        hi = min(stop, self.length) - offset
        out[: hi - lo] = y[lo:hi]
        return out


# ---------------------------------------------------------------------------- files


def write_wav(path: str | Path, audio: np.ndarray, sample_rate: int) -> None:
    """Write mono audio as a 16-bit PCM WAV file."""
    samples = as_mono_float32(audio)
    pcm = np.round(samples * 32767.0).astype("<i2")
    try:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(int(sample_rate))
            out.writeframes(pcm.tobytes())
    except OSError as exc:
        raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}") from exc


def decode_audio(container: av.container.InputContainer) -> tuple[np.ndarray, int]:
    """Decode the first audio track of an open container to mono ``float32``.

    Raises ``LookupError`` when there is no audio track; FFmpeg errors pass through.
    Trailing encoder padding (less than one codec frame past the track's declared
    duration) is dropped, so an MP4's AAC track is as long as players show it.
    """
    if not container.streams.audio:
        raise LookupError("no audio track")
    stream = container.streams.audio[0]
    rate = stream.codec_context.sample_rate
    resampler = av.AudioResampler(format="fltp", layout=None, rate=None)
    chunks: list[np.ndarray] = []
    last_frame = 0
    for frame in container.decode(stream):
        last_frame = frame.samples
        for planar in resampler.resample(frame):
            chunks.append(planar.to_ndarray().mean(axis=0, dtype=np.float32))
    audio = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if stream.duration and stream.time_base:
        declared = round(float(stream.duration * stream.time_base) * rate)
        if 0 < len(audio) - declared <= last_frame:
            audio = audio[:declared]
    return audio.astype(np.float32, copy=False), rate


def read_audio_file(path: str | Path, sample_rate: int | None = None) -> tuple[np.ndarray, int]:
    """Read any audio file FFmpeg can decode (WAV, FLAC, OGG, MP3, M4A, ...) as mono
    ``float32``, resampled to ``sample_rate`` when given. Raises :class:`AudioError`."""
    if not Path(path).is_file():
        raise AudioError(f"cannot read audio {path}: file not found")
    try:
        with av.open(str(path)) as container:
            audio, rate = decode_audio(container)
    except LookupError:
        raise AudioError(f"cannot read audio {path}: the file has no audio track") from None
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise AudioError(f"cannot read audio {path}: not a supported audio file ({exc})") from exc
    if len(audio) == 0:
        raise AudioError(f"cannot read audio {path}: the audio track is empty")
    if sample_rate is not None and sample_rate != rate:
        return resample(audio, rate, sample_rate), sample_rate
    return audio, rate
