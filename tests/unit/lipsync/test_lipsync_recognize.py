"""Recorded speech → Speech: phones that tile the audio, silences kept, bad audio refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from persona.errors import AudioError, InputError
from persona.lipsync.align import AlignmentError
from persona.lipsync.ipa import is_silence
from persona.lipsync.recognize import quiet_runs, speech_from_audio, speech_from_file
from persona.media.audio import write_wav
from persona.types import SILENCE, Speech

FIRST = "The baker sold 12 loaves before lunch."
SECOND = "Then she closed the shop."


def speak(text: str, voice_id: str = "espeak-en", lang: str = "en") -> Speech:
    from persona.script.normalize import normalize
    from persona.voice import get_engine, get_voice

    voice = get_voice(voice_id, lang)
    engine = get_engine(voice.engine)
    return engine.synthesize(normalize(text, lang), voice=voice, speed=1.0)


@pytest.fixture(scope="module")
def two_sentences() -> Speech:
    """Two sentences with 700 ms of digital silence between them."""
    from persona.voice import join_speech

    return join_speech([speak(FIRST), speak(SECOND)], [700, 0])


def assert_tiles(speech: Speech) -> None:
    assert speech.phones[0].start_ms == 0
    assert speech.phones[-1].end_ms == speech.duration_ms
    for before, after in zip(speech.phones, speech.phones[1:], strict=False):
        assert before.end_ms == after.start_ms and before.duration_ms > 0
    for before, after in zip(speech.words, speech.words[1:], strict=False):
        assert before.start_ms < before.end_ms <= after.start_ms


def pause_of(speech: Speech) -> tuple[int, int]:
    """The 700 ms gap between the sentences, from the parts' own timings."""
    gap = max(
        (p for p in speech.phones if p.symbol == SILENCE and p.end_ms < speech.duration_ms - 50),
        key=lambda p: p.duration_ms,
    )
    return gap.start_ms, gap.end_ms


@pytest.mark.slow
def test_transcript_numbers_are_normalized_and_aligned(two_sentences: Speech) -> None:
    result = speech_from_audio(
        two_sentences.audio, two_sentences.sample_rate, transcript=f"{FIRST} {SECOND}"
    )
    assert_tiles(result)
    assert [w.text.lower() for w in result.words][:5] == [
        "the",
        "baker",
        "sold",
        "twelve",
        "loaves",
    ]
    assert len(result.words) == 12
    assert result.audio is not None and result.sample_rate == two_sentences.sample_rate


@pytest.mark.slow
def test_silence_between_sentences_stays_silent(two_sentences: Speech) -> None:
    start, end = pause_of(two_sentences)
    for recognizer in ("align", "phonetic"):
        result = speech_from_audio(
            two_sentences.audio,
            two_sentences.sample_rate,
            transcript=f"{FIRST} {SECOND}",
            recognizer=recognizer,
        )
        assert_tiles(result)
        inside = [
            p
            for p in result.phones
            if not is_silence(p.symbol) and p.end_ms > start + 40 and p.start_ms < end - 40
        ]
        assert not inside, f"{recognizer}: {inside} in the pause {start}-{end} ms"
        assert result.phones[-1].symbol == SILENCE or result.phones[-1].end_ms > end


@pytest.mark.slow
def test_without_transcript_whisper_supplies_the_words() -> None:
    speech = speak("Seven green apples fell from the tall tree.", "joe")
    result = speech_from_audio(speech.audio, speech.sample_rate)
    assert_tiles(result)
    assert [w.text.lower() for w in result.words] == [
        "seven",
        "green",
        "apples",
        "fell",
        "from",
        "the",
        "tall",
        "tree",
    ]


@pytest.mark.slow
def test_phonetic_recognizer_gives_tiled_phones_without_words(two_sentences: Speech) -> None:
    result = speech_from_audio(
        two_sentences.audio, two_sentences.sample_rate, recognizer="phonetic"
    )
    assert_tiles(result)
    assert result.words == ()
    assert sum(not is_silence(p.symbol) for p in result.phones) >= 20


@pytest.mark.slow
def test_other_languages_and_failed_alignment_fall_back_to_phones() -> None:
    hindi = speak("नमस्ते, आप कैसे हैं?", "espeak-hi", "hi")
    result = speech_from_audio(hindi.audio, hindi.sample_rate, lang="hi")
    assert result.words == () and len(result.phones) > 5
    english = speak("Good evening everybody.")
    wrong = "A completely different sentence that was never spoken at all by anyone here."
    fallback = speech_from_audio(english.audio, english.sample_rate, transcript=wrong)
    assert fallback.words == () and len(fallback.phones) > 5
    with pytest.raises(AlignmentError):
        speech_from_audio(english.audio, english.sample_rate, transcript=wrong, recognizer="align")


@pytest.mark.slow
def test_audio_file_is_read(tmp_path: Path) -> None:
    speech = speak("Good evening everybody.")
    path = tmp_path / "take.wav"
    write_wav(path, speech.audio, speech.sample_rate)
    result = speech_from_file(path, transcript="Good evening everybody.")
    assert [w.text for w in result.words] == ["Good", "evening", "everybody"]


def test_quiet_runs_find_the_gap() -> None:
    rate = 16000
    rng = np.random.default_rng(0)
    loud = rng.uniform(-0.5, 0.5, rate // 2).astype(np.float32)
    audio = np.concatenate([loud, np.zeros(rate // 4, np.float32), loud, np.zeros(800, np.float32)])
    assert quiet_runs(audio, rate) == [(500, 750)]  # the 50 ms tail is too short


@pytest.mark.parametrize(
    ("audio", "rate", "message"),
    [
        (np.zeros(0, np.float32), 16000, "empty"),
        (np.zeros(32000, np.float32), 16000, "silent"),
        (np.ones(16000, np.float32), -1, "sample rate"),
    ],
)
def test_bad_audio_is_an_audio_error(audio: np.ndarray, rate: int, message: str) -> None:
    with pytest.raises(AudioError, match=message):
        speech_from_audio(audio, rate)


def test_corrupt_or_missing_file_is_an_audio_error(tmp_path: Path) -> None:
    corrupt = tmp_path / "take.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really audio at all")
    with pytest.raises(AudioError):
        speech_from_file(corrupt)
    with pytest.raises(AudioError, match="not found"):
        speech_from_file(tmp_path / "missing.wav")


def test_unknown_recognizer_is_an_input_error() -> None:
    with pytest.raises(InputError, match="recognizer"):
        speech_from_audio(np.ones(16000, np.float32), 16000, recognizer="magic")
