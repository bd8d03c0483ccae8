"""The talking photo drawn over transparency: premultiplied BGRA that moves with the head."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from persona.avatar import topology as tp
from persona.avatar.background import ColourBackground
from persona.avatar.base import CutoutAvatar
from persona.avatar.cutout import cutout_plate, photo_rect, placed_mask
from persona.avatar.framing import frame_photo
from persona.avatar.landmarks import default_landmarker
from persona.avatar.photo import PhotoAvatar
from persona.types import MOUTH_CHANNELS, FaceState

SIZE = 256
GREEN = (40, 200, 60)


def _mouth(**kw: float) -> tuple[float, ...]:
    return tuple(kw.get(name, 0.0) for name in MOUTH_CHANNELS)


STATES = {
    "rest": FaceState.rest(),
    "open": FaceState(mouth=_mouth(jaw=0.9, teeth=1.0, tongue=0.5)),
    "blink": FaceState(mouth=_mouth(jaw=0.2), blink=1.0, smile=0.5),
    "turned": FaceState(mouth=_mouth(jaw=0.4), head=(10.0, -4.0, 6.0, 0.06, 0.02)),
}


@pytest.fixture(scope="module")
def avatar(portrait: np.ndarray) -> PhotoAvatar:
    return PhotoAvatar.from_image(portrait, SIZE, SIZE)


def _alpha(avatar: PhotoAvatar, state: FaceState) -> np.ndarray:
    return avatar.render_bgra(state)[..., 3].astype(np.float64) / 255.0


def _over(bgra: np.ndarray, back: np.ndarray) -> np.ndarray:
    a = bgra[..., 3:].astype(np.float64) / 255.0
    return bgra[..., :3] + back.astype(np.float64) * (1.0 - a)


def _face_centre(avatar: PhotoAvatar) -> tuple[int, int]:
    c = avatar.framed.points[list(tp.FACE_OVAL)].mean(axis=0)
    return int(c[0]), int(c[1])


@pytest.mark.parametrize("name", list(STATES))
def test_render_bgra_is_premultiplied_bgra(avatar: PhotoAvatar, name: str) -> None:
    bgra = avatar.render_bgra(STATES[name])
    assert bgra.shape == (SIZE, SIZE, 4) and bgra.dtype == np.uint8
    assert np.all(bgra[..., :3] <= bgra[..., 3:])
    assert bgra[..., 3].min() == 0 and bgra[..., 3].max() == 255  # backdrop and person


def test_alpha_covers_the_face_and_not_the_backdrop(avatar: PhotoAvatar) -> None:
    alpha = _alpha(avatar, FaceState.rest())
    x, y = _face_centre(avatar)
    assert np.all(alpha[y - 10 : y + 10, x - 10 : x + 10] == 1.0)
    # The top corners show the studio backdrop; the bottom ones the suit and the helmet.
    assert alpha[:16, :16].max() < 0.05 and alpha[:16, -16:].max() < 0.05
    person = (alpha > 0.5).mean()
    assert 0.3 < person < 0.8
    # The edge is soft but narrow.
    assert ((alpha > 0.02) & (alpha < 0.98)).mean() < 0.06


def test_open_mouth_is_opaque(avatar: PhotoAvatar) -> None:
    rest = avatar.render_bgra(FaceState.rest()).copy()
    bgra = avatar.render_bgra(STATES["open"])
    top = avatar.framed.points[tp.UPPER_LIP_CENTER]
    mw = avatar.rig.frame.mouth_width
    x, y = int(top[0]), int(top[1] + 0.15 * mw)
    patch = (slice(y - 2, y + 3), slice(x - 2, x + 3))
    assert np.all(bgra[patch][..., 3] == 255)
    # The interior was painted there: dark, unlike the closed lips at rest.
    assert bgra[patch][..., :3].mean() < rest[patch][..., :3].mean() - 30


def _centroid_x(weights: np.ndarray) -> float:
    xs = np.arange(weights.shape[1], dtype=np.float64)
    return float((weights.sum(axis=0) * xs).sum() / weights.sum())


def _face_shift(avatar: PhotoAvatar, state: FaceState) -> float:
    """How far right of its rest place the face landmarker finds the rendered face."""
    landmarker = default_landmarker()

    def centre(s: FaceState) -> float:
        image = avatar.render(s).image.copy()
        return float(landmarker.detect(image)[0].points[: tp.N_MESH, 0].mean())

    return centre(state) - centre(FaceState.rest())


@pytest.mark.parametrize(
    "head",
    [
        (0.0, 0.0, 0.0, 0.1, 0.0),
        (0.0, 0.0, 0.0, -0.1, 0.0),
        (15.0, 0, 0, 0, 0),
        (-15.0, 0, 0, 0, 0),
    ],
)
def test_alpha_moves_with_the_head(avatar: PhotoAvatar, head: tuple[float, ...]) -> None:
    state = FaceState(mouth=_mouth(), head=head)
    x, y, w, h = avatar.roi
    roi = (slice(y, y + h), slice(x, x + w))
    rest = _centroid_x(_alpha(avatar, FaceState.rest())[roi])
    moved = _centroid_x(_alpha(avatar, state)[roi])
    face = _face_shift(avatar, state)
    assert abs(face) > 3.0
    assert np.sign(moved - rest) == np.sign(face)
    assert abs(moved - rest) > 0.1 * abs(face)


def test_alpha_outside_the_head_region_never_moves(avatar: PhotoAvatar) -> None:
    x, y, w, h = avatar.roi
    rest = _alpha(avatar, FaceState.rest())
    turned = _alpha(avatar, STATES["turned"])
    outside = np.ones(rest.shape, bool)
    outside[y : y + h, x : x + w] = False
    assert np.array_equal(rest[outside], turned[outside])
    assert not np.array_equal(rest, turned)


@pytest.mark.parametrize("name", list(STATES))
def test_over_its_own_backdrop_it_is_the_plain_render(avatar: PhotoAvatar, name: str) -> None:
    state = STATES[name]
    plain = avatar.render(state).image.astype(np.float64)
    bgra = avatar.render_bgra(state)
    over = _over(bgra, avatar.framed.plate)
    alpha = bgra[..., 3]
    solid = alpha == 255
    assert solid.mean() > 0.3
    # Exact but for rounding where the resampling touched the soft edge.
    assert np.abs(over[solid] - plain[solid]).max() <= 1.0
    nearly = alpha >= 240
    assert np.abs(over[nearly] - plain[nearly]).mean() < 2.0


def test_plain_renders_are_untouched_by_cutouts(portrait: np.ndarray) -> None:
    avatar = PhotoAvatar.from_image(portrait, SIZE, SIZE)
    state = STATES["turned"]
    before = avatar.render(state).image.copy()
    bgra = avatar.render_bgra(state)
    assert bgra is not avatar.render(state).image
    assert np.array_equal(avatar.render(state).image, before)


def test_replaced_background_keeps_the_person_matte(
    avatar: PhotoAvatar, portrait: np.ndarray
) -> None:
    green = PhotoAvatar.from_image(portrait, SIZE, SIZE, background=ColourBackground(GREEN))
    plain_alpha = _alpha(avatar, FaceState.rest()) > 0.5
    green_bgra = green.render_bgra(FaceState.rest()).astype(np.float64)
    green_alpha = green_bgra[..., 3] > 127
    iou = (plain_alpha & green_alpha).sum() / (plain_alpha | green_alpha).sum()
    assert iou > 0.97
    # No green fringe: the backdrop is taken out of the colour at the soft edge.
    a = green_bgra[..., 3]
    edge = (a > 25) & (a < 230)
    assert edge.sum() > 50
    straight = green_bgra[..., :3][edge] / a[edge, None] * 255.0
    plate = green.framed.plate[edge].astype(np.float64)

    def excess(c: np.ndarray) -> float:
        return float((c[:, 1] - (c[:, 0] + c[:, 2]) / 2).mean())

    assert excess(plate) > 40  # the plain render's edge is tinted by the new backdrop...
    assert excess(straight) < 12  # ...the cut-out's is not


def test_padding_around_a_contained_photo_is_transparent(portrait: np.ndarray) -> None:
    narrow = np.ascontiguousarray(portrait[:, 130:320])  # too tall to fill a wide frame
    avatar = PhotoAvatar.from_image(narrow, 320, 180)
    assert avatar.framed.mode == "contain"
    alpha = _alpha(avatar, STATES["turned"])
    face = default_landmarker().detect(narrow)[0]
    x, _, w, h = photo_rect(avatar.framed, face.points, narrow.shape)
    assert x > 0 and x + w < 320 and h == 180
    outside = np.ones(alpha.shape, bool)
    outside[:, x : x + w] = False
    assert alpha[outside].max() == 0.0
    cx, cy = _face_centre(avatar)
    assert alpha[cy, cx] == 1.0


def test_placed_mask_follows_the_framing(portrait: np.ndarray) -> None:
    face = default_landmarker().detect(portrait)[0]
    mask = np.zeros(portrait.shape[:2], np.float32)
    mask[:, 256:] = 1.0  # the right half of the photo
    for width, height, mode in ((320, 180, "contain"), (320, 180, "cover"), (200, 300, "cover")):
        framed = frame_photo(portrait, face.points, width, height, mode=mode)
        placed = placed_mask(mask, framed, face.points, portrait.shape)
        assert placed.shape == (height, width)
        # The photo's middle lands where the framing put it.
        m = framed.points[1] - face.points[1] * framed.scale  # any landmark gives the shift
        mid = int(np.round(m[0] + 256 * framed.scale))
        assert placed[height // 2, mid + 3] == 1.0 and placed[height // 2, mid - 3] == 0.0


def test_cutout_plate_checks_its_matte() -> None:
    plate = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match="does not match"):
        cutout_plate(plate, np.zeros((8, 9), np.float32))


def test_photo_avatars_are_cutout_avatars(avatar: PhotoAvatar) -> None:
    assert isinstance(avatar, CutoutAvatar)


@pytest.mark.slow
def test_saved_photo_avatars_are_cutout_avatars(portrait_path: Path, tmp_path: Path) -> None:
    from persona.avatar.library import create_photo_avatar, open_saved_avatar
    from persona.avatar.store import AvatarStore

    store = AvatarStore(tmp_path / "avatars")
    record, _ = create_photo_avatar(portrait_path, background="blur", store=store)
    opened = open_saved_avatar(record.id, SIZE, SIZE, store=store)
    assert isinstance(opened, CutoutAvatar)
    bgra = opened.render_bgra(FaceState.rest())
    assert bgra.shape == (SIZE, SIZE, 4)
    # Saved with a blurred backdrop, the matte is still the person's.
    assert bgra[:16, :16, 3].max() < 13 and bgra[SIZE // 3, SIZE // 2, 3] == 255
