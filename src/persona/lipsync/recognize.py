"""Recorded speech → a :class:`~persona.types.Speech`: the audio with timed phones and words.

    speech_from_audio(audio, rate, transcript="...")   align the words the user gave
    speech_from_audio(audio, rate)                     Whisper hears the words, then align
    speech_from_audio(audio, rate, recognizer="phonetic")   phones only, any language
    speech_from_file("take.wav", transcript="...")      the same, from an audio file

This is what lets an uploaded recording drive the lip sync: the phones it returns go to
:func:`persona.lipsync.animate` like a TTS engine's would.

Recognizers:

* ``"align"``: forced alignment (:mod:`persona.lipsync.align`) of the transcript, or of
  the words Whisper hears (:mod:`persona.lipsync.asr`) when there is none. A transcript
  is normalized like a script, so "3 cats" aligns as "three cats".
* ``"phonetic"``: PocketSphinx phone recognition, no words. Less exact, but it works on
  any audio, in any language (the phones are English ones, close enough for the lips).
* ``"auto"``: ``"align"`` for English; ``"phonetic"`` for other languages and when the
  alignment fails (a transcript that does not match the audio, or no words heard).

Whatever the recognizer says, stretches the audio shows to be quiet stay silent: long
quiet runs become :data:`~persona.types.SILENCE`, and pause boundaries are snapped onto
the audio (:func:`persona.voice.refine.snap_silences`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from persona.errors import InputError
from persona.lipsync.align import Alignment, AlignmentError, align, recognize_phones
from persona.lipsync.asr import speech_samples
from persona.types import SILENCE, Phone, Speech, Word

RECOGNIZERS = ("auto", "align", "phonetic")

"""Audio whose loudest sample stays below this (-60 dBFS) holds no speech."""

QUIET_DB = -35.0
"""A 10 ms frame this far below the speech level (90th percentile) is quiet."""

MIN_PAUSE_MS = 150
"""Quiet runs at least this long are pauses, whatever the recognizer put there."""

PAUSE_FRAME_MS = 10


def speech_from_audio(
    audio: np.ndarray,
    sample_rate: int,
    *,
    transcript: str | None = None,
    recognizer: str = "auto",
    lang: str = "en",
) -> Speech:
    """``audio`` with phones that tile it and the words spoken in it.

    Raises :class:`~persona.errors.AudioError` for empty or silent audio,
    :class:`~persona.errors.InputError` for an unknown recognizer, and
    :class:`~persona.lipsync.align.AlignmentError` when ``recognizer="align"`` cannot
    match the words to the audio.
    """
    if recognizer not in RECOGNIZERS:
        raise InputError(f"unknown recognizer {recognizer!r}: use one of {', '.join(RECOGNIZERS)}")
    samples = speech_samples(audio, sample_rate)
    english = lang.strip().lower().replace("_", "-").split("-")[0] == "en"
    if recognizer == "phonetic" or (recognizer == "auto" and not english):
        found = recognize_phones(samples, sample_rate)
    else:
        try:
            found = _aligned(samples, sample_rate, transcript, lang)
        except AlignmentError:
            if recognizer == "align":
                raise
            found = recognize_phones(samples, sample_rate)
    return _speech(samples, sample_rate, found)


def speech_from_file(
    path: str | Path,
    *,
    transcript: str | None = None,
    recognizer: str = "auto",
    lang: str = "en",
) -> Speech:
    """:func:`speech_from_audio` for an audio file (any format FFmpeg reads).

    Raises :class:`~persona.errors.AudioError` for a missing, corrupt or empty file.
    """
    from persona.media.audio import read_audio_file

    audio, rate = read_audio_file(path)
    return speech_from_audio(audio, rate, transcript=transcript, recognizer=recognizer, lang=lang)


def _aligned(audio: np.ndarray, sample_rate: int, transcript: str | None, lang: str) -> Alignment:
    """Forced alignment of the transcript, or of what Whisper hears."""
    from persona.script.normalize import normalize

    if transcript is not None and transcript.strip():
        return align(audio, sample_rate, normalize(transcript, lang))
    from persona.lipsync.asr import transcribe

    heard = transcribe(audio, sample_rate, word_times=False)
    if not heard.text:
        raise AlignmentError("no words were heard in the audio")
    return align(audio, sample_rate, normalize(heard.text, lang))


def _speech(audio: np.ndarray, sample_rate: int, found: Alignment) -> Speech:
    from persona.voice.refine import snap_silences
    from persona.voice.synth import tile

    total_ms = round(len(audio) * 1000 / sample_rate)
    pauses = quiet_runs(audio, sample_rate)
    phones = tile(_with_pauses(found.phones, pauses), total_ms)
    words = tuple(w for w in found.words if w.end_ms <= total_ms and w.end_ms > w.start_ms)
    return snap_silences(Speech(audio, sample_rate, phones, _outside_pauses(words, pauses)))


def quiet_runs(audio: np.ndarray, sample_rate: int) -> list[tuple[int, int]]:
    """(start, end) ms of quiet stretches at least :data:`MIN_PAUSE_MS` long."""
    step = sample_rate * PAUSE_FRAME_MS // 1000
    count = len(audio) // step
    if count == 0:
        return []
    frames = audio[: count * step].astype(np.float64).reshape(count, step)
    level = 10 * np.log10(np.mean(frames * frames, axis=1) + 1e-12)
    quiet = level < np.percentile(level, 90) + QUIET_DB
    runs: list[tuple[int, int]] = []
    start = None
    for index, is_quiet in enumerate([*quiet.tolist(), False]):
        if is_quiet and start is None:
            start = index
        elif not is_quiet and start is not None:
            if (index - start) * PAUSE_FRAME_MS >= MIN_PAUSE_MS:
                runs.append((start * PAUSE_FRAME_MS, index * PAUSE_FRAME_MS))
            start = None
    return runs


def _with_pauses(phones: tuple[Phone, ...], pauses: list[tuple[int, int]]) -> list[Phone]:
    """``phones`` with every pause cut out of them and put in as SILENCE."""
    result: list[Phone] = []
    for phone in phones:
        pieces = [(phone.start_ms, phone.end_ms)]
        for start, end in pauses:
            pieces = [
                part
                for a, b in pieces
                for part in ((a, min(b, start)), (max(a, end), b))
                if part[1] > part[0]
            ]
        result += [Phone(phone.symbol, a, b, phone.stress) for a, b in pieces]
    result += [Phone(SILENCE, start, end) for start, end in pauses]
    return sorted(result, key=lambda p: p.start_ms)


def _outside_pauses(words: tuple[Word, ...], pauses: list[tuple[int, int]]) -> tuple[Word, ...]:
    """Words trimmed so that no word reaches into a pause at either end."""
    trimmed = []
    for word in words:
        start, end = word.start_ms, word.end_ms
        for a, b in pauses:
            if a <= start < b:
                start = min(b, end)
            if a < end <= b:
                end = max(a, start)
        if end > start:
            trimmed.append(Word(word.text, start, end))
    return tuple(trimmed)
