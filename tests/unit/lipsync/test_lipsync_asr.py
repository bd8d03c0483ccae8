"""Whisper transcription: words recovered from speech our own engines speak."""

from __future__ import annotations

import re
import sys
import threading
import time
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from persona.errors import AudioError, DependencyError
from persona.lipsync import asr
from persona.types import Speech

SENTENCE = "The garden was quiet, and the children played near the old stone wall."


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word edit distance / reference length, ignoring case and punctuation."""
    ref = re.findall(r"[a-z']+", reference.lower())
    hyp = re.findall(r"[a-z']+", hypothesis.lower())
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1] / max(1, len(ref))


@pytest.fixture(scope="module")
def joe_speech() -> Speech:
    from persona.voice import get_engine, get_voice

    voice = get_voice("joe", "en")
    return get_engine(voice.engine).synthesize(SENTENCE, voice=voice, speed=1.0)


@pytest.mark.slow
def test_transcribe_recovers_the_words(joe_speech: Speech) -> None:
    heard = asr.transcribe(joe_speech.audio, joe_speech.sample_rate)
    assert heard.language == "en"
    assert word_error_rate(SENTENCE, heard.text) <= 0.15
    assert len(heard.words) >= 10
    duration = joe_speech.duration_ms
    for before, after in zip(heard.words, heard.words[1:], strict=False):
        assert 0 <= before.start_ms <= before.end_ms <= after.start_ms <= duration + 50
    assert heard.utterances and heard.utterances[0].text


@pytest.mark.slow
def test_transcribe_without_word_times_keeps_text_and_utterances(joe_speech: Speech) -> None:
    heard = asr.transcribe(joe_speech.audio, joe_speech.sample_rate, word_times=False)
    assert heard.words == ()
    assert word_error_rate(SENTENCE, heard.text) <= 0.15
    assert heard.utterances[-1].end_ms <= joe_speech.duration_ms + 500


@pytest.mark.parametrize(
    ("audio", "rate", "message"),
    [
        (np.zeros(0, np.float32), 16000, "empty"),
        (np.zeros(16000, np.float32), 16000, "silent"),
        (np.full(16000, 1e-5, np.float32), 16000, "silent"),
        (np.ones(16000, np.float32), 0, "sample rate"),
        (np.full(16000, np.nan, np.float32), 16000, "NaN"),
    ],
)
def test_bad_audio_is_an_audio_error(audio: np.ndarray, rate: int, message: str) -> None:
    with pytest.raises(AudioError, match=message):
        asr.transcribe(audio, rate)


def test_missing_whisper_is_a_dependency_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asr, "_model", None)
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    noise = np.random.default_rng(0).uniform(-0.3, 0.3, 16000).astype(np.float32)
    with pytest.raises(DependencyError, match="faster-whisper"):
        asr.transcribe(noise, 16000)


class _FakeModel:
    """Stands in for WhisperModel: answers with fixed segments after a short delay."""

    def transcribe(self, samples: np.ndarray, **options: Any) -> tuple[Any, Any]:
        assert samples.dtype == np.float32 and options["language"] == "en"
        time.sleep(0.01)
        words = [
            SimpleNamespace(word=" Hello", start=0.1, end=0.4),
            SimpleNamespace(word=" there.", start=0.35, end=0.8),  # overlaps: clipped
        ]
        segments = [
            SimpleNamespace(text=" Hello there.", start=0.0, end=0.9, words=words),
            SimpleNamespace(text="  ", start=0.9, end=1.0, words=[]),
        ]
        return iter(segments), SimpleNamespace(language="en")


def test_model_loads_once_for_many_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []

    class FakeWhisper:
        def __init__(self) -> None:
            time.sleep(0.05)
            made.append(1)
            self.model = _FakeModel()

    monkeypatch.setattr(asr, "_model", None)
    monkeypatch.setattr(asr, "_Whisper", FakeWhisper)
    noise = np.random.default_rng(1).uniform(-0.3, 0.3, 8000).astype(np.float32)
    results: list[asr.Transcript] = []
    threads = [
        threading.Thread(target=lambda: results.append(asr.transcribe(noise, 8000)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len(results) == 4
    transcript = results[0]
    assert transcript.text == "Hello there."
    assert [(w.text, w.start_ms, w.end_ms) for w in transcript.words] == [
        ("Hello", 100, 400),
        ("there.", 400, 800),
    ]
    assert transcript.utterances == (asr.Utterance("Hello there.", 0, 900),)
