"""The `persona` command: bad inputs give one clear line and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from persona.cli import main

SMALL = ["--size", "256x256", "-q"]


@pytest.fixture
def noise_image(tmp_path: Path) -> Path:
    from PIL import Image

    rng = np.random.default_rng(3)
    path = tmp_path / "noise.png"
    Image.fromarray(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)).save(path)
    return path


def _fails(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str, code: int = 2
) -> None:
    assert main(argv) == code
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1].startswith("error: "), err
    assert message in lines[-1]
    assert "Traceback" not in err


def _render(script: str, avatar: Path, output: Path, *extra: str) -> list[str]:
    """argv for a small, quiet `persona render`."""
    return ["render", script, "--avatar", str(avatar), "-o", str(output), *extra, *SMALL]


def test_no_face(capsys: pytest.CaptureFixture[str], tmp_path: Path, noise_image: Path) -> None:
    out = tmp_path / "x.mp4"
    _fails(capsys, _render("Hello.", noise_image, out), "no face found")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [noise_image]


def test_unreadable_image(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "me.jpg"
    bad.write_bytes(b"not a jpeg at all")
    _fails(capsys, _render("Hello.", bad, tmp_path / "x.mp4"), "cannot read image")


def test_missing_image(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _fails(capsys, _render("Hello.", tmp_path / "none.png", tmp_path / "x.mp4"), "image not found")


def test_empty_script(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    _fails(capsys, _render("   [pause]  ", portrait_path, tmp_path / "x.mp4"), "empty")


def test_empty_script_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    script = tmp_path / "talk.md"
    script.write_text("# \n\n   \n")
    _fails(capsys, _render(str(script), portrait_path, tmp_path / "x.mp4"), "empty")


def test_unknown_voice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    argv = _render("Hello.", portrait_path, tmp_path / "x.mp4", "--voice", "nobody")
    _fails(capsys, argv, "nobody")


def test_unknown_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    _fails(capsys, _render("Hello.", portrait_path, tmp_path / "x.mp4", "--lang", "xx"), "xx")


def test_output_not_writable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    out = tmp_path / "missing" / "dir" / "x.mp4"
    _fails(capsys, _render("Hello.", portrait_path, out), "cannot write")


def test_unsupported_output_type(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    _fails(capsys, _render("Hello.", portrait_path, tmp_path / "x.avi"), ".avi")


def test_bad_size_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["render", "Hi", "--avatar", "a.jpg", "-o", "x.mp4", "--size", "100x100"])
    assert exc.value.code == 2
    assert "not supported" in capsys.readouterr().err


@pytest.mark.slow
def test_json_progress_and_largest_face_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait: np.ndarray
) -> None:
    import cv2

    canvas = np.full((512, 940, 3), 200, np.uint8)
    canvas[:, :512] = portrait
    canvas[56:456, 530:930] = cv2.resize(portrait, (400, 400))
    photo = tmp_path / "two.png"
    cv2.imwrite(str(photo), canvas)
    out = tmp_path / "hi.mp4"
    assert (
        main(
            [
                "render",
                "Hi there.",
                "--avatar",
                str(photo),
                "-o",
                str(out),
                "--size",
                "256x256",
                "--json",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("warning: 2 faces") for line in err)
    events = [json.loads(line) for line in err if line.startswith("{")]
    stages = {e["stage"] for e in events if e["event"] == "progress"}
    assert stages == {"avatar", "speech", "lipsync", "motion", "render"}
    assert events[-1]["event"] == "done" and events[-1]["frames"] > 10
    assert out.exists()


def test_avatars_check_reports_a_good_and_a_bad_photo(
    capsys: pytest.CaptureFixture[str], portrait_path: Path, noise_image: Path
) -> None:
    assert main(["avatars", "check", str(portrait_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] in ("pass", "warn")
    assert main(["avatars", "check", str(noise_image)]) == 2
    assert "overall: fail" in capsys.readouterr().out


@pytest.mark.slow
def test_render_over_a_new_background(tmp_path: Path, portrait_path: Path) -> None:
    from persona.media import read_video_frames

    out = tmp_path / "green.mp4"
    assert main(_render("Hi.", portrait_path, out, "--background", "#00ff00")) == 0
    frame = next(iter(read_video_frames(out)))
    corner = frame[:20, :20].reshape(-1, 3).mean(axis=0)  # BGR
    assert corner[1] > 200 and corner[0] < 60 and corner[2] < 60


def test_missing_background_picture_fails_early(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    no_picture = str(tmp_path / "no.png")
    argv = _render("Hi.", portrait_path, tmp_path / "x.mp4", "--background", no_picture)
    _fails(capsys, argv, "image not found")


def test_voices_list_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices"]) == 0
    assert "young_adult_female_2" in capsys.readouterr().out
    assert main(["voices", "list", "--lang", "hi", "--json"]) == 0
    voices = json.loads(capsys.readouterr().out)
    assert voices and all(v["lang"] == "hi" for v in voices)


def test_voice_preview_writes_a_wav(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "hi.wav"
    assert main(["voices", "preview", "espeak-hi", "नमस्ते", "-o", str(out)]) == 0
    assert out.stat().st_size > 1000
    _fails(capsys, ["voices", "preview", "nobody", "-o", str(tmp_path / "x.wav")], "nobody")
