"""Face tracking through a clip: landmarks per frame, smoothed, and what they tell.

FaceMesh runs in its video mode (it follows the face from frame to frame instead of
searching every picture), one face. A few frames spread over the clip are searched with
the full photo landmarker too (:mod:`persona.avatar.landmarks`), which finds small and
extra faces, so a second person in the picture is noticed. Raw landmarks shimmer by a
pixel or so; the tracks are smoothed over time, the lips less than the rest because
they move fast.

Per frame the track also keeps what later stages compare: a small grey copy of the
picture (loop matching), the face's sharpness, head pose, eye and mouth opening.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.landmarks import default_landmarker
from persona.avatar.mp import quiet_native_stderr, solutions
from persona.avatar.video.ingest import ClipInfo, iter_frames
from persona.errors import NoFaceError, VideoFaceError
from persona.progress import NullProgress, Progress

MIN_FACE_PX = 80  # source pixels across the face; smaller faces give blurry mouths
MIN_FOUND = 0.8  # share of frames the face must be found in
SECOND_FACE = 0.3  # another face this large (by area, of the main one) is a second person
SMALL_SIDE = 160  # short side of the grey copies kept for matching
LIP_SIGMA, REST_SIGMA = 0.8, 2.0  # temporal smoothing, frames

MOUTH_POINTS = tuple(
    sorted(set(tp.OUTER_LIP_RING + tp.INNER_LIP_RING + tp.FACE_OVAL[12:25] + (2, 164, 0, 17)))
)
"""Lips, the jaw line from cheek to cheek, and the philtrum: what a mouth sample moves."""


@dataclass(frozen=True, eq=False)
class Track:
    """Per-frame face data of a clip, ``n`` working frames long."""

    points: np.ndarray  # float32 (n, 478, 2), smoothed, working pixels
    depth: np.ndarray  # float32 (n, 478)
    found: np.ndarray  # bool (n,): FaceMesh saw the face (else interpolated)
    small: np.ndarray  # uint8 (n, h, w) grey copies of the frames
    small_scale: float  # small pixels per working pixel
    sharpness: np.ndarray  # float32 (n,) variance of the Laplacian over the face

    @property
    def n_frames(self) -> int:
        return int(self.points.shape[0])


class VideoTracker:
    """Finds the face once with the photo landmarker, then follows it with FaceMesh on a
    square crop around where it was last seen.

    On the crop the face is large, whatever its size in the picture, so FaceMesh's
    short-range detector finds it every time; a lost face is searched for again on the
    whole picture (every :attr:`search_every` frames, at most :attr:`max_searches`
    times, so a clip without a face fails in seconds).
    """

    crop_side = 256  # crops are searched at most this large
    search_every = 5
    max_searches = 40

    def __init__(self) -> None:
        self._mesh: Any = None
        self._square: tuple[int, int, int] | None = None  # x, y, side
        self._searches = 0

    def __enter__(self) -> VideoTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._mesh is not None:
            self._mesh.close()
            self._mesh = None

    def find(self, image: np.ndarray, k: int) -> np.ndarray | None:
        """478 points (x, y, depth) in pixels of the BGR ``image`` (frame ``k``), or
        ``None``."""
        if self._square is not None:
            found = self._in_crop(image, self._square)
            if found is not None:
                self._square = _square(found, image.shape)
                return found
            self._square = None
        if self._searches >= self.max_searches or (self._searches and k % self.search_every):
            return None
        self._searches += 1
        faces = default_landmarker().detect(image)
        if not faces:
            return None
        found = np.column_stack([faces[0].points, faces[0].depth]).astype(np.float32)
        self._square = _square(found, image.shape)
        return found

    def _in_crop(self, image: np.ndarray, square: tuple[int, int, int]) -> np.ndarray | None:
        import cv2

        x, y, side = square
        crop = image[y : y + side, x : x + side]
        scale = min(1.0, self.crop_side / side)
        if scale < 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        h, w = crop.shape[:2]
        with quiet_native_stderr():
            if self._mesh is None:
                self._mesh = solutions().face_mesh.FaceMesh(
                    static_image_mode=True,
                    max_num_faces=1,
                    refine_landmarks=True,
                    min_detection_confidence=0.5,
                )
            result = self._mesh.process(np.ascontiguousarray(crop[:, :, ::-1]))
        if not result.multi_face_landmarks:
            return None
        lm = result.multi_face_landmarks[0].landmark
        pts = np.array([(p.x * w, p.y * h, p.z * w) for p in lm], dtype=np.float32) / scale
        pts[:, 0] += x
        pts[:, 1] += y
        return pts


def _square(points: np.ndarray, shape: tuple[int, ...]) -> tuple[int, int, int]:
    """A square twice the face's size around it, inside the picture where possible."""
    p = points[: tp.N_MESH, :2]
    (x0, y0), (x1, y1) = p.min(axis=0), p.max(axis=0)
    h, w = shape[:2]
    side = int(min(2.0 * max(x1 - x0, y1 - y0), h, w))
    x = int(np.clip((x0 + x1) / 2 - side / 2, 0, w - side))
    y = int(np.clip((y0 + y1) / 2 - side / 2, 0, h - side))
    return x, y, side


