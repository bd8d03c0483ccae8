"""`persona avatars create | list | show | edit | delete` and rendering saved avatars."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from persona.avatar.store import AvatarStore
from persona.cli import main
from persona.consent import list_consents


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


AGREED = ["--subject", "Ada Example", "--statement", "I agree to my face being used."]
"""A new consent for the person shown, as photo and video avatars need one."""


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith("error: "), err
    assert message in err and "Traceback" not in err


def test_template_avatar_is_versioned_by_edits(capsys: pytest.CaptureFixture[str]) -> None:
    made = _json(capsys, ["avatars", "create", "--template", "maya", "--name", "Host", "--json"])
    assert isinstance(made, dict) and made["kind"] == "creator" and made["version"] == 1
    avatar_id = made["id"]
    edited = _json(capsys, ["avatars", "edit", avatar_id, "--set", "hair.style=bun", "--json"])
    assert isinstance(edited, dict) and edited["version"] == 2
    shown = _json(capsys, ["avatars", "show", avatar_id, "--json"])
    assert isinstance(shown, dict)
    specs = [v["source"]["spec"] for v in shown["versions"]]
    assert specs[0]["hair"]["style"] != "bun" and specs[1]["hair"]["style"] == "bun"
    assert specs[0]["clothing"] == specs[1]["clothing"]  # only the named field changed
    listed = _json(capsys, ["avatars", "list", "--json"])
    assert [a["id"] for a in listed] == [avatar_id]  # type: ignore[union-attr]
    assert main(["avatars", "delete", avatar_id]) == 0
    assert capsys.readouterr().out.strip() == f"deleted {avatar_id}"
    assert _json(capsys, ["avatars", "list", "--json"]) == []


def test_bad_edits_save_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    made = _json(capsys, ["avatars", "create", "--template", "maya", "--json"])
    avatar_id = made["id"]  # type: ignore[index]
    _fails(capsys, ["avatars", "edit", avatar_id, "--set", "hair.style=spiky"], "hair.style")
    _fails(capsys, ["avatars", "edit", avatar_id, "--set", "wings=2"], "no field 'wings'")
    _fails(capsys, ["avatars", "edit", avatar_id, "--set", "hair.style"], "field.path=value")
    _fails(capsys, ["avatars", "edit", avatar_id], "nothing to change")
    assert AvatarStore().get(avatar_id).latest.version == 1


def test_unknown_ids_and_templates(capsys: pytest.CaptureFixture[str]) -> None:
    _fails(capsys, ["avatars", "show", "av_000000000000"], "no saved avatar")
    _fails(capsys, ["avatars", "delete", "nobody"], "not an avatar id")
    _fails(capsys, ["avatars", "create", "--template", "nobody"], "no avatar template")
    assert AvatarStore().ids() == []


@pytest.mark.slow
def test_photo_avatar_refusals_save_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait: np.ndarray
) -> None:
    import cv2

    wall = tmp_path / "wall.png"
    cv2.imwrite(str(wall), np.full((480, 640, 3), 128, np.uint8))
    _fails(capsys, ["avatars", "create", "--photo", str(wall), *AGREED], "no face found")
    pair = tmp_path / "pair.jpg"
    cv2.imwrite(str(pair), np.hstack([portrait, portrait]))
    _fails(capsys, ["avatars", "create", "--photo", str(pair), *AGREED], "2 faces")
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"\xff\xd8 nothing more")
    _fails(capsys, ["avatars", "create", "--photo", str(corrupt), *AGREED], "corrupt.jpg")
    _fails(capsys, ["avatars", "create", "--template", "maya", "--background", "blur"], "photo")
    assert AvatarStore().ids() == []
    assert list_consents() == ()  # a refused photo leaves no consent record behind


@pytest.mark.slow
def test_bad_video_sources(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    _fails(capsys, ["avatars", "create", "--video", str(text), *AGREED], "notes.mp4")
    _fails(
        capsys, ["avatars", "create", "--video", str(tmp_path / "gone.mp4"), *AGREED], "gone.mp4"
    )
    assert AvatarStore().ids() == []
    assert list_consents() == ()


@pytest.mark.slow
def test_render_records_the_version_it_used(
    capsys: pytest.CaptureFixture[str], portrait_path: Path, tmp_path: Path
) -> None:
    made = _json(capsys, ["avatars", "create", "--photo", str(portrait_path), *AGREED, "--json"])
    avatar_id = made["id"]  # type: ignore[index]
    out = tmp_path / "hi.mp4"
    argv = ["render", "Hi.", "--avatar", avatar_id, "-o", str(out), "--size", "256x256"]
    assert main([*argv, "--json"]) == 0
    done = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert done["avatar"] == f"{avatar_id}@1"
    assert out.stat().st_size > 0
    _fails(capsys, [*argv[:3], f"{avatar_id}@4", *argv[4:]], "no version 4")
