"""Snapping pause boundaries onto the audio."""

from __future__ import annotations

import itertools

import numpy as np

from persona.types import SILENCE, Phone, Speech, Word
from persona.voice.refine import MAX_SHIFT_MS, snap_silences

RATE = 16000


def tone_with_gap(gap: tuple[int, int], total_ms: int = 1000) -> np.ndarray:
    """A 150 Hz tone that is silent between ``gap`` (ms)."""
    t = np.arange(total_ms * RATE // 1000) / RATE
    audio = (0.5 * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    audio[gap[0] * RATE // 1000 : gap[1] * RATE // 1000] = 0.0
    return audio


def make_speech(audio: np.ndarray, pause: tuple[int, int], before: str, after: str) -> Speech:
    total = round(len(audio) * 1000 / RATE)
    phones = (
        Phone("a", 0, pause[0] - 100),
        Phone(before, pause[0] - 100, pause[0]),
        Phone(SILENCE, pause[0], pause[1]),
        Phone(after, pause[1], pause[1] + 100),
        Phone("a", pause[1] + 100, total),
    )
    words = (Word("one", 0, pause[0]), Word("two", pause[1], total))
    return Speech(audio, RATE, phones, words)


def silence_of(speech: Speech) -> Phone:
    (silence,) = [p for p in speech.phones if p.symbol == SILENCE]
    return silence


def test_boundaries_move_onto_the_audio() -> None:
    audio = tone_with_gap((400, 600))
    speech = snap_silences(make_speech(audio, (440, 560), "m", "n"))  # pause drawn too short
    silence = silence_of(speech)
    assert abs(silence.start_ms - 400) <= 5 and abs(silence.end_ms - 600) <= 5
    assert speech.words[0].end_ms == silence.start_ms
    assert speech.words[1].start_ms == silence.end_ms
    phones = speech.phones
    assert phones[0].start_ms == 0 and phones[-1].end_ms == 1000
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(phones))


def test_speech_ringing_into_the_pause_shrinks_it() -> None:
    audio = tone_with_gap((430, 570))
    silence = silence_of(snap_silences(make_speech(audio, (400, 600), "m", "n")))
    assert abs(silence.start_ms - 430) <= 5 and abs(silence.end_ms - 570) <= 5


def test_shift_is_bounded() -> None:
    audio = tone_with_gap((300, 700))
    silence = silence_of(snap_silences(make_speech(audio, (450, 550), "m", "n")))
    assert silence.start_ms == 450 - MAX_SHIFT_MS
    assert silence.end_ms == 550 + MAX_SHIFT_MS


def test_stop_closures_stay_with_the_stop() -> None:
    audio = tone_with_gap((400, 600))
    speech = snap_silences(make_speech(audio, (440, 560), "t", "p"))
    silence = silence_of(speech)
    assert (silence.start_ms, silence.end_ms) == (440, 560)


def test_silent_audio_is_left_alone() -> None:
    audio = np.zeros(RATE, np.float32)
    speech = make_speech(audio, (440, 560), "m", "n")
    assert snap_silences(speech).phones == speech.phones
