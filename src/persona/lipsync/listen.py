"""A recording → the :class:`~persona.types.Speech` an audio-driven render lip-syncs.

    lang = recording_language(options.lang, transcript)
    words = transcript_words(transcript, lang, warn)     # None: Whisper listens
    audio, rate = load_recording(path)                   # AudioError when it cannot be used
    speech = recognize(audio, rate, words, lang, progress)

English recordings get their words aligned (the transcript's, or what Whisper hears);
every other language gets phone recognition (:mod:`persona.lipsync.recognize`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from persona.errors import AudioError, UnknownLanguageError
from persona.progress import Progress
from persona.script import parse_script
from persona.script.langdetect import AUTO, detect_language
from persona.types import Speech

_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")


def is_english(lang: str) -> bool:
    return lang.strip().lower().replace("_", "-").split("-")[0] == "en"


def recording_language(lang: str | None, transcript: str | None) -> str:
    """The language spoken in a recording: ``lang`` when given (the catalog's code when
    it knows it), else the transcript's detected language, else English. A code the
    catalog lacks is kept when it looks like one (the phone recognizer needs none)."""
    from persona.voice.catalog import canonical_language

    if lang is None or lang.strip().lower() == AUTO:
        return detect_language(transcript) if transcript and transcript.strip() else "en"
    try:
        return canonical_language(lang)
    except UnknownLanguageError:
        if _LANGUAGE_TAG.fullmatch(lang.strip().lower()):
            return lang.strip().lower()
        raise


def transcript_words(
    transcript: str | None, lang: str, warn: Callable[[str], None] | None
) -> str | None:
    """The words to align to an English recording (a transcript in script syntax, spoken
    forms: "3" → "three"); for another language None, with a warning that its lips follow
    recognized phones (no words), which is less exact."""
    if transcript is not None and not transcript.strip():
        transcript = None  # a blank transcript says nothing: Whisper listens
    if is_english(lang):
        return parse_script(transcript, lang).text if transcript is not None else None
    if warn is not None:
        unused = "; the transcript is not used" if transcript is not None else ""
        warn(
            f"the recording is in {lang!r}: its lip sync comes from recognized phones, "
            f"less exact than the word alignment English gets{unused}"
        )
    return None


def load_recording(path: str | Path) -> tuple[np.ndarray, int]:
    """The recording at ``path`` as mono samples and their rate, checked to hold sound
    (:class:`~persona.errors.AudioError`: missing, unreadable, too long, silent)."""
    from persona.lipsync.asr import speech_samples
    from persona.media.recording import read_recording

    audio, rate = read_recording(path)
    try:
        return speech_samples(audio, rate), rate
    except AudioError as exc:
        raise AudioError(f"cannot make a video from {path}: {exc}") from exc


def recognize(
    audio: np.ndarray, rate: int, words: str | None, lang: str, progress: Progress
) -> Speech:
    """Timed phones and words for a recording (:mod:`persona.lipsync.recognize`)."""
    from persona.lipsync.recognize import speech_from_audio

    progress.update(0.0)
    speech = speech_from_audio(audio, rate, transcript=words, lang=lang)
    progress.update(1.0)
    return speech
