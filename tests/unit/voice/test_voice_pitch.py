"""The F0 tracker on signals whose pitch is known."""

from __future__ import annotations

import numpy as np
import pytest

from persona.voice.pitch import PitchSettings, frame_count, median_f0, track_f0


def partials(f0: float, numbers: range, rate: int, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    tone = np.sum([np.sin(2 * np.pi * k * f0 * t) / k for k in numbers], axis=0)
    return (0.3 * tone / np.max(np.abs(tone))).astype(np.float32)


@pytest.mark.parametrize("rate", [16000, 22050, 44100])
@pytest.mark.parametrize("f0", [55.0, 98.0, 220.0, 440.0, 700.0])
def test_tones_are_measured_exactly(f0: float, rate: int) -> None:
    tone = partials(f0, range(1, 6), rate)
    track = track_f0(tone, rate)
    assert np.mean(track > 0) > 0.95
    assert median_f0(tone, rate) == pytest.approx(f0, rel=0.005)


def test_a_missing_fundamental_is_still_the_pitch() -> None:
    # a deep voice whose fundamental is weak: WORLD's estimators read these an octave up
    tone = partials(90.0, range(2, 10), 22050)
    assert median_f0(tone, 22050) == pytest.approx(90.0, rel=0.01)


def test_noise_and_silence_are_unvoiced() -> None:
    noise = np.random.default_rng(0).standard_normal(16000).astype(np.float32) * 0.1
    assert np.mean(track_f0(noise, 16000) > 0) < 0.05
    silence = track_f0(np.zeros(16000, np.float32), 16000)
    assert not np.any(silence) and median_f0(np.zeros(100, np.float32), 16000) == 0.0


def test_frames_follow_the_world_grid_and_voicing_follows_the_sound() -> None:
    rate = 16000
    tone = partials(150.0, range(1, 4), rate, seconds=0.9)
    tone[int(0.3 * rate) : int(0.6 * rate)] = 0.0
    track = track_f0(tone, rate, frame_period_ms=5.0)
    assert len(track) == frame_count(len(tone), rate, 5.0) == int(900 / 5) + 1
    times = np.arange(len(track)) * 5
    assert np.all(track[(times > 40) & (times < 270)] > 0)
    assert not np.any(track[(times > 330) & (times < 570)])
    assert np.all(track[(times > 630) & (times < 860)] > 0)


def test_settings_bound_the_search() -> None:
    tone = partials(300.0, range(1, 4), 16000)
    assert median_f0(tone, 16000, PitchSettings(ceil_hz=250.0)) == pytest.approx(150.0, rel=0.01)
