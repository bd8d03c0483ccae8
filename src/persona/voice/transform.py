"""Make a new voice out of an existing one: pitch, vocal-tract length and breath.

    Speech ─track F0→ ─WORLD analysis→ (F0, envelope, aperiodicity)
           ─scale F0, stretch envelope, add breath→ ─WORLD synthesis→ ─match level→ Speech

The WORLD vocoder (Morise et al. 2016, through ``pyworld``) splits speech into three
streams on a 5 ms frame grid: the fundamental frequency (F0, the pitch), the spectral
envelope (the resonances of the vocal tract, i.e. the formants) and the aperiodicity
(how noisy each band is). A :class:`VoiceTransform` changes each of them:

* ``pitch_ratio`` multiplies F0; ``pitch_range`` widens (> 1) or flattens (< 1) the
  intonation around the speaker's median pitch, which itself stays at ``pitch_ratio``
  times the original;
* ``formant_ratio`` stretches the envelope along frequency: a shorter vocal tract (a
  woman's, a child's) has its resonances higher, ``envelope'(f) = envelope(f / ratio)``;
* ``breathiness`` (0..1) mixes noise into the voiced sound, most at high frequencies.

Analysis and synthesis share one frame grid, so every sound stays where it was: the
timed phones and words of the :class:`~persona.types.Speech` still fit the new audio,
which has the same length and sample rate. Afterwards the level is matched to the
original in 30 ms windows, so loudness is kept and silence stays silence. The F0 comes
from :mod:`persona.voice.pitch` (WORLD's own estimators jump octaves on deep voices).

Long audio is transformed in pieces of at most :data:`MAX_PIECE_S` seconds, cut at the
quietest moment, so memory stays small.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from persona.errors import DependencyError, InputError
from persona.types import Speech
from persona.voice.pitch import track_f0

FRAME_PERIOD_MS = 5.0
ANALYSIS_FLOOR_HZ = 71.0
"""CheapTrick's lowest F0: it sets the FFT size (1024 at 22.05 kHz). Deeper frames are
analysed as if at this pitch, which smooths their envelope a little more."""
LEVEL_WINDOW_MS = 30.0
MAX_GAIN = 4.0
TOLERANCE_DB = 6.0
SHORT_WINDOW_MS = 10.0
MAX_PIECE_S = 20.0
_INSTALL_HINT = "the WORLD vocoder is missing: pip install pyworld"
_PARAMETERS = ("pitch_ratio", "formant_ratio", "breathiness", "pitch_range")


@dataclass(frozen=True)
class VoiceTransform:
    """A change of voice that keeps the words and their timing (see the module doc).

    The identity (all ratios 1, no breath) returns the speech unchanged.
    """

    pitch_ratio: float = 1.0
    formant_ratio: float = 1.0
    breathiness: float = 0.0
    pitch_range: float = 1.0

    def __post_init__(self) -> None:
        checks = (
            ("pitch_ratio", self.pitch_ratio, 0.25, 6.0),
            ("formant_ratio", self.formant_ratio, 0.6, 1.8),
            ("breathiness", self.breathiness, 0.0, 1.0),
            ("pitch_range", self.pitch_range, 0.0, 3.0),
        )
        for name, value, low, high in checks:
            if not low <= value <= high:
                raise InputError(f"voice transform {name} must be in {low}..{high}, not {value}")

    def to_dict(self) -> dict[str, float]:
        """The four parameters by name, JSON-ready."""
        return {name: float(getattr(self, name)) for name in _PARAMETERS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VoiceTransform:
        """The transform :meth:`to_dict` wrote; missing parameters take their default.

        Raises :class:`~persona.errors.InputError` for a value that is not a number or
        out of range."""
        try:
            values = {name: float(data[name]) for name in _PARAMETERS if name in data}
        except (TypeError, ValueError) as exc:
            raise InputError(f"voice transform parameters must be numbers: {exc}") from exc
        return cls(**values)

    @property
    def is_identity(self) -> bool:
        return (
            self.pitch_ratio == 1.0
            and self.formant_ratio == 1.0
            and self.breathiness == 0.0
            and self.pitch_range == 1.0
        )

    def apply(self, speech: Speech) -> Speech:
        """``speech`` spoken by the transformed voice: same timings, length and rate."""
        if self.is_identity or not len(speech.audio):
            return speech
        audio = np.asarray(speech.audio, np.float64)
        rate = speech.sample_rate
        cuts = _cut_points(audio, rate, round(MAX_PIECE_S * rate))
        pieces = [self._piece(audio[a:b], rate) for a, b in itertools.pairwise(cuts)]
        out = np.clip(np.concatenate(pieces), -1.0, 1.0).astype(np.float32)
        return Speech(out, rate, speech.phones, speech.words)

    def _piece(self, audio: np.ndarray, rate: int) -> np.ndarray:
        """Transform one stretch of audio (float64) into the same number of samples."""
        pw = _pyworld()
        if not np.any(audio):
            return audio
        f0 = track_f0(audio, rate, FRAME_PERIOD_MS)
        times = np.arange(len(f0)) * (FRAME_PERIOD_MS / 1000.0)
        f0 = np.where(f0 > 0, pw.stonemask(audio, f0, times, rate), 0.0)
        analysis_f0 = np.where(f0 > 0, np.maximum(f0, ANALYSIS_FLOOR_HZ + 1.0), 0.0)
        fft_size = pw.get_cheaptrick_fft_size(rate, ANALYSIS_FLOOR_HZ)
        envelope = pw.cheaptrick(audio, analysis_f0, times, rate, fft_size=fft_size)
        aperiodicity = pw.d4c(audio, analysis_f0, times, rate, fft_size=fft_size)
        synthesized = pw.synthesize(
            self._new_f0(f0),
            warp_envelope(envelope, self.formant_ratio),
            add_breath(aperiodicity, self.breathiness, rate),
            rate,
            FRAME_PERIOD_MS,
        )
        synthesized = _fit_length(synthesized, len(audio))
        return match_level(synthesized, audio, rate)

    def _new_f0(self, f0: np.ndarray) -> np.ndarray:
        voiced = f0 > 0
        if not np.any(voiced):  # a whisper, a hiss: only the envelope changes
            return f0
        centre = float(np.median(f0[voiced]))
        safe = np.where(voiced, f0, centre)
        shaped = safe * (safe / centre) ** (self.pitch_range - 1.0)
        return np.where(voiced, shaped * self.pitch_ratio, 0.0)


def _pyworld() -> Any:
    try:
        import pyworld
    except ImportError as exc:
        raise DependencyError(_INSTALL_HINT) from exc
    return pyworld


def warp_envelope(envelope: np.ndarray, ratio: float) -> np.ndarray:
    """Stretch each frame of a spectral envelope along frequency by ``ratio``.

    Bin ``k`` of the result takes the (linearly interpolated) value at bin ``k / ratio``
    of the input; above the input's last bin the last value continues.
    """
    if ratio == 1.0:
        return envelope
    bins = envelope.shape[1]
    source = np.minimum(np.arange(bins) / ratio, bins - 1)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, bins - 1)
    weight = source - low
    warped = envelope[:, low] * (1.0 - weight) + envelope[:, high] * weight
    return np.ascontiguousarray(warped)


def add_breath(aperiodicity: np.ndarray, amount: float, rate: int) -> np.ndarray:
    """Raise the aperiodicity towards 1 (noise) by ``amount``, a quarter as much at 0 Hz
    as above 4 kHz: breath noise sits mostly high in the spectrum."""
    if amount == 0.0:
        return aperiodicity
    freqs = np.linspace(0.0, rate / 2.0, aperiodicity.shape[1])
    weight = np.clip(0.25 + 0.75 * freqs / 4000.0, 0.0, 1.0)
    noisier = 1.0 - (1.0 - aperiodicity) * (1.0 - amount * weight)
    return np.ascontiguousarray(noisier)


def _fit_length(audio: np.ndarray, length: int) -> np.ndarray:
    if len(audio) >= length:
        return audio[:length]
    return np.pad(audio, (0, length - len(audio)))


def _level(audio: np.ndarray, hop: int, window: int) -> np.ndarray:
    """Mean power in ``window`` samples centred on every ``hop``-th sample."""
    power = np.concatenate([[0.0], np.cumsum(np.square(audio))])
    centres = np.arange(0, len(audio) + hop, hop)
    low = np.clip(centres - window // 2, 0, len(audio))
    high = np.clip(centres + window // 2, 0, len(audio))
    return np.asarray((power[high] - power[low]) / np.maximum(high - low, 1))


def match_level(audio: np.ndarray, reference: np.ndarray, rate: int) -> np.ndarray:
    """``audio`` with its short-time level set to ``reference``'s (same length).

    The gain is measured in 30 ms windows every 5 ms and interpolated between them; it
    never exceeds :data:`MAX_GAIN`, and where the reference is silent, so is the result.
    Then, in 10 ms windows, the result is kept within :data:`TOLERANCE_DB` of the
    reference: the vocoder smears a sound a few milliseconds into the silence around it
    and softens some onsets, and this keeps every onset and ending where it was.
    """
    hop = max(1, round(rate * FRAME_PERIOD_MS / 1000))
    long_window = round(rate * LEVEL_WINDOW_MS / 1000)
    matched = audio * np.minimum(_level_ratio(audio, reference, hop, long_window), MAX_GAIN)
    tolerance = 10 ** (TOLERANCE_DB / 20)
    ratio = _level_ratio(matched, reference, hop, round(rate * SHORT_WINDOW_MS / 1000))
    correction = np.clip(1.0, ratio / tolerance, np.minimum(ratio * tolerance, MAX_GAIN))
    return np.asarray(matched * correction)


def _level_ratio(audio: np.ndarray, reference: np.ndarray, hop: int, window: int) -> np.ndarray:
    """Per sample, the amplitude ratio of ``reference`` to ``audio`` in ``window``
    samples around it (measured every ``hop`` samples, interpolated between); 0 where
    the reference is silent."""
    window = max(hop, window)
    wanted, got = _level(reference, hop, window), _level(audio, hop, window)
    floor = 1e-10
    ratio = np.where(wanted > floor, np.sqrt(wanted / np.maximum(got, floor)), 0.0)
    positions = np.arange(len(ratio)) * hop
    return np.interp(np.arange(len(audio)), positions, ratio)


def _cut_points(audio: np.ndarray, rate: int, longest: int) -> list[int]:
    """Sample positions that split ``audio`` into pieces of at most ``longest`` samples,
    each cut in the quietest 10 ms of the second half of its piece."""
    cuts = [0]
    hop = max(1, rate // 100)
    while len(audio) - cuts[-1] > longest:
        low = cuts[-1] + longest // 2
        stretch = audio[low : cuts[-1] + longest]
        count = len(stretch) // hop
        energy = np.square(stretch[: count * hop]).reshape(count, hop).sum(axis=1)
        cuts.append(low + int(np.argmin(energy)) * hop + hop // 2)
    cuts.append(len(audio))
    return cuts
