"""The voice catalog: defaults, lookups and the errors users see."""

from __future__ import annotations

import pytest

from persona.errors import InputError, UnknownLanguageError, UnknownVoiceError
from persona.voice import (
    canonical_language,
    engine_names,
    get_voice,
    list_voices,
    supported_languages,
    voices_for,
)

REQUIRED = [
    "en",
    "hi",
    "ta",
    "te",
    "ml",
    "kn",
    "bn",
    "mr",
    "gu",
    "pa",
    "ur",
    "es",
    "fr",
    "de",
    "pt",
    "it",
    "ja",
    "ko",
    "zh",
    "ar",
    "ru",
]


def test_catalog_contents() -> None:
    voices = list_voices()
    ids = [v.id for v in voices]
    assert ids[0] == "joe"
    assert len(ids) == len(set(ids))
    assert {f"espeak-{code}" for code in REQUIRED} <= set(ids)
    assert set(REQUIRED) <= set(supported_languages())
    assert {v.engine for v in voices} <= set(engine_names())
    joe = voices[0]
    assert (joe.engine, joe.lang, joe.gender) == ("piper", "en", "male")
    for voice in voices:
        assert voice.name and voice.description and voice.model


@pytest.mark.parametrize(
    ("lang", "voice_id"),
    [
        ("en", "joe"),
        ("en-US", "joe"),
        ("EN_gb", "joe"),
        ("hi", "espeak-hi"),
        ("zh-CN", "espeak-zh"),
    ],
)
def test_default_voice_per_language(lang: str, voice_id: str) -> None:
    assert get_voice(None, lang).id == voice_id


def test_named_voice() -> None:
    assert get_voice("espeak-hi", "hi").model == "hi"
    assert get_voice("JOE", "en").id == "joe"
    assert get_voice("espeak-fr", None).lang == "fr"
    assert get_voice("espeak-en", "en-us").engine == "espeak"


def test_unknown_voice_points_to_the_list() -> None:
    with pytest.raises(UnknownVoiceError, match="persona voices"):
        get_voice("jane", "en")


def test_voice_of_another_language_is_refused() -> None:
    with pytest.raises(UnknownVoiceError, match=r"speaks en, not hi.*espeak-hi"):
        get_voice("joe", "hi")


@pytest.mark.parametrize("lang", ["xx", "klingon", "", "sa"])
def test_unknown_language_lists_supported_codes(lang: str) -> None:
    with pytest.raises(UnknownLanguageError, match=r"supported languages are .*hi") as caught:
        get_voice(None, lang)
    assert isinstance(caught.value, InputError)


def test_canonical_language_and_voices_for() -> None:
    assert canonical_language("cmn") == "zh"
    assert canonical_language("pt-BR") == "pt"
    english = [v.id for v in voices_for("en")]
    assert english[0] == "joe" and english[-1] == "espeak-en"
    assert len(english) == 36  # joe, the 34 voices made from it, eSpeak NG
    assert [v.id for v in voices_for("ta")] == ["espeak-ta"]
