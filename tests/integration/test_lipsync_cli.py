"""`persona lipsync` and `persona render --cues-out`: Rhubarb-compatible mouth cues."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from persona.cli import main
from persona.lipsync import commands
from persona.lipsync.cue_formats import parse_cues
from persona.lipsync.cues import cues_from_speech, sample_cues
from persona.media.audio import write_wav
from persona.types import Phone, Speech

RATE = 16000
SENTENCE = "Bob, please fetch my five blue mugs."


def _tone(seconds: float = 1.2, rate: int = RATE) -> np.ndarray:
    """A voiced-sounding signal: 0.2 s silence, speech-loud harmonics, 0.2 s silence."""
    t = np.arange(int(seconds * rate)) / rate
    audio = 0.3 * np.sin(2 * np.pi * 140 * t) + 0.1 * np.sin(2 * np.pi * 420 * t)
    edge = int(0.2 * rate)
    audio[:edge] = 0.0
    audio[-edge:] = 0.0
    return audio.astype(np.float32)


def _fake_speech(audio: np.ndarray, rate: int) -> Speech:
    """Phones of "Bob" spread over the loud middle of ``audio``."""
    total = round(len(audio) * 1000 / rate)
    inner = [("b", 0.15), ("ɑ", 0.5), ("b", 0.35)]
    phones = [Phone("_", 0, 200)]
    t = 200
    span = total - 400
    for symbol, share in inner:
        end = t + round(span * share)
        phones.append(Phone(symbol, t, end, 1 if symbol == "ɑ" else 0))
        t = end
    phones.append(Phone("_", t, total))
    return Speech(audio, rate, tuple(phones))


class FakeRecognizer:
    """Stands in for the recognizer; records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self, audio: np.ndarray, rate: int, *, transcript: str | None, recognizer: str, lang: str
    ) -> Speech:
        self.calls.append(
            {"transcript": transcript, "recognizer": recognizer, "lang": lang, "n": len(audio)}
        )
        return _fake_speech(audio, rate)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeRecognizer:
    recognizer = FakeRecognizer()
    monkeypatch.setattr(commands, "recognize", recognizer)
    return recognizer


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    path = tmp_path / "take.wav"
    write_wav(path, _tone(), RATE)
    return path


def _encode(path: Path, audio: np.ndarray, codec: str, *, video: bool = False) -> Path:
    """Write ``audio`` with PyAV (and a few grey frames when ``video``)."""
    with av.open(str(path), "w") as out:
        vstream = out.add_stream("mpeg4", rate=10) if video else None
        if vstream is not None:
            vstream.width, vstream.height, vstream.pix_fmt = 64, 64, "yuv420p"
        astream = out.add_stream(codec, rate=48000 if codec == "libopus" else RATE)
        astream.layout = "mono"
        rate = astream.codec_context.sample_rate
        samples = np.interp(
            np.arange(int(len(audio) * rate / RATE)) * RATE / rate, np.arange(len(audio)), audio
        ).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="flt", layout="mono")
        frame.sample_rate = rate
        frame.time_base = Fraction(1, rate)
        frame.pts = 0
        resampler = av.AudioResampler(
            format=astream.codec_context.format, layout="mono", rate=rate,
            frame_size=astream.codec_context.frame_size or None,
        )  # fmt: skip
        for chunk in resampler.resample(frame) + resampler.resample(None):
            out.mux(astream.encode(chunk))
        out.mux(astream.encode(None))
        if vstream is not None:
            for k in range(12):
                image = av.VideoFrame.from_ndarray(np.full((64, 64, 3), 128, np.uint8), "rgb24")
                image.pts = k
                out.mux(vstream.encode(image))
            out.mux(vstream.encode(None))
    return path


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert lines[-1].startswith("error: "), captured.err
    assert message in lines[-1], lines[-1]
    assert "Traceback" not in captured.err
    assert captured.out == ""
    return captured.err


# ---------------------------------------------------------------------------- outputs


