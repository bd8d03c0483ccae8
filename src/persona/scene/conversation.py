"""Dialogue → :class:`~persona.scene.model.Conversation`: every turn spoken and laid end to end.

    turn_scripts (parse each turn, errors name its line) ─speak_turns (synthesize_script
    with the speaker's voice)→ Speech per turn ─lay_out (natural gaps)→ Conversation

Turns follow each other with a gap of :data:`GAP_MS` (drawn from the scene's seed), a
shorter :data:`QUICK_GAP_MS` before a quick reply of a few words, and
:data:`SAME_SPEAKER_GAP_MS` when one speaker has two turns in a row. The mix is the sum
of every speaker's own track; each track keeps the speaker's phones and words at their
places in the mix, silence elsewhere, so lip sync and face motion run on it unchanged.

Moments that listeners react to are found in each turn's text and timed by its words: a
question (``?``), laughter (``[laughs]``, "haha"), surprise (a short exclamation such as
"No way!", or "wow"), and a happy turn (emotion happy or excited, ``[smiles]``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from persona.errors import ScriptError
from persona.media.audio import resample
from persona.progress import NullProgress, Progress
from persona.scene.model import (
    HAPPY,
    LAUGH,
    LAUGHTER,
    QUESTION,
    SMILE,
    SURPRISE,
    Conversation,
    Dialogue,
    Moment,
    SceneSpec,
    SpokenWord,
    TimedTurn,
    Turn,
)
from persona.script import parse_script
from persona.types import SILENCE, Phone, Prosody, Script, Speech, Word
from persona.voice import get_voice, synthesize_script
from persona.voice.synth import DEFAULT_SAMPLE_RATE, tile
from persona.voice.timeline import ordered_words, to_ms

GAP_MS = (300, 500)
QUICK_GAP_MS = (150, 260)
SAME_SPEAKER_GAP_MS = 200
QUICK_WORDS = 4
"""A reply of at most this many words comes quickly."""
LEAD_IN_MS = 400
"""Silence before the first turn (after the title card, if any)."""
TAIL_MS = 700
CUE_ONLY_MS = 900
"""Length of a turn that is only a cue, such as ``Sam: [laughs]``."""

_MARKS = re.compile(r"\[[^\]]*\]")
_LAUGH_WORD = re.compile(r"\b(?:ha){2,}h?\b|\bhe(?:he)+\b|\blol\b", re.IGNORECASE)
_EXCLAMATION = re.compile(r"(?:^|(?<=[.!?]\s))(?:[^\s.!?]+\s+){0,2}[^\s.!?]+!")
"""A short exclamation ("Wow!", "No way!"); a long sentence ending in "!" is no surprise."""
_SURPRISE_WORD = re.compile(r"\b(?:wow|whoa|woah|no way|oh my)\b", re.IGNORECASE)
_HAPPY_EMOTIONS = frozenset({"happy", "excited"})


def turn_scripts(dialogue: Dialogue, scene: SceneSpec) -> list[Script | None]:
    """Each turn parsed for its speaker's language (None for a turn that is only a cue).

    A bad pause mark is a :class:`ScriptError` that names the turn's line.
    """
    scripts: list[Script | None] = []
    for turn in dialogue.turns:
        speaker = scene.speakers[turn.speaker]
        lang = get_voice(speaker.voice, scene.lang).lang
        try:
            scripts.append(parse_script(turn.text, lang) if _has_words(turn.text) else None)
        except ScriptError as exc:
            raise ScriptError(f"line {turn.line}: {exc}") from exc
    return scripts


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in _MARKS.sub(" ", text))


def speak_turns(
    dialogue: Dialogue,
    scene: SceneSpec,
    scripts: Sequence[Script | None],
    progress: Progress | None = None,
) -> list[Speech]:
    """Every turn spoken by its speaker's voice, pitch, speed and emotion."""
    sink = progress or NullProgress()
    speeches: list[Speech] = []
    for k, (turn, script) in enumerate(zip(dialogue.turns, scripts, strict=True)):
        speaker = scene.speakers[turn.speaker]
        if script is None:
            n = CUE_ONLY_MS * DEFAULT_SAMPLE_RATE // 1000
            speeches.append(Speech(np.zeros(n, np.float32), DEFAULT_SAMPLE_RATE, ()))
        else:
            voice = get_voice(speaker.voice, scene.lang)
            prosody = Prosody(pitch_st=speaker.pitch, emotion=turn.emotion or speaker.emotion)
            speeches.append(synthesize_script(script, voice, speed=speaker.speed, prosody=prosody))
        sink.update((k + 1) / len(scripts))
    return speeches


