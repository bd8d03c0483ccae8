"""Script parsing: paragraphs, sentences, pause marks and their errors."""

from __future__ import annotations

import pytest

from persona.errors import InputError, ScriptError
from persona.script import parse_script, split_sentences
from persona.script.parse import (
    DEFAULT_PAUSE_MS,
    MAX_PAUSE_MS,
    PARAGRAPH_PAUSE_MS,
    SENTENCE_PAUSE_MS,
    pause_mark_ms,
)


def test_sentences_and_paragraphs() -> None:
    script = parse_script("Hello there. How are you?\n\nI am fine! Thanks.")
    assert [s.display for s in script.segments] == [
        "Hello there.",
        "How are you?",
        "I am fine!",
        "Thanks.",
    ]
    assert [s.paragraph for s in script.segments] == [0, 0, 1, 1]
    assert [s.pause_after_ms for s in script.segments] == [
        SENTENCE_PAUSE_MS,
        PARAGRAPH_PAUSE_MS,
        SENTENCE_PAUSE_MS,
        0,
    ]
    assert script.lang == "en"
    assert all(s.lang == "en" for s in script.segments)


def test_spoken_text_is_normalized_and_display_kept() -> None:
    script = parse_script("Dr. Lee paid $5 on Jan. 3, 2024.")
    (segment,) = script.segments
    assert segment.display == "Dr. Lee paid $5 on Jan. 3, 2024."
    assert segment.text == "Doctor Lee paid five dollars on January third, twenty twenty-four."
    assert script.text == segment.text


def test_line_breaks_inside_a_paragraph_do_not_split() -> None:
    script = parse_script("This sentence runs\nover two lines.\r\nAnd another.")
    assert [s.display for s in script.segments] == [
        "This sentence runs over two lines.",
        "And another.",
    ]


@pytest.mark.parametrize(
    ("mark", "ms"),
    [
        ("[pause]", DEFAULT_PAUSE_MS),
        ("[PAUSE]", DEFAULT_PAUSE_MS),
        ("[pause 1.5s]", 1500),
        ("[pause 800ms]", 800),
        ("[pause 2]", 2000),
        ("[ pause 2 sec ]", 2000),
        ("[pause 0s]", 0),
        ("[pause 10s]", MAX_PAUSE_MS),
        ("[pause: 250 ms]", 250),
    ],
)
def test_pause_mark_values(mark: str, ms: int) -> None:
    assert pause_mark_ms(mark) == ms


@pytest.mark.parametrize(
    "mark",
    ["[pause -3s]", "[pause 99s]", "[pause abc]", "[pause 1,5s]", "[pause 2 minutes]"],
)
def test_bad_pause_marks_name_the_mark(mark: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_script(f"Hello. {mark} World.")
    assert mark in str(caught.value)
    assert isinstance(caught.value, InputError)


def test_unclosed_pause_mark() -> None:
    with pytest.raises(ScriptError, match="closing"):
        parse_script("Hello [pause 2s and more words.")


def test_pause_mark_replaces_natural_gap_and_marks_add_up() -> None:
    script = parse_script("One. [pause 2s] Two. [pause] [pause 300ms] Three.")
    assert [s.pause_after_ms for s in script.segments] == [2000, 800, 0]


def test_pause_mark_inside_a_sentence_splits_it() -> None:
    script = parse_script("Wait for it [pause 1s] now.")
    assert [(s.display, s.pause_after_ms) for s in script.segments] == [
        ("Wait for it", 1000),
        ("now.", 0),
    ]


def test_pause_between_paragraphs_and_at_the_end() -> None:
    script = parse_script("First.\n\n[pause 3s]\n\nSecond. [pause 1s]")
    assert [(s.display, s.pause_after_ms, s.paragraph) for s in script.segments] == [
        ("First.", 3000, 0),
        ("Second.", 1000, 1),
    ]


def test_leading_pause_is_a_silent_segment() -> None:
    script = parse_script("[pause 1s] Hello.")
    assert script.segments[0].text == ""
    assert script.segments[0].pause_after_ms == 1000
    assert script.segments[1].display == "Hello."


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n\t ", "[pause] [pause 2s]", "***\n\n---\n\n...", "   ?!  "],
)
def test_empty_script(text: str) -> None:
    with pytest.raises(ScriptError, match="the script is empty"):
        parse_script(text)


def test_unspeakable_pieces_are_dropped() -> None:
    script = parse_script("Hello. *** \n\n---\n\nBye.")
    assert [s.display for s in script.segments] == ["Hello.", "Bye."]
    assert script.segments[0].pause_after_ms == PARAGRAPH_PAUSE_MS


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Dr. Smith arrived. He sat.", ["Dr. Smith arrived.", "He sat."]),
        ("Mr. and Mrs. Lee left.", ["Mr. and Mrs. Lee left."]),
        ("We met e.g. here. Fine.", ["We met e.g. here.", "Fine."]),
        ("John F. Kennedy spoke.", ["John F. Kennedy spoke."]),
        ("I took vitamin C. It helped.", ["I took vitamin C.", "It helped."]),
        ("It is 3.5 m. Next one.", ["It is 3.5 m.", "Next one."]),
        ("Room No. 5 is free.", ["Room No. 5 is free."]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        ('He said "Stop." Then left.', ['He said "Stop."', "Then left."]),
        ("Wait... what? Ok.", ["Wait... what?", "Ok."]),
        ("Well... I see.", ["Well...", "I see."]),
        ("It costs 5 dollars, etc. and more.", ["It costs 5 dollars, etc. and more."]),
        ("你好。我很好！", ["你好。", "我很好！"]),
        ("मैं ठीक हूँ। आप कैसे हैं?", ["मैं ठीक हूँ।", "आप कैसे हैं?"]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_no_period_inside_an_english_segment() -> None:
    script = parse_script("The U.S. team, e.g. Dr. Lee, ran 5 ft. further at 3 p.m. today.")
    (segment,) = script.segments
    assert "." not in segment.text[:-1]
    assert segment.text.endswith(".")


def test_other_languages_are_not_normalized() -> None:
    script = parse_script("मेरे पास 5 किताबें हैं। धन्यवाद।", lang="hi")
    assert [s.text for s in script.segments] == ["मेरे पास 5 किताबें हैं।", "धन्यवाद।"]
    assert script.lang == "hi"
    assert all(s.lang == "hi" for s in script.segments)


def test_a_line_ending_a_sentence_splits_even_before_a_small_letter() -> None:
    script = parse_script("first item.\nsecond item\nwraps here.")
    assert [s.display for s in script.segments] == ["first item.", "second item wraps here."]