def test_tsv_on_stdout_by_default(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, wav: Path
) -> None:
    assert main(["lipsync", str(wav)]) == 0
    out = capsys.readouterr().out
    sheet = parse_cues(out, "tsv")
    assert sheet.duration_ms == 1200
    assert out.splitlines()[-1] == "1.20\tX"
    shapes = [c.shape for c in sheet.cues]
    assert shapes[0] == shapes[-1] == "X"
    assert "A" in shapes and "D" in shapes  # b closes, ɑ opens wide
    assert fake.calls == [{"transcript": None, "recognizer": "auto", "lang": "en", "n": 19200}]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("c.tsv", "tsv"), ("c.txt", "tsv"), ("c.json", "json"), ("c.xml", "xml"), ("c.dat", "dat")],
)
def test_format_follows_the_suffix(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, wav: Path, tmp_path: Path,
    name: str, fmt: str,
) -> None:  # fmt: skip
    out = tmp_path / name
    assert main(["lipsync", str(wav), "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    sheet = parse_cues(out.read_text(encoding="utf-8"), fmt)
    assert sheet.cues
    if fmt in ("json", "xml"):
        assert sheet.sound_file == str(wav.absolute())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_format_option_wins_over_the_suffix(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, wav: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cues.txt"
    assert main(["lipsync", str(wav), "-o", str(out), "-f", "json"]) == 0
    assert json.loads(out.read_text())["metadata"]["duration"] == 1.2
    capsys.readouterr()
    assert main(["lipsync", str(wav), "--exportFormat", "xml"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "<rhubarbResult>"


def test_dat_options(capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, wav: Path) -> None:
    assert main(["lipsync", str(wav), "-f", "dat"]) == 0
    at24 = capsys.readouterr().out.splitlines()
    assert main(["lipsync", str(wav), "-f", "dat", "--dat-frame-rate", "30"]) == 0
    at30 = capsys.readouterr().out.splitlines()
    assert at24[0] == at30[0] == "MohoSwitch1"
    assert at24[-1] == "29 X" and at30[-1] == "37 X"  # 1.2 s: frame 1 + 28.8 / 1 + 36
    argv = ["lipsync", str(wav), "-f", "dat", "--datFrameRate", "30", "--preston-blair"]
    assert main(argv) == 0
    blair = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in blair[1:]] == [line.split()[0] for line in at30[1:]]
    assert {line.split()[1] for line in blair[1:]} <= {"MBP", "AI", "E", "rest", "etc"}
    assert "MBP" in {line.split()[1] for line in blair[1:]}


@pytest.mark.parametrize(("shapes", "absent"), [("ABCDEF", "GHX"), ("", "GHX"), ("GH", "X")])
def test_shapes_option(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, wav: Path, shapes: str, absent: str
) -> None:
    assert main(["lipsync", str(wav), "--shapes", shapes]) == 0
    out = capsys.readouterr().out
    used = {line.split("\t")[1] for line in out.splitlines()}
    assert not used & set(absent)
    assert out.splitlines()[-1].endswith("\tA")  # no X: the track closes on A


def test_dialog_recognizer_and_language_reach_the_recognizer(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, wav: Path, tmp_path: Path
) -> None:
    dialog = tmp_path / "line.txt"
    dialog.write_text("\ufeffBob.\n", encoding="utf-8")
    argv = ["lipsync", str(wav), "-d", str(dialog), "--recognizer", "phonetic", "--lang", "de"]
    assert main(argv) == 0
    assert main(["lipsync", str(wav), "--dialogFile", str(dialog), "-r", "pocketSphinx"]) == 0
    assert fake.calls[0] | {"n": 0} == {
        "transcript": "Bob.\n", "recognizer": "phonetic", "lang": "de", "n": 0,
    }  # fmt: skip
    assert fake.calls[1]["recognizer"] == "align"


def test_machine_readable_events(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, wav: Path
) -> None:
    assert main(["lipsync", str(wav), "--machine-readable", "-f", "json"]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)  # stdout holds only the cues
    events = [json.loads(line) for line in captured.err.splitlines()]
    assert events[0] == {"event": "start", "file": str(wav)}
    progress = [e for e in events if e["event"] == "progress"]
    assert {e["stage"] for e in progress} == {"decode", "recognize", "animate", "write"}
    overall = [e["overall"] for e in progress]
    assert overall == sorted(overall) and overall[-1] == 1.0
    assert events[-1]["event"] == "done"
    assert events[-1]["format"] == "json" and events[-1]["duration_s"] == 1.2


def test_machine_readable_failure(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "none.wav"
    assert main(["lipsync", str(missing), "--machineReadable"]) == 2
    err = capsys.readouterr().err.splitlines()
    events = [json.loads(line) for line in err if line.startswith("{")]
    names = [e["event"] for e in events]
    assert names[0] == "start" and names[-1] == "failure" and "done" not in names
    assert "file not found" in events[-1]["reason"]
    assert err[-1].startswith("error: ")


def test_silent_audio_is_idle_without_recognition(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, tmp_path: Path
) -> None:
    path = tmp_path / "quiet.wav"
    write_wav(path, np.zeros(RATE, np.float32), RATE)
    assert main(["lipsync", str(path)]) == 0
    assert capsys.readouterr().out == "0.00\tX\n1.00\tX\n"
    assert fake.calls == []


# ---------------------------------------------------------------------------- inputs


@pytest.mark.parametrize(
    ("name", "codec", "video"),
    [
        ("take.ogg", "libopus", False),
        ("take.mp3", "libmp3lame", False),
        ("take.flac", "flac", False),
        ("take.mp4", "aac", True),
    ],
)
def test_accepted_inputs(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, tmp_path: Path,
    name: str, codec: str, video: bool,
) -> None:  # fmt: skip
    path = _encode(tmp_path / name, _tone(), codec, video=video)
    assert main(["lipsync", str(path)]) == 0
    sheet = parse_cues(capsys.readouterr().out, "tsv")
    assert abs(sheet.duration_ms - 1200) <= 60  # codec padding aside
    assert "A" in {c.shape for c in sheet.cues}


def test_bad_inputs(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, tmp_path: Path
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not audio at all\n" * 20)
    _fails(capsys, ["lipsync", str(text)], "cannot read audio")

    from PIL import Image

    image = tmp_path / "face.png"
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(image)
    _fails(capsys, ["lipsync", str(image)], "no audio track")

    silent_video = tmp_path / "mute.mp4"
    with av.open(str(silent_video), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for k in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), "rgb24")
            frame.pts = k
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    _fails(capsys, ["lipsync", str(silent_video)], "no audio track")

    corrupt = tmp_path / "broken.wav"
    corrupt.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt " + bytes(range(256)) * 4)
    _fails(capsys, ["lipsync", str(corrupt)], "cannot read audio")
    _fails(capsys, ["lipsync", str(tmp_path / "none.wav")], "file not found")
    assert fake.calls == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-f", "csv"], "unknown cue format"),
        (["--dat-frame-rate", "12", "-f", "dat"], "frame rate"),
        (["--shapes", "ABQ"], "unknown mouth shape"),
        (["--shapes", "ABX"], "basic shape"),
        (["--recognizer", "magic"], "unknown recognizer"),
        (["-d", "nowhere.txt"], "file not found"),
        (["-o", "no/such/folder/cues.tsv"], "does not exist"),
    ],
)
def test_bad_options_fail_before_decoding(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, wav: Path, extra: list[str],
    message: str,
) -> None:  # fmt: skip
    _fails(capsys, ["lipsync", str(wav), *extra], message)
    assert fake.calls == []


def test_empty_or_binary_dialog(
    capsys: pytest.CaptureFixture[str], fake: FakeRecognizer, wav: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    _fails(capsys, ["lipsync", str(wav), "-d", str(empty)], "is empty")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81\x82")
    _fails(capsys, ["lipsync", str(wav), "-d", str(binary)], "not a UTF-8 text file")


# ---------------------------------------------------------------------------- real speech


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Speech, Path]:
    from persona.script import parse_script
    from persona.voice import get_voice, synthesize_script

    speech = synthesize_script(parse_script(SENTENCE, "en"), get_voice(None, "en"))
    path = tmp_path_factory.mktemp("spoken") / "bob.wav"
    write_wav(path, speech.audio, speech.sample_rate)
    return speech, path


@pytest.mark.slow
def test_recognized_cues_follow_the_spoken_ones(
    capsys: pytest.CaptureFixture[str], spoken: tuple[Speech, Path], tmp_path: Path
) -> None:
    speech, path = spoken
    dialog = tmp_path / "line.txt"
    dialog.write_text(SENTENCE)
    out = tmp_path / "bob.json"
    assert main(["lipsync", str(path), "-d", str(dialog), "-o", str(out)]) == 0
    got = parse_cues(out.read_text(), "json")
    truth = cues_from_speech(speech)
    assert got.duration_ms == truth[-1].end_ms
    a, b = sample_cues(got.cues), sample_cues(truth)
    agree = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
    assert agree > 0.6, agree
    # "Bob", "please", "my", "blue", "mugs": every closure the speaker made shows.
    # (One closed stretch may span two of them when only a short pause lies between.)
    closures = [c for c in got.cues if c.shape == "A"]
    spoken = [c for c in truth if c.shape == "A" and c.start_ms > 0]  # not the lead-in
    assert len(spoken) >= 4
    for c in spoken:
        assert any(g.start_ms - 100 <= c.start_ms <= g.end_ms for g in closures), (c, closures)


@pytest.mark.slow
def test_render_writes_the_cues_it_spoke(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    video = tmp_path / "hello.mp4"
    cues_path = tmp_path / "hello.json"
    argv = ["render", "Hello, Bob.", "--avatar", str(portrait_path), "-o", str(video)]
    argv += ["--cues-out", str(cues_path), "--size", "256x256", "-q"]
    assert main(argv) == 0
    sheet = parse_cues(cues_path.read_text(), "json")
    assert sheet.sound_file == str(video.absolute())
    with av.open(str(video)) as container:
        seconds = float(container.duration or 0) / av.time_base
    assert abs(sheet.duration_ms / 1000 - seconds) < 0.1
    shapes = [c.shape for c in sheet.cues]
    assert shapes[-1] == "X" and "A" in shapes  # the b of "Bob"
    assert sheet.cues[0].start_ms == 0


def test_render_checks_the_cue_path_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    argv = ["render", "Hello.", "--avatar", str(portrait_path), "-o", str(tmp_path / "x.mp4")]
    argv += ["--cues-out", str(tmp_path / "missing" / "c.tsv"), "-q"]
    _fails(capsys, argv, "does not exist")
    assert not (tmp_path / "x.mp4").exists()
