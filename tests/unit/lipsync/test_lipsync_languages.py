"""Lip sync in every language: each phone eSpeak NG emits reaches a sensible viseme."""

from __future__ import annotations

import logging

import pytest
from tests.languages import SENTENCES

from persona.lipsync.ipa import phone_visemes, unmapped, viseme_for
from persona.lipsync.visemes import NEUTRAL
from persona.types import SILENCE
from persona.voice import get_engine, get_voice
from persona.voice.espeak import clean_phone_name, reading_warnings

FEATURES = {
    # retroflexes (Hindi, Tamil, Malayalam, Mandarin)
    "ʈ": "DN", "ɖ": "DN", "ɳ": "DN", "ɽ": "DN", "ɭ": "L", "ɻ": "R", "ʂ": "SH", "ʐ": "SH",
    # aspiration and breathy voice
    "tʰ": "DN", "kʰ": "KG", "pʰ": "MBP", "bʰ": "MBP", "bʱ": "MBP", "ɡʰ": "KG", "ɕʰ": "SH",
    # nasalised vowels (French, Portuguese, Hindi)
    "ɑ̃": "AA", "ɔ̃": "OH", "ɛ̃": "EH", "œ̃": "OH", "ɐ̃": "AA", "ẽ": "EH", "ĩ": "EE", "ũ": "OO",
    # pharyngeals and glottals (Arabic)
    "ħ": "HH", "ʕ": "HH", "ʔ": "HH", "ʡ": "HH",
    # uvulars (Arabic, French, German)
    "q": "KG", "χ": "KG", "ʁ": "KG", "ɢ": "KG", "ɴ": "KG",
    # tone letters and digits (Mandarin)
    "a˥˩": "AA", "a3": "AA", "ə5": "SCHWA", "i˧˥": "EE",
    # length, half length, syllabic marks
    "aː": "AA", "eˑ": "EH", "n̩": "DN", "l̩": "L", "ɹ̩": "R",
    # affricates with tie bars
    "t͡ʃ": "SH", "d͡ʒ": "SH", "t͡s": "DN", "t͡ɕ": "SH", "ʈ͡ʂ": "SH", "ʨ": "SH",
    # Japanese, Korean, Russian, Spanish, Dravidian vowels
    "ɯᵝ": "IH", "ä": "AA", "o̞": "OH", "e̞": "EH", "ɫ": "L", "tʲ": "DN", "β": "MBP",
    "ʉ": "OO", "ɨ": "IH", "ʋ": "FV", "ɿ": "IH",
    # a modifier letter timed as a phone of its own
    "ʲ": "EE", "ʷ": "OO", "ʰ": "HH",
}  # fmt: skip


@pytest.mark.parametrize(("symbol", "viseme"), sorted(FEATURES.items()))
def test_phonetic_features_map_to_the_right_viseme(symbol: str, viseme: str) -> None:
    assert viseme_for(symbol) == viseme
    assert unmapped(symbol) == ()


@pytest.mark.parametrize(
    ("symbol", "missing"),
    [("r.", (".",)), ("a-", ("-",)), ('u"', ('"',)), ("ʬ", ("ʬ",)), ("☃", ("☃",)), ("ˀ", ("ˀ",))],
)
def test_unmapped_names_what_the_mapping_does_not_understand(
    symbol: str, missing: tuple[str, ...]
) -> None:
    assert unmapped(symbol) == missing


def test_silence_is_not_unmapped() -> None:
    assert unmapped(SILENCE) == () and unmapped("") == () and unmapped("|") == ()


def test_an_unknown_letter_is_logged_not_silent(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="persona.lipsync.ipa"):
        assert phone_visemes("ʬa") == (NEUTRAL, "AA")
    assert "ʬa" in caplog.text


@pytest.mark.parametrize(
    ("name", "ipa"),
    [
        ("s.", "ʂ"), ("ts.", "tʂ"), ("z.", "ʐ"), ("i.", "ɨ"), ("r.", "ɽ"),  # retroflex dot
        ("th", "tʰ"), ("kh", "kʰ"), ("ph", "pʰ"), ("tɕh", "tɕʰ"), ("tsh", "tsʰ"),  # aspiration
        ("ʈʂh", "ʈʂʰ"), ("h", "h"), ("sh", "sh"), ("χ", "χ"), ("ɦ", "ɦ"),
        ("a-", "a"), ("t-", "t"), ('u"', "u"), ("ʲ", "j"), ("ʷ", "w"),  # marks, lone glides
        ("(en)", ""), ("(cmn)", ""), ("", ""), ("aː", "aː"), ("ɔ̃", "ɔ̃"), ("ɯᵝ", "ɯᵝ"),
    ],
)  # fmt: skip
def test_espeak_phoneme_names_become_ipa(name: str, ipa: str) -> None:
    assert clean_phone_name(name) == ipa


@pytest.mark.slow
@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_every_phone_espeak_emits_has_a_viseme(code: str) -> None:
    voice = get_voice("espeak-en" if code == "en" else None, code)
    speech = get_engine("espeak").synthesize(SENTENCES[code], voice=voice, speed=1.0)
    symbols = {p.symbol for p in speech.phones} - {SILENCE}
    assert len(symbols) >= 8, symbols
    problems = {s: unmapped(s) for s in symbols if unmapped(s)}
    assert not problems, f"{code}: unmapped {problems}"
    assert all(NEUTRAL not in phone_visemes(s) for s in symbols)


@pytest.mark.slow
def test_every_phone_of_the_english_default_voice_has_a_viseme() -> None:
    voice = get_voice("joe", "en")
    speech = get_engine(voice.engine).synthesize(SENTENCES["en"], voice=voice, speed=1.0)
    problems = {p.symbol: unmapped(p.symbol) for p in speech.phones if unmapped(p.symbol)}
    assert not problems


@pytest.mark.slow
def test_mandarin_is_read_as_mandarin_not_pinyin_in_english() -> None:
    """eSpeak NG 1.51's ``cmn`` voice said "ni three hao three" for 你好."""
    voice = get_voice(None, "zh")
    speech = get_engine("espeak").synthesize("你好", voice=voice, speed=1.0)
    symbols = [p.symbol for p in speech.phones if p.symbol != SILENCE]
    assert not {"θ", "ɹ", "iː"} & set(symbols), symbols  # "three"
    assert symbols[:2] == ["n", "i"] and "χ" in symbols
    assert speech.duration_ms < 800


@pytest.mark.slow
def test_mandarin_aspiration_and_retroflexes_reach_the_phones() -> None:
    voice = get_voice(None, "zh")
    speech = get_engine("espeak").synthesize("天气很热，吃饭时说话。", voice=voice, speed=1.0)
    symbols = {p.symbol for p in speech.phones}
    assert "tʰ" in symbols  # 天 tiān
    assert {"ʂ", "ʐ"} & symbols  # 时 shí, 说 shuō, 热 rè
    assert not any(unmapped(s) for s in symbols)


def test_japanese_kanji_are_warned_about() -> None:
    assert reading_warnings("今日は学校に行きます。", "ja")
    assert "kana" in reading_warnings("今日", "ja")[0]
    assert reading_warnings("きょうはがっこうにいきます。", "ja") == []
    assert reading_warnings("你好", "zh") == []
