"""The photo quality report: each check on the bundled portrait and on damaged copies."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from persona.avatar import topology as tp
from persona.avatar.landmarks import Landmarker, default_landmarker
from persona.avatar.quality import PhotoReport, check_photo, check_photo_file, head_angles
from persona.errors import ImageError


@pytest.fixture(scope="module")
def landmarker() -> Landmarker:
    return default_landmarker()


def _check(image: np.ndarray, landmarker: Landmarker) -> PhotoReport:
    return check_photo(image, landmarker=landmarker)


def _rotate(image: np.ndarray, clockwise: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -clockwise, 1.0)
    return cv2.warpAffine(image, m, (w, h), borderMode=cv2.BORDER_REFLECT)


def _on_canvas(image: np.ndarray, side: int, canvas: int = 640) -> np.ndarray:
    import cv2

    out = np.full((canvas, canvas, 3), 180, np.uint8)
    o = (canvas - side) // 2
    out[o : o + side, o : o + side] = cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA)
    return out


def test_a_large_sharp_portrait_passes(portrait: np.ndarray, landmarker: Landmarker) -> None:
    import cv2

    big = cv2.resize(portrait, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    report = _check(big, landmarker)
    assert report.status == "pass", report.table()
    names = [c.name for c in report.checks]
    assert names == [
        "faces", "face_size", "sharpness", "yaw", "pitch", "roll", "exposure", "clipping", "mouth"
    ]  # fmt: skip
    assert all(c.advice == "" for c in report.checks)


def test_the_bundled_portrait_only_has_a_small_face(
    portrait: np.ndarray, landmarker: Landmarker
) -> None:
    report = _check(portrait, landmarker)
    size = report.check("face_size")
    assert size.status == "warn" and 80 < (size.value or 0) < 110
    assert "150 px" in size.advice
    assert report.status == "warn"
    assert [c.name for c in report.checks if c.status != "pass"] == ["face_size"]


@pytest.mark.parametrize(("sigma", "expected"), [(1.0, "warn"), (2.0, "fail")])
def test_blur_is_caught(
    portrait: np.ndarray, landmarker: Landmarker, sigma: float, expected: str
) -> None:
    import cv2

    sharp = _check(portrait, landmarker).check("sharpness")
    blurred = _check(cv2.GaussianBlur(portrait, (0, 0), sigma), landmarker).check("sharpness")
    assert sharp.status == "pass"
    assert blurred.status == expected
    assert (blurred.value or 0) < 0.5 * (sharp.value or 0)
    assert "blurred" in blurred.advice


def test_sharpness_does_not_depend_on_resolution(
    portrait: np.ndarray, landmarker: Landmarker
) -> None:
    import cv2

    native = _check(portrait, landmarker).check("sharpness").value or 0
    big = cv2.resize(portrait, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    enlarged = _check(big, landmarker).check("sharpness").value or 0
    assert enlarged == pytest.approx(native, rel=0.25)


def test_a_tiny_face_fails(portrait: np.ndarray, landmarker: Landmarker) -> None:
    # A 14 px face is below what any detector finds: the report says so.
    tiny = _check(_on_canvas(portrait, 80), landmarker)
    assert tiny.status == "fail"
    assert tiny.check("faces").status == "fail" or tiny.check("face_size").status == "fail"
    small = _check(_on_canvas(portrait, 160), landmarker).check("face_size")
    assert small.status == "fail" and (small.value or 0) < 48
    assert "too small" in small.advice
    medium = _check(_on_canvas(portrait, 400), landmarker).check("face_size")
    assert medium.status == "warn" and 48 <= (medium.value or 0) < 150


def test_no_face_fails(landmarker: Landmarker) -> None:
    noise = np.random.default_rng(1).integers(0, 255, (300, 400, 3), dtype=np.uint8)
    report = _check(noise, landmarker)
    assert report.status == "fail"
    assert [c.name for c in report.checks] == ["faces"]
    assert "no face" in report.checks[0].advice


def test_two_faces_warn(portrait: np.ndarray, landmarker: Landmarker) -> None:
    import cv2

    canvas = np.full((512, 940, 3), 200, np.uint8)
    canvas[:, :512] = portrait
    canvas[56:456, 530:930] = cv2.resize(portrait, (400, 400))
    faces = _check(canvas, landmarker).check("faces")
    assert faces.status == "warn" and faces.value == 2
    assert "largest" in faces.advice


@pytest.mark.parametrize("angle", [25.0, -25.0])
def test_roll_follows_an_in_plane_rotation(
    portrait: np.ndarray, landmarker: Landmarker, angle: float
) -> None:
    upright = _check(portrait, landmarker).check("roll").value or 0
    roll = _check(_rotate(portrait, angle), landmarker).check("roll")
    assert roll.value == pytest.approx(angle, abs=5)
    assert (roll.value or 0) - upright == pytest.approx(angle, abs=3)
    assert roll.status == "warn"  # more than 20°, less than 40°


def _squeeze_half(image: np.ndarray, x: int, factor: float, left: bool) -> np.ndarray:
    """Narrow one side of the image at column ``x``, as if that side turned away."""
    import cv2

    h = image.shape[0]
    part = image[:, :x] if left else image[:, x:]
    narrow = cv2.resize(part, (round(part.shape[1] * factor), h), interpolation=cv2.INTER_AREA)
    joined = [narrow, image[:, x:]] if left else [image[:, :x], narrow]
    return np.ascontiguousarray(np.concatenate(joined, axis=1))


def test_yaw_sign_follows_the_turn(portrait: np.ndarray, landmarker: Landmarker) -> None:
    face = landmarker.detect(portrait)[0]
    nose_x = round(float(face.points[1, 0]))
    assert abs(head_angles(face).yaw) < 5
    # The image-left half narrowed: that cheek is further away, the face looks left.
    turned = _squeeze_half(portrait, nose_x, 0.6, left=True)
    yaw_left = head_angles(landmarker.detect(turned)[0]).yaw
    yaw_mirrored = head_angles(landmarker.detect(np.ascontiguousarray(turned[:, ::-1]))[0]).yaw
    assert yaw_left < -6
    assert yaw_mirrored > 6
    assert yaw_mirrored == pytest.approx(-yaw_left, abs=3)


def test_pitch_sign_follows_foreshortening(portrait: np.ndarray, landmarker: Landmarker) -> None:
    import cv2

    face = landmarker.detect(portrait)[0]
    y = round(float(face.points[1, 1]))

    def squeezed(top: bool) -> float:
        part = portrait[:y] if top else portrait[y:]
        short = cv2.resize(part, (512, round(part.shape[0] * 0.7)), interpolation=cv2.INTER_AREA)
        image = np.concatenate([short, portrait[y:]] if top else [portrait[:y], short], axis=0)
        return head_angles(landmarker.detect(np.ascontiguousarray(image))[0]).pitch

    # A short forehead reads as a face tilted back (chin up), a short chin as nodding down.
    assert squeezed(top=True) < head_angles(face).pitch < squeezed(top=False)
    assert squeezed(top=False) - squeezed(top=True) > 5


def test_exposure(portrait: np.ndarray, landmarker: Landmarker) -> None:
    dark = _check((portrait * 0.2).astype(np.uint8), landmarker)
    assert dark.check("exposure").status == "fail"
    assert "too dark" in dark.check("exposure").advice
    bright = _check(np.clip(portrait * 1.5, 0, 255).astype(np.uint8), landmarker)
    assert bright.check("clipping").status == "fail"
    assert bright.check("exposure").status in ("warn", "fail")


def _mouth_box(portrait: np.ndarray, landmarker: Landmarker) -> tuple[slice, slice]:
    lips = landmarker.detect(portrait)[0].points[list(tp.OUTER_LIP_RING)]
    (x0, y0), (x1, y1) = lips.min(axis=0), lips.max(axis=0)
    pad = 0.25 * (x1 - x0)
    return slice(int(y0 - pad), int(y1 + pad)), slice(int(x0 - pad), int(x1 + pad))


def test_a_covered_mouth_is_caught(portrait: np.ndarray, landmarker: Landmarker) -> None:
    rows, cols = _mouth_box(portrait, landmarker)
    covered = portrait.copy()
    covered[rows, cols] = 128
    mouth = _check(covered, landmarker).check("mouth")
    assert mouth.status in ("warn", "fail")
    assert "mouth" in mouth.advice
    assert _check(portrait, landmarker).check("mouth").status == "pass"


def test_a_skin_patch_over_the_mouth_warns(portrait: np.ndarray, landmarker: Landmarker) -> None:
    rows, cols = _mouth_box(portrait, landmarker)
    h, w = rows.stop - rows.start, cols.stop - cols.start
    x, y = landmarker.detect(portrait)[0].points[tp.FOREHEAD].astype(int)
    covered = portrait.copy()
    covered[rows, cols] = portrait[y + 4 : y + 4 + h, x - w // 2 : x - w // 2 + w]  # like a hand
    assert _check(covered, landmarker).check("mouth").status in ("warn", "fail")


def test_a_black_and_white_photo_is_not_a_covered_mouth(
    portrait: np.ndarray, landmarker: Landmarker
) -> None:
    grey = np.repeat(portrait.mean(axis=2, keepdims=True), 3, axis=2).astype(np.uint8)
    assert _check(grey, landmarker).check("mouth").status == "pass"


def test_report_as_dict_and_table(portrait: np.ndarray, landmarker: Landmarker) -> None:
    report = _check(portrait, landmarker)
    data = json.loads(json.dumps(report.as_dict()))
    assert data["status"] == report.status
    assert {c["name"] for c in data["checks"]} >= {"faces", "yaw", "mouth"}
    assert set(data["checks"][0]) == {"name", "status", "value", "unit", "advice"}
    table = report.table()
    assert "face_size" in table and "warn" in table and table.endswith("overall: warn")


def test_check_photo_file(tmp_path: Path, portrait_path: Path, landmarker: Landmarker) -> None:
    assert check_photo_file(portrait_path, landmarker=landmarker).check("faces").value == 1
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg" * 10)
    with pytest.raises(ImageError, match="cannot read image"):
        check_photo_file(bad, landmarker=landmarker)
