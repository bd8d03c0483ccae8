"""Moderation of what a scene shows besides its dialogue: the title card and the lower
thirds (speakers' names and roles), in ``persona scene`` and as the service sees a
``podcast_video`` request's scene."""

from __future__ import annotations

from pathlib import Path

import pytest

from persona.cli import main
from persona.scene.model import SceneSpec, Speaker, TitleSpec
from persona.scene.screening import scene_texts, spec_texts

SCENE = (
    "title: {text: The Show, subtitle: Episode 1}\n"
    "size: 256x256\n"
    "speakers:\n"
    "  alex: {avatar: 'template:maya', voice: espeak-en, name: Alex, title: Host}\n"
    "  sam: {avatar: 'template:kwame', voice: espeak-en, name: Sam, title: %s}\n"
)


def test_spec_texts_lists_title_names_and_roles() -> None:
    cast = (Speaker("a", "Ann", "template:maya", title="Host"), Speaker("b", "Bo", "x"))
    scene = SceneSpec(cast, title=TitleSpec("Morning show", ""))
    assert spec_texts(scene) == [
        ("title", "Morning show"),
        ("speakers.a.name", "Ann"),
        ("speakers.a.title", "Host"),
        ("speakers.b.name", "Bo"),
    ]


def test_scene_texts_reads_a_request_as_sent() -> None:
    data = {
        "title": {"text": "Hi", "subtitle": "there"},
        "speakers": {"A": {"avatar": "template:maya", "title": "Guest"}, "B": "template:kwame"},
    }
    assert scene_texts(data) == [
        ("title", "Hi"),
        ("subtitle", "there"),
        ("speakers.A.name", "A"),  # no name: the id is what the lower third shows
        ("speakers.A.title", "Guest"),
        ("speakers.B.name", "B"),
    ]
    listed = {"title": "T", "subtitle": "S", "speakers": [{"id": "x", "name": "Xa"}, 7]}
    assert scene_texts(listed) == [
        ("subtitle", "S"), ("title", "T"), ("speakers.x.name", "Xa"), ("speakers.2.name", "2"),
    ]  # fmt: skip
    odd = {"title": 3, "speakers": "everyone", "subtitle": ["x"]}
    assert scene_texts(odd) == [] and scene_texts({}) == []


@pytest.mark.parametrize(
    ("role", "where"),
    [("I will kill you", "speakers.sam.title"), ("f*cking idiot", "speakers.sam.title")],
)
def test_persona_scene_refuses_a_flagged_lower_third(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], role: str, where: str
) -> None:
    (tmp_path / "scene.yaml").write_text(SCENE % f"'{role}'", encoding="utf-8")
    (tmp_path / "talk.txt").write_text("Alex: Hello.\nSam: Hi.\n", encoding="utf-8")
    out = tmp_path / "talk.mp4"
    argv = ["scene", str(tmp_path / "talk.txt"), "--scene", str(tmp_path / "scene.yaml")]
    assert main([*argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"the scene's {where}" in err and "Traceback" not in err
    assert main([*argv, "-o", str(out), "--moderation", "review"]) == 2  # no reviewer here
    assert not out.exists()


def test_persona_scene_refuses_a_flagged_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scene = SCENE.replace("The Show", "We will shoot up the school") % "Guest"
    (tmp_path / "scene.yaml").write_text(scene, encoding="utf-8")
    (tmp_path / "talk.txt").write_text("Alex: Hello.\nSam: Hi.\n", encoding="utf-8")
    argv = ["scene", str(tmp_path / "talk.txt"), "--scene", str(tmp_path / "scene.yaml")]
    assert main([*argv, "-o", str(tmp_path / "x.mp4")]) == 2
    assert "the scene's title" in capsys.readouterr().err
