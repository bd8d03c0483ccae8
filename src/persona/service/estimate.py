"""How long a script will run, sentence by sentence, before anything is rendered.

The script goes through the engine's own steps: :func:`~persona.pipeline.script_language`
picks the language, :func:`~persona.script.parse_script` splits it into the segments the
renderer speaks (sentences, with their pauses and any SSML ``<emotion>``), and the voice
speaks them. The engine has no duration model to ask, so the method is:

1. **tts**: the voice speaks each sentence at the requested speed and the emotion's rate
   (the engine changes its rate; the voice's transform and the prosody's pitch do not
   change the length, so they are skipped). Each sentence's length is cached by
   (voice, speed, emotion, text): re-estimating an edited script speaks only the
   sentences that changed.
2. **calibrated**: when the uncached sentences would take more than
   :data:`TTS_BUDGET_CHARS` characters to speak, the first ones are spoken and the rest
   are timed at the pace (characters per second) the voice just showed on them.

Each sentence's ``emotion`` is the engine's own hint for it: the segment's SSML
``<emotion>`` when it has one, else the request's emotion (the renderer's default).
Pauses between sentences (sentence, paragraph and ``[pause]`` marks) are added as the
renderer adds them.

:func:`preview_script` uses the same timings to cut a script to its first seconds for a
quick preview render.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from persona.types import Prosody, Script, Segment
from persona.voice.base import Voice

TTS_BUDGET_CHARS = 200
"""Speak at most this many characters per estimate; time the rest at the measured pace."""
DEFAULT_CPS = 14.0
"""Characters per second when nothing at all could be spoken (about 160 words a minute)."""
CACHE_ENTRIES = 4096

_durations: OrderedDict[tuple[str, float, str, str], int] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Timed:
    text: str
    start_ms: int
    duration_ms: int
    emotion: str
    pause_after_ms: int


@dataclass(frozen=True)
class Estimate:
    duration_ms: int
    words: int
    sentences: tuple[Timed, ...]
    method: str  # "tts" or "calibrated"
    voice: str
    lang: str


def estimate_script(
    text: str,
    voice_id: str | None = None,
    *,
    speed: float = 1.0,
    lang: str | None = None,
    emotion: str = "neutral",
    budget_chars: int = TTS_BUDGET_CHARS,
) -> Estimate:
    """Time ``text`` as the renderer would speak it (see the module docstring)."""
    from persona.pipeline import script_language
    from persona.script import parse_script
    from persona.voice import get_voice
    from persona.voice.prosody import get_emotion

    get_emotion(emotion)
    language = script_language(text, lang, voice_id)
    script = parse_script(text, language)
    voice = get_voice(voice_id, language)
    spoken, method = _speak_durations(script, voice, speed, emotion, budget_chars)
    sentences, clock = [], 0
    for segment, duration in zip(script.segments, spoken, strict=True):
        if segment.text:
            mood = segment.prosody.emotion or emotion
            sentences.append(Timed(segment.display, clock, duration, mood, segment.pause_after_ms))
        clock += duration + segment.pause_after_ms
    last_pause = script.segments[-1].pause_after_ms if script.segments else 0
    words = sum(len(s.display.split()) for s in script.segments)
    return Estimate(clock - last_pause, words, tuple(sentences), method, voice.id, voice.lang)


def _speak_durations(
    script: Script, voice: Voice, speed: float, emotion: str, budget: int
) -> tuple[list[int], str]:
    """Milliseconds each segment speaks for, and how they were found."""
    from persona.voice.synth import segment_voice

    durations: list[int | None] = []
    spent = 0
    for segment in script.segments:
        if not segment.text.strip():
            durations.append(0)
            continue
        said = segment_voice(segment, voice)
        key = (said.id, round(speed, 3), segment.prosody.emotion or emotion, segment.text)
        known = _cached(key)
        if known is None and spent < budget:
            known = _speak_ms(segment, said, speed, key[2])
            spent += len(segment.text)
            _remember(key, known)
        durations.append(known)
    if all(d is not None for d in durations):
        return [int(d or 0) for d in durations], "tts"
    pace = _pace(script.segments, durations)
    timed = [
        d if d is not None else round(1000 * len(s.text) / pace)
        for s, d in zip(script.segments, durations, strict=True)
    ]
    return timed, "calibrated"


def _pace(segments: tuple[Segment, ...], durations: list[int | None]) -> float:
    """Characters per second over the segments that were spoken."""
    chars = sum(len(s.text) for s, d in zip(segments, durations, strict=True) if d)
    ms = sum(d for d in durations if d)
    return chars * 1000 / ms if chars and ms else DEFAULT_CPS


def _speak_ms(segment: Segment, voice: Voice, speed: float, emotion: str) -> int:
    """How long the engine speaks ``segment``: the same rate the renderer asks for."""
    from persona.voice.base import get_engine
    from persona.voice.prosody import combine, engine_rate
    from persona.voice.synth import MAX_SPEED, MIN_SPEED

    said = combine(Prosody(emotion=emotion), segment.prosody)
    user_rate = min(max(speed * said.rate, MIN_SPEED), MAX_SPEED)
    rate = user_rate * engine_rate(Prosody(emotion=said.emotion, intensity=said.intensity))
    engine = get_engine(voice.engine)
    speech = engine.synthesize(segment.text, voice=voice, speed=rate * voice.rate)
    return speech.duration_ms


def _cached(key: tuple[str, float, str, str]) -> int | None:
    with _lock:
        value = _durations.get(key)
        if value is not None:
            _durations.move_to_end(key)
        return value


def _remember(key: tuple[str, float, str, str], ms: int) -> None:
    with _lock:
        _durations[key] = ms
        while len(_durations) > CACHE_ENTRIES:
            _durations.popitem(last=False)


# ---------------------------------------------------------------------------- quick preview


def preview_script(
    text: str,
    seconds: float,
    voice_id: str | None = None,
    *,
    speed: float = 1.0,
    lang: str | None = None,
) -> str:
    """The first sentences of ``text`` that together speak for at least ``seconds``
    (all of it when it is shorter), as script text for the renderer. SSML is kept
    whole: it cannot be cut by sentences."""
    from persona.script.ssml import is_ssml

    if is_ssml(text):
        return text
    timing = estimate_script(text, voice_id, speed=speed, lang=lang, budget_chars=200)
    kept = []
    for sentence in timing.sentences:
        kept.append(sentence.text)
        if (sentence.start_ms + sentence.duration_ms) / 1000 >= seconds:
            break
    return " ".join(kept) if kept else text
