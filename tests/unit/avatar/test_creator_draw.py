"""The illustrated avatar renderer: every template draws, mouths differ, eyes blink, the head
rolls, and only the dirty rectangle changes between frames."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from persona.avatar.background import ColourBackground
from persona.avatar.base import Avatar, CutoutAvatar, is_creator_ref, open_avatar
from persona.avatar.creator.draw import CreatorAvatar
from persona.avatar.creator.templates import get_template, templates
from persona.errors import InputError
from persona.lipsync.visemes import VISEMES
from persona.types import FaceState


def _avatar(name: str = "maya", w: int = 256, h: int = 256) -> CreatorAvatar:
    return CreatorAvatar(get_template(name).spec, w, h)


def _mouth(avatar: CreatorAvatar, state: FaceState) -> np.ndarray:
    b = avatar.mouth_box
    return avatar.render(state).image[b.y : b.y + b.h, b.x : b.x + b.w].astype(np.int16)


def test_every_template_renders() -> None:
    for t in templates():
        avatar = CreatorAvatar(t.spec, 256, 256)
        image = avatar.render(FaceState.rest()).image
        assert image.shape == (256, 256, 3) and image.dtype == np.uint8
        assert image.std() > 20, t.name  # a figure, not a flat colour
        face = avatar.face_box
        assert 0 < face.w <= 256 and 0 < face.h <= 256


@pytest.mark.parametrize("name", ["maya", "harpreet", "kwame", "leo"])
def test_every_viseme_has_its_own_mouth(name: str) -> None:
    avatar = _avatar(name)
    crops = {v.name: _mouth(avatar, FaceState(mouth=v.target)) for v in VISEMES.values()}
    rest = crops["X"]
    for viseme, crop in crops.items():
        if viseme != "X":
            assert np.abs(crop - rest).mean() > 0.3, viseme
    for a, b in itertools.combinations(crops, 2):
        assert np.abs(crops[a] - crops[b]).mean() > 0.3, (a, b)
    # the open vowel opens the mouth far more than a consonant does
    aa = np.abs(crops["AA"] - rest).mean()
    assert aa > 1.5 * np.abs(crops["DN"] - rest).mean()


def test_mouth_opening_grows_with_the_jaw() -> None:
    avatar = _avatar()
    dark = []
    for jaw in (0.0, 0.3, 0.6, 0.9):
        mouth = (jaw, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        crop = _mouth(avatar, FaceState(mouth=mouth))
        dark.append(int((crop.mean(axis=2) < 80).sum()))
    assert dark == sorted(dark) and dark[-1] > dark[0] + 50


def test_lips_closed_for_p_b_m() -> None:
    avatar = _avatar("hiro", 512, 512)
    crop = _mouth(avatar, FaceState(mouth=VISEMES["MBP"].target))
    assert int((crop.mean(axis=2) < 60).sum()) == 0  # no dark cavity shows
    aa = _mouth(avatar, FaceState(mouth=VISEMES["AA"].target))
    assert int((aa.mean(axis=2) < 60).sum()) > 200
    fv = _mouth(avatar, FaceState(mouth=VISEMES["FV"].target))
    assert int((fv.min(axis=2) > 225).sum()) > 30  # the upper teeth show on the lip


def _whites(image: np.ndarray, avatar: CreatorAvatar) -> np.ndarray:
    """Eye-white pixels of the upper face, as (y, x) coordinates."""
    f = avatar.face_box
    region = image[f.y : f.y + f.h // 2 + f.h // 8, f.x : f.x + f.w]
    ys, xs = np.nonzero(region.min(axis=2) > 240)
    return np.stack([ys + f.y, xs + f.x], axis=1)


def test_blink_closes_the_eyes() -> None:
    avatar = _avatar("hiro", 512, 512)
    open_eyes = len(_whites(avatar.render(FaceState.rest()).image, avatar))
    half = len(_whites(avatar.render(FaceState(mouth=(0.0,) * 7, blink=0.5)).image, avatar))
    shut = len(_whites(avatar.render(FaceState(mouth=(0.0,) * 7, blink=1.0)).image, avatar))
    assert open_eyes > 30
    assert shut < 0.05 * open_eyes < half < open_eyes


def test_head_roll_rotates_the_face() -> None:
    avatar = _avatar("hiro", 512, 512)

    def eye_angle(roll: float) -> float:
        state = FaceState(mouth=(0.0,) * 7, head=(0.0, 0.0, roll, 0.0, 0.0))
        pts = _whites(avatar.render(state).image, avatar)
        mid = np.median(pts[:, 1])
        left, right = pts[pts[:, 1] < mid].mean(axis=0), pts[pts[:, 1] >= mid].mean(axis=0)
        return math.degrees(math.atan2(right[0] - left[0], right[1] - left[1]))

    assert abs(eye_angle(0.0)) < 0.5
    assert eye_angle(8.0) == pytest.approx(8.0, abs=1.5)  # clockwise: the right eye drops
    assert eye_angle(-8.0) == pytest.approx(-8.0, abs=1.5)


def test_yaw_moves_the_features_sideways() -> None:
    avatar = _avatar("hiro", 512, 512)

    def eyes_x(yaw: float) -> float:
        state = FaceState(mouth=(0.0,) * 7, head=(yaw, 0.0, 0.0, 0.0, 0.0))
        return float(_whites(avatar.render(state).image, avatar)[:, 1].mean())

    assert eyes_x(3.0) > eyes_x(0.0) + 1.0 > eyes_x(-3.0) + 2.0


@pytest.mark.parametrize(("w", "h"), [(257, 301), (641, 359), (300, 720), (1920, 1080)])
def test_odd_and_large_sizes(w: int, h: int) -> None:
    avatar = CreatorAvatar(get_template("priya").spec, w, h)
    first = avatar.render(FaceState.rest())
    assert first.image.shape == (h, w, 3) and first.image.dtype == np.uint8
    assert first.dirty is None
    frame = avatar.render(FaceState(mouth=VISEMES["AA"].target, head=(3, 2, 1.5, 0.02, 0.02)))
    d = frame.dirty
    assert d is not None
    assert d.x >= 0 and d.y >= 0 and d.x + d.w <= w and d.y + d.h <= h


def test_only_the_dirty_rectangle_changes() -> None:
    avatar = _avatar("arjun", 512, 512)
    before = avatar.render(FaceState.rest()).image.copy()
    state = FaceState(mouth=VISEMES["AA"].target, blink=0.7, head=(2, 1, 1, 0.01, 0.0))
    frame = avatar.render(state)
    d = frame.dirty
    assert d is not None and d.w * d.h < 0.8 * 512 * 512
    outside = np.ones((512, 512), bool)
    outside[d.y : d.y + d.h, d.x : d.x + d.w] = False
    assert np.array_equal(frame.image[outside], before[outside])
    # and the frame equals a fresh renderer's drawing of the same state
    fresh = _avatar("arjun", 512, 512).render(state).image
    assert np.abs(fresh.astype(int) - frame.image.astype(int)).max() <= 2


def test_breathing_moves_the_body_over_time() -> None:
    avatar = _avatar("hiro", 512, 512)
    a = avatar.render(FaceState.rest()).image.copy()
    later = avatar.render(FaceState(mouth=(0.0,) * 7, frame=25))  # a quarter breath later
    assert np.abs(a.astype(int) - later.image.astype(int)).mean() > 0.05
    assert later.dirty is not None and later.dirty.y + later.dirty.h == 512  # the body moved
    avatar.render(FaceState(mouth=(0.0,) * 7, frame=26))
    still = avatar.render(FaceState(mouth=(0.0,) * 7, frame=27))
    assert still.dirty is not None and still.dirty.y + still.dirty.h < 512  # the head only


def test_cutout_has_transparent_background() -> None:
    avatar = _avatar("amara")
    rgba = avatar.render_bgra(FaceState.rest())
    assert rgba.shape == (256, 256, 4)
    assert rgba[2, 2, 3] == 0 and rgba[250, 128, 3] == 255  # corner empty, body opaque
    f = avatar.face_box
    assert rgba[f.y + f.h // 2, f.x + f.w // 2, 3] == 255
    assert (rgba[..., :3].max(axis=2) <= rgba[..., 3]).all()  # premultiplied
    opaque = avatar.render(FaceState.rest()).image
    assert np.array_equal(opaque[250, 128], rgba[250, 128, :3])


def test_protocols_and_refs(tmp_path: Path) -> None:
    avatar = _avatar()
    assert isinstance(avatar, Avatar) and isinstance(avatar, CutoutAvatar)
    assert is_creator_ref("template:maya") and is_creator_ref(tmp_path / "x.JSON")
    assert not is_creator_ref("me.jpg")
    spec_file = tmp_path / "me.json"
    spec_file.write_text(json.dumps({"name": "me", "hair": {"style": "afro"}}), encoding="utf-8")
    opened = open_avatar(spec_file, 320, 240)
    assert isinstance(opened, CreatorAvatar) and opened.spec.hair.style == "afro"
    with pytest.raises(InputError, match="no avatar template"):
        open_avatar("template:nobody", 320, 240)


def test_background_option_replaces_the_spec_background() -> None:
    avatar = open_avatar("template:maya", 256, 256, background=ColourBackground((10, 200, 30)))
    image = avatar.render(FaceState.rest()).image
    assert tuple(image[3, 3]) == (10, 200, 30)
    warnings: list[str] = []
    open_avatar("template:maya", 256, 256, background=_blur(), warn=warnings.append)
    assert warnings and "photos only" in warnings[0]


def _blur():  # type: ignore[no-untyped-def]
    from persona.avatar.background import BlurBackground

    return BlurBackground()


def test_contact_sheet_for_a_template(tmp_path: Path) -> None:
    import cv2

    from persona.quality import contact_sheet

    out = tmp_path / "sheet.png"
    contact_sheet("template:zara", out, size=(512, 512))
    sheet = cv2.imread(str(out))
    assert sheet is not None and sheet.shape[1] == 4 * 300 and sheet.shape[0] > 5 * 200


def test_template_sheet_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import cv2

    from persona.cli import main

    assert main(["avatars", "templates", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 20 and {"name", "description", "spec"} <= set(rows[0])
    assert main(["avatars", "templates"]) == 0
    assert "maya" in capsys.readouterr().out
    assert main(["avatars", "template", "ines"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "ines"
    assert main(["avatars", "template", "nobody"]) == 2
    assert "error: no avatar template" in capsys.readouterr().err
    out = tmp_path / "templates.png"
    assert main(["avatars", "template-sheet", "-o", str(out), "--tile", "128"]) == 0
    sheet = cv2.imread(str(out))
    assert sheet is not None and sheet.shape[1] == 6 * 128
