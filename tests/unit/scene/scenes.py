"""Synthetic speech and conversations for scene tests (no TTS engine needed)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from persona.scene.conversation import lay_out
from persona.scene.dialogue import parse_dialogue
from persona.scene.model import Conversation, Speaker
from persona.types import SILENCE, Phone, Speech, Word

RATE = 16000
FPS = 25
SPEAKERS = (
    Speaker("alex", "Alex", "template:maya"),
    Speaker("sam", "Sam", "template:kwame"),
    Speaker("mei", "Mei", "template:mei"),
)


def fake_speech(text: str, freq: float = 150.0, word_ms: int = 320) -> Speech:
    """Each word of ``text`` as "m" + "a" (a tone at ``freq``), sentence ends as pauses."""
    phones: list[Phone] = []
    words: list[Word] = []
    pieces: list[np.ndarray] = []
    t = 0
    for token in text.replace("[laughs]", "").split():
        phones += [Phone("m", t, t + 100), Phone("a", t + 100, t + word_ms, 1)]
        words.append(Word(token.strip(".,!?"), t, t + word_ms))
        n = word_ms * RATE // 1000
        pieces.append(0.3 * np.sin(2 * np.pi * freq * np.arange(n) / RATE))
        t += word_ms
        if token[-1] in ".!?":
            phones.append(Phone(SILENCE, t, t + 250))
            pieces.append(np.zeros(250 * RATE // 1000))
            t += 250
    if not pieces:  # a turn that is only a cue
        return Speech(np.zeros(900 * RATE // 1000, np.float32), RATE, ())
    audio = np.concatenate(pieces).astype(np.float32)
    return Speech(audio, RATE, tuple(phones), tuple(words))


FREQS = (120.0, 220.0, 320.0)


def fake_conversation(
    text: str, speakers: Sequence[Speaker] = SPEAKERS[:2], *, lead_in_ms: int = 400
) -> Conversation:
    """``text`` (a dialogue) laid out with :func:`fake_speech` turns, one tone per speaker."""
    dialogue = parse_dialogue(text, speakers)
    speeches = [fake_speech(t.text, FREQS[t.speaker]) for t in dialogue.turns]
    return lay_out(dialogue, speeches, len(speakers), lead_in_ms=lead_in_ms)


def frames(ms: int) -> int:
    """The frame (at :data:`FPS`) that shows time ``ms``."""
    return round(ms * FPS / 1000)
