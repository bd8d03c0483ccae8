"""Loudness normalization: BS.1770 integrated loudness to a target, true peak ≤ −1 dBTP."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.unit.audio.mixsignals import music_signal, voice_signal

from persona.audio.loudness import (
    LoudnessReport,
    integrated_lufs,
    limit_true_peak,
    limiter_gain,
    normalize_loudness,
    true_peak_dbtp,
)
from persona.errors import InputError

RATE = 48000


@pytest.fixture(scope="module")
def espeak_speech() -> np.ndarray:
    """Real synthesized speech (eSpeak NG, Hindi) at 48 kHz: speech's peaks stand far
    above its loudness."""
    from persona.media.audio import resample
    from persona.voice import get_voice
    from persona.voice.base import get_engine
    from persona.voice.synth import speak

    voice = get_voice(None, "hi")
    text = "नमस्ते, आज मौसम बहुत अच्छा है। हम सब पार्क में घूमने जाएंगे।"
    speech = speak(get_engine(voice.engine), text, voice)
    return resample(speech.audio, speech.sample_rate, RATE)


def _check(audio: np.ndarray, report: LoudnessReport, target: float) -> None:
    measured = integrated_lufs(audio, RATE)  # measured afresh, not taken from the report
    assert abs(measured - target) <= 0.5, (measured, target)
    assert true_peak_dbtp(audio, RATE) <= -1.0 + 1e-3
    assert report.true_peak_dbtp <= -1.0 + 1e-3


@pytest.mark.slow
@pytest.mark.parametrize("target", [-14.0, -16.0])
def test_speech_reaches_target_under_the_true_peak_ceiling(
    espeak_speech: np.ndarray, target: float
) -> None:
    assert true_peak_dbtp(espeak_speech, RATE) - integrated_lufs(espeak_speech, RATE) > 15
    out, report = normalize_loudness(espeak_speech, RATE, target)
    _check(out, report, target)
    assert report.limited_db > 1.0  # a plain gain would have clipped
    assert out.shape == espeak_speech.shape and out.dtype == np.float32


@pytest.mark.parametrize("target", [-14.0, -16.0])
def test_music_reaches_target(target: float) -> None:
    music = music_signal(8.0, RATE) * 0.1
    out, report = normalize_loudness(music, RATE, target)
    _check(out, report, target)


@pytest.mark.parametrize("target", [-14.0, -16.0])
def test_voice_and_music_together_reach_target(target: float) -> None:
    from persona.media.audio import resample

    voice = resample(voice_signal(), 22050, RATE)
    mixed = voice + 0.05 * music_signal(len(voice) / RATE, RATE)[: len(voice)]
    out, report = normalize_loudness(mixed, RATE, target)
    _check(out, report, target)


def test_stereo_keeps_its_shape_and_balance() -> None:
    stereo = music_signal(6.0, RATE, stereo=True)
    out, report = normalize_loudness(stereo, RATE, -16.0)
    assert out.shape == stereo.shape
    _check(out, report, -16.0)
    ratio = np.sqrt(np.mean(out[:, 1] ** 2) / np.mean(out[:, 0] ** 2))
    assert ratio == pytest.approx(0.8, abs=0.01)  # one gain for both channels


def test_true_peak_counts_peaks_between_samples() -> None:
    # A sine at a quarter of the rate, sampled 45° off its crests: every sample is at
    # 0.707 while the wave itself reaches 1.0 between them.
    n = np.arange(RATE)
    wave = np.sin(2 * np.pi * 0.25 * n + np.pi / 4)
    assert 20 * np.log10(np.abs(wave).max()) == pytest.approx(-3.01, abs=0.05)
    assert true_peak_dbtp(wave, RATE) == pytest.approx(0.0, abs=0.2)


def test_limiter_meets_the_ceiling_and_leaves_quiet_audio_alone() -> None:
    loud = music_signal(3.0, RATE) * 4.0
    limited, depth = limit_true_peak(loud, RATE, -1.0)
    assert true_peak_dbtp(limited, RATE) <= -1.0 + 1e-3 and depth > 6
    quiet = music_signal(3.0, RATE) * 0.1
    same, none = limit_true_peak(quiet, RATE, -1.0)
    assert none == 0.0 and np.array_equal(same, quiet.astype(np.float32))


def test_limiter_gain_never_exceeds_what_a_sample_needs() -> None:
    rng = np.random.default_rng(3)
    peaks = np.abs(rng.normal(0, 1, 20_000)) * (1 + 5 * (rng.random(20_000) > 0.999))
    gain = limiter_gain(peaks, RATE, 0.5)
    assert np.all(peaks * gain <= 0.5 + 1e-9)
    assert np.all(np.abs(np.diff(gain)) < 0.2)  # smooth, not a clipper


def test_silence_and_too_short_audio_pass_unchanged() -> None:
    silent = np.zeros(RATE, np.float32)
    out, report = normalize_loudness(silent, RATE)
    assert report.lufs == -math.inf and np.array_equal(out, silent)
    short = music_signal(0.2, RATE)
    assert integrated_lufs(short, RATE) == -math.inf
    out, _ = normalize_loudness(short, RATE)
    assert np.array_equal(out, short)


@pytest.mark.parametrize("target", [5.0, -70.0, math.nan, 0.0])
def test_absurd_targets_are_refused(target: float) -> None:
    with pytest.raises(InputError, match="loudness target must be between"):
        normalize_loudness(music_signal(1.0, RATE), RATE, target)


def test_a_ceiling_above_full_scale_is_refused() -> None:
    with pytest.raises(InputError, match="true-peak ceiling"):
        normalize_loudness(music_signal(1.0, RATE), RATE, -14.0, ceiling_dbtp=2.0)
