"""Effects: small frozen objects with one ``apply``; named voice chains and reverbs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from persona.audio.effects import (
    REVERB_PRESETS,
    VOICE_CHAINS,
    Chain,
    Compress,
    Echo,
    Gain,
    HighPass,
    HighShelf,
    Limit,
    LowShelf,
    Peak,
    Reverb,
    pad_tail,
    voice_chain,
)
from persona.errors import InputError

RATE = 48000


def _click(seconds: float = 3.0) -> np.ndarray:
    audio = np.zeros(round(seconds * RATE), np.float32)
    audio[RATE // 10] = 1.0
    return audio


def _ring_ms(audio: np.ndarray, below_db: float = -60.0) -> float:
    """How long after the click the output stays above ``below_db`` of its peak."""
    level = np.abs(audio) / np.abs(audio).max()
    loud = np.flatnonzero(level > 10 ** (below_db / 20))
    return float((loud[-1] - RATE // 10) * 1000 / RATE)


EFFECTS = (
    HighPass(),
    LowShelf(),
    HighShelf(),
    Peak(),
    Compress(),
    Limit(),
    Gain(-3.0),
    Reverb.preset("room"),
    Echo(),
    voice_chain("broadcast"),
)


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda e: type(e).__name__)
def test_every_effect_keeps_length_and_shape(effect: object) -> None:
    mono = np.sin(np.linspace(0, 2000, RATE)).astype(np.float32) * 0.3
    stereo = np.stack([mono, 0.5 * mono], axis=1)
    for audio in (mono, stereo):
        out = effect.apply(audio, RATE)  # type: ignore[attr-defined]
        assert out.shape == audio.shape and out.dtype == np.float32
        assert np.all(np.isfinite(out))


def test_effects_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        HighPass().cutoff_hz = 200.0  # type: ignore[misc]


def test_a_hall_rings_longer_than_a_room() -> None:
    room = REVERB_PRESETS["room"].apply(_click(), RATE)
    hall = REVERB_PRESETS["hall"].apply(_click(), RATE)
    assert _ring_ms(hall) > 1.5 * _ring_ms(room)
    assert REVERB_PRESETS["hall"].tail_ms > REVERB_PRESETS["room"].tail_ms


def test_echo_repeats_at_its_delay() -> None:
    out = Echo(delay_ms=250.0, feedback=0.5, mix=0.5).apply(_click(), RATE)
    repeats = np.flatnonzero(np.abs(out) > 0.05)
    assert list((repeats[:4] - RATE // 10) * 1000 // RATE) == [0, 250, 500, 750]
    assert np.all(
        np.abs(out[RATE // 10 + 1 : RATE // 10 + RATE // 4 - 1]) < 1e-3
    )  # nothing between


def test_compression_narrows_the_dynamic_range() -> None:
    t = np.arange(2 * RATE) / RATE
    tone = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    loud_then_soft = np.where(t < 1.0, 0.9, 0.05).astype(np.float32) * tone
    out = Compress(threshold_db=-30.0, ratio=4.0).apply(loud_then_soft, RATE)

    def db(a: np.ndarray) -> float:
        return float(10 * np.log10(np.mean(a.astype(np.float64) ** 2)))

    before = db(loud_then_soft[RATE // 2 : RATE]) - db(loud_then_soft[RATE + RATE // 2 :])
    after = db(out[RATE // 2 : RATE]) - db(out[RATE + RATE // 2 :])
    assert after < before - 10


def test_chain_applies_in_order_and_sums_tails() -> None:
    chain = Chain((Gain(-6.0), Echo(200.0, 0.0, 0.5)))
    assert chain.tail_ms == 200
    out = chain.apply(_click(1.0), RATE)
    assert np.abs(out).max() == pytest.approx(0.5 * 10 ** (-6 / 20), rel=0.05)


def test_pad_tail_adds_silence() -> None:
    mono = np.ones(100, np.float32)
    assert pad_tail(mono, 1000, 50).shape == (150,)
    assert pad_tail(np.ones((100, 2), np.float32), 1000, 50).shape == (150, 2)


def test_named_chains_and_presets() -> None:
    assert {"broadcast", "podcast", "temple"} <= set(VOICE_CHAINS)
    assert voice_chain(" Broadcast ") is VOICE_CHAINS["broadcast"]
    with pytest.raises(InputError, match=r"unknown voice chain 'radio'.*broadcast"):
        voice_chain("radio")
    with pytest.raises(InputError, match="unknown reverb 'cave'"):
        Reverb.preset("cave")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Echo(feedback=1.2), "echo feedback"),
        (lambda: HighPass(cutoff_hz=0.0), "high-pass cutoff"),
        (lambda: Compress(ratio=0.5), "compressor ratio"),
        (lambda: Reverb(room_size=2.0), "reverb room size"),
        (lambda: Peak(gain_db=float("nan")), "peak gain"),
    ],
)
def test_bad_effect_parameters(make: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        make()  # type: ignore[operator]
