"""Phone symbol → viseme mapping, the viseme table and its documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from persona.lipsync import (
    VISEME_NAMES,
    VISEMES,
    base_symbol,
    is_silence,
    phone_visemes,
    rhubarb_shape,
    viseme_for,
)
from persona.lipsync.ipa import AFFRICATES, LETTER_GROUPS, LETTERS
from persona.types import MOUTH_CHANNELS

DOC = Path(__file__).resolve().parents[3] / "docs" / "visemes.md"

ENGLISH = {
    "p": "MBP", "b": "MBP", "m": "MBP",
    "f": "FV", "v": "FV",
    "θ": "TH", "ð": "TH",
    "t": "DN", "d": "DN", "n": "DN", "s": "DN", "z": "DN", "ɾ": "DN", "n̩": "DN",
    "k": "KG", "ɡ": "KG", "g": "KG", "ŋ": "KG",
    "ʃ": "SH", "ʒ": "SH", "tʃ": "SH", "dʒ": "SH", "t͡ʃ": "SH",
    "l": "L", "ɫ": "L", "ɹ": "R", "w": "OO", "j": "EE", "h": "HH", "ʔ": "HH",
    "iː": "EE", "i": "EE", "ɪ": "IH", "ɛ": "EH", "æ": "EH", "ɑː": "AA", "ɑ": "AA",
    "ʌ": "AA", "a": "AA", "ə": "SCHWA", "ɚ": "ER", "ɝ": "ER", "ɜː": "ER",
    "ɔː": "OH", "ɔ": "OH", "o": "OH", "uː": "OO", "ʊ": "OO",
}  # fmt: skip

OTHER_LANGUAGES = {
    "ʈ": "DN", "ɖ": "DN", "ɳ": "DN", "ɽ": "DN", "ʂ": "SH",  # Hindi retroflexes
    "tʰ": "DN", "kʰ": "KG", "pʰ": "MBP", "bʱ": "MBP", "ɖʱ": "DN", "ʋ": "FV",
    "ã": "AA", "ə̃": "SCHWA", "ĩː": "EE", "ũ": "OO",  # nasal vowels
    "ħ": "HH", "ʕ": "HH", "χ": "KG", "q": "KG", "tˤ": "DN", "sˤ": "DN",  # Arabic
    "a3": "AA", "i˥˩": "EE", "tɕ": "SH", "ɕ": "SH", "ʂ5": "SH", "ts": "DN",  # Chinese
    "ɯ": "IH", "ɯː": "IH", "ɸ": "MBP",  # Japanese
    "y": "OO", "ø": "OH", "œ": "OH", "ʁ": "KG", "x": "KG", "ç": "DN",  # French, German
    "tʲ": "DN", "lʲ": "L", "r": "DN", "ɲ": "DN", "β": "MBP",  # Russian, Spanish
}  # fmt: skip


@pytest.mark.parametrize(("symbol", "viseme"), sorted(ENGLISH.items()))
def test_english_ipa_maps_to_expected_viseme(symbol: str, viseme: str) -> None:
    assert viseme_for(symbol) == viseme


@pytest.mark.parametrize(("symbol", "viseme"), sorted(OTHER_LANGUAGES.items()))
def test_other_languages_map_through_their_base_letter(symbol: str, viseme: str) -> None:
    assert viseme_for(symbol) == viseme


@pytest.mark.parametrize(
    ("symbol", "visemes"),
    [
        ("aɪ", ("AA", "IH")),
        ("eɪ", ("EH", "IH")),
        ("oʊ", ("OH", "OO")),
        ("aʊ", ("AA", "OO")),
        ("ɔɪ", ("OH", "IH")),
        ("kp", ("KG", "MBP")),
        ("mb", ("MBP",)),
        ("nd", ("DN",)),
        ("pf", ("MBP", "FV")),
    ],
)
def test_multi_letter_phones_move_through_each_letter(
    symbol: str, visemes: tuple[str, ...]
) -> None:
    assert phone_visemes(symbol) == visemes


@pytest.mark.parametrize(
    ("symbol", "base"),
    [("tʰ", "t"), ("bʱ", "b"), ("ã", "a"), ("n̩", "n"), ("t͡ʃ", "tʃ"), ("ɑː", "ɑ"),
     ("ma˥˩", "ma"), ("a3", "a"), ("tʲ", "t"), ("ɚ", "ɚ"), ("ʔ", "ʔ"), ("ʰ", "")],
)  # fmt: skip
def test_base_symbol_strips_diacritics_only(symbol: str, base: str) -> None:
    assert base_symbol(symbol) == base


@pytest.mark.parametrize("symbol", ["☃", "7", "ː", "?", "ʬ", "X-ray", "\u0301"])
def test_unknown_symbols_fall_back_to_neutral_without_raising(symbol: str) -> None:
    names = phone_visemes(symbol)
    assert names
    assert all(name in VISEMES for name in names)
    if not base_symbol(symbol) or symbol in "☃ʬ":
        assert names == ("NEUTRAL",)


def test_silence_marks() -> None:
    assert is_silence("_")
    assert is_silence("")
    assert is_silence("|")
    assert not is_silence("a")
    assert not is_silence("ʔ")


def test_every_mapped_letter_has_a_viseme() -> None:
    for name in [*LETTERS.values(), *AFFRICATES.values()]:
        assert name in VISEMES
    assert len(LETTERS) > 100
    letters = "".join(LETTER_GROUPS.values())
    assert len(letters) == len(set(letters)), "a letter is listed under two visemes"


def test_viseme_table_is_well_formed() -> None:
    low = (0.0, -1.0, 0.0, 0.0, -1.0, 0.0, 0.0)
    for viseme in VISEMES.values():
        assert len(viseme.target) == len(MOUTH_CHANNELS)
        assert len(viseme.dominance) == len(MOUTH_CHANNELS)
        assert all(lo <= v <= 1.0 for lo, v in zip(low, viseme.target, strict=True))
        assert all(d > 0 for d in viseme.dominance)
        assert viseme.rhubarb in set("ABCDEFGHX")
    assert VISEMES["X"].target == (0.0,) * len(MOUTH_CHANNELS)
    assert VISEMES["MBP"].target[0] == 0.0


@pytest.mark.parametrize(
    ("viseme", "shape"),
    [("MBP", "A"), ("DN", "B"), ("EE", "B"), ("EH", "C"), ("AA", "D"), ("OH", "E"),
     ("ER", "E"), ("OO", "F"), ("FV", "G"), ("L", "H"), ("X", "X"), ("PAUSE", "X")],
)  # fmt: skip
def test_rhubarb_shapes(viseme: str, shape: str) -> None:
    assert rhubarb_shape(viseme) == shape


def test_rhubarb_shape_of_unknown_viseme_raises() -> None:
    with pytest.raises(KeyError, match="unknown viseme"):
        rhubarb_shape("nope")


def test_document_lists_every_viseme_with_its_values() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in VISEME_NAMES:
        viseme = VISEMES[name]
        row = re.search(rf"^\| `{re.escape(name)}` \|(.+)$", text, flags=re.MULTILINE)
        assert row, f"{name} missing from {DOC.name}"
        cells = [c.strip() for c in row.group(1).split("|")]
        numbers = [float(c) for c in cells[1 : 1 + len(MOUTH_CHANNELS)]]
        assert numbers == pytest.approx(viseme.target), name
        assert cells[0] == viseme.rhubarb, name


def test_document_maps_every_letter() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = dict(
        (name, letters)
        for letters, name in re.findall(r"^\|(.+)\| `([A-Z]+)` \|$", text, flags=re.MULTILINE)
    )
    for letter, name in LETTERS.items():
        assert f"`{letter}`" in rows.get(name, ""), f"{letter} → {name} missing"
    for pair, name in AFFRICATES.items():
        assert f"`{pair}`" in rows.get(name, ""), f"{pair} → {name} missing"