def lay_out(
    dialogue: Dialogue,
    speeches: Sequence[Speech],
    n_speakers: int,
    *,
    lead_in_ms: int = LEAD_IN_MS,
    seed: int = 0,
) -> Conversation:
    """Place the turns' ``speeches`` one after another on one timeline."""
    spoken = [s for s in speeches if len(s.audio)]
    rate = spoken[0].sample_rate if spoken else DEFAULT_SAMPLE_RATE
    audio = [resample(s.audio, s.sample_rate, rate) for s in speeches]
    offsets = turn_offsets(dialogue.turns, [len(a) for a in audio], rate, lead_in_ms, seed)
    total = offsets[-1] + len(audio[-1]) + round(TAIL_MS * rate / 1000)
    placed = list(zip(offsets, audio, speeches, strict=True))
    tracks = tuple(
        _place(
            [p for p, t in zip(placed, dialogue.turns, strict=True) if t.speaker == who],
            total,
            rate,
        )
        for who in range(n_speakers)
    )
    mix = np.sum([t.audio for t in tracks], axis=0).astype(np.float32)
    turns = tuple(
        TimedTurn(k, t.speaker, to_ms(o, rate), to_ms(o + len(a), rate), t.text, t.emotion)
        for k, (t, o, a) in enumerate(zip(dialogue.turns, offsets, audio, strict=True))
    )
    moments = [
        m
        for timed, turn, speech in zip(turns, dialogue.turns, speeches, strict=True)
        for m in find_moments(timed, turn, speech)
    ]
    words = tuple(_spoken_words(turns, speeches))
    moments.sort(key=lambda m: m.time_ms)
    return Conversation(mix, rate, tracks, turns, words, tuple(moments))


def turn_offsets(
    turns: Sequence[Turn], lengths: Sequence[int], rate: int, lead_in_ms: int, seed: int
) -> list[int]:
    """The sample where each turn starts: after the lead-in, then after each gap."""
    rng = np.random.default_rng(seed)
    offsets: list[int] = []
    cursor = round(lead_in_ms * rate / 1000)
    for k, turn in enumerate(turns):
        if k:
            cursor += round(gap_ms(turns[k - 1], turn, rng) * rate / 1000)
        offsets.append(cursor)
        cursor += lengths[k]
    return offsets


def gap_ms(previous: Turn, turn: Turn, rng: np.random.Generator) -> int:
    """The silence before ``turn``, which follows ``previous``."""
    if turn.speaker == previous.speaker:
        return SAME_SPEAKER_GAP_MS
    quick = len(_MARKS.sub(" ", turn.text).split()) <= QUICK_WORDS
    low, high = QUICK_GAP_MS if quick else GAP_MS
    return int(rng.integers(low, high + 1))


def _place(parts: Sequence[tuple[int, np.ndarray, Speech]], total: int, rate: int) -> Speech:
    """One speaker's track: each (offset, audio, turn speech) at its sample offset."""
    audio = np.zeros(total, np.float32)
    phones: list[Phone] = []
    words: list[Word] = []
    for offset, samples, speech in parts:
        audio[offset : offset + len(samples)] = samples
        start, end = to_ms(offset, rate), to_ms(offset + len(samples), rate)
        phones.append(Phone(SILENCE, phones[-1].end_ms if phones else 0, start))
        phones += [
            Phone(p.symbol, min(start + p.start_ms, end), min(start + p.end_ms, end), p.stress)
            for p in speech.phones
        ]
        phones.append(Phone(SILENCE, phones[-1].end_ms, end))
        words += [
            Word(w.text, min(start + w.start_ms, end), min(start + w.end_ms, end))
            for w in speech.words
        ]
    return Speech(audio, rate, tile(phones, to_ms(total, rate)), ordered_words(words))


def _spoken_words(turns: Sequence[TimedTurn], speeches: Sequence[Speech]) -> list[SpokenWord]:
    out: list[SpokenWord] = []
    for turn, speech in zip(turns, speeches, strict=True):
        for w in speech.words:
            start = min(turn.start_ms + w.start_ms, turn.end_ms)
            out.append(
                SpokenWord(
                    w.text,
                    start,
                    min(turn.start_ms + w.end_ms, turn.end_ms),
                    turn.speaker,
                    turn.index,
                )
            )
    return out


# ---------------------------------------------------------------------------- moments


def find_moments(timed: TimedTurn, turn: Turn, speech: Speech) -> list[Moment]:
    """Questions, laughter, surprise and happy lines in one turn, at their times."""
    at = _clock(timed, speech)
    text = turn.text
    total = max(1, len(text.split()))

    def share(position: int) -> float:
        return len(text[:position].split()) / total

    found = [(QUESTION, share(m.end())) for m in re.finditer(r"\?", text)]
    found += [(SURPRISE, share(m.end())) for m in _EXCLAMATION.finditer(text)]
    found += [(SURPRISE, share(m.end())) for m in _SURPRISE_WORD.finditer(text)]
    found += [(LAUGHTER, share(m.end())) for m in _LAUGH_WORD.finditer(text)]
    found += [(LAUGHTER, c.position) for c in turn.cues if c.kind == LAUGH]
    found += [(HAPPY, c.position) for c in turn.cues if c.kind == SMILE]
    if turn.emotion in _HAPPY_EMOTIONS:
        found.append((HAPPY, 0.0))
    moments = {Moment(kind, at(position), timed.speaker, timed.index) for kind, position in found}
    return sorted(moments, key=lambda m: (m.time_ms, m.kind))


def _clock(timed: TimedTurn, speech: Speech) -> Callable[[float], int]:
    """Time (ms in the mix) after the given share of a turn's words has been said."""
    words = speech.words

    def at(share: float) -> int:
        if not words:
            return timed.start_ms + round(share * timed.duration_ms)
        i = min(len(words) - 1, max(0, math.ceil(share * len(words)) - 1))
        edge = words[i].start_ms if share <= 0 else words[i].end_ms
        return min(timed.end_ms, timed.start_ms + edge)

    return at
