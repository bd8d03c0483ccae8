"""Caption segmentation: line and cue limits, break choices, timing, speakers."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest

from persona.compose.captions import (
    CaptionSettings,
    CaptionWord,
    Cue,
    retext_cue,
    segment_captions,
)
from persona.errors import InputError


def timed(text: str, start: int = 0, step: int = 300, gap: int = 20, speaker: str | None = None):
    """Words of ``text`` one after another: each ``step - gap`` ms long."""
    return [
        CaptionWord(word, start + k * step, start + k * step + step - gap, speaker)
        for k, word in enumerate(text.split())
    ]


def check_rules(cues: Sequence[Cue], settings: CaptionSettings) -> None:
    """The conventions every segmentation keeps."""
    for cue in cues:
        assert 1 <= len(cue.lines) <= settings.max_lines
        for line in cue.lines:
            assert len(line.text) <= settings.max_chars or len(line.words) == 1
        assert cue.end_ms > cue.start_ms
        assert cue.duration_ms <= max(settings.max_ms, cue.words[-1].end_ms - cue.start_ms)
    for a, b in itertools.pairwise(cues):
        assert b.start_ms - a.end_ms >= settings.gap_ms


LONG = (
    "Persona Studio turns a script and a single portrait photo into a talking video. "
    "It runs on an ordinary computer, without a network connection, and it keeps every "
    "file on your own disk. The voices come in many languages, and the lips follow the "
    "sounds of each word. You can add music, captions and titles before you share it."
)


def test_long_text_keeps_every_rule_and_every_word_in_order() -> None:
    settings = CaptionSettings()
    words = timed(LONG)
    cues = segment_captions(words, settings)
    check_rules(cues, settings)
    assert [w.text for c in cues for w in c.words] == LONG.split()
    assert len(cues) >= 5


def test_cues_prefer_sentence_ends() -> None:
    cues = segment_captions(timed(LONG))
    ends = [c.words[-1].text for c in cues]
    sentence_ends = sum(e.endswith((".", ",")) for e in ends)
    assert sentence_ends == len(cues)
    assert sum(e.endswith(".") for e in ends) >= 3


def test_short_text_is_one_line() -> None:
    (cue,) = segment_captions(timed("Hello there, my friend."))
    assert cue.text == "Hello there, my friend."
    assert len(cue.lines) == 1


def test_two_lines_are_balanced_and_do_not_end_on_a_function_word() -> None:
    text = "We walked along the river until the light began to fade behind the hills"
    (cue,) = segment_captions(timed(text, step=250))
    assert len(cue.lines) == 2
    top, bottom = (line.text for line in cue.lines)
    assert abs(len(top) - len(bottom)) <= 14
    assert top.split()[-1] not in ("the", "to", "along", "until", "behind")
    assert all(len(line.words) > 1 for line in cue.lines)  # no orphan


def test_reading_speed_extends_into_silence() -> None:
    # 38 characters spoken in 0.9 s, then 3 s of silence: shown for 38 / 17 s at least.
    words = timed("Quickly said words need reading time.", step=150)
    words.append(CaptionWord("Next.", 4000, 4300))
    cues = segment_captions(words)
    first = cues[0]
    assert first.text == "Quickly said words need reading time."
    assert first.duration_ms >= round(len(first.text) / 17 * 1000)
    assert first.end_ms <= cues[1].start_ms - CaptionSettings().gap_ms


def test_short_cue_lasts_at_least_the_minimum() -> None:
    words = [CaptionWord("Yes.", 0, 200), CaptionWord("Later", 5000, 5300)]
    cues = segment_captions(words)
    assert cues[0].duration_ms >= 1000


def test_cue_never_exceeds_max_duration() -> None:
    settings = CaptionSettings()
    words = timed("one two three four five six", step=1500)  # 9 s of slow words
    cues = segment_captions(words, settings)
    check_rules(cues, settings)
    assert all(c.duration_ms <= settings.max_ms for c in cues)
    assert len(cues) >= 2


def test_gap_is_two_frames_at_the_frame_rate() -> None:
    for fps in (24, 25, 30, 60):
        settings = CaptionSettings(fps=fps)
        cues = segment_captions(timed(LONG, step=200, gap=0), settings)
        gaps = [b.start_ms - a.end_ms for a, b in itertools.pairwise(cues)]
        assert min(gaps) >= 2 * 1000 / fps
        assert settings.gap_ms == -(-2000 // fps)


def test_close_cues_chain_up_to_the_gap() -> None:
    words = [*timed("First sentence here.", step=500), CaptionWord("Second.", 1800, 2600)]
    cues = segment_captions(words)
    assert len(cues) == 2
    assert cues[1].start_ms - cues[0].end_ms == CaptionSettings().gap_ms


def test_a_very_long_word_gets_its_own_line_unsplit() -> None:
    giant = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2  # 90 characters
    words = timed(f"Say {giant} slowly please", step=600)
    settings = CaptionSettings()
    cues = segment_captions(words, settings)
    check_rules(cues, settings)
    assert [w.text for c in cues for w in c.words] == ["Say", giant, "slowly", "please"]
    line = next(line for c in cues for line in c.lines if giant in line.text)
    assert line.text == giant


def test_one_word_script() -> None:
    (cue,) = segment_captions([CaptionWord("Hello!", 100, 400)])
    assert cue.text == "Hello!"
    assert cue.start_ms == 100 and cue.duration_ms >= 1000


def test_no_words_no_cues() -> None:
    assert segment_captions([]) == ()
    assert segment_captions([CaptionWord("  ", 0, 100)]) == ()


def test_zero_length_and_unordered_words() -> None:
    words = [
        CaptionWord("world.", 300, 300),
        CaptionWord("Hello", 0, 0),
        CaptionWord("again", 900, 800),  # ends before it starts
    ]
    cues = segment_captions(words)
    assert [w.text for c in cues for w in c.words] == ["Hello", "world.", "again"]
    assert all(w.end_ms >= w.start_ms for c in cues for w in c.words)
    check_rules(cues, CaptionSettings())


def test_words_at_the_same_instant_still_get_separate_cues_apart() -> None:
    words = [CaptionWord(f"Word{k}.", 0, 0) for k in range(30)]
    settings = CaptionSettings()
    cues = segment_captions(words, settings)
    check_rules(cues, settings)
    assert sum(len(c.words) for c in cues) == 30


def test_punctuation_stays_with_its_word() -> None:
    (cue,) = segment_captions(timed('"Wait," she said — "really?!"'))
    assert cue.text == '"Wait," she said — "really?!"'


def test_speaker_change_starts_a_new_cue() -> None:
    words = timed("How are you?", speaker="Ann") + timed("Fine, thanks.", 1000, speaker="Bob")
    cues = segment_captions(words)
    assert [c.speaker for c in cues] == ["Ann", "Bob"]
    assert [c.text for c in cues] == ["How are you?", "Fine, thanks."]


def test_name_labels_on_the_first_cue_of_each_turn() -> None:
    words = timed(LONG, speaker="host")[:40] + timed(
        "Thanks for having me.", 20000, speaker="Guest"
    )
    settings = CaptionSettings(speaker_labels="name")
    cues = segment_captions(words, settings)
    check_rules(cues, settings)
    labelled = [c.lines[0].label for c in cues]
    assert labelled[0] == "HOST: "
    assert labelled[-1] == "GUEST: "
    assert all(label == "" for label in labelled[1:-1])
    assert cues[-1].text == "GUEST: Thanks for having me."


def test_dash_labels_put_two_short_turns_in_one_cue() -> None:
    words = timed("Ready?", speaker="Ann") + timed("Almost there.", 400, speaker="Bob")
    words += timed("Then we start with the long introduction now.", 3000, speaker="Ann")
    cues = segment_captions(words, CaptionSettings(speaker_labels="dash"))
    assert cues[0].text == "- Ready?\n- Almost there."
    assert cues[0].speaker is None
    assert {w.speaker for w in cues[0].words} == {"Ann", "Bob"}
    assert cues[1].lines[0].label == ""


def test_settings_are_checked() -> None:
    with pytest.raises(InputError, match="max chars"):
        CaptionSettings(max_chars=3)
    with pytest.raises(InputError, match="speaker labels"):
        CaptionSettings(speaker_labels="loud")
    with pytest.raises(InputError, match="reading speed"):
        CaptionSettings(max_cps=100)


def test_portrait_settings_use_shorter_lines() -> None:
    assert CaptionSettings.for_frame(1920, 1080).max_chars == 42
    assert CaptionSettings.for_frame(720, 1280).max_chars < 42


def test_word_at_follows_the_spoken_word() -> None:
    (cue,) = segment_captions(timed("one two three"))
    assert cue.word_at(cue.start_ms - 1) is None
    assert cue.word_at(0) == 0
    assert cue.word_at(350) == 1
    assert cue.word_at(5000) == 2


def test_retext_keeps_timing_and_breaks_lines() -> None:
    (cue,) = segment_captions(timed("Good morning everyone."))
    spanish = retext_cue(cue, "Buenos días a todos los que nos acompañan esta mañana tan bonita")
    assert (spanish.start_ms, spanish.end_ms) == (cue.start_ms, cue.end_ms)
    assert len(spanish.lines) == 2
    assert all(len(line.text) <= 42 for line in spanish.lines)


def test_retext_spreads_a_long_translation_over_the_lines() -> None:
    (cue,) = segment_captions(timed("Hi."))
    text = " ".join(["palabra"] * 14)  # 111 characters: more than two lines hold
    lines = retext_cue(cue, text).lines
    assert len(lines) == 2
    assert abs(len(lines[0].text) - len(lines[1].text)) <= 8
    assert retext_cue(cue, "  ").lines == ()
