"""``persona subtitle`` on speech synthesized here, and its errors; the render options."""

from __future__ import annotations

import argparse
import itertools
import re
from pathlib import Path

import numpy as np
import pysrt
import pytest
import webvtt

from persona.cli import main
from persona.compose.caption_commands import (
    add_caption_arguments,
    caption_request,
    speaker_turns,
)
from persona.media.audio import write_wav

TEXT = "The baker sold 12 loaves before lunch. Then she closed the shop and walked home."


def speak(path: Path, text: str = TEXT, voice: str = "espeak-en") -> Path:
    from persona.script import parse_script
    from persona.voice import get_voice, synthesize_script

    speech = synthesize_script(parse_script(text, "en"), get_voice(voice, "en"))
    write_wav(path, speech.audio, speech.sample_rate)
    return path


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def run(*argv: str | Path) -> int:
    return main(["subtitle", *map(str, argv)])


@pytest.mark.slow
def test_transcript_is_aligned_and_shown_as_written(tmp_path: Path) -> None:
    wav = speak(tmp_path / "take.wav")
    transcript = tmp_path / "take.txt"
    transcript.write_text(TEXT + "\n", encoding="utf-8")
    out = tmp_path / "take.srt"
    assert run(wav, "--transcript", transcript, "-o", out) == 0
    subs = pysrt.open(str(out), encoding="utf-8")
    shown = " ".join(item.text.replace("\n", " ") for item in subs)
    assert shown == TEXT  # "12" as written, with the punctuation
    assert subs[0].start.ordinal < 400
    assert subs[-1].end.ordinal <= 8000
    for a, b in itertools.pairwise(subs):
        assert b.start.ordinal - a.end.ordinal >= 80


@pytest.mark.slow
def test_speaker_lines_in_the_transcript(tmp_path: Path) -> None:
    wav = speak(tmp_path / "talk.wav", "Good morning. Good morning to you too.")
    transcript = tmp_path / "talk.txt"
    transcript.write_text("Ann: Good morning.\nBob: Good morning to you too.\n", encoding="utf-8")
    out = tmp_path / "talk.vtt"
    assert run(wav, "--transcript", transcript, "--speaker-labels", "-o", out) == 0
    captions = webvtt.read(str(out)).captions
    assert [c.voice for c in captions] == ["Ann", "Bob"]
    assert captions[0].text == "ANN: Good morning."


@pytest.mark.slow
def test_whisper_hears_the_words(tmp_path: Path) -> None:
    """Without a transcript: Whisper's words (Piper speaks clearly enough for it)."""
    wav = speak(tmp_path / "joe.wav", voice="joe")
    out = tmp_path / "joe.ass"
    assert run(wav, "-o", out, "--karaoke", "--caption-style", "highlight=#ffd400") == 0
    from persona.compose.caption_formats import read_ass

    cues = read_ass(out.read_text(encoding="utf-8")).cues
    heard = words_of(" ".join(c.text for c in cues))
    expected = words_of(TEXT.replace("12", "twelve"))
    assert len(set(expected) & set(heard)) >= 0.8 * len(set(expected))
    assert "\\k" in out.read_text(encoding="utf-8")


def test_silent_audio_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wav = tmp_path / "silence.wav"
    write_wav(wav, np.zeros(16000, np.float32), 16000)
    assert run(wav, "-o", tmp_path / "x.srt", "--transcript", _transcript(tmp_path)) == 2
    assert "silent" in capsys.readouterr().err
    assert not (tmp_path / "x.srt").exists()


def _transcript(folder: Path) -> Path:
    path = folder / "t.txt"
    path.write_text("Hello there.", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not_media", "not a supported audio file"),
        ("missing", "file not found"),
        ("bad_suffix", "unknown caption format '.txt'"),
        ("no_folder", "does not exist"),
        ("no_transcript_hindi", "need --transcript"),
        ("missing_transcript", "cannot read transcript"),
        ("empty_transcript", "is empty"),
        ("bad_style", "bad caption style"),
    ],
)
def test_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, message: str
) -> None:
    wav = tmp_path / "tone.wav"
    write_wav(wav, 0.3 * np.sin(np.arange(16000) / 5).astype(np.float32), 16000)
    notes = tmp_path / "notes.wav"
    notes.write_text("this is not audio")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    out = tmp_path / "out.srt"
    argv: dict[str, list[str | Path]] = {
        "not_media": [notes, "-o", out],
        "missing": [tmp_path / "nothing.wav", "-o", out],
        "bad_suffix": [wav, "-o", tmp_path / "out.txt"],
        "no_folder": [wav, "-o", tmp_path / "missing" / "out.srt"],
        "no_transcript_hindi": [wav, "-o", out, "--lang", "hi"],
        "missing_transcript": [wav, "-o", out, "--transcript", tmp_path / "none.txt"],
        "empty_transcript": [wav, "-o", out, "--transcript", empty],
        "bad_style": [wav, "-o", out, "--caption-style", "glow=yes"],
    }
    assert run(*argv[case]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") <= 3
    assert not out.exists()


def test_speaker_turns() -> None:
    turns = speaker_turns("HOST: Welcome back.\nIt is late.\n\nDr Lee: Thanks: really.\n")
    assert turns == [
        ("HOST", "Welcome back."),
        ("HOST", "It is late."),
        ("Dr Lee", "Thanks: really."),
    ]
    assert speaker_turns("No names here.") == [(None, "No names here.")]


def test_render_caption_arguments() -> None:
    parser = argparse.ArgumentParser()
    add_caption_arguments(parser)
    args = parser.parse_args(
        ["--captions", "burn", "--captions", "srt", "--caption-style", "position=top",
         "--caption-style", "highlight=#ffd400", "--speaker-labels"]
    )  # fmt: skip
    request = caption_request(args, (720, 1280), 30)
    assert request is not None and request.burns
    assert request.kinds == ("burn", "srt")
    assert request.style.position == "top" and request.style.highlight == "#ffd400"
    assert request.settings.fps == 30 and request.settings.max_chars < 42
    assert request.settings.speaker_labels == "name"
    assert request.sidecars(Path("talk.mp4")) == [Path("talk.srt")]
    assert caption_request(parser.parse_args([]), (1280, 720), 25) is None
    with pytest.raises(SystemExit):
        parser.parse_args(["--captions", "subtitles"])
