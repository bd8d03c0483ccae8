"""SRT, WebVTT and ASS files, read back by independent parsers (pysrt, webvtt-py) and by
our ASS reader."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pysrt
import pytest
import webvtt

from persona.compose.caption_formats import (
    ass_colour,
    caption_format_for_path,
    format_captions,
    read_ass,
    write_caption_file,
)
from persona.compose.caption_style import CaptionStyle
from persona.compose.captions import CaptionSettings, CaptionWord, Cue, segment_captions
from persona.errors import InputError, OutputPathError

SCRIPT = [
    ("Welcome back to the show, everyone.", "Host"),
    ("Today we talk about <tags> & ampersands in captions, and why they matter.", "Host"),
    ("Thanks for having me!", "Guest Speaker"),
    ("It's a pleasure to be here, really.", "Guest Speaker"),
]


def words() -> list[CaptionWord]:
    out, t = [], 0
    for sentence, speaker in SCRIPT:
        for token in sentence.split():
            out.append(CaptionWord(token, t, t + 260, speaker))
            t += 290
        t += 600
    return out


@pytest.fixture(scope="module")
def cues() -> tuple[Cue, ...]:
    return segment_captions(words(), CaptionSettings(speaker_labels="name"))


def test_srt_round_trip_with_pysrt(cues: tuple[Cue, ...]) -> None:
    parsed = pysrt.from_string(format_captions(cues, "srt"))
    assert len(parsed) == len(cues)
    for item, cue in zip(parsed, cues, strict=True):
        assert item.start.ordinal == cue.start_ms
        assert item.end.ordinal == cue.end_ms
        assert item.text == cue.text
    assert parsed[0].text.startswith("HOST: Welcome back")
    assert any(item.text.startswith("GUEST SPEAKER: ") for item in parsed)


def test_vtt_round_trip_with_webvtt_py(cues: tuple[Cue, ...]) -> None:
    parsed = webvtt.from_string(format_captions(cues, "vtt"))
    assert len(parsed.captions) == len(cues)
    for caption, cue in zip(parsed.captions, cues, strict=True):
        assert caption.start == f"{_vtt_clock(cue.start_ms)}"
        assert caption.end == f"{_vtt_clock(cue.end_ms)}"
        assert html.unescape(caption.text) == cue.text
        assert caption.voice == cue.speaker
    assert "&lt;tags&gt; &amp; ampersands" in format_captions(cues, "vtt")


def _vtt_clock(ms: int) -> str:
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def test_vtt_karaoke_timestamps_lie_inside_their_cue(cues: tuple[Cue, ...]) -> None:
    text = format_captions(cues, "vtt", karaoke=True)
    parsed = webvtt.from_string(text)
    stamp = re.compile(r"<(\d\d):(\d\d):(\d\d)\.(\d{3})>")
    for caption, cue in zip(parsed.captions, cues, strict=True):
        assert html.unescape(caption.text).replace("  ", " ") == cue.text
        times = [
            ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)
            for h, m, s, ms in stamp.findall(caption.raw_text)
        ]
        assert times == sorted(times)
        assert all(cue.start_ms < t < cue.end_ms for t in times)
        assert len(times) >= len(cue.words) - 1
        assert caption.raw_text.count("<c>") == len(cue.words)


def test_dash_cue_gets_one_voice_span_per_line() -> None:
    two = [CaptionWord("Ready?", 0, 400, "Ann"), CaptionWord("Yes.", 600, 900, "Bob")]
    cues = segment_captions(two, CaptionSettings(speaker_labels="dash"))
    text = format_captions(cues, "vtt")
    assert "<v Ann>- Ready?</v>\n<v Bob>- Yes.</v>" in text
    assert format_captions(cues, "srt").endswith("- Ready?\n- Yes.\n")


def test_ass_header_and_events_read_back(cues: tuple[Cue, ...]) -> None:
    style = CaptionStyle(position="top", outline=0.1, shadow=0.05, margin=0.1, size=0.05)
    text = format_captions(cues, "ass", style=style, size=(1280, 720))
    doc = read_ass(text)
    assert doc.info["ScriptType"] == "v4.00+"
    assert (doc.info["PlayResX"], doc.info["PlayResY"]) == ("1280", "720")
    default = doc.styles["Default"]
    assert default["Fontname"] == "DejaVu Sans"
    assert default["Fontsize"] == "36"  # 5 % of 720
    assert default["Alignment"] == "8"  # top centre
    assert default["MarginV"] == "72"
    assert float(default["Outline"]) == pytest.approx(3.6)
    assert float(default["Shadow"]) == pytest.approx(1.8)
    assert default["BorderStyle"] == "1"
    assert len(doc.cues) == len(cues)
    for got, cue in zip(doc.cues, cues, strict=True):
        assert abs(got.start_ms - cue.start_ms) <= 5 and abs(got.end_ms - cue.end_ms) <= 5
        assert got.text == cue.text
        assert got.speaker == cue.speaker
    assert "(tags) & ampersands" not in text  # angle brackets are plain text in ASS
    assert "<tags> & ampersands" in text


def test_ass_box_style_and_colours() -> None:
    style = CaptionStyle(box=True, box_colour="#102030", box_opacity=0.5, colour="#ff8000")
    doc = read_ass(format_captions([], "ass", style=style))
    default = doc.styles["Default"]
    assert default["BorderStyle"] == "3"
    assert default["OutlineColour"] == "&H80302010"
    assert default["PrimaryColour"] == "&H000080FF"
    assert ass_colour("#ffffff", 0.0) == "&HFFFFFFFF"
    assert doc.cues == ()


def test_ass_karaoke_durations_give_word_starts(cues: tuple[Cue, ...]) -> None:
    style = CaptionStyle(highlight="#ffd400")
    text = format_captions(cues, "ass", style=style, karaoke=True)
    assert "\\k" in text
    doc = read_ass(text)
    assert doc.styles["Default"]["PrimaryColour"] == "&H0000D4FF"  # spoken words
    assert doc.styles["Default"]["SecondaryColour"] == "&H00FFFFFF"  # words to come
    for got, cue in zip(doc.cues, cues, strict=True):
        assert got.text == cue.text
        for read, word in zip(got.words[1:], cue.words[1:], strict=True):
            assert abs(read.start_ms - word.start_ms) <= 20  # centisecond rounding


def test_ass_escapes_braces_and_backslashes() -> None:
    cue = Cue(0, 1000, segment_captions([CaptionWord("a{b}\\c", 0, 500)])[0].lines)
    text = format_captions([cue], "ass")
    assert "a(b)/c" in text
    assert read_ass(text).cues[0].text == "a(b)/c"


def test_read_ass_refuses_other_text() -> None:
    with pytest.raises(InputError, match="not an ASS file"):
        read_ass("1\n00:00:00,000 --> 00:00:01,000\nhi\n")


def test_format_by_suffix(tmp_path: Path, cues: tuple[Cue, ...]) -> None:
    assert caption_format_for_path("a.SRT") == "srt"
    assert caption_format_for_path("a.vtt") == "vtt"
    assert caption_format_for_path("a.ass") == "ass"
    with pytest.raises(InputError, match=r"unknown caption format '\.txt'"):
        caption_format_for_path("a.txt")
    with pytest.raises(InputError, match="no suffix"):
        caption_format_for_path("captions")
    with pytest.raises(InputError, match="unknown caption format"):
        format_captions(cues, "sub")
    path = write_caption_file(tmp_path / "out.vtt", cues)
    assert path.read_text(encoding="utf-8").startswith("WEBVTT\n")


def test_unwritable_caption_file(tmp_path: Path, cues: tuple[Cue, ...]) -> None:
    with pytest.raises(OutputPathError, match="does not exist"):
        write_caption_file(tmp_path / "missing" / "out.srt", cues)
    (tmp_path / "taken.srt").mkdir()
    with pytest.raises(OutputPathError, match="it is a folder"):
        write_caption_file(tmp_path / "taken.srt", cues)
    assert [p.name for p in tmp_path.iterdir()] == ["taken.srt"]
