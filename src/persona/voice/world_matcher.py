"""The built-in voice matcher: move a base voice toward a sample with the WORLD vocoder.

    sample ─profile→ F0 median and span, long-term envelope, syllable rate
    base voice ─speaks REFERENCE_TEXT (once per process)─profile→ the same figures
    ─compare→ VoiceTransform(pitch_ratio, formant_ratio, pitch_range) + rate

* ``pitch_ratio`` = sample median F0 / base median F0;
* ``formant_ratio`` = the stretch of the base's long-term envelope that best aligns it
  with the sample's (:func:`persona.voice.analysis.formant_scale`);
* ``pitch_range`` = the sample's pitch span (10th-90th percentile, in semitones) / the
  base's, within :data:`PITCH_RANGE_LIMITS`;
* ``rate`` (only with ``WorldMatcher(match_rate=True)``; 1.0 otherwise) = (the sample's
  syllable rate / the base's) ** :data:`RATE_GAIN`, to 0.05, within :data:`RATE_LIMITS`.
  Counting loudness peaks follows a change of pace only about halfway (``joe`` at 0.8
  and 1.25 times his pace reads as about 0.89 and 1.15), hence the gain; a pace within
  :data:`RATE_DEAD_BAND` of the base's is left at 1.0. The estimate also moves by 10-15 %
  with the words spoken and with the voice's pitch (``joe`` with his pitch raised 1.7
  times reads 1.15 times faster), which is why it is off by default: the figures
  (``pace_ratio``) report it either way.

Both sides are measured the same way on different texts, so what the words contribute
mostly cancels; ten seconds or more of running speech keep the rest small (within 1.5 %
on the formant scale for synthetic speakers of known truth, see
``benchmarks/voice_matching.py``). Breathiness, voice quality, accent and
articulation are not estimated: they stay the base voice's.
"""

from __future__ import annotations

import threading

import numpy as np

from persona.errors import SampleError
from persona.voice.analysis import VoiceProfile, formant_scale, profile
from persona.voice.base import Voice
from persona.voice.matching import MatchResult, VoiceSample
from persona.voice.transform import VoiceTransform

REFERENCE_TEXT = (
    "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. "
    "It is easy to tell the depth of a well. These days a chicken leg is a rare dish. "
    "Rice is often served in round bowls. The juice of lemons makes fine punch. "
    "The box was thrown beside the parked truck. The hogs were fed chopped corn and garbage."
)
"""What the base voice says to be measured: the first list of the Harvard sentences
(IEEE 1969), phonetically balanced, about 19 s from ``joe``."""
MIN_VOICED_S = 3.0
"""Voiced speech (vowels, voiced consonants) a sample must hold to be matched."""
PITCH_RANGE_LIMITS = (0.5, 1.6)
RATE_LIMITS = (0.75, 1.35)
RATE_GAIN = 1.8
RATE_DEAD_BAND = 0.12

_references: dict[tuple[str, str], VoiceProfile] = {}
_lock = threading.Lock()


def reference_profile(base: Voice) -> VoiceProfile:
    """The figures of ``base`` (its plain engine voice) speaking :data:`REFERENCE_TEXT`,
    measured once per process and engine model (a few seconds)."""
    from persona.script import parse_script
    from persona.voice.synth import synthesize_script

    key = (base.engine, base.model)
    with _lock:
        cached = _references.get(key)
        if cached is None:
            speech = synthesize_script(parse_script(REFERENCE_TEXT, lang=base.lang), base)
            cached = profile(speech.audio, speech.sample_rate)
            _references[key] = cached
        return cached


class WorldMatcher:
    """:class:`~persona.voice.matching.VoiceMatcher` that fits a
    :class:`~persona.voice.transform.VoiceTransform` to the sample (see the module doc)."""

    name = "world"

    def __init__(self, match_rate: bool = False) -> None:
        self.match_rate = match_rate

    def match(self, sample: VoiceSample, base: Voice) -> MatchResult:
        measured = profile(sample.audio, sample.sample_rate)
        if measured.voiced_s < MIN_VOICED_S:
            raise SampleError(
                f"voice sample {sample.file} has too little voiced speech "
                f"({measured.voiced_s:.1f} s of voice in {measured.duration_s:.1f} s; "
                f"at least {MIN_VOICED_S:.0f} s needed): record someone speaking"
            )
        reference = reference_profile(base)
        scale, fit = formant_scale(measured.envelope_db, reference.envelope_db)
        pitch_range = _ratio(measured.f0_spread_st, reference.f0_spread_st, PITCH_RANGE_LIMITS)
        pace = _ratio(measured.syllable_rate, reference.syllable_rate, (0.1, 10.0))
        rate = float(np.clip(pace**RATE_GAIN, *RATE_LIMITS))
        if not self.match_rate or abs(rate - 1.0) < RATE_DEAD_BAND:
            rate = 1.0
        transform = VoiceTransform(
            pitch_ratio=round(measured.f0_median_hz / reference.f0_median_hz, 4),
            formant_ratio=round(scale, 4),
            pitch_range=round(pitch_range, 3),
        )
        figures = {
            "sample_f0_median_hz": measured.f0_median_hz,
            "sample_f0_low_hz": measured.f0_low_hz,
            "sample_f0_high_hz": measured.f0_high_hz,
            "sample_f0_spread_st": measured.f0_spread_st,
            "sample_voiced_s": measured.voiced_s,
            "sample_syllable_rate": measured.syllable_rate,
            "base_f0_median_hz": reference.f0_median_hz,
            "base_f0_spread_st": reference.f0_spread_st,
            "base_syllable_rate": reference.syllable_rate,
            "pace_ratio": pace,
            "formant_scale": scale,
            "envelope_fit": fit,
        }
        return MatchResult(
            engine=base.engine,
            model=base.model,
            transform=transform,
            rate=round(rate * 20) / 20,
            figures=figures,
        )


def _ratio(value: float, reference: float, limits: tuple[float, float]) -> float:
    """``value / reference`` within ``limits`` (1.0 when either is unmeasured)."""
    if value <= 0 or reference <= 0:
        return 1.0
    return float(np.clip(value / reference, *limits))
