"""SSML scripts: every element, nesting, say-as readings and errors with their position."""

from __future__ import annotations

import math

import pytest

from persona.errors import ScriptError
from persona.script import parse_script
from persona.script.parse import PARAGRAPH_PAUSE_MS, SENTENCE_PAUSE_MS
from persona.script.sayas import interpret
from persona.script.ssml import is_ssml, parse_ssml
from persona.script.ssml_tree import plain_text
from persona.types import Prosody, Segment


def spoken(ssml: str) -> list[Segment]:
    return [s for s in parse_script(ssml).segments if s.text]


def only(ssml: str) -> Segment:
    segments = spoken(ssml)
    assert len(segments) == 1, segments
    return segments[0]


# ---------------------------------------------------------------- detection


def test_ssml_is_detected_by_its_speak_element() -> None:
    assert is_ssml("<speak>Hi.</speak>")
    assert is_ssml('\ufeff  <?xml version="1.0"?>\n<speak version="1.1">Hi.</speak>')
    assert not is_ssml("Hello <speak> there.")
    assert not is_ssml("<speaker>Hi.</speaker>")


def test_plain_scripts_and_pause_marks_are_unchanged() -> None:
    script = parse_script("Hello there. [pause 1s] How are you?")
    assert [s.text for s in script.segments] == ["Hello there.", "How are you?"]
    assert script.segments[0].pause_after_ms == 1000
    assert all(s.prosody == Prosody() and s.voice is None for s in script.segments)


def test_plain_text_of_a_document() -> None:
    assert plain_text("<speak>Hi <break/><emphasis>you</emphasis>.</speak>") == "Hi you."


# ---------------------------------------------------------------- elements


def test_speak_with_namespace_and_language() -> None:
    script = parse_ssml(
        '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" '
        'xmlns:mstts="urn:x" xml:lang="en-US">It costs $5.</speak>'
    )
    assert script.lang == "en"
    assert [s.text for s in script.segments] == ["It costs five dollars."]


def test_sentences_paragraphs_and_their_pauses() -> None:
    script = parse_ssml(
        "<speak><p><s>First one</s><s>second one</s></p><p>Third. Fourth.</p></speak>"
    )
    texts = [s.text for s in script.segments]
    assert texts == ["First one", "second one", "Third.", "Fourth."]
    pauses = [s.pause_after_ms for s in script.segments]
    assert pauses == [SENTENCE_PAUSE_MS, PARAGRAPH_PAUSE_MS, SENTENCE_PAUSE_MS, 0]
    assert [s.paragraph for s in script.segments] == [0, 0, 1, 1]


@pytest.mark.parametrize(
    ("attributes", "ms"),
    [
        ('time="750ms"', 750),
        ('time="1.5s"', 1500),
        ('time="2S"', 2000),
        ('strength="none"', 0),
        ('strength="x-weak"', 100),
        ('strength="weak"', 200),
        ("", 400),
        ('strength="strong"', 700),
        ('strength="x-strong"', 1200),
        ('strength="weak" time="300ms"', 300),
    ],
)
def test_break_time_and_strength(attributes: str, ms: int) -> None:
    script = parse_ssml(f"<speak>Wait <break {attributes}/> now go.</speak>")
    assert [s.text for s in script.segments] == ["Wait", "now go."]
    assert script.segments[0].pause_after_ms == ms


