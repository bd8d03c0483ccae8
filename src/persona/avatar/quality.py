"""Is a photo good for the talking-photo avatar? A report of simple, explainable checks.

:func:`check_photo` finds the face once and grades what makes or breaks an avatar: how
many faces there are, how large and how sharp the face is, which way the head is turned,
how the face is exposed, and whether the mouth can be seen. Each :class:`Check` is
``pass``, ``warn`` or ``fail`` with a measured value and advice; the report's status is
the worst of them. The thresholds are tabled in ``docs/photo-avatar.md``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.image import load_image
from persona.avatar.landmarks import FaceLandmarks, Landmarker, default_landmarker
from persona.avatar.photo import MIN_FACE_PX
from persona.errors import ImageError

Status = Literal["pass", "warn", "fail"]
_RANK: dict[Status, int] = {"pass": 0, "warn": 1, "fail": 2}

SIZE_WARN_PX = 150.0  # narrower faces are enlarged for the video and look soft
SHARP_WIDTH = 128  # the face is resampled to this width before sharpness is measured
SHARP_WARN, SHARP_FAIL = 0.20, 0.11  # std(Laplacian) / std(luma) on the resampled face
YAW_WARN, YAW_FAIL = 15.0, 30.0  # degrees
PITCH_WARN, PITCH_FAIL = 15.0, 30.0
ROLL_WARN, ROLL_FAIL = 20.0, 40.0  # the rig follows the face's own axes, so roll matters less
DARK_WARN, DARK_FAIL = 70.0, 40.0  # mean face luma, 0..255
BRIGHT_WARN, BRIGHT_FAIL = 210.0, 235.0
CLIP_WARN, CLIP_FAIL = 5.0, 20.0  # % of face pixels with luma <= 5 or >= 250
LIP_RED_WARN = 0.03  # lips' log(R/G) above the skin's; lips are redder than skin
LIP_FLAT = 0.12  # lip luma spread / skin luma spread below this: something flat covers them
GREY_SKIN = 0.03  # skin with |log(R/G)| and |log(B/G)| below this: a black-and-white photo

# Mirror-image landmark pairs (image-left point, image-right point): the face oval, the
# eyelids and the outer lips. The vector between partners runs along the face's own
# left-right axis whatever way the head is turned.
_OVAL_N = len(tp.FACE_OVAL)
_LIP_CONTOURS = (tp.LIPS_OUTER_UPPER, tp.LIPS_OUTER_LOWER)
_PAIRS = (
    [(tp.FACE_OVAL[_OVAL_N - k], tp.FACE_OVAL[k]) for k in range(1, _OVAL_N // 2)]
    + list(zip(tp.EYE_L_UPPER, reversed(tp.EYE_R_UPPER), strict=True))
    + list(zip(tp.EYE_L_LOWER, reversed(tp.EYE_R_LOWER), strict=True))
    + [(upper[i], upper[-1 - i]) for upper in _LIP_CONTOURS for i in range(len(upper) // 2)]
)
_LEFT = np.array([a for a, _ in _PAIRS])
_RIGHT = np.array([b for _, b in _PAIRS])


@dataclass(frozen=True)
class Check:
    """One graded measurement; ``advice`` says what to change (empty when it passes)."""

    name: str
    status: Status
    value: float | None
    unit: str
    advice: str = ""


@dataclass(frozen=True)
class PhotoReport:
    """All checks of one photo; :attr:`status` is the worst of them."""

    checks: tuple[Check, ...]

    @property
    def status(self) -> Status:
        return max((c.status for c in self.checks), key=_RANK.__getitem__, default="pass")

    def check(self, name: str) -> Check:
        """The check called ``name`` (KeyError if it was not run)."""
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "checks": [asdict(c) for c in self.checks]}

    def table(self) -> str:
        rows = [("check", "status", "value", "advice")]
        for c in self.checks:
            value = "" if c.value is None else f"{c.value:g} {c.unit}".strip()
            rows.append((c.name, c.status, value, c.advice))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
            for r in rows
        ]
        lines.append(f"overall: {self.status}")
        return "\n".join(line.rstrip() for line in lines)


@dataclass(frozen=True)
class HeadAngles:
    """Head rotation in degrees; 0, 0, 0 faces the camera squarely. The signs are those
    of :data:`persona.types.HEAD_CHANNELS`: ``yaw`` > 0 turns towards the viewer's right,
    ``pitch`` > 0 nods down, ``roll`` > 0 tilts clockwise as the viewer sees it.
    """

    yaw: float
    pitch: float
    roll: float


def check_photo_file(path: str | Path, *, landmarker: Landmarker | None = None) -> PhotoReport:
    """:func:`check_photo` for an image file; unreadable files raise :class:`ImageError`."""
    return check_photo(load_image(path), landmarker=landmarker)


def check_photo(image: np.ndarray, *, landmarker: Landmarker | None = None) -> PhotoReport:
    """Grade a BGR uint8 photo for use as a talking-photo avatar."""
    import cv2

    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ImageError(f"expected an 8-bit BGR image, got {image.dtype} {image.shape}")
    faces = (landmarker or default_landmarker()).detect(image)
    checks = [_faces_check(len(faces))]
    if faces:
        face = faces[0]
        crop = _FaceCrop.around(image, face)
        angles = head_angles(face)
        checks += [
            _size_check(face),
            _sharpness_check(sharpness(image, face)),
            _angle_check("yaw", angles.yaw, YAW_WARN, YAW_FAIL),
            _angle_check("pitch", angles.pitch, PITCH_WARN, PITCH_FAIL),
            _angle_check("roll", angles.roll, ROLL_WARN, ROLL_FAIL),
            *_exposure_checks(crop),
            _mouth_check(crop),
        ]
    return PhotoReport(tuple(checks))


# ---------------------------------------------------------------------------- measurements


def head_angles(face: FaceLandmarks) -> HeadAngles:
    """Yaw, pitch and roll from the 3D landmarks (image x, y and FaceMesh depth).

    The face is mirror-symmetric, so the vectors between mirror-image landmarks all run
    along its left-right axis: roll is that axis' slant in the image, yaw how far it
    dips into depth (image y points down, depth away from the camera). The forehead–chin
    line, made square to that axis, is the up axis; in MediaPipe's canonical face model
    forehead (10) and chin (152) are at equal depth, so pitch is how far that line leans
    in depth. Formal portraits usually read a few degrees nodding down, as cameras sit
    slightly above the eyes.
    """
    p = np.column_stack([face.points[: tp.N_MESH], face.depth[: tp.N_MESH]]).astype(np.float64)
    across = (p[_RIGHT] - p[_LEFT]).sum(axis=0)
    across /= np.linalg.norm(across)
    up = p[tp.FOREHEAD] - p[tp.CHIN]
    up -= (up @ across) * across
    up /= np.linalg.norm(up)
    return HeadAngles(
        yaw=math.degrees(math.asin(float(np.clip(across[2], -1, 1)))),
        pitch=-math.degrees(math.asin(float(np.clip(up[2], -1, 1)))),
        roll=math.degrees(math.atan2(float(across[1]), float(across[0]))),
    )


def sharpness(image: np.ndarray, face: FaceLandmarks) -> float:
    """Fine detail of the face: std of the Laplacian over std of the luma, inside the
    face oval, after resampling the face to :data:`SHARP_WIDTH` pixels wide.

    Resampling makes the score depend on blur relative to the face, not on the photo's
    resolution; dividing by the luma spread makes it independent of exposure.
    """
    import cv2

    h, w = image.shape[:2]
    x0, y0, x1, y1 = (int(v) for v in face.box)
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1 + 1), min(h, y1 + 1)
    s = SHARP_WIDTH / max(x1 - x0, 1)
    size = (SHARP_WIDTH, max(8, round((y1 - y0) * s)))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    face_img = cv2.resize(image[y0:y1, x0:x1], size, interpolation=interp)
    luma = cv2.cvtColor(face_img, cv2.COLOR_BGR2GRAY).astype(np.float32)
    oval = (face.points[list(tp.FACE_OVAL)] - (x0, y0)) * (size[0] / (x1 - x0), size[1] / (y1 - y0))
    inside = cv2.erode(_polygon(luma.shape, oval).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    spread = float(luma[inside].std()) if inside.any() else 0.0
    if spread < 1.0:
        return 0.0
    return float(cv2.Laplacian(luma, cv2.CV_32F)[inside].std()) / spread


@dataclass(frozen=True, eq=False)
class _FaceCrop:
    """The face's surroundings and its landmarks in crop coordinates."""

    image: np.ndarray
    points: np.ndarray

    @classmethod
    def around(cls, image: np.ndarray, face: FaceLandmarks) -> _FaceCrop:
        x0, y0, x1, y1 = face.box
        pad = 0.05 * max(x1 - x0, y1 - y0) + 2
        h, w = image.shape[:2]
        cx0, cy0 = max(0, int(x0 - pad)), max(0, int(y0 - pad))
        cx1, cy1 = min(w, int(x1 + pad) + 1), min(h, int(y1 + pad) + 1)
        crop = image[cy0:cy1, cx0:cx1]
        return cls(crop, face.points - np.array([cx0, cy0], dtype=np.float32))

    def mask(self, indices: tuple[int, ...]) -> np.ndarray:
        return _polygon(self.image.shape[:2], self.points[list(indices)])


