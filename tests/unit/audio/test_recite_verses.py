"""Verse structure for recitation: dandas, verse numbers, line breaks, stanzas."""

from __future__ import annotations

import pytest

from persona.audio.verses import PAUSES_MS, parse_verses
from persona.errors import ScriptError

GAYATRI = """ॐ भूर्भुवः स्वः ।
तत्सवितुर्वरेण्यं भर्गो देवस्य धीमहि ।
धियो यो नः प्रचोदयात् ॥ १ ॥
"""


def test_dandas_close_half_verses_and_verses() -> None:
    lines = parse_verses(GAYATRI + "कर्मण्येवाधिकारस्ते मा फलेषु कदाचन ।\nमा कर्मफलहेतुर्भूः ॥२.४७॥")
    assert [line.text for line in lines] == [
        "ॐ भूर्भुवः स्वः",
        "तत्सवितुर्वरेण्यं भर्गो देवस्य धीमहि",
        "धियो यो नः प्रचोदयात्",
        "कर्मण्येवाधिकारस्ते मा फलेषु कदाचन",
        "मा कर्मफलहेतुर्भूः",
    ]
    assert [line.ends for line in lines] == ["half", "half", "verse", "half", "verse"]
    assert [line.verse for line in lines] == [0, 0, 0, 1, 1]
    assert [line.number for line in lines] == ["१", "१", "१", "२.४७", "२.४७"]
    assert [line.pause_after_ms for line in lines[:3]] == [
        PAUSES_MS["half"],
        PAUSES_MS["half"],
        PAUSES_MS["verse"],
    ]


def test_pauses_grow_from_line_to_half_verse_to_verse() -> None:
    assert PAUSES_MS["line"] < PAUSES_MS["half"] < PAUSES_MS["verse"]


def test_ascii_dandas_and_leading_numbers_in_a_transliteration() -> None:
    text = (
        "1. om bhur bhuvah svah |\ntat savitur varenyam || 1 ||\n2. dhiyo yo nah | prachodayat ||"
    )
    lines = parse_verses(text)
    assert [line.text for line in lines] == [
        "om bhur bhuvah svah",
        "tat savitur varenyam",
        "dhiyo yo nah",
        "prachodayat",
    ]
    assert [line.ends for line in lines] == ["half", "verse", "half", "verse"]
    assert [line.number for line in lines] == ["1", "1", "2", "2"]


def test_a_poem_has_lines_and_stanzas() -> None:
    poem = "पहली पंक्ति\nदूसरी पंक्ति\n\n\nतीसरी पंक्ति\nचौथी पंक्ति\n"
    lines = parse_verses(poem)
    assert [line.ends for line in lines] == ["line", "verse", "line", "verse"]
    assert [line.verse for line in lines] == [0, 0, 1, 1]


def test_a_sahasranama_speaks_one_name_per_line() -> None:
    names = "ॐ विश्वस्मै नमः ।\nॐ विष्णवे नमः ।\nॐ वषट्काराय नमः ॥"
    lines = parse_verses(names)
    assert [line.text for line in lines] == ["ॐ विश्वस्मै नमः", "ॐ विष्णवे नमः", "ॐ वषट्काराय नमः"]


def test_custom_pauses() -> None:
    lines = parse_verses(GAYATRI, {"verse": 3000})
    assert lines[-1].pause_after_ms == 3000 and lines[0].pause_after_ms == PAUSES_MS["half"]


@pytest.mark.parametrize("text", ["", "   \n\n ", "॥ १ ॥", "| || 3 ||"])
def test_nothing_to_recite(text: str) -> None:
    with pytest.raises(ScriptError, match="nothing to recite"):
        parse_verses(text)


def test_bad_pause_is_refused() -> None:
    with pytest.raises(ScriptError, match="pause after a 'verse'"):
        parse_verses(GAYATRI, {"verse": -5})