def test_breaks_add_up_and_a_leading_break_is_silence() -> None:
    script = parse_ssml('<speak><break time="1s"/>Hi. <break/><break time="1s"/>Bye.</speak>')
    assert [(s.text, s.pause_after_ms) for s in script.segments] == [
        ("", 1000),
        ("Hi.", 1400),
        ("Bye.", 0),
    ]


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('rate="x-slow"', Prosody(rate=0.5)),
        ('rate="slow"', Prosody(rate=0.75)),
        ('rate="fast"', Prosody(rate=1.25)),
        ('rate="150%"', Prosody(rate=1.5)),
        ('rate="+20%"', Prosody(rate=1.2)),
        ('rate="-20%"', Prosody(rate=0.8)),
        ('rate="1.1"', Prosody(rate=1.1)),
        ('pitch="+2st"', Prosody(pitch_st=2.0)),
        ('pitch="-3.5st"', Prosody(pitch_st=-3.5)),
        ('pitch="x-high"', Prosody(pitch_st=6.0)),
        ('pitch="low"', Prosody(pitch_st=-3.0)),
        ('volume="+6dB"', Prosody(volume_db=6.0)),
        ('volume="-10dB"', Prosody(volume_db=-10.0)),
        ('volume="soft"', Prosody(volume_db=-6.0)),
        ('volume="x-loud"', Prosody(volume_db=10.0)),
        ('volume="silent"', Prosody(volume_db=-math.inf)),
        ('rate="slow" pitch="high" volume="loud"', Prosody(0.75, 3.0, 6.0)),
    ],
)
def test_prosody_values(attributes: str, expected: Prosody) -> None:
    segment = only(f"<speak><prosody {attributes}>Hello there.</prosody></speak>")
    assert segment.prosody.rate == pytest.approx(expected.rate)
    assert segment.prosody.pitch_st == pytest.approx(expected.pitch_st)
    assert segment.prosody.volume_db == pytest.approx(expected.volume_db)


def test_prosody_percentages_for_pitch_and_volume() -> None:
    segment = only('<speak><prosody pitch="+100%" volume="+100%">Hi.</prosody></speak>')
    assert segment.prosody.pitch_st == pytest.approx(12.0)
    assert segment.prosody.volume_db == pytest.approx(6.02, abs=0.01)


def test_nested_prosody_compounds_and_is_clamped() -> None:
    segments = spoken(
        '<speak><prosody rate="1.5" pitch="+8st" volume="+8dB">Outer. '
        '<prosody rate="1.5" pitch="+8st" volume="-2dB">Inner.</prosody></prosody></speak>'
    )
    outer, inner = (s.prosody for s in segments)
    assert (outer.rate, outer.pitch_st, outer.volume_db) == (1.5, 8.0, 8.0)
    assert (inner.rate, inner.pitch_st, inner.volume_db) == (2.0, 12.0, 6.0)


@pytest.mark.parametrize(
    ("level", "rate", "pitch", "volume"),
    [
        ("strong", 0.9, 2.0, 4.0),
        ("moderate", 0.95, 1.0, 2.0),
        ("none", 1.0, 0.0, 0.0),
        ("reduced", 1.05, -1.0, -3.0),
    ],
)
def test_emphasis_levels(level: str, rate: float, pitch: float, volume: float) -> None:
    segments = spoken(f'<speak>It is <emphasis level="{level}">really</emphasis> big.</speak>')
    if level == "none":  # no change: one segment
        assert [s.text for s in segments] == ["It is really big."]
        return
    assert [s.text for s in segments] == ["It is", "really", "big."]
    assert [s.pause_after_ms for s in segments] == [0, 0, 0]
    said = segments[1].prosody
    assert (said.rate, said.pitch_st, said.volume_db) == (rate, pitch, volume)


def test_punctuation_after_an_element_joins_the_segment_before() -> None:
    segments = spoken("<speak>Are you <emphasis>ready</emphasis>? Go.</speak>")
    assert [(s.text, s.display) for s in segments] == [
        ("Are you", "Are you"),
        ("ready?", "ready?"),
        ("Go.", "Go."),
    ]
    assert [s.pause_after_ms for s in segments] == [0, SENTENCE_PAUSE_MS, 0]


def test_emphasis_defaults_to_moderate() -> None:
    segments = spoken("<speak>A <emphasis>big</emphasis> deal.</speak>")
    assert segments[1].prosody == Prosody(rate=0.95, pitch_st=1.0, volume_db=2.0)


