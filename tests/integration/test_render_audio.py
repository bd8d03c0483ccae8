"""Audio-driven renders: a recording (or a video's sound) → the avatar speaking it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from persona.cli import main
from persona.errors import AudioError, OutputPathError
from persona.media import VideoWriter, probe, read_audio
from persona.media.audio import write_wav
from persona.pipeline import RenderResult, render_audio
from persona.script import parse_script
from persona.types import SILENCE, Frame, RenderOptions, VideoSpec
from persona.voice import get_voice, synthesize_script

FPS = 25
SPEC = VideoSpec(width=256, height=256, fps=FPS, preset="ultrafast")
FIRST, SECOND = "Bob bought a map.", "Papa ate a pie."
SILENCE_S = 1.0
AVATAR = "template:maya"


@dataclass(frozen=True)
class Recording:
    path: Path
    audio: np.ndarray
    rate: int
    silence_ms: tuple[int, int]  # the inserted silent stretch

    @property
    def seconds(self) -> float:
        return len(self.audio) / self.rate


def _spoken(text: str) -> tuple[np.ndarray, int]:
    speech = synthesize_script(parse_script(text, "en"), get_voice("espeak-en", None))
    return speech.audio, speech.sample_rate


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """eSpeak NG says two sentences with exactly one second of digital silence between."""
    first, rate = _spoken(FIRST)
    second, _ = _spoken(SECOND)
    gap = np.zeros(int(SILENCE_S * rate), np.float32)
    audio = np.concatenate([first, gap, second])
    path = tmp_path_factory.mktemp("recording") / "speech.wav"
    write_wav(path, audio, rate)
    start = round(len(first) * 1000 / rate)
    return Recording(path, audio, rate, (start, start + round(SILENCE_S * 1000)))


@pytest.fixture(scope="module")
def rendered(recording: Recording, tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    out = tmp_path_factory.mktemp("render") / "spoken.mp4"
    return render_audio(recording.path, AVATAR, out, RenderOptions(video=SPEC))


@pytest.mark.slow
def test_the_video_lasts_as_long_as_the_recording(
    rendered: RenderResult, recording: Recording
) -> None:
    info = probe(rendered.path)
    assert rendered.n_frames == math.ceil(recording.seconds * FPS - 1e-9)
    assert info.n_frames == rendered.n_frames
    assert info.video_duration_s == pytest.approx(recording.seconds, abs=1 / FPS)
    assert info.audio_duration_s == pytest.approx(info.video_duration_s, abs=1 / FPS)
    assert set(rendered.timings) >= {"avatar", "recognize", "lipsync", "motion", "render"}
    assert rendered.avatar == AVATAR and rendered.lang == "en"


def _dot_at_lag(a: np.ndarray, b: np.ndarray, lag: int) -> float:
    """Sum of a[i] * b[i + lag] over the samples both have."""
    n = min(len(a), len(b)) - abs(lag)
    return float(np.dot(a[max(0, -lag) : max(0, -lag) + n], b[max(0, lag) : max(0, lag) + n]))


@pytest.mark.slow
def test_the_recording_is_the_sound_track(rendered: RenderResult, recording: Recording) -> None:
    """Decoded at the recording's rate, the video's sound is the recording, not shifted."""
    sound, _ = read_audio(rendered.path, recording.rate)
    n = len(recording.audio)
    assert len(sound) >= n - recording.rate // FPS
    a, b = recording.audio[: len(sound)], sound[:n]
    a = a[: len(b)]
    assert float(np.corrcoef(a, b)[0, 1]) > 0.97
    lags = [_dot_at_lag(a, b, k) for k in (-8, 0, 8)]
    assert lags[1] == max(lags)


@pytest.mark.slow
def test_the_mouth_moves_in_speech_and_rests_in_the_silence(
    rendered: RenderResult, recording: Recording
) -> None:
    jaw = rendered.mouth.channel("jaw")
    start, end = recording.silence_ms
    quiet = jaw[math.ceil((start + 150) * FPS / 1000) : int((end - 150) * FPS / 1000)]
    assert len(quiet) >= 15
    assert float(np.max(quiet)) < 0.02
    before = jaw[: int(start * FPS / 1000)]
    after = jaw[math.ceil(end * FPS / 1000) :]
    assert float(np.max(before)) > 0.3 and float(np.max(after)) > 0.3
    assert np.count_nonzero(before > 0.1) >= 5 and np.count_nonzero(after > 0.1) >= 5
    voiced = [p for p in rendered.speech.phones if p.symbol != SILENCE]
    assert not any(start + 100 < p.start_ms < end - 100 for p in voiced)


@pytest.mark.slow
def test_a_transcript_gives_its_words_and_closures(recording: Recording, tmp_path: Path) -> None:
    result = render_audio(
        recording.path,
        AVATAR,
        tmp_path / "t.webm",
        RenderOptions(video=SPEC),
        transcript=f"{FIRST}\n\n[pause 1s]\n\n{SECOND}",
    )
    words = [w.text.lower().strip(".") for w in result.speech.words]
    assert words == ["bob", "bought", "a", "map", "papa", "ate", "a", "pie"]
    jaw = result.mouth.channel("jaw")
    for phone in result.speech.phones:
        if phone.symbol in ("b", "m", "p"):
            frames = range(
                int(phone.start_ms * FPS / 1000) - 1, math.ceil(phone.end_ms * FPS / 1000)
            )
            assert min(jaw[k] for k in frames) == 0.0, phone
    assert probe(tmp_path / "t.webm").audio_codec == "opus"


@pytest.mark.slow
def test_a_video_with_sound_drives_the_mouth(recording: Recording, tmp_path: Path) -> None:
    """Only the clip's sound is used; the new video is as long as that sound. (With a
    transcript: Whisper hears eSpeak NG's robotic voice slowly and unreliably.)"""
    clip = tmp_path / "clip.mp4"
    n = math.ceil(recording.seconds * 10)
    with VideoWriter(
        clip, VideoSpec(256, 256, 10, preset="ultrafast"), recording.audio, recording.rate
    ) as w:
        for k in range(n):
            w.write(Frame(np.full((256, 256, 3), 40 + k % 50, np.uint8)))
    options = RenderOptions(video=SPEC)
    result = render_audio(clip, AVATAR, tmp_path / "out.mp4", options, transcript=FIRST + SECOND)
    info = probe(result.path)
    assert info.video_duration_s == pytest.approx(probe(clip).audio_duration_s, abs=1 / FPS)
    assert float(np.max(result.mouth.channel("jaw"))) > 0.3


