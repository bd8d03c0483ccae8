"""The author's text on spoken word times: numbers, punctuation, speakers, no words."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from persona.compose.caption_text import (
    caption_words,
    display_tokens,
    match_words,
    script_caption_words,
    spread_words,
)
from persona.errors import InputError
from persona.types import SILENCE, Phone, Speech, Word


def spoken(text: str, step: int = 300) -> tuple[Word, ...]:
    return tuple(Word(w, k * step, k * step + step - 20) for k, w in enumerate(text.split()))


def test_tokens_keep_punctuation_and_join_lone_marks() -> None:
    assert display_tokens('Hello — "world"!  Wait ...') == ["Hello —", '"world"!', "Wait ..."]
    assert display_tokens("— Dash first") == ["— Dash", "first"]
    assert display_tokens("Tom & Jerry") == ["Tom", "&", "Jerry"]  # "&" is spoken
    assert display_tokens("  ") == []


def test_equal_words_take_the_spoken_times() -> None:
    words = spoken("hello there my friend")
    out = caption_words(words, "Hello there, my friend!")
    assert [w.text for w in out] == ["Hello", "there,", "my", "friend!"]
    assert [(w.start_ms, w.end_ms) for w in out] == [(w.start_ms, w.end_ms) for w in words]


def test_expanded_numbers_share_their_spoken_words() -> None:
    words = spoken("Doctor Smith paid five dollars on January third twenty twenty-four")
    out = caption_words(words, "Dr. Smith paid $5 on Jan 3, 2024")
    assert [w.text for w in out] == ["Dr.", "Smith", "paid", "$5", "on", "Jan", "3,", "2024"]
    five = next(w for w in out if w.text == "$5")
    assert (five.start_ms, five.end_ms) == (words[3].start_ms, words[4].end_ms)
    assert out[0].start_ms == words[0].start_ms  # "Dr." on "Doctor"
    jan = out[5]
    assert words[6].start_ms <= jan.start_ms < jan.end_ms <= words[9].end_ms
    assert out[-1].end_ms == words[-1].end_ms
    starts = [w.start_ms for w in out]
    assert starts == sorted(starts)


def test_written_word_without_a_spoken_one_gets_no_time_of_its_own() -> None:
    words = spoken("see you soon")
    out = caption_words(words, "See you (maybe) soon")
    maybe = out[2]
    assert maybe.text == "(maybe)"
    assert maybe.start_ms == maybe.end_ms == out[1].end_ms
    assert out[3].start_ms == words[2].start_ms


def test_spoken_words_not_written_are_left_out() -> None:
    out = caption_words(spoken("so um well hello"), "So, well, hello.")
    assert [w.text for w in out] == ["So,", "well,", "hello."]


def test_no_display_uses_the_spoken_words() -> None:
    out = caption_words(spoken("just words"), speaker="Ann")
    assert [(w.text, w.speaker) for w in out] == [("just", "Ann"), ("words", "Ann")]


def test_tokens_with_speakers() -> None:
    tokens = [("Hi,", "Ann"), ("Bob.", "Ann"), ("Hello!", "Bob")]
    out = match_words(tokens, spoken("hi bob hello"))
    assert [w.speaker for w in out] == ["Ann", "Ann", "Bob"]


def test_spread_over_voiced_stretches() -> None:
    phones = (
        Phone(SILENCE, 0, 500),
        Phone("a", 500, 1000),
        Phone(SILENCE, 1000, 1500),
        Phone("b", 1500, 2000),
    )
    speech = Speech(np.zeros(16000, np.float32), 8000, phones)
    out = spread_words("One two", speech)
    assert [(w.start_ms, w.end_ms) for w in out] == [(500, 1000), (1500, 2000)]
    assert caption_words(speech, "One two") == out
    with pytest.raises(InputError, match="no speech"):
        spread_words("x", Speech(np.zeros(800, np.float32), 8000, (Phone(SILENCE, 0, 100),)))


def test_script_words_from_real_speech() -> None:
    """eSpeak NG speaks the normalized script; the captions show the written one."""
    from persona.script import parse_script
    from persona.voice import get_voice, synthesize_script

    text = "It costs $5 on May 3. [pause 500ms] That's 50% off!"
    script = parse_script(text, "en")
    speech = synthesize_script(script, get_voice("espeak-en", "en"))
    speakers = ["Ann"] * (len(script.segments) - 1) + ["Bob"]
    out = script_caption_words(script, speech, speakers)
    assert " ".join(w.text for w in out) == "It costs $5 on May 3. That's 50% off!"
    assert out[0].speaker == "Ann" and out[-1].speaker == "Bob"
    assert all(a.start_ms <= b.start_ms for a, b in itertools.pairwise(out))
    assert out[-1].end_ms <= speech.duration_ms
    # the pause lies between "3." and "That's"
    three, thats = out[5], out[6]
    assert thats.start_ms - three.end_ms >= 400
    with pytest.raises(ValueError, match="speakers"):
        script_caption_words(script, speech, ["only one", "two", "three"])
