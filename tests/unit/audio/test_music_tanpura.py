"""The tanpura drone: exact length, pitch, pattern, reproducibility, level, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from persona.audio.music import tanpura_drone
from persona.audio.music.tabla import GE, NA, TIN, render_strokes
from persona.errors import InputError

SR = 16000 * 3  # 48 kHz


def _spectrum_peak(x: np.ndarray, sr: int, low: float, high: float) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freqs = np.fft.rfftfreq(len(x), 1 / sr)
    band = (freqs >= low) & (freqs <= high)
    return float(freqs[band][np.argmax(spec[band])])


def test_drone_is_exactly_as_long_as_asked_and_stereo() -> None:
    for seconds, sr in ((3.0, SR), (2.345678, 44100), (0.5, 22050)):
        drone = tanpura_drone("C#", seconds, sr)
        assert drone.shape == (round(seconds * sr), 2)
        assert drone.dtype == np.float32


def test_same_seed_same_drone_other_seed_other_drone() -> None:
    a = tanpura_drone("D", 4.0, SR, seed=3)
    assert np.array_equal(a, tanpura_drone("D", 4.0, SR, seed=3))
    assert not np.array_equal(a, tanpura_drone("D", 4.0, SR, seed=4))


def test_drone_sounds_sa_and_pa_in_the_right_octaves() -> None:
    drone = tanpura_drone("C", 4.6, SR, seed=1).mean(axis=1)
    unit = 4.6 / 4.6  # plucks one interval apart: Pa at 0 s, Sa at 1 s and 2 s, low Sa at 3 s
    pa = drone[int(0.05 * SR) : int(0.95 * unit * SR)]
    sa = drone[int(1.3 * SR) : int(1.95 * SR)]
    assert _spectrum_peak(pa, SR, 80, 120) == pytest.approx(98.0, abs=2.5)  # G2, Pa below Sa
    assert _spectrum_peak(sa, SR, 115, 150) == pytest.approx(130.8, abs=2.5)  # C3, Sa
    low = drone[int(3.2 * SR) : int(4.4 * SR)]
    assert _spectrum_peak(low, SR, 55, 75) == pytest.approx(65.4, abs=2.5)  # C2, kharaj Sa


def test_ma_tuning_replaces_pa() -> None:
    drone = tanpura_drone("C", 1.0, SR, first="M").mean(axis=1)
    assert _spectrum_peak(drone[: int(0.9 * SR)], SR, 80, 120) == pytest.approx(87.3, abs=2.5)


def test_plucks_repeat_every_cycle() -> None:
    drone = tanpura_drone("C#", 14.0, SR, seed=2, cycle_s=4.0).mean(axis=1)
    envelope = np.abs(drone).reshape(-1, SR // 100).max(axis=1)  # 10 ms frames
    onsets = np.flatnonzero(np.diff(envelope) > 0.05 * envelope.max()) / 100.0
    firsts = [t for t in onsets if t % 4.0 < 0.05 or t % 4.0 > 3.95]
    assert any(abs(t - 4.0) < 0.06 for t in firsts) and any(abs(t - 8.0) < 0.06 for t in firsts)


def test_drone_level_is_sane_and_fades_out() -> None:
    drone = tanpura_drone("A", 10.0, SR, seed=5)
    peak_db = 20 * np.log10(np.abs(drone).max())
    rms_db = 20 * np.log10(np.sqrt(np.mean(drone**2)))
    assert -9.0 < peak_db < -3.0
    assert -30.0 < rms_db < -15.0
    assert np.all(drone[-1] == 0.0)
    assert np.abs(drone[-100:]).max() < 1e-3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tonic": "X"}, "unknown tonic"),
        ({"seconds": -1.0}, "drone length"),
        ({"seconds": 1e5}, "drone length"),
        ({"sample_rate": 100}, "sample rate"),
        ({"first": "D"}, "P, M, N"),
        ({"seconds": float("nan")}, "drone length"),
    ],
)
def test_bad_drone_parameters(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    args = {"tonic": "C#", "seconds": 2.0, "sample_rate": SR, **kwargs}
    with pytest.raises(InputError, match=message):
        tanpura_drone(**args)


def test_tabla_dayan_rings_at_sa_and_bayan_is_low() -> None:
    sa = 61  # C#4, 277 Hz
    na = render_strokes([(0.0, NA, 110)], SR, SR, 0, sa=sa).mean(axis=1)
    tin = render_strokes([(0.0, TIN, 110)], SR, SR, 0, sa=sa).mean(axis=1)
    ge = render_strokes([(0.0, GE, 110)], SR, SR, 0, sa=sa).mean(axis=1)
    assert _spectrum_peak(tin[: SR // 2], SR, 200, 400) == pytest.approx(277.2, abs=5)
    assert _spectrum_peak(na[: SR // 2], SR, 200, 1200) == pytest.approx(554.4, abs=8)  # 2nd mode
    assert _spectrum_peak(ge[: SR // 2], SR, 60, 200) < 140
    early, late = na[: SR // 10], na[int(0.6 * SR) : int(0.8 * SR)]
    assert np.sqrt(np.mean(late**2)) < 0.1 * np.sqrt(np.mean(early**2))  # a stroke dies away