# ---------------------------------------------------------------------------- bad input


def test_a_missing_recording_is_named(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"nothing\.wav: file not found"):
        render_audio(tmp_path / "nothing.wav", AVATAR, tmp_path / "o.mp4")
    assert not (tmp_path / "o.mp4").exists()


def test_a_text_file_named_wav_is_not_audio(tmp_path: Path) -> None:
    fake = tmp_path / "notes.wav"
    fake.write_text("These are my notes, not a recording.\n" * 20)
    with pytest.raises(AudioError, match="not a supported audio file"):
        render_audio(fake, AVATAR, tmp_path / "o.mp4")


def test_a_silent_recording_has_nothing_to_say(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, np.zeros(16000 * 2, np.float32), 16000)
    with pytest.raises(AudioError, match=r"quiet\.wav: .*silent"):
        render_audio(quiet, AVATAR, tmp_path / "o.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiet.wav"]


def test_an_unwritable_output_fails_before_the_recording_is_read(tmp_path: Path) -> None:
    with pytest.raises(OutputPathError, match="does not exist"):
        render_audio(tmp_path / "nothing.wav", AVATAR, tmp_path / "no" / "o.mp4")
    with pytest.raises(OutputPathError, match="unsupported file type"):
        render_audio(tmp_path / "nothing.wav", AVATAR, tmp_path / "o.avi")


def test_a_recording_over_30_minutes_is_refused_before_decoding(tmp_path: Path) -> None:
    """The header's length decides: 31 minutes at 1 kHz is only 3.7 MB to write."""
    long = tmp_path / "lecture.wav"
    write_wav(long, np.full(31 * 60 * 1000, 0.1, np.float32), 1000)
    with pytest.raises(AudioError, match=r"lecture\.wav is 31 min long; recordings up to 30 min"):
        render_audio(long, AVATAR, tmp_path / "o.mp4")


# ---------------------------------------------------------------------------- the command


def test_cli_errors_for_audio_renders(
    tmp_path: Path, recording: Recording, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "o.mp4")
    cases = [
        (["render", "--avatar", AVATAR, "-o", out], "give a script to speak, or a recording"),
        (
            ["render", "--audio", str(tmp_path / "x.wav"), "--avatar", AVATAR, "-o", out],
            "file not found",
        ),
        (
            [
                "render",
                "--audio",
                str(recording.path),
                "--voice",
                "joe",
                "--avatar",
                AVATAR,
                "-o",
                out,
            ],
            "--voice shape(s) a synthesized voice",
        ),
        (
            [
                "render",
                "Hi",
                "--audio",
                str(recording.path),
                "--transcript",
                "t.txt",
                "--avatar",
                AVATAR,
                "-o",
                out,
            ],
            "give the transcript once",
        ),
        (
            ["render", "Hi", "--transcript", "t.txt", "--avatar", AVATAR, "-o", out],
            "--transcript goes with --audio",
        ),
        (
            [
                "render",
                "--audio",
                str(recording.path),
                "--transcript",
                str(tmp_path / "t.txt"),
                "--avatar",
                AVATAR,
                "-o",
                out,
            ],
            "cannot read dialog",
        ),
        (
            [
                "render",
                "--audio",
                str(recording.path),
                "--lang",
                "english!",
                "--avatar",
                AVATAR,
                "-o",
                out,
            ],
            "unknown language",
        ),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "error:" in err and message in err, (argv, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.slow
def test_cli_renders_a_spanish_recording_for_reels_with_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    speech = synthesize_script(parse_script("Hola, ¿cómo estás?", "es"), get_voice(None, "es"))
    wav = tmp_path / "hola.wav"
    write_wav(wav, speech.audio, speech.sample_rate)
    out = tmp_path / "hola.mp4"
    argv = ["render", "--audio", str(wav), "--lang", "es", "--avatar", AVATAR, "-o", str(out)]
    assert main([*argv, "--export", "reels", "--size", "256x448", "-q"]) == 0
    err = capsys.readouterr().err
    assert "warning: the recording is in 'es'" in err and "recognized phones" in err
    assert "warning: Instagram Reels takes videos of at least 3 s" in err
    info = probe(out)
    assert (info.width, info.height, info.fps) == (256, 448, 30)  # --size wins, fps: reels
    seconds = len(speech.audio) / speech.sample_rate
    assert info.video_duration_s == pytest.approx(seconds, abs=1 / 30)
    assert b"elst" not in out.read_bytes()
