"""Script → Speech: speak every segment, then join them with their pauses.

    segments ─engine.synthesize (at the voice's and the prosody's rate)→ ─voice.transform→
             ─apply_prosody→ Speech per segment ─join_speech→ one Speech

Each segment speaks with its own voice (``Segment.voice``, else the script's voice, else
the default voice of the segment's language when that differs from the script voice's)
and its own prosody, combined with the script-wide one (:func:`persona.voice.prosody.combine`).

Pauses become silent audio and :data:`~persona.types.SILENCE` phones. Each segment's
timings are shifted by the sample offset where its audio starts, and the joined phones
are re-tiled so they stay contiguous from 0 to exactly ``duration_ms`` despite rounding.
Last, every pause boundary is snapped onto the audio (:mod:`persona.voice.refine`),
measured against the speech level of the whole script.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from persona.errors import InputError, PersonaError, SpeechError
from persona.media.audio import resample
from persona.progress import NullProgress, Progress
from persona.types import SILENCE, Phone, Prosody, Script, Segment, Speech, Word
from persona.voice.base import TTSEngine, Voice, get_engine
from persona.voice.catalog import canonical_language, default_voice, get_voice
from persona.voice.prosody import apply_prosody, check_prosody, combine, engine_rate
from persona.voice.refine import snap_silences
from persona.voice.timeline import ordered_words, to_ms

MIN_SPEED = 0.5
MAX_SPEED = 2.0
DEFAULT_SAMPLE_RATE = 22050
"""Sample rate of a speech with no spoken segment at all (only pauses)."""


def synthesize_script(
    script: Script,
    voice: Voice,
    *,
    speed: float = 1.0,
    prosody: Prosody | None = None,
    progress: Progress | None = None,
) -> Speech:
    """Speak ``script`` with ``voice``; ``speed`` 1.5 talks 1.5 times as fast.

    ``prosody`` applies to the whole script (pitch, volume, default emotion); each
    segment's own prosody compounds with it. Pauses keep their written length at any
    speed. Progress is reported once per segment. Engine failures surface as
    :class:`~persona.errors.SpeechError`.
    """
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise InputError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed}")
    base = check_prosody(prosody if prosody is not None else Prosody())
    sink = progress if progress is not None else NullProgress()
    parts: list[Speech] = []
    total = len(script.segments)
    for index, segment in enumerate(script.segments):
        said = combine(base, segment.prosody)
        parts.append(_speak(segment, segment_voice(segment, voice), speed, said, index))
        sink.update((index + 1) / total)
    joined = join_speech(parts, [s.pause_after_ms for s in script.segments])
    return snap_silences(joined)


def segment_voice(segment: Segment, voice: Voice) -> Voice:
    """The voice that speaks ``segment`` when the script's voice is ``voice``."""
    if segment.voice is not None:
        return get_voice(segment.voice, segment.lang)
    if segment.lang == voice.lang or canonical_language(segment.lang) == voice.lang:
        return voice
    return default_voice(segment.lang)


def _speak(segment: Segment, voice: Voice, speed: float, prosody: Prosody, index: int) -> Speech:
    if not segment.text.strip():
        return Speech(np.zeros(0, np.float32), DEFAULT_SAMPLE_RATE, ())
    engine = get_engine(voice.engine)
    try:
        return speak(engine, segment.text, voice, speed, prosody)
    except PersonaError:
        raise
    except Exception as exc:  # a backend bug or an engine error it did not wrap
        raise SpeechError(
            f"{engine.name} failed on segment {index + 1} ({segment.display[:40]!r}): {exc}"
        ) from exc


