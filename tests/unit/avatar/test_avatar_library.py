"""Saving photo avatars: graded first, refused cleanly, options kept per version."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from persona.avatar.library import PhotoRejectedError, create_photo_avatar, photo_background
from persona.avatar.store import AvatarStore
from persona.errors import ImageError, NoFaceError

pytestmark = pytest.mark.slow


@pytest.fixture
def store(tmp_path: Path) -> AvatarStore:
    return AvatarStore(tmp_path / "avatars")


def test_good_photo_is_saved_with_its_report(store: AvatarStore, portrait_path: Path) -> None:
    record, report = create_photo_avatar(portrait_path, "Eileen", background="blur", store=store)
    assert report.status in ("pass", "warn")
    assert record.kind == "photo" and record.name == "Eileen"
    assert record.meta["report"]["status"] == report.status
    stored = store.file(record, record.latest.source["photo"])
    assert stored.read_bytes() == portrait_path.read_bytes()
    assert photo_background(store, record, None) == "blur"


def test_picture_background_is_stored_with_the_avatar(
    store: AvatarStore, portrait_path: Path, tmp_path: Path
) -> None:
    backdrop = tmp_path / "office.png"
    cv2.imwrite(str(backdrop), np.full((90, 160, 3), (40, 90, 160), np.uint8))
    record, _ = create_photo_avatar(portrait_path, background=str(backdrop), store=store)
    path = Path(photo_background(store, record, 1) or "")
    assert path.is_file() and path.parent.name == "files"
    assert record.name == "astronaut"  # defaults to the file's stem


def test_no_face_is_refused_and_nothing_saved(store: AvatarStore, tmp_path: Path) -> None:
    blank = tmp_path / "wall.png"
    rng = np.random.default_rng(0)
    cv2.imwrite(str(blank), rng.integers(90, 110, (480, 640, 3), dtype=np.uint8))
    with pytest.raises(NoFaceError, match=r"no face found in wall\.png"):
        create_photo_avatar(blank, store=store)
    assert store.ids() == []


def test_several_faces_are_refused(
    store: AvatarStore, portrait: np.ndarray, tmp_path: Path
) -> None:
    pair = tmp_path / "pair.jpg"
    cv2.imwrite(str(pair), np.hstack([portrait, portrait]))
    with pytest.raises(PhotoRejectedError, match=r"2 faces in pair\.jpg") as caught:
        create_photo_avatar(pair, store=store)
    assert caught.value.report.check("faces").value == 2
    assert store.ids() == []


def test_tiny_face_fails_its_report(
    store: AvatarStore, portrait: np.ndarray, tmp_path: Path
) -> None:
    small = tmp_path / "small.jpg"
    canvas = np.full((1200, 1600, 3), 200, np.uint8)
    canvas[500:564, 700:764] = cv2.resize(portrait, (64, 64), interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(small), canvas)
    with pytest.raises(ImageError):
        create_photo_avatar(small, store=store)
    assert store.ids() == []


def test_corrupt_and_missing_files(store: AvatarStore, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    with pytest.raises(ImageError):
        create_photo_avatar(broken, store=store)
    with pytest.raises(ImageError):
        create_photo_avatar(tmp_path / "missing.jpg", store=store)
    assert store.ids() == []


def test_bad_background_is_refused_before_saving(store: AvatarStore, portrait_path: Path) -> None:
    with pytest.raises(ImageError):
        create_photo_avatar(portrait_path, background="#12345", store=store)
    assert store.ids() == []
