"""``persona mix`` and ``persona recite`` through the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.unit.audio.mixsignals import music_signal, voice_signal

from persona.audio.loudness import integrated_lufs, true_peak_dbtp
from persona.cli import main
from persona.media.audio import read_audio_file, write_wav


@pytest.fixture
def recordings(tmp_path: Path) -> tuple[Path, Path]:
    voice, music = tmp_path / "voice.wav", tmp_path / "music.wav"
    write_wav(voice, voice_signal(), 22050)
    write_wav(music, music_signal(5.0, 44100), 44100)
    return voice, music


def test_persona_mix_writes_a_wav_at_the_target(
    recordings: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    voice, music = recordings
    out = tmp_path / "mixed.wav"
    code = main(["mix", str(voice), "--music", str(music), "--loudness", "-16", "-o", str(out)])
    assert code == 0
    audio, rate = read_audio_file(out)
    assert rate == 48000 and len(audio) == 11 * 48000
    assert integrated_lufs(audio, rate) == pytest.approx(-16.0, abs=0.5)
    assert true_peak_dbtp(audio, rate) <= -0.9  # 16-bit rounding on top of -1 dBTP
    assert "LUFS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--music", "no-such-style"], "unknown music style 'no-such-style'"),
        (["--music", "missing.ogg"], "file not found"),
        (["--loudness", "5"], "loudness target must be between"),
        (["--loudness", "-70"], "loudness target must be between"),
        (["--music-volume", "6"], "0 dB or less"),
        (["--voice-chain", "cathedral"], "unknown voice chain"),
    ],
)
def test_persona_mix_refuses_bad_options(
    recordings: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    voice, _ = recordings
    out = tmp_path / "never.wav"
    assert main(["mix", str(voice), *extra, "-o", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_persona_mix_needs_a_wav_output(
    recordings: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    voice, _ = recordings
    assert main(["mix", str(voice), "-o", str(tmp_path / "x.mp3")]) == 2
    assert ".wav" in capsys.readouterr().err


@pytest.mark.slow
def test_persona_recite_writes_a_chant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    verses = tmp_path / "verses.txt"
    verses.write_text("ॐ नमः शिवाय ।\nॐ नमो नारायणाय ॥ १ ॥\n", encoding="utf-8")
    out = tmp_path / "chant.wav"
    code = main(["recite", str(verses), "--lang", "hi", "--tonic", "D3", "-o", str(out)])
    assert code == 0
    audio, rate = read_audio_file(out)
    assert integrated_lufs(audio, rate) == pytest.approx(-14.0, abs=0.5)
    assert np.abs(audio[: rate // 2]).max() > 0.001  # the drone starts first
    assert "Sa = D3" in capsys.readouterr().out


def test_persona_recite_refuses_a_video_without_avatar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["recite", "ॐ नमः शिवाय ॥", "-o", str(tmp_path / "x.mp4")]) == 2
    assert "needs --avatar" in capsys.readouterr().err
