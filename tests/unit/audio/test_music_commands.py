"""``persona music``: the listing, a rendered WAV and MIDI, and one-line errors."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import mido
import pytest

from persona.cli import main


def test_list_names_every_style_and_mood(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["music", "--list"]) == 0
    text = capsys.readouterr().out
    for name in (
        "yaman",
        "bhairav",
        "kafi",
        "bhimpalasi",
        "bhajan",
        "kirtan",
        "bollywood",
        "classical",
        "pop",
        "rock",
        "jazz",
        "electronic",
        "ambient",
        "calm",
        "sad",
    ):
        assert name in text
    assert main(["music", "--list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert {m["name"] for m in listing["moods"]} == {"calm", "uplifting", "tense", "sad"}
    yaman = next(s for s in listing["styles"] if s["name"] == "yaman")
    assert yaman["family"] == "indian classical" and len(yaman["tempo_bpm"]["calm"]) == 2


@pytest.mark.slow
def test_writes_a_stereo_wav_of_the_exact_length_and_the_midi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, mid = tmp_path / "bed.wav", tmp_path / "bed.mid"
    args = [
        "music",
        "--style",
        "bhupali",
        "--mood",
        "calm",
        "--duration",
        "6.5",
        "--seed",
        "7",
        "--key",
        "D",
        "--sample-rate",
        "44100",
        "--midi",
        str(mid),
        "-o",
        str(out),
        "--json",
    ]
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["samples"] == round(6.5 * 44100) and summary["key"] == "D"
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 44100)
        assert w.getnframes() == round(6.5 * 44100)
    assert any(msg.type == "note_on" for msg in mido.MidiFile(str(mid)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bed.mid", "bed.wav"]  # no temp files


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--style", "polka"], "unknown music style 'polka': choose one of yaman"),
        (["--style", "pop", "--mood", "angry"], "unknown mood"),
        (["--style", "pop", "--tempo", "500"], "tempo must be 30 to 300 BPM"),
        (["--style", "pop", "--duration", "-1"], "music duration must be"),
        (["--style", "pop", "--key", "Q"], "unknown key"),
        ([], "give a --style"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.wav"
    assert main(["music", *extra, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and message in err and "\n" not in err
    assert not out.exists()


def test_output_must_be_a_writable_wav(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["music", "--style", "pop", "-o", str(tmp_path / "x.mp3")]) == 2
    assert "must end in .wav" in capsys.readouterr().err
    assert main(["music", "--style", "pop", "-o", str(tmp_path / "no" / "x.wav")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["music", "--style", "pop"]) == 2
    assert "-o music.wav" in capsys.readouterr().err
