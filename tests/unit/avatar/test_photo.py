"""The photo avatar: face finding, framing, rig and per-frame rendering."""

from __future__ import annotations

import numpy as np
import pytest

from persona.avatar import topology as tp
from persona.avatar.photo import PhotoAvatar
from persona.avatar.rig import SHAPES
from persona.errors import NoFaceError
from persona.types import MOUTH_CHANNELS, FaceState


def _mouth(**kw: float) -> tuple[float, ...]:
    return tuple(kw.get(name, 0.0) for name in MOUTH_CHANNELS)


def test_no_face_is_a_clear_error() -> None:
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)
    with pytest.raises(NoFaceError, match="no face found"):
        PhotoAvatar.from_image(noise, 640, 360)


def test_several_faces_warn_and_use_the_largest(portrait: np.ndarray) -> None:
    import cv2

    small = cv2.resize(portrait, (400, 400))
    canvas = np.full((512, 940, 3), 200, np.uint8)
    canvas[:, :512] = portrait
    canvas[56:456, 530:930] = small
    warnings: list[str] = []
    avatar = PhotoAvatar.from_image(canvas, 640, 360, warn=warnings.append)
    assert warnings and "2 faces" in warnings[0]
    # The big face is the one on the left of the canvas.
    assert avatar.framed.points[:, 0].mean() < 640 * 0.6


def test_framing_fills_the_frame(photo_avatar: PhotoAvatar) -> None:
    assert photo_avatar.framed.plate.shape == (360, 640, 3)
    pts = photo_avatar.framed.points[: tp.N_MESH]
    assert pts[:, 0].min() > 0 and pts[:, 0].max() < 640
    assert pts[:, 1].min() > 0 and pts[:, 1].max() < 360


@pytest.mark.parametrize("size", [(256, 256), (720, 1280), (512, 512), (1920, 1080)])
def test_any_output_size(portrait: np.ndarray, size: tuple[int, int]) -> None:
    avatar = PhotoAvatar.from_image(portrait, *size)
    frame = avatar.render(FaceState(mouth=_mouth(jaw=0.6, teeth=1)))
    assert frame.image.shape == (size[1], size[0], 3)
    d = frame.dirty
    assert d is not None and d.x % 2 == 0 and d.y % 2 == 0 and d.w % 2 == 0 and d.h % 2 == 0
    assert d.x + d.w <= size[0] and d.y + d.h <= size[1]


def test_rig_blend_shapes_move_the_right_parts(photo_avatar: PhotoAvatar) -> None:
    rig = photo_avatar.rig
    v = rig.frame.v
    jaw = rig.shape("jaw")
    assert jaw[tp.LOWER_LIP_CENTER] @ v > 0.3 * rig.frame.mouth_width  # lower lip drops
    assert abs(jaw[tp.UPPER_LIP_CENTER] @ v) < 1e-6  # upper lip stays
    assert np.abs(jaw[list(tp.EYE_L_UPPER)]).max() < 1e-6  # eyes untouched
    blink = rig.shape("blink_l")
    assert blink[159] @ v > 0  # upper lid comes down
    assert np.abs(rig.shape("blink_l")[list(tp.EYE_R_UPPER)]).max() < 1e-6
    ring = slice(tp.N_MESH, tp.N_MESH + 28)
    assert np.abs(rig.basis[:, ring]).max() < 1e-9  # the boundary never moves
    assert len(SHAPES) == rig.basis.shape[0]


def _face_box(avatar: PhotoAvatar) -> tuple[slice, slice]:
    pts = avatar.framed.points[: tp.N_MESH]
    x0, y0 = pts.min(axis=0).astype(int)
    x1, y1 = pts.max(axis=0).astype(int)
    return slice(y0, y1), slice(x0, x1)


def test_rest_frame_keeps_the_face_outside_the_mouth(photo_avatar: PhotoAvatar) -> None:
    import cv2

    from persona.quality import _face_ssim, _regions

    frame = photo_avatar.render(FaceState.rest()).image
    reg = _regions(photo_avatar)
    ref = cv2.cvtColor(photo_avatar.framed.plate, cv2.COLOR_BGR2GRAY)
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    assert _face_ssim(grey, ref, reg) > 0.95
    # Outside the head's region nothing changes at all.
    d = photo_avatar.render(FaceState.rest()).dirty
    assert d is not None
    outside = np.ones(frame.shape[:2], bool)
    outside[d.y : d.y + d.h, d.x : d.x + d.w] = False
    assert np.array_equal(frame[outside], photo_avatar.framed.plate[outside])