def _polygon(shape: tuple[int, ...], points: np.ndarray) -> np.ndarray:
    import cv2

    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 1)
    return mask > 0


def _luma(bgr: np.ndarray) -> np.ndarray:
    return bgr.astype(np.float32) @ np.array([0.114, 0.587, 0.299], np.float32)


# ---------------------------------------------------------------------------- grading


def _grade(value: float, warn: float, fail: float) -> Status:
    """Larger is worse when fail > warn, smaller is worse when fail < warn."""
    sign = 1.0 if fail > warn else -1.0
    if sign * value > sign * fail:
        return "fail"
    if sign * value > sign * warn:
        return "warn"
    return "pass"


def _advice(status: Status, text: str) -> str:
    return "" if status == "pass" else text


def _faces_check(n: int) -> Check:
    if n == 0:
        return Check(
            "faces", "fail", 0, "", "no face found: use a well-lit portrait facing the camera"
        )
    if n > 1:
        advice = f"{n} faces found; the largest is used: crop the photo to one person"
        return Check("faces", "warn", n, "", advice)
    return Check("faces", "pass", 1, "")


def _size_check(face: FaceLandmarks) -> Check:
    x0, _, x1, _ = face.box
    width = round(x1 - x0, 1)
    if width < MIN_FACE_PX:
        advice = (
            f"the face is too small to animate (at least {MIN_FACE_PX} px wide): "
            "use a closer or higher-resolution photo"
        )
        return Check("face_size", "fail", width, "px", advice)
    if width < SIZE_WARN_PX:
        advice = (
            f"small face: it is enlarged for the video and looks soft; "
            f"a face at least {SIZE_WARN_PX:.0f} px wide looks better"
        )
        return Check("face_size", "warn", width, "px", advice)
    return Check("face_size", "pass", width, "px")