@pytest.mark.parametrize(
    ("kind", "text", "said"),
    [
        ("characters", "NASA", "N A S A"),
        ("spell-out", "a1", "A one"),
        ("cardinal", "1,234", "one thousand two hundred thirty-four"),
        ("cardinal", "-2.5", "minus two point five"),
        ("ordinal", "3", "third"),
        ("ordinal", "21st", "twenty-first"),
        ("telephone", "555-0123", "five five five, zero one two three"),
        ("telephone", "+1 (800) 555", "plus one, eight zero zero, five five five"),
    ],
)
def test_say_as(kind: str, text: str, said: str) -> None:
    segment = only(f'<speak>Say <say-as interpret-as="{kind}">{text}</say-as> now.</speak>')
    assert segment.text == f"Say {said} now."
    assert segment.display == f"Say {text} now."


@pytest.mark.parametrize(
    ("fmt", "text", "said"),
    [
        ("mdy", "12/25/2024", "December twenty-fifth, twenty twenty-four"),
        ("dmy", "25.12.2024", "December twenty-fifth, twenty twenty-four"),
        ("ymd", "2024-07-04", "July fourth, twenty twenty-four"),
        ("md", "7/4", "July fourth"),
        ("dm", "4/7", "July fourth"),
        ("my", "3/1999", "March, nineteen ninety-nine"),
        ("y", "1905", "nineteen oh five"),
    ],
)
def test_say_as_date_formats(fmt: str, text: str, said: str) -> None:
    element = f'<say-as interpret-as="date" format="{fmt}">{text}</say-as>'
    assert only(f"<speak>On {element}.</speak>").text == f"On {said}."


def test_say_as_date_defaults_to_month_day_year() -> None:
    assert interpret("1/2/2003", "date", None, "en") == "January second, two thousand three"


def test_say_as_in_another_language_leaves_numbers_to_the_engine() -> None:
    assert interpret("1234", "cardinal", None, "de") == "1234"
    assert interpret("089-12", "telephone", None, "de") == "0 8 9, 1 2"


def test_sub_says_its_alias_and_shows_its_text() -> None:
    segment = only('<speak>The <sub alias="World Wide Web">WWW</sub> is big.</speak>')
    assert segment.text == "The World Wide Web is big."
    assert segment.display == "The WWW is big."


def test_literal_punctuation_ends_no_sentence() -> None:
    segment = only('<speak>Read <sub alias="doctor">Dr.</sub> Who today.</speak>')
    assert segment.text == "Read doctor Who today."


def test_voice_sets_the_segment_voice_and_its_language() -> None:
    segments = spoken(
        '<speak>Hello. <voice name="child_girl_1">Hi there!</voice> '
        '<voice name="espeak-de">Guten Tag.</voice></speak>'
    )
    assert [(s.voice, s.lang) for s in segments] == [
        (None, "en"),
        ("child_girl_1", "en"),
        ("espeak-de", "de"),
    ]


def test_lang_sets_the_language_and_normalization() -> None:
    segments = spoken('<speak>I have 3. <lang xml:lang="fr-FR">J\'ai 3 chats.</lang></speak>')
    assert [(s.text, s.lang) for s in segments] == [
        ("I have three.", "en"),
        ("J'ai 3 chats.", "fr"),
    ]


def test_emotion_element_and_intensity() -> None:
    segments = spoken(
        '<speak><emotion name="happy">Great news! <emotion name="sad" intensity="0.5">'
        "Or not.</emotion></emotion> Plain.</speak>"
    )
    assert [(s.prosody.emotion, s.prosody.intensity) for s in segments] == [
        ("happy", 1.0),
        ("sad", 0.5),
        (None, 1.0),
    ]


def test_mark_is_accepted_and_ignored() -> None:
    assert only('<speak>One <mark name="here"/>two.</speak>').text == "One two."


def test_deep_nesting_keeps_every_change() -> None:
    segment = only(
        '<speak><voice name="adult_female_1"><emotion name="calm"><prosody rate="slow">'
        '<emphasis level="strong">Deep.</emphasis></prosody></emotion></voice></speak>'
    )
    assert segment.voice == "adult_female_1"
    assert segment.prosody == Prosody(
        rate=0.675, pitch_st=2.0, volume_db=4.0, emotion="calm", intensity=1.0
    )