def _mouth_darkness(avatar: PhotoAvatar, image: np.ndarray) -> float:
    inner = avatar.framed.points[list(tp.INNER_LIP_RING)]
    c = inner.mean(axis=0).astype(int)
    r = int(0.2 * avatar.rig.frame.mouth_width)
    patch = image[c[1] : c[1] + 2 * r, c[0] - r : c[0] + r].astype(float)
    return float((patch.mean(axis=2) < 70).mean())


def test_open_jaw_shows_a_dark_mouth_and_closed_shows_none(photo_avatar: PhotoAvatar) -> None:
    closed = photo_avatar.render(FaceState(mouth=_mouth())).image.copy()
    wide = photo_avatar.render(FaceState(mouth=_mouth(jaw=0.9, teeth=0.6))).image.copy()
    assert _mouth_darkness(photo_avatar, wide) > 0.2
    assert _mouth_darkness(photo_avatar, closed) < 0.02


def test_teeth_show_when_asked(photo_avatar: PhotoAvatar) -> None:
    top = photo_avatar.framed.points[tp.UPPER_LIP_CENTER].astype(int)  # upper lip's inner edge
    band = (slice(top[1] + 1, top[1] + 4), slice(top[0] - 4, top[0] + 5))
    with_teeth = photo_avatar.render(FaceState(mouth=_mouth(jaw=0.5, teeth=1.0))).image[band].copy()
    no_teeth = photo_avatar.render(FaceState(mouth=_mouth(jaw=0.5, teeth=0.0))).image[band].copy()
    assert with_teeth.mean() > no_teeth.mean() + 30


def _iris_darkness(avatar: PhotoAvatar, image: np.ndarray) -> float:
    """Share of dark pixels inside the iris disc of the image-left eye."""
    pts = avatar.framed.points
    c = pts[468]
    r = max(2.0, float(np.linalg.norm(pts[469] - c)))
    ys, xs = np.mgrid[0 : image.shape[0], 0 : image.shape[1]]
    disc = (xs - c[0]) ** 2 + (ys - c[1]) ** 2 <= r * r
    luma = image.astype(float) @ np.array([0.114, 0.587, 0.299])
    return float((luma[disc] < 90).mean())


def test_blink_closes_the_eyes(photo_avatar: PhotoAvatar) -> None:
    open_eye = _iris_darkness(photo_avatar, photo_avatar.render(FaceState.rest()).image)
    shut = _iris_darkness(
        photo_avatar, photo_avatar.render(FaceState(mouth=_mouth(), blink=1.0)).image
    )
    # An open eye shows the dark iris; a shut one shows lid skin and a thin lash line.
    assert open_eye > 0.4
    assert shut < open_eye - 0.2


def test_head_motion_moves_the_face_not_the_torso(photo_avatar: PhotoAvatar) -> None:
    rest = photo_avatar.render(FaceState.rest()).image.copy()
    turned = photo_avatar.render(FaceState(mouth=_mouth(), head=(4.0, 0, 3.0, 0.02, 0))).image
    ys, xs = _face_box(photo_avatar)
    assert np.abs(turned[ys, xs].astype(int) - rest[ys, xs]).mean() > 2
    bottom = slice(photo_avatar.height - 10, photo_avatar.height)
    assert np.array_equal(turned[bottom], rest[bottom])


def test_rendering_is_deterministic(photo_avatar: PhotoAvatar) -> None:
    state = FaceState(mouth=_mouth(jaw=0.4, round=0.5, teeth=0.7), blink=0.3, head=(1, 1, 1, 0, 0))
    a = photo_avatar.render(state).image.copy()
    b = photo_avatar.render(state).image.copy()
    assert np.array_equal(a, b)


def test_small_face_in_a_large_photo_is_found(portrait: np.ndarray) -> None:
    canvas = np.full((1500, 2000, 3), 90, np.uint8)
    canvas[400:912, 1200:1712] = portrait  # the face is under 5 % of the width
    avatar = PhotoAvatar.from_image(canvas, 640, 360)
    assert avatar.rig.frame.face_width > 60  # framed around the face, not the canvas


def test_black_and_white_photo_gets_a_grey_mouth(portrait: np.ndarray) -> None:
    import cv2

    grey = cv2.cvtColor(cv2.cvtColor(portrait, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    avatar = PhotoAvatar.from_image(grey, 640, 360)
    image = avatar.render(FaceState(mouth=_mouth(jaw=0.9, teeth=1, tongue=1))).image
    spread = image.astype(int).max(axis=2) - image.astype(int).min(axis=2)
    assert spread.max() <= 3