def _sharpness_check(score: float) -> Check:
    status = _grade(score, SHARP_WARN, SHARP_FAIL)
    advice = "the face looks blurred (out of focus, shaken or over-smoothed): use a sharper photo"
    return Check("sharpness", status, round(score, 3), "", _advice(status, advice))


def _angle_check(name: str, angle: float, warn: float, fail: float) -> Check:
    status = _grade(abs(angle), warn, fail)
    advice = ""
    if status != "pass":
        way = {
            "yaw": "turned towards the image's " + ("right" if angle > 0 else "left"),
            "pitch": "tilted " + ("down" if angle > 0 else "up"),
            "roll": "leaning " + ("clockwise" if angle > 0 else "counter-clockwise"),
        }[name]
        advice = (
            f"the head is {way} by {abs(angle):.0f}° (best under {warn:.0f}°): "
            "use a photo looking straight at the camera"
        )
    return Check(name, status, round(angle, 1), "°", advice)


def _exposure_checks(crop: _FaceCrop) -> list[Check]:
    luma = _luma(crop.image)[crop.mask(tp.FACE_OVAL)]
    mean = float(luma.mean()) if luma.size else 0.0
    if mean < DARK_WARN:
        status = _grade(mean, DARK_WARN, DARK_FAIL)
        advice = "the face is too dark: use more light or a brighter exposure"
    else:
        status = _grade(mean, BRIGHT_WARN, BRIGHT_FAIL)
        advice = "the face is too bright: use softer light or a darker exposure"
    clipped = 100.0 * float(((luma <= 5) | (luma >= 250)).mean()) if luma.size else 0.0
    clip_status = _grade(clipped, CLIP_WARN, CLIP_FAIL)
    clip_advice = "parts of the face are pure black or white: avoid harsh light or over-exposure"
    return [
        Check("exposure", status, round(mean, 1), "/255", _advice(status, advice)),
        Check("clipping", clip_status, round(clipped, 1), "%", _advice(clip_status, clip_advice)),
    ]


def _mouth_check(crop: _FaceCrop) -> Check:
    """Lips are textured and redder than the skin; a hand, a microphone or a flat
    cover over the mouth is not (black-and-white photos are judged on texture only)."""
    import cv2

    lips = crop.mask(tp.OUTER_LIP_RING) & ~crop.mask(tp.INNER_LIP_RING)
    left, right = crop.points[list(tp.MOUTH_CORNERS)]
    k = max(3, int(0.3 * float(np.linalg.norm(right - left)))) | 1
    grow = np.ones((k, k), np.uint8)
    busy = crop.mask(tp.OUTER_LIP_RING)
    for group in (tp.EYE_L_UPPER, tp.EYE_R_UPPER, tp.BROW_L, tp.BROW_R):
        busy |= _polygon(busy.shape, cv2.convexHull(crop.points[list(group)])[:, 0])
    skin = crop.mask(tp.FACE_OVAL) & ~(cv2.dilate(busy.astype(np.uint8), grow) > 0)
    if lips.sum() < 10 or skin.sum() < 10:
        return Check("mouth", "warn", None, "", "the lips are too small to check")
    px = crop.image.astype(np.float32) + 1.0
    red = np.log(px[..., 2] / px[..., 1])
    blue = np.log(px[..., 0] / px[..., 1])
    luma = _luma(crop.image)
    redder = float(red[lips].mean() - np.median(red[skin]))
    texture = float(luma[lips].std()) / max(float(luma[skin].std()), 1.0)
    skin_tint = max(abs(float(np.median(red[skin]))), abs(float(np.median(blue[skin]))))
    grey_photo = skin_tint < GREY_SKIN
    if texture < LIP_FLAT:
        status: Status = "fail"
        advice = "something flat covers the mouth: the lips must be visible"
    elif redder < LIP_RED_WARN and not grey_photo:
        status = "warn"
        advice = "the lips are hard to see (a hand, microphone or hair?): uncover the mouth"
    else:
        status, advice = "pass", ""
    return Check("mouth", status, round(redder, 3), "", advice)
