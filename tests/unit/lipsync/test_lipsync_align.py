"""PocketSphinx forced alignment and phone recognition on speech our engines speak.

eSpeak NG reports every phone at the exact sample it starts, so its timings are the
reference for phone boundaries; Piper's come from its duration model.
"""

from __future__ import annotations

import numpy as np
import pytest

from persona.errors import AudioError
from persona.lipsync import align as aligner
from persona.lipsync.align import Alignment, AlignmentError, align, recognize_phones, spoken_words
from persona.lipsync.arpabet import ARPABET_IPA, ipa_to_arpabet
from persona.lipsync.ipa import is_silence, phone_visemes
from persona.lipsync.visemes import NEUTRAL
from persona.types import SILENCE, Speech

SENTENCE = "Many bright birds were singing above the quiet river this morning."


def speak(text: str, voice_id: str = "espeak-en") -> Speech:
    from persona.voice import get_engine, get_voice

    voice = get_voice(voice_id, "en")
    return get_engine(voice.engine).synthesize(text, voice=voice, speed=1.0)


@pytest.fixture(scope="module")
def espeak_speech() -> Speech:
    return speak(SENTENCE)


def assert_tiles(result: Alignment, duration_ms: int) -> None:
    assert result.phones[0].start_ms == 0
    assert abs(result.phones[-1].end_ms - duration_ms) <= 1
    for before, after in zip(result.phones, result.phones[1:], strict=False):
        assert before.end_ms == after.start_ms
        assert before.duration_ms > 0


def boundaries(speech_phones: tuple) -> np.ndarray:  # type: ignore[type-arg]
    return np.array([p.start_ms for p in speech_phones[1:]])


def test_spoken_words_drop_punctuation_and_keep_apostrophes() -> None:
    assert spoken_words("Don't stop -- it's 'great', O'Brien!") == [
        "Don't",
        "stop",
        "it's",
        "great",
        "O'Brien",
    ]


def test_ipa_spelled_in_arpabet() -> None:
    assert ipa_to_arpabet(["h", "ə", "l", "o", "ʊ"]) == ["HH", "AH", "L", "OW"]
    assert ipa_to_arpabet(["d", "ʒ", "ʌ", "d", "ʒ"]) == ["JH", "AH", "JH"]
    assert ipa_to_arpabet(["_", "p", "ɜː", "ɹ", "s", "ɑː", "ɪ", "ŋ"]) == [
        "P",
        "ER",
        "S",
        "AA",
        "IH",
        "NG",
    ]


def test_every_arpabet_phone_has_known_visemes() -> None:
    for letters in ARPABET_IPA.values():
        for letter in letters:
            assert NEUTRAL not in phone_visemes(letter), letter


@pytest.mark.slow
def test_alignment_matches_espeak_phone_boundaries(espeak_speech: Speech) -> None:
    result = align(espeak_speech.audio, espeak_speech.sample_rate, SENTENCE)
    assert_tiles(result, espeak_speech.duration_ms)
    assert [w.text for w in result.words] == spoken_words(SENTENCE)
    truth = boundaries(espeak_speech.phones)
    found = boundaries(result.phones)
    errors = np.array([np.min(np.abs(found - t)) for t in truth])
    assert np.median(errors) <= 15
    assert np.mean(errors <= 40) >= 0.8
    word_errors = [
        abs(a.start_ms - b.start_ms) for a, b in zip(espeak_speech.words, result.words, strict=True)
    ]
    assert np.median(word_errors) <= 20


@pytest.mark.slow
def test_alignment_follows_piper_phones() -> None:
    text = "Seven green apples fell from the tall tree."
    speech = speak(text, "joe")
    result = align(speech.audio, speech.sample_rate, text)
    assert_tiles(result, speech.duration_ms)
    found = boundaries(result.phones)
    errors = np.array([np.min(np.abs(found - t)) for t in boundaries(speech.phones)])
    assert np.median(errors) <= 40  # Piper's own timings run about 30 ms late
    assert np.mean(errors <= 80) >= 0.9


@pytest.mark.slow
def test_word_missing_from_the_dictionary_is_pronounced_by_rule() -> None:
    text = "The zorblax gleeped past the window."
    speech = speak(text)
    result = align(speech.audio, speech.sample_rate, text)
    assert [w.text for w in result.words] == ["The", "zorblax", "gleeped", "past", "the", "window"]
    zorblax = result.words[1]
    inside = [p.symbol for p in result.phones if zorblax.start_ms <= p.start_ms < zorblax.end_ms]
    assert "z" in inside and "b" in inside


@pytest.mark.slow
def test_long_audio_is_aligned_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    from persona.voice import join_speech

    monkeypatch.setattr(aligner, "PIECE_MS", 1500)
    parts = [speak("Good morning to everyone here."), speak("We begin with the news.")]
    speech = join_speech(parts, [500, 300])
    text = "Good morning to everyone here. We begin with the news."
    pieces: list[tuple[int, int]] = []
    original = aligner._pieces

    def spy(segments: list, n_frames: int) -> list[tuple[int, int]]:  # type: ignore[type-arg]
        pieces.extend(original(segments, n_frames))
        return pieces

    monkeypatch.setattr(aligner, "_pieces", spy)
    result = align(speech.audio, speech.sample_rate, text)
    assert len(pieces) == 2
    assert_tiles(result, speech.duration_ms)
    assert [w.text for w in result.words] == spoken_words(text)
    pause = [p for p in result.phones if p.symbol == SILENCE and p.duration_ms >= 300]
    assert pause, "the half-second pause is silent"


@pytest.mark.slow
def test_words_not_spoken_cannot_be_aligned(espeak_speech: Speech) -> None:
    with pytest.raises(AlignmentError):
        align(
            espeak_speech.audio,
            espeak_speech.sample_rate,
            SENTENCE + " And then the whole orchestra played a long symphony together.",
        )


@pytest.mark.slow
def test_phone_recognition_tiles_the_audio(espeak_speech: Speech) -> None:
    result = recognize_phones(espeak_speech.audio, espeak_speech.sample_rate)
    assert result.words == ()
    assert_tiles(result, espeak_speech.duration_ms)
    spoken = [p for p in result.phones if not is_silence(p.symbol)]
    assert len(spoken) >= 25
    assert result.phones[0].symbol == SILENCE or result.phones[0].start_ms == 0


def test_empty_audio_is_an_audio_error() -> None:
    with pytest.raises(AudioError):
        align(np.zeros(0, np.float32), 16000, "hello")
    with pytest.raises(AudioError):
        recognize_phones(np.zeros(10, np.float32), 0)