def track_clip(info: ClipInfo, progress: Progress | None = None) -> Track:
    """Track the face through every working frame of ``info``.

    Raises :class:`NoFaceError` when no face is found, :class:`VideoFaceError` when the
    face is lost too often, too small, or shares the picture with another person.
    """
    import cv2

    progress = progress or NullProgress()
    n = info.n_frames
    raw = np.full((n, tp.N_POINTS, 3), np.nan, np.float32)
    sharp = np.zeros(n, np.float32)
    scale = min(1.0, SMALL_SIDE / min(info.work_width, info.work_height))
    sw, sh = max(1, round(info.work_width * scale)), max(1, round(info.work_height * scale))
    small = np.zeros((n, sh, sw), np.uint8)
    checks = {round(n * f) for f in (0.1, 0.5, 0.9)}
    crowded = 0
    last: np.ndarray | None = None
    with VideoTracker() as tracker:
        for k, image in iter_frames(info):
            if image is last:  # a low frame rate repeats pictures: track each once
                small[k], raw[k], sharp[k] = small[k - 1], raw[k - 1], sharp[k - 1]
            else:
                grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
                small[k] = cv2.resize(grey, (sw, sh), interpolation=cv2.INTER_AREA)
                found = tracker.find(image, k)
                if found is not None:
                    raw[k] = found
                    sharp[k] = _sharpness(grey, found[:, :2])
            last = image
            if k in checks:
                crowded += _several_faces(image)
            if k % 25 == 0:
                progress.update(k / max(1, n))
    _check_faces(info, raw, crowded, len(checks))
    points, depth = _smooth(_fill_gaps(raw))
    progress.update(1.0)
    return Track(
        points=points[:, :, :2].copy(),
        depth=depth,
        found=~np.isnan(raw[:, 0, 0]),
        small=small,
        small_scale=scale,
        sharpness=sharp,
    )


