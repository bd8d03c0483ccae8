"""Synthetic speech for lip-sync tests: hand-timed phones over noise-burst audio."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from persona.lipsync import is_silence, viseme_for
from persona.lipsync.visemes import VISEMES
from persona.types import Phone, Speech

PhoneSpec = tuple[str, int] | tuple[str, int, int]
"""(symbol, duration_ms) or (symbol, duration_ms, stress)."""

VOWEL_LEVEL = 0.5
CONSONANT_LEVEL = 0.03
RAMP_MS = 5


def build_speech(specs: Sequence[PhoneSpec], *, sample_rate: int = 8000, seed: int = 0) -> Speech:
    """Phones laid end to end from 0; audio is loud noise on vowels, faint on consonants."""
    rng = np.random.default_rng(seed)
    phones: list[Phone] = []
    pieces: list[np.ndarray] = []
    t = 0
    for spec in specs:
        symbol, duration = spec[0], spec[1]
        stress = spec[2] if len(spec) == 3 else 0
        phones.append(Phone(symbol, t, t + duration, stress))
        pieces.append(_burst(symbol, duration, sample_rate, rng))
        t += duration
    audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return Speech(audio=audio.astype(np.float32), sample_rate=sample_rate, phones=tuple(phones))


def _burst(symbol: str, duration_ms: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    n = round(duration_ms * sample_rate / 1000)
    if is_silence(symbol):
        return np.zeros(n, np.float32)
    level = VOWEL_LEVEL if VISEMES[viseme_for(symbol)].vowel else CONSONANT_LEVEL
    ramp = np.minimum(
        1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (RAMP_MS * sample_rate / 1000)
    )
    return (rng.uniform(-1, 1, n) * level * ramp).astype(np.float32)


def frame_rms(speech: Speech, fps: float, n_frames: int) -> np.ndarray:
    """RMS of the audio over each frame's interval, centred on the frame's time."""
    half = speech.sample_rate / fps / 2
    centres = np.arange(n_frames) * speech.sample_rate / fps
    lo = np.clip(np.round(centres - half).astype(int), 0, len(speech.audio))
    hi = np.clip(np.round(centres + half).astype(int), 0, len(speech.audio))
    power = np.concatenate(([0.0], np.cumsum(speech.audio.astype(np.float64) ** 2)))
    return np.sqrt((power[hi] - power[lo]) / np.maximum(hi - lo, 1))


@pytest.fixture
def make_speech() -> Callable[..., Speech]:
    return build_speech


@pytest.fixture
def rms_per_frame() -> Callable[[Speech, float, int], np.ndarray]:
    return frame_rms
