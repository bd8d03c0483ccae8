"""The speech timeline: turns end to end with natural gaps, one track per speaker, moments."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tests.unit.scene.scenes import RATE, SPEAKERS, fake_conversation

from persona.errors import ScriptError
from persona.lipsync import is_silence
from persona.scene.conversation import (
    GAP_MS,
    LEAD_IN_MS,
    QUICK_GAP_MS,
    SAME_SPEAKER_GAP_MS,
    TAIL_MS,
    speak_turns,
    turn_scripts,
)
from persona.scene.dialogue import parse_dialogue
from persona.scene.model import HAPPY, LAUGHTER, QUESTION, SURPRISE, SceneSpec, Speaker
from persona.voice.pitch import median_f0

DIALOGUE = (
    "Alex: Welcome to the show. Today we talk about robots.\n"
    "Sam: Thanks for having me here today.\n"
    "Alex: Why did you pick robots of all things?\n"
    "Sam: Good question.\n"
    "Sam: They are fun. And useful too.\n"
)


def test_turns_follow_each_other_with_natural_gaps() -> None:
    conv = fake_conversation(DIALOGUE)
    turns = conv.turns
    assert [t.speaker for t in turns] == [0, 1, 0, 1, 1]
    assert turns[0].start_ms == LEAD_IN_MS
    gaps = [b.start_ms - a.end_ms for a, b in itertools.pairwise(turns)]
    assert GAP_MS[0] - 1 <= gaps[0] <= GAP_MS[1] + 1  # a full reply
    assert GAP_MS[0] - 1 <= gaps[1] <= GAP_MS[1] + 1
    assert QUICK_GAP_MS[0] - 1 <= gaps[2] <= QUICK_GAP_MS[1] + 1  # "Good question." is quick
    assert abs(gaps[3] - SAME_SPEAKER_GAP_MS) <= 1  # the same speaker goes on
    assert abs(conv.duration_ms - (turns[-1].end_ms + TAIL_MS)) <= 1


def test_each_speaker_track_holds_only_their_turns() -> None:
    conv = fake_conversation(DIALOGUE)
    for who, speech in enumerate(conv.speeches):
        assert len(speech.audio) == len(conv.audio)
        own = np.zeros(len(conv.audio), bool)
        for t in conv.turns:
            if t.speaker == who:
                own[t.start_ms * RATE // 1000 : t.end_ms * RATE // 1000] = True
        assert np.all(speech.audio[~own] == 0)
        assert np.abs(speech.audio[own]).max() > 0.2
        # phones tile the whole mix; voiced ones only inside the speaker's turns
        assert speech.phones[0].start_ms == 0 and speech.phones[-1].end_ms == conv.duration_ms
        assert all(
            a.end_ms == b.start_ms for a, b in zip(speech.phones, speech.phones[1:], strict=False)
        )
        for p in speech.phones:
            if not is_silence(p.symbol):
                assert any(
                    t.start_ms <= p.start_ms and p.end_ms <= t.end_ms
                    for t in conv.turns
                    if t.speaker == who
                )
    np.testing.assert_allclose(conv.audio, conv.speeches[0].audio + conv.speeches[1].audio)


def test_words_carry_their_speaker_in_order() -> None:
    conv = fake_conversation(DIALOGUE)
    assert [w.text for w in conv.words[:4]] == ["Welcome", "to", "the", "show"]
    assert {w.speaker for w in conv.words if w.turn == 1} == {1}
    assert all(a.end_ms <= b.start_ms for a, b in zip(conv.words, conv.words[1:], strict=False))
    for w in conv.words:
        turn = conv.turns[w.turn]
        assert turn.speaker == w.speaker and turn.start_ms <= w.start_ms < w.end_ms <= turn.end_ms
    assert len(conv.words) == sum(len(s.words) for s in conv.speeches)


def test_the_seed_changes_gaps_but_not_their_range() -> None:
    a = fake_conversation(DIALOGUE)
    dialogue = parse_dialogue(DIALOGUE, SPEAKERS[:2])
    from tests.unit.scene.scenes import fake_speech

    from persona.scene.conversation import lay_out

    b = lay_out(dialogue, [fake_speech(t.text) for t in dialogue.turns], 2, seed=5)
    assert [t.start_ms for t in a.turns] != [t.start_ms for t in b.turns]


def test_moments_are_timed_by_words() -> None:
    conv = fake_conversation(
        "Alex: Did you build it yourself? I think so.\n"
        "Sam (happy): Wow! Haha, yes I did. [laughs]\n"
        "Alex: [laughs]\n"
    )
    kinds = [(m.kind, m.speaker, m.turn) for m in conv.moments]
    assert (QUESTION, 0, 0) in kinds
    assert (SURPRISE, 1, 1) in kinds and (HAPPY, 1, 1) in kinds
    assert kinds.count((LAUGHTER, 1, 1)) == 2  # "Haha" and the [laughs] mark at the end
    assert (LAUGHTER, 0, 2) in kinds  # a turn that is only laughter
    question = next(m for m in conv.moments if m.kind == QUESTION)
    yourself = next(w for w in conv.words if w.text == "yourself")
    assert question.time_ms == yourself.end_ms
    laugh_end = max(m.time_ms for m in conv.moments if m.kind == LAUGHTER and m.turn == 1)
    assert laugh_end == conv.turns[1].end_ms - 250  # after the last word, before its pause


def test_a_bad_pause_mark_names_its_line() -> None:
    speakers = (Speaker("a", "A", "template:maya", voice="espeak-en"), SPEAKERS[1])
    dialogue = parse_dialogue("A: Hi.\nSam: Wait [pause 99s] now.\n", speakers)
    with pytest.raises(ScriptError, match=r"line 2: pause mark .* too long"):
        turn_scripts(dialogue, SceneSpec(speakers))


@pytest.mark.slow
def test_both_voices_in_order_in_the_mix() -> None:
    low = Speaker("a", "A", "template:maya", voice="espeak-en", pitch=-4)
    high = Speaker("b", "B", "template:kwame", voice="espeak-en", pitch=8)
    scene = SceneSpec((low, high))
    dialogue = parse_dialogue(
        "A: Hello there, how are you today?\nB: I am fine, thank you.\nA: Good to hear it.\n",
        scene.speakers,
    )
    speeches = speak_turns(dialogue, scene, turn_scripts(dialogue, scene))
    from persona.scene.conversation import lay_out

    conv = lay_out(dialogue, speeches, 2)
    rate = conv.sample_rate
    pitches = [
        median_f0(conv.audio[t.start_ms * rate // 1000 : t.end_ms * rate // 1000], rate)
        for t in conv.turns
    ]
    assert pitches[1] > 1.5 * pitches[0] and pitches[1] > 1.5 * pitches[2]
    # between turns the mix is silent (turn times are whole ms: allow 1 ms at each end)
    ms = rate // 1000 + 1
    for a, b in zip(conv.turns, conv.turns[1:], strict=False):
        gap = conv.audio[a.end_ms * rate // 1000 + ms : b.start_ms * rate // 1000 - ms]
        assert np.all(gap == 0)
    assert [w.speaker for w in conv.words][:2] == [0, 0] and conv.words[-1].speaker == 0
