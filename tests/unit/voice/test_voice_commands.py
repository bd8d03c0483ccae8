"""``persona voices``: the listing as a table and as JSON, and the preview's checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from persona.errors import OutputPathError, UnknownLanguageError, UnknownVoiceError
from persona.voice import get_voice, list_voices
from persona.voice.commands import list_command, preview, preview_text


def test_table_lists_every_voice_with_its_age_group() -> None:
    lines = list_command(None, as_json=False).splitlines()
    assert lines[0].split()[:6] == ["ID", "NAME", "LANG", "GENDER", "AGE", "ENGINE"]
    assert len(lines) == 1 + len(list_voices())
    row = next(line for line in lines if line.startswith("young_adult_female_2 "))
    assert row.split()[:6] == [
        "young_adult_female_2",
        "Jess",
        "en",
        "female",
        "young_adult",
        "piper",
    ]


def test_json_carries_the_catalog_metadata() -> None:
    records = json.loads(list_command("en-US", as_json=True))
    assert {r["lang"] for r in records} == {"en"}
    by_id = {r["id"]: r for r in records}
    toddler = by_id["toddler_girl_2"]
    assert toddler["age_group"] == "toddler" and toddler["gender"] == "female"
    assert toddler["transform"]["formant_ratio"] > 1.2
    assert toddler["rate"] < 1.0 and toddler["f0_band_hz"] == [300.0, 500.0]
    assert by_id["joe"]["transform"] is None


def test_language_filter() -> None:
    records = json.loads(list_command("hi", as_json=True))
    assert [r["id"] for r in records] == ["espeak-hi"]
    with pytest.raises(UnknownLanguageError):
        list_command("tlh", as_json=False)


def test_preview_text_defaults() -> None:
    assert "Hello" in preview_text(get_voice("child_girl_1", None))
    assert preview_text(get_voice("espeak-fr", None)) == "1, 2, 3, 4, 5."


def test_preview_refuses_bad_input_before_speaking(tmp_path: Path) -> None:
    with pytest.raises(UnknownVoiceError, match="persona voices"):
        preview("nobody", "", tmp_path / "x.wav")
    with pytest.raises(OutputPathError, match="does not exist"):
        preview("joe", "Hi.", tmp_path / "missing" / "x.wav")
    with pytest.raises(OutputPathError, match=r"\.wav"):
        preview("joe", "Hi.", tmp_path / "x.mp3")
    (tmp_path / "taken.wav").mkdir()
    with pytest.raises(OutputPathError, match="it is a folder"):
        preview("joe", "Hi.", tmp_path / "taken.wav")
