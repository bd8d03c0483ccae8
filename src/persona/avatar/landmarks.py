"""Face landmarks: a :class:`Landmarker` protocol and the MediaPipe FaceMesh backend.

Landmarks are found once, when an avatar is made, never per frame. The backend loads
lazily on first use; MediaPipe's models ship inside its wheel, so nothing is downloaded.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from persona.avatar import topology
from persona.avatar.mp import quiet_native_stderr, shrink, solutions

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class FaceLandmarks:
    """478 face points in pixel coordinates of the image they were found in.

    ``depth`` is each point's relative depth in the same pixel units (+ away from the
    camera), as FaceMesh estimates it; it gives head rotation its parallax.
    """

    points: np.ndarray  # float32 (478, 2)
    depth: np.ndarray  # float32 (478,)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the face surface points."""
        p = self.points[: topology.N_MESH]
        return (
            float(p[:, 0].min()),
            float(p[:, 1].min()),
            float(p[:, 0].max()),
            float(p[:, 1].max()),
        )

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.box
        return (x1 - x0) * (y1 - y0)


class Landmarker(Protocol):
    name: str

    def detect(self, image: np.ndarray) -> list[FaceLandmarks]:
        """All faces in a BGR image, largest first."""
        ...


class MediaPipeLandmarker:
    """MediaPipe FaceMesh (468 points + iris), with a full-range detector as fallback.

    FaceMesh's own detector is tuned for faces close to the camera; for small faces in
    large photos the full-range face detector finds the face first and FaceMesh runs on
    a crop around it.
    """

    name = "mediapipe"
    max_faces = 5
    work_side = 1280  # images are searched at most this large
    tile_side = 512  # and, when nothing is found, in overlapping tiles this large

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mesh: Any = None
        self._detector: Any = None

    def _load(self) -> None:
        if self._mesh is not None:
            return
        mp = solutions()
        face_mesh, face_detection = mp.face_mesh, mp.face_detection
        self._mesh = face_mesh.FaceMesh(
            static_image_mode=True,
            max_num_faces=self.max_faces,
            refine_landmarks=True,
            min_detection_confidence=0.5,
        )
        self._detector = face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=0.5
        )

    def detect(self, image: np.ndarray) -> list[FaceLandmarks]:

        with self._lock, quiet_native_stderr():
            self._load()
            small, scale = shrink(image, self.work_side)
            rgb = np.ascontiguousarray(small[:, :, ::-1])
            raw = self._mesh_faces(rgb, offset=(0.0, 0.0))
            raw += self._via_detector(rgb, known=raw)
            if not raw:
                raw = self._tiled(rgb)
        faces = [
            FaceLandmarks(
                points=(f[:, :2] / scale).astype(np.float32),
                depth=(f[:, 2] / scale).astype(np.float32),
            )
            for f in raw
        ]
        return sorted(faces, key=lambda f: f.area, reverse=True)

    def _mesh_faces(self, rgb: np.ndarray, offset: tuple[float, float]) -> list[np.ndarray]:
        result = self._mesh.process(rgb)
        if not result.multi_face_landmarks:
            return []
        h, w = rgb.shape[:2]
        out = []
        for face in result.multi_face_landmarks:
            pts = np.array([(p.x * w, p.y * h, p.z * w) for p in face.landmark], dtype=np.float32)
            out.append(pts + np.asarray((*offset, 0.0), dtype=np.float32))
        return out

    def _tiled(self, rgb: np.ndarray) -> list[np.ndarray]:
        """Search overlapping tiles: a face a few percent of a large photo's width is too
        small for either model on the whole image."""
        h, w = rgb.shape[:2]
        side = self.tile_side
        if max(h, w) <= side:
            return []
        step = side // 2
        found: list[np.ndarray] = []
        for y in range(0, max(1, h - step), step):
            for x in range(0, max(1, w - step), step):
                tile = np.ascontiguousarray(rgb[y : y + side, x : x + side])
                for face in self._via_detector(tile, known=[]):
                    face = face + np.array([x, y, 0.0], dtype=np.float32)
                    cx, cy = face[: topology.N_MESH, :2].mean(axis=0)
                    if not any(_contains(f, float(cx), float(cy)) for f in found):
                        found.append(face)
        return found

    def _via_detector(self, rgb: np.ndarray, known: list[np.ndarray]) -> list[np.ndarray]:
        """Faces the detector finds that FaceMesh missed (small or distant faces)."""
        result = self._detector.process(rgb)
        if not result.detections:
            return []
        h, w = rgb.shape[:2]
        faces = []
        for det in result.detections:
            box = det.location_data.relative_bounding_box
            cx = (box.xmin + box.width / 2) * w
            cy = (box.ymin + box.height / 2) * h
            if any(_contains(f, cx, cy) for f in known):
                continue
            side = max(box.width * w, box.height * h) * 2.2
            x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
            x1, y1 = int(min(w, cx + side / 2)), int(min(h, cy + side / 2))
            if x1 - x0 < 16 or y1 - y0 < 16:
                continue
            crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
            found = self._mesh_faces(crop, offset=(float(x0), float(y0)))
            faces.extend(found[:1])
        return faces


def _contains(points: np.ndarray, x: float, y: float) -> bool:
    p = points[: topology.N_MESH]
    return bool(p[:, 0].min() <= x <= p[:, 0].max() and p[:, 1].min() <= y <= p[:, 1].max())


_DEFAULT: MediaPipeLandmarker | None = None


def default_landmarker() -> Landmarker:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = MediaPipeLandmarker()
    return _DEFAULT