def speak(
    engine: TTSEngine,
    text: str,
    voice: Voice,
    speed: float = 1.0,
    prosody: Prosody | None = None,
) -> Speech:
    """One stretch of text in ``voice``: the engine speaks it at ``speed`` times the
    prosody's rate (clamped to 0.5..2.0), times its emotion's and the voice's own rate
    (:attr:`Voice.rate`); then the voice's transform, if any, and the prosody's pitch,
    contours and loudness apply.

    The rate changes in the engine, never by stretching audio afterwards, so the
    engine's phone timings stay exact; the transform and the prosody keep them too.
    """
    said = prosody if prosody is not None else Prosody()
    user_rate = min(max(speed * said.rate, MIN_SPEED), MAX_SPEED)
    rate = user_rate * engine_rate(Prosody(emotion=said.emotion, intensity=said.intensity))
    speech = engine.synthesize(text, voice=voice, speed=rate * voice.rate)
    if voice.transform is not None:
        speech = voice.transform.apply(speech)
    return apply_prosody(speech, said)


def join_speech(parts: Sequence[Speech], pauses_ms: Sequence[int]) -> Speech:
    """Concatenate ``parts``, each followed by its pause, into one tiled Speech.

    Parts at another sample rate are resampled to the first spoken part's rate; a part
    without audio is a pure pause.
    """
    rate = next((p.sample_rate for p in parts if len(p.audio)), DEFAULT_SAMPLE_RATE)
    blocks: list[np.ndarray] = []
    phones: list[Phone] = []
    words: list[Word] = []
    offset = 0
    for part, pause_ms in zip(parts, pauses_ms, strict=True):
        audio = resample(part.audio, part.sample_rate, rate)
        start_ms, end_ms = to_ms(offset, rate), to_ms(offset + len(audio), rate)
        phones.extend(_shifted_phones(part.phones, start_ms, end_ms))
        words.extend(_shifted_words(part.words, start_ms, end_ms))
        pause = np.zeros(round(max(0, pause_ms) * rate / 1000), np.float32)
        blocks.extend([audio, pause])
        offset += len(audio) + len(pause)
        phones.append(Phone(SILENCE, end_ms, to_ms(offset, rate)))
    audio = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    return Speech(
        audio=audio.astype(np.float32, copy=False),
        sample_rate=rate,
        phones=tile(phones, to_ms(len(audio), rate)),
        words=ordered_words(words),
    )


def _shifted_phones(phones: Sequence[Phone], start_ms: int, end_ms: int) -> list[Phone]:
    shifted = [
        Phone(
            p.symbol,
            min(start_ms + p.start_ms, end_ms),
            min(start_ms + p.end_ms, end_ms),
            p.stress,
        )
        for p in phones
    ]
    if shifted:
        last = shifted[-1]
        shifted[-1] = Phone(last.symbol, last.start_ms, end_ms, last.stress)
    elif end_ms > start_ms:
        shifted.append(Phone(SILENCE, start_ms, end_ms))
    return shifted


def _shifted_words(words: Sequence[Word], start_ms: int, end_ms: int) -> list[Word]:
    return [
        Word(w.text, min(start_ms + w.start_ms, end_ms), min(start_ms + w.end_ms, end_ms))
        for w in words
    ]


def tile(phones: Sequence[Phone], total_ms: int) -> tuple[Phone, ...]:
    """Make ``phones`` tile ``[0, total_ms]``: contiguous, no empty phones, silences merged.

    Each phone starts where the previous one ended; phones that end up empty are dropped;
    a gap at the end becomes (or extends) silence.
    """
    result: list[Phone] = []
    cursor = 0
    for phone in phones:
        end = min(phone.end_ms, total_ms)
        if end <= cursor:
            continue
        if result and phone.symbol == SILENCE and result[-1].symbol == SILENCE:
            result[-1] = Phone(SILENCE, result[-1].start_ms, end)
        else:
            result.append(Phone(phone.symbol, cursor, end, phone.stress))
        cursor = end
    if cursor < total_ms:
        if result and result[-1].symbol == SILENCE:
            result[-1] = Phone(SILENCE, result[-1].start_ms, total_ms)
        else:
            result.append(Phone(SILENCE, cursor, total_ms))
    return tuple(result)