def test_entities_are_read() -> None:
    assert only("<speak>Salt &amp; pepper &lt;3.</speak>").text == "Salt and pepper <three."


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("ssml", "where", "what"),
    [
        ('<speak>Hi <prosody rate="slow">there.</speak>', "opened at line 1, column 11", "match"),
        (
            '<speak>\n  Hi <prosody rate="slow">there.',
            "line 2, column 6 is never closed",
            "line 2, column 33",
        ),
        ("<speak>\n  Hi <audio/>.</speak>", "line 2, column 6", "unknown element <audio>"),
        (
            '<speak>Hi\n<prosody pitch="+13st">x</prosody></speak>',
            "line 2, column 1",
            "out of range",
        ),
        ('<speak>Hi <prosody pitch="-20st">x</prosody></speak>', "column 11", "out of range"),
        ('<speak>Hi <prosody rate="3">x</prosody></speak>', "column 11", "out of range"),
        ('<speak>Hi <prosody volume="+20dB">x</prosody></speak>', "column 11", "out of range"),
        ('<speak>Hi <prosody pitch="high-ish">x</prosody></speak>', "column 11", "bad pitch"),
        ('<speak>Hi <prosody rate="zoom">x</prosody></speak>', "column 11", "bad rate"),
        ('<speak>Hi <prosody volume="12">x</prosody></speak>', "column 11", "bad volume"),
        ('<speak>Hi <prosody speed="1">x</prosody></speak>', "column 11", 'attribute "speed"'),
        ('<speak>Hi <break time="11s"/></speak>', "column 11", "too long"),
        ('<speak>Hi <break time="soon"/></speak>', "column 11", "bad time"),
        ('<speak>Hi <break strength="huge"/></speak>', "column 11", "bad strength"),
        ('<speak>Hi <emphasis level="max">x</emphasis></speak>', "column 11", "bad level"),
        ('<speak>Hi <say-as interpret-as="x">1</say-as></speak>', "column 11", "interpret-as"),
        ("<speak>Hi <say-as>1</say-as></speak>", "column 11", "needs"),
        ('<speak>Hi <say-as interpret-as="cardinal">one</say-as></speak>', "column 11", "number"),
        ('<speak><say-as interpret-as="date">13/45/2000</say-as></speak>', "column 8", "date"),
        ('<speak>Hi <voice name="nobody">x</voice></speak>', "column 11", "unknown voice"),
        ('<speak><voice name="joe" xml:lang="de">x</voice></speak>', "column 8", "speaks en"),
        ('<speak><lang xml:lang="xx">x</lang></speak>', "column 8", "unknown language"),
        ('<speak><emotion name="bored">x</emotion></speak>', "column 8", "unknown emotion"),
        ('<speak><emotion name="sad" intensity="3">x</emotion></speak>', "column 8", "range"),
        ("<speak><emotion>x</emotion></speak>", "column 8", "needs"),
        ('<speak><sub alias="a"><break/></sub></speak>', "column 8", "only text"),
        ("<speak>Hi.</speak> more", "line 1, column 20", "junk"),
        ("<speak>Hi &nope;</speak>", "column 11", "undefined entity"),
    ],
)
def test_invalid_ssml_names_the_position(ssml: str, where: str, what: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_script(ssml)
    message = str(caught.value)
    assert where in message and what in message, message


def test_root_must_be_speak_and_doctype_is_refused() -> None:
    with pytest.raises(ScriptError, match="DOCTYPE"):
        parse_ssml('<!DOCTYPE speak [<!ENTITY a "aaaa">]><speak>&a;</speak>')
    with pytest.raises(ScriptError, match="must be <speak>"):
        parse_ssml("<p>Hi.</p>")


def test_ssml_without_words_is_empty() -> None:
    with pytest.raises(ScriptError, match="empty"):
        parse_script('<speak><break time="1s"/></speak>')