def _sharpness(grey: np.ndarray, points: np.ndarray) -> float:
    import cv2

    x0, y0 = np.floor(points[: tp.N_MESH].min(axis=0)).astype(int)
    x1, y1 = np.ceil(points[: tp.N_MESH].max(axis=0)).astype(int)
    crop = grey[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
    if crop.size < 64:
        return 0.0
    return float(cv2.Laplacian(crop, cv2.CV_32F).var())


def _several_faces(image: np.ndarray) -> int:
    faces = default_landmarker().detect(image)
    return int(len(faces) > 1 and faces[1].area >= SECOND_FACE * faces[0].area)


def _check_faces(info: ClipInfo, raw: np.ndarray, crowded: int, checked: int) -> None:
    found = ~np.isnan(raw[:, 0, 0])
    name = info.path.name
    if not found.any():
        raise NoFaceError(
            f"no face found in {name}: film one person facing the camera, face well lit"
        )
    if crowded * 2 > checked:
        raise VideoFaceError(
            f"several people are in {name}: a video avatar learns one face; crop or "
            "re-record with only that person in the picture"
        )
    share = float(found.mean())
    if share < MIN_FOUND:
        raise VideoFaceError(
            f"the face is visible in only {share:.0%} of {name} (at least {MIN_FOUND:.0%} "
            "needed): keep the face in the picture, facing the camera"
        )
    widths = np.ptp(raw[found][:, : tp.N_MESH, 0], axis=1) / info.scale
    width = float(np.median(widths))
    if width < MIN_FACE_PX:
        raise VideoFaceError(
            f"the face in {name} is too small ({width:.0f} px wide, at least {MIN_FACE_PX} "
            "px): film closer, the face filling a good part of the picture"
        )


def _fill_gaps(raw: np.ndarray) -> np.ndarray:
    """Frames without a face get landmarks interpolated from their neighbours."""
    found = ~np.isnan(raw[:, 0, 0])
    if found.all():
        return raw
    idx = np.flatnonzero(found)
    k = np.arange(len(raw))
    flat = raw[idx].reshape(len(idx), -1)
    filled = np.empty((len(raw), flat.shape[1]), np.float32)
    for c in range(flat.shape[1]):
        filled[:, c] = np.interp(k, idx, flat[:, c])
    return filled.reshape(raw.shape)


def _smooth(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smooth every landmark over time: lips and jaw lightly, the rest more."""
    from scipy.ndimage import gaussian_filter1d

    out = gaussian_filter1d(points, REST_SIGMA, axis=0, mode="nearest")
    lips = list(MOUTH_POINTS)
    out[:, lips] = gaussian_filter1d(points[:, lips], LIP_SIGMA, axis=0, mode="nearest")
    return out.astype(np.float32), out[:, :, 2].astype(np.float32)


# ---------------------------------------------------------------------------- measures


def eye_line(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eye midpoint, unit vector along the eye line and inter-ocular distance, per frame."""
    left = points[..., list(tp.EYE_L_UPPER + tp.EYE_L_LOWER), :].mean(axis=-2)
    right = points[..., list(tp.EYE_R_UPPER + tp.EYE_R_LOWER), :].mean(axis=-2)
    d = right - left
    dist = np.linalg.norm(d, axis=-1)
    return (left + right) / 2, d / dist[..., None], dist


def head_pose(points: np.ndarray) -> np.ndarray:
    """(yaw, pitch, roll) stand-ins per frame, each about ±1 over a natural range.

    Yaw is how far the nose tip sits off the eye midpoint along the eye line; pitch how
    far below the eyes it sits, relative to the chin; roll the eye line's angle (radians).
    All in inter-ocular distances, so they compare between frames of one person.
    """
    mid, u, dist = eye_line(points)
    v = np.stack([-u[..., 1], u[..., 0]], axis=-1)
    nose = points[..., 1, :] - mid
    chin = points[..., tp.CHIN, :] - mid
    yaw = (nose * u).sum(-1) / dist
    pitch = (nose * v).sum(-1) / np.maximum((chin * v).sum(-1), 1e-6)
    roll = np.arctan2(u[..., 1], u[..., 0])
    return np.stack([yaw, pitch, roll], axis=-1).astype(np.float32)


def eye_opening(points: np.ndarray) -> np.ndarray:
    """Lid gap over eye width, both eyes averaged, per frame (about 0.25 open, < 0.1 shut)."""
    gaps = []
    for up, low, a, b in ((159, 145, 33, 133), (386, 374, 362, 263)):
        gap = np.linalg.norm(points[..., up, :] - points[..., low, :], axis=-1)
        gaps.append(gap / np.linalg.norm(points[..., a, :] - points[..., b, :], axis=-1))
    return np.asarray((gaps[0] + gaps[1]) / 2, np.float32)


def mouth_opening(points: np.ndarray) -> np.ndarray:
    """Inner-lip gap at the centre over mouth width, per frame (0 closed)."""
    gap = np.linalg.norm(
        points[..., tp.LOWER_LIP_CENTER, :] - points[..., tp.UPPER_LIP_CENTER, :], axis=-1
    )
    c0, c1 = tp.MOUTH_CORNERS
    width = np.linalg.norm(points[..., c1, :] - points[..., c0, :], axis=-1)
    return np.asarray(gap / width, np.float32)


def mouth_width(points: np.ndarray) -> np.ndarray:
    """Mouth corner distance over inter-ocular distance, per frame."""
    c0, c1 = tp.MOUTH_CORNERS
    width = np.linalg.norm(points[..., c1, :] - points[..., c0, :], axis=-1)
    return np.asarray(width / eye_line(points)[2], np.float32)
