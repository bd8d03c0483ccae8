"""``persona render --moderation``: a flagged script is refused before any rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from persona.cli import main

THREAT = "Good morning. I will kill you."


def _render(tmp_path: Path, script: str, *extra: str) -> list[str]:
    output = tmp_path / "out.mp4"
    return ["render", script, "--avatar", "template:maya", "-o", str(output), "-q", *extra]


@pytest.fixture(autouse=True)
def _no_policy_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PERSONA_MODERATION", raising=False)
    monkeypatch.delenv("PERSONA_MODERATION_MIN_SEVERITY", raising=False)


@pytest.mark.parametrize("mode", [None, "block", "review"])
def test_a_flagged_script_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str | None
) -> None:
    extra = [] if mode is None else ["--moderation", mode]
    assert main(_render(tmp_path, THREAT, *extra)) == 2
    err = capsys.readouterr().err
    assert "error: moderation refused the script (policy " in err
    assert 'threat "I will kill you" at characters 14–29 (high)' in err
    assert "--moderation off" in err
    assert not (tmp_path / "out.mp4").exists()


def test_a_script_file_is_screened_too(tmp_path: Path, capsys) -> None:
    script = tmp_path / "script.txt"
    script.write_text("Hello.\nYou stupid b1tch.\n", encoding="utf-8")
    assert main(_render(tmp_path, str(script))) == 2
    assert 'profanity "b1tch"' in capsys.readouterr().err


def test_the_environment_sets_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONA_MODERATION", "review")
    assert main(_render(tmp_path, THREAT)) == 2
    assert "policy review" in capsys.readouterr().err
    monkeypatch.setenv("PERSONA_MODERATION", "sometimes")
    assert main(_render(tmp_path, "Hello.")) == 2
    assert "unknown moderation mode 'sometimes'" in capsys.readouterr().err


def test_off_lets_the_script_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the render then fails on its own (an unwritable output), after moderation
    argv = _render(tmp_path, THREAT, "--moderation", "off")
    argv[argv.index("-o") + 1] = str(tmp_path / "out.xyz")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "moderation" not in err and "error:" in err


def test_low_findings_are_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = _render(tmp_path, "Damn, that was close.")
    argv[argv.index("-o") + 1] = str(tmp_path / "out.xyz")
    main(argv)
    err = capsys.readouterr().err
    assert 'warning: moderation: profanity "Damn" at characters 0–4 (low)' in err


def test_a_bad_mode_is_refused_by_the_parser(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(_render(tmp_path, "Hello.", "--moderation", "lenient"))


@pytest.mark.slow
def test_off_renders_a_flagged_script(tmp_path: Path) -> None:
    argv = _render(
        tmp_path, "Oh shit.", "--moderation", "off", "--size", "256x256", "--preset", "ultrafast"
    )
    assert main(argv) == 0
    assert (tmp_path / "out.mp4").stat().st_size > 0


def test_persona_scene_screens_the_dialogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = tmp_path / "scene.yaml"
    scene.write_text(
        "speakers:\n  alex:\n    avatar: template:maya\n  sam:\n    avatar: template:maya\n",
        encoding="utf-8",
    )
    dialogue = tmp_path / "talk.txt"
    dialogue.write_text("Alex: Hi Sam.\nSam: I'm going to stab you.\n", encoding="utf-8")
    output = tmp_path / "talk.mp4"
    argv = ["scene", str(dialogue), "--scene", str(scene), "-o", str(output), "-q"]
    assert main(argv) == 2
    assert 'threat "I\'m going to stab you"' in capsys.readouterr().err
    assert not output.exists()
