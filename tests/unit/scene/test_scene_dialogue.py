"""Dialogue scripts: turns, continuation lines, emotions, marks, and clear errors."""

from __future__ import annotations

import pytest

from persona.errors import InputError, ScriptError
from persona.scene.dialogue import parse_dialogue
from persona.scene.model import LAUGH, SMILE, Speaker

SPEAKERS = (
    Speaker("alex", "Alex Rivera", "template:maya"),
    Speaker("sam", "Sam", "template:kwame"),
)


def test_turns_in_order_with_names_ids_and_any_case() -> None:
    text = "Alex: Hello there.\nsam: Hi!\nALEX RIVERA: How are you?\n"
    turns = parse_dialogue(text, SPEAKERS).turns
    assert [(t.speaker, t.text, t.line) for t in turns] == [
        (0, "Hello there.", 1),
        (1, "Hi!", 2),
        (0, "How are you?", 3),
    ]


def test_continuation_and_blank_lines_join_the_turn() -> None:
    text = (
        "Alex: First line\n"
        "and its second line.\n"
        "\n"
        "  Note: an indented line with a colon stays in the turn.\n"
        "# a comment\n"
        "Sam: Reply.\n"
    )
    turns = parse_dialogue(text, SPEAKERS).turns
    assert len(turns) == 2
    assert turns[0].text == (
        "First line\nand its second line.\n\nNote: an indented line with a colon stays in the turn."
    )
    assert turns[1].line == 6


def test_emotion_pause_and_cue_marks() -> None:
    text = "Sam (Happy): [laughs] That is great. [pause 1s] Really [smiles] great.\nAlex: Yes."
    turn = parse_dialogue(text, SPEAKERS).turns[0]
    assert turn.emotion == "happy"
    assert "[pause 1s]" in turn.text  # pause marks are read by the script parser later
    assert "laughs" not in turn.text and "smiles" not in turn.text
    assert [c.kind for c in turn.cues] == [LAUGH, SMILE]
    assert turn.cues[0].position == 0.0
    assert turn.cues[1].position == pytest.approx(4 / 5)  # after "That is great. Really"


def test_a_turn_of_only_laughter_is_kept() -> None:
    turns = parse_dialogue("Alex: Joke.\nSam: [laughs]\n", SPEAKERS).turns
    assert turns[1].text == "" and turns[1].cues[0].kind == LAUGH


def test_colons_inside_sentences_do_not_start_turns() -> None:
    text = "Alex: We start at 10:30, as planned.\nWhat I mean is this: we wait.\n"
    turns = parse_dialogue(text, SPEAKERS).turns
    assert len(turns) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Alex: Hi.\n\nJordan: Hello.\n", "line 3: unknown speaker 'Jordan'"),
        ("Hello everyone.\nAlex: Hi.", "line 1: expected 'NAME: text'"),
        ("", "the dialogue is empty"),
        ("\n# only a comment\n\n", "the dialogue is empty"),
        ("Alex: Hi.\nSam:\n", "line 2: this turn has nothing to say"),
        ("Alex: Hi.\nSam: [pause 2s]\n", "line 2: this turn has nothing to say"),
        ("Alex: Hi. [coughs]\n", "line 1: unknown mark [coughs]"),
        ("Alex (grumpy): Hi.\n", "line 1: unknown emotion 'grumpy'"),
    ],
)
def test_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ScriptError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_dialogue(text, SPEAKERS)


def test_unknown_speaker_lists_the_scene() -> None:
    with pytest.raises(InputError, match="the scene has Alex Rivera, Sam"):
        parse_dialogue("Bob: Hi.", SPEAKERS)
