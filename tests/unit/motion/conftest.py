"""Synthetic speech for motion tests: hand-timed phones over noise-burst audio."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from persona.lipsync import is_silence
from persona.types import Phone, Speech

VOWELS = frozenset({"a", "ɑː", "iː", "ɛ", "ə", "uː", "oʊ"})


def build_speech(
    specs: Sequence[tuple[str, int, int]], *, sample_rate: int = 8000, seed: int = 0
) -> Speech:
    """Phones (symbol, duration_ms, stress) laid end to end; vowels are noise bursts.

    The stress digit also sets the loudness of a vowel: stressed vowels are louder.
    """
    rng = np.random.default_rng(seed)
    phones: list[Phone] = []
    pieces: list[np.ndarray] = []
    t = 0
    for symbol, duration, stress in specs:
        phones.append(Phone(symbol, t, t + duration, stress))
        n = round(duration * sample_rate / 1000)
        level = 0.0 if is_silence(symbol) else 0.02
        if symbol in VOWELS:
            level = 0.5 if stress == 1 else 0.15
        pieces.append(rng.uniform(-1, 1, n) * level)
        t += duration
    audio = np.concatenate(pieces) if pieces else np.zeros(0)
    return Speech(audio=audio.astype(np.float32), sample_rate=sample_rate, phones=tuple(phones))


def talk(seconds: float, seed: int = 0, long_pauses: bool = True) -> Speech:
    """Random syllables with pauses (some long) for ``seconds``."""
    rng = np.random.default_rng(seed)
    specs: list[tuple[str, int, int]] = [("_", 400, 0)]
    total = 400
    while total < seconds * 1000:
        if rng.random() < 0.1:
            longest = 1500 if long_pauses else 140
            specs.append(("_", int(rng.integers(100, longest)), 0))
        specs.append((str(rng.choice(["t", "k", "s", "m", "n"])), int(rng.integers(40, 100)), 0))
        specs.append(
            (str(rng.choice(sorted(VOWELS))), int(rng.integers(80, 250)), int(rng.integers(0, 3)))
        )
        total = sum(s[1] for s in specs)
    specs.append(("_", 400, 0))
    return build_speech(specs, seed=seed)


@pytest.fixture
def make_speech() -> Callable[..., Speech]:
    return build_speech


@pytest.fixture
def make_talk() -> Callable[..., Speech]:
    return talk
