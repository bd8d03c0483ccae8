"""Scene files: YAML and JSON, every key, and strict errors that name what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from persona.errors import InputError
from persona.scene.config import load_scene

GOOD = """
title:
  text: The Show
  subtitle: Episode 1
  duration: 2.5
layout: 70/30
host: sam
size: 9:16
fps: 30
background: {gradient: ["#102030", "#304050"], period: 10}
logo: {image: logo.png, corner: bottom-right, size: 0.1, opacity: 0.5}
transition: {fade: 0.3}
lower_thirds: false
seed: 7
speakers:
  alex:
    avatar: template:maya
    voice: espeak-en
    name: Alex Rivera
    title: Host
    pitch: 3
    colour: "#ff0000"
  sam:
    avatar: me.jpg
    name: Sam
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    cv2.imwrite(str(tmp_path / "me.jpg"), np.full((80, 80, 3), 128, np.uint8))
    cv2.imwrite(str(tmp_path / "logo.png"), np.full((20, 40, 4), 255, np.uint8))
    return tmp_path


def write(folder: Path, text: str, name: str = "scene.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_is_read(folder: Path) -> None:
    scene = load_scene(write(folder, GOOD))
    assert scene.layout == "split-70-30" and scene.host == 1
    assert (scene.width, scene.height, scene.fps) == (720, 1280, 30)
    assert scene.title is not None and scene.title.duration_ms == 2500
    assert scene.title.subtitle == "Episode 1"
    assert scene.background.kind == "gradient" and scene.background.period_s == 10
    assert scene.background.colours == ((0x30, 0x20, 0x10), (0x50, 0x40, 0x30))  # BGR
    assert scene.logo is not None and scene.logo.corner == "bottom-right"
    assert scene.logo.path == (folder / "logo.png").resolve()
    assert scene.transition == "fade" and scene.fade_ms == 300
    assert not scene.lower_thirds and scene.seed == 7
    alex, sam = scene.speakers
    assert alex.voice == "espeak-en" and alex.pitch == 3 and alex.colour == (0, 0, 255)
    assert alex.name == "Alex Rivera" and alex.title == "Host"
    assert sam.avatar == str((folder / "me.jpg").resolve())  # relative to the scene file
    assert sam.voice is None and sam.colour != alex.colour


def test_json_and_a_speaker_list(folder: Path) -> None:
    data = {
        "speakers": [
            {"id": "a", "avatar": "template:maya"},
            {"id": "b", "avatar": "template:kwame", "voice": "joe"},
        ],
        "background": "#000000",
    }
    scene = load_scene(write(folder, json.dumps(data), "scene.json"))
    assert [s.id for s in scene.speakers] == ["a", "b"]
    assert scene.layout == "split" and (scene.width, scene.height) == (1280, 720)
    assert scene.background.colours == ((0, 0, 0),) and scene.title is None


def speakers(n: int) -> str:
    return "speakers:\n" + "".join(f"  s{k}: {{avatar: 'template:maya'}}\n" for k in range(n))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (speakers(1), "needs 2 to 4 speakers, the scene file has 1"),
        (speakers(5), "needs 2 to 4 speakers, the scene file has 5"),
        ("layout: grid\n" + speakers(2), "grid layout .* needs 3 or 4 speakers"),
        ("layout: diagonal\n" + speakers(2), "unknown layout 'diagonal'"),
        (
            "speakers:\n  a: {voice: joe}\n  b: {avatar: 'template:maya'}\n",
            "speaker a has no avatar",
        ),
        (
            "speakers:\n  a: {avatar: nobody.jpg}\n  b: x\n",
            "speaker a: avatar file not found: nobody",
        ),
        ("speakers:\n  a: {avatar: 'template:zorro'}\n  b: x\n", "speaker a: .*zorro"),
        ("speakers:\n  a: {avatar: me.jpg, voice: nobody}\n  b: me.jpg\n", "speaker a: .*nobody"),
        (
            "speakers:\n  a: {avatar: me.jpg, pich: 2}\n  b: me.jpg\n",
            "unknown key 'pich' in speaker a",
        ),
        ("speakers:\n  a: {avatar: me.jpg, pitch: 20}\n  b: me.jpg\n", "pitch must be between"),
        ("speakers:\n  a: {avatar: me.jpg, colour: red}\n  b: me.jpg\n", "not a colour 'red'"),
        ("speakers:\n  a: {avatar: me.jpg, name: B}\n  b: me.jpg\n", "both called 'b'"),
        ("backgroud: '#000000'\n" + speakers(2), "unknown key 'backgroud' in the scene file"),
        ("size: 100x100\n" + speakers(2), "size: size 100x100 not supported"),
        ("fps: 12\n" + speakers(2), "fps must be 24, 25, 30, 50 or 60"),
        ("background: {video: none.mp4}\n" + speakers(2), "background video not found"),
        ("logo: none.png\n" + speakers(2), "logo not found"),
        ("host: zed\n" + speakers(2), "host 'zed' is not one of the speakers"),
        ("transition: wipe\n" + speakers(2), "transition must be cut, fade"),
        ("title: [1, 2]\n" + speakers(2), "title must be a text"),
        ("speakers: 3\n", "'speakers' must be a mapping"),
        ("layout: split\n", "the scene file has no speakers"),
        ("- just\n- a list\n", "must hold a mapping"),
        ("speakers: {a: {avatar: x}\n", "not valid YAML"),
    ],
)
def test_errors(folder: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_scene(write(folder, text))


def test_missing_and_bad_json_files(folder: Path) -> None:
    with pytest.raises(InputError, match="scene file not found"):
        load_scene(folder / "absent.yaml")
    with pytest.raises(InputError, match="not valid JSON"):
        load_scene(write(folder, "{", "scene.json"))


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    """docs/scenes.md: its scene file loads and its dialogue parses."""
    from persona.scene.dialogue import parse_dialogue

    doc = (Path(__file__).parents[3] / "docs" / "scenes.md").read_text(encoding="utf-8")
    yaml_text = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    dialogue = doc.split("```text\n", 1)[1].split("```", 1)[0]
    (tmp_path / "photos").mkdir()
    cv2.imwrite(str(tmp_path / "photos" / "sam.jpg"), np.full((80, 80, 3), 128, np.uint8))
    cv2.imwrite(str(tmp_path / "logo.png"), np.full((20, 40, 4), 255, np.uint8))
    scene = load_scene(write(tmp_path, yaml_text))
    assert [s.name for s in scene.speakers] == ["Alex Rivera", "Sam Okafor"]
    turns = parse_dialogue(dialogue, scene.speakers).turns
    assert [t.speaker for t in turns] == [0, 1, 0, 1, 0, 1]
    assert turns[3].emotion == "happy" and turns[3].cues[0].kind == "laugh"
