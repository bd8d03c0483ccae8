"""Sentiment hints: VADER polarity mapped onto the engine's emotions."""

from __future__ import annotations

import pytest

from persona.errors import InputError
from persona.script.sentiment import MAX_CHARS, emotion_for, polarity, sentiment_hint
from persona.voice.prosody import EMOTIONS


@pytest.mark.parametrize(
    ("text", "emotion"),
    [
        ("I love this, it is a wonderful day.", "happy"),
        ("We won the championship!", "excited"),
        ("I am so sad, I miss her terribly.", "sad"),
        ("Unfortunately the order was lost.", "sad"),
        ("I hate this! It is outrageous!", "angry"),
        ("I am furious with you.", "angry"),
        ("The meeting is at noon in room four.", "neutral"),
        ("This is not bad.", "calm"),
        ("That was not good.", "sad"),
    ],
)
def test_clear_sentences_get_the_expected_emotion(text: str, emotion: str) -> None:
    hint = sentiment_hint(text)
    assert hint is not None
    assert hint.emotion == emotion, (text, hint)
    assert hint.emotion in EMOTIONS


def test_negation_flips_the_polarity() -> None:
    assert polarity("This is bad.") < -0.2
    assert polarity("This is not bad.") > 0.2
    assert polarity("This is good.") > 0.2
    assert polarity("This is not good.") < -0.2


def test_score_is_the_compound_polarity_in_range() -> None:
    hint = sentiment_hint("What a great, happy, lovely day!")
    assert hint is not None
    assert 0.5 <= hint.score <= 1.0
    neutral = sentiment_hint("The train leaves at six.")
    assert neutral is not None and neutral.score == 0.0


def test_strong_negative_without_anger_cue_is_sad_and_with_one_angry() -> None:
    assert emotion_for("It was a terrible loss.", -0.6) == "sad"
    assert emotion_for("It was a terrible loss!", -0.6) == "angry"
    assert emotion_for("It was a TERRIBLE loss.", -0.6) == "angry"
    assert emotion_for("It was bad!", -0.3) == "sad"  # not negative enough for anger


def test_other_languages_and_empty_text_get_no_hint() -> None:
    assert sentiment_hint("Je suis très heureux.", "fr") is None
    assert sentiment_hint("   ") is None


def test_overlong_text_is_refused_or_gets_no_hint() -> None:
    with pytest.raises(InputError):
        polarity("good " * MAX_CHARS)
    assert sentiment_hint("good " * MAX_CHARS) is None
