"""The talking-photo avatar: one portrait, deformed per frame by its rig.

:meth:`PhotoAvatar.render` draws the framed photo as it is; :meth:`PhotoAvatar.render_bgra`
draws the person alone over transparency (:mod:`persona.avatar.cutout`), for scenes that
composite them over their own background.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.background import Background, person_mask, replace_background
from persona.avatar.cutout import (
    cutout_plate,
    matte_finder,
    placed_mask,
    solid_over,
    with_face,
)
from persona.avatar.framing import DEFAULT_SHOT, Framed, frame_photo
from persona.avatar.image import load_image
from persona.avatar.landmarks import Landmarker, default_landmarker
from persona.avatar.mouth import MouthLook, MouthPose, draw_line, paint_interior, smooth_curve
from persona.avatar.rig import JAW_OPEN, SHAPES, PhotoRig, build_rig, inner_lip_gaps
from persona.avatar.warp import (
    FALLOFF,
    FINE_STEP,
    HEAD_STEP,
    HeadGrid,
    HeadPose,
    deformed_vertices,
    head_map,
    head_weight,
    mesh_map,
    moved_vertices,
    shape_weights,
)
from persona.errors import NoFaceError
from persona.types import MOUTH_CHANNELS, FaceState, Frame, Rect

log = logging.getLogger(__name__)

MIN_FACE_PX = 48  # faces narrower than this in the photo are too small to animate
_TEETH, _TONGUE = MOUTH_CHANNELS.index("teeth"), MOUTH_CHANNELS.index("tongue")


class PhotoAvatar:
    """Renders :class:`FaceState`s of one photo at a fixed output size.

    ``matte`` returns the person's alpha on the plate (float32 0..1, :meth:`render_bgra`
    calls it once, when first drawing without the background); without it the person
    is found on the plate itself.
    """

    kind = "photo"

    def __init__(
        self,
        framed: Framed,
        rig: PhotoRig,
        *,
        matte: Callable[[], np.ndarray] | None = None,
    ) -> None:
        self.framed = framed
        self.rig = rig
        self.width = framed.plate.shape[1]
        self.height = framed.plate.shape[0]
        self.look = _mouth_look(framed.plate, framed.points, rig.source_gap)
        self.roi = _head_roi(rig, self.width, self.height)
        self.mesh_box = _mesh_box(rig, self.roi)
        self._buffer = framed.plate.copy()
        self._lash = _lash_colour(framed.plate, framed.points)
        self._vertex_weight = head_weight(rig, rig.vertices)
        self._grid = HeadGrid.build(rig, self.roi)
        self._matte = matte
        self._cutout: np.ndarray | None = None  # premultiplied BGRA plate of the person
        self._bgra: np.ndarray | None = None

    @classmethod
    def from_image(
        cls,
        image: np.ndarray,
        width: int,
        height: int,
        *,
        landmarker: Landmarker | None = None,
        warn: Callable[[str], None] | None = None,
        background: Background | None = None,
        shot: str = DEFAULT_SHOT,
    ) -> PhotoAvatar:
        """Find the face (the largest, if several), frame the photo and fit the rig.

        With a ``background``, the person is cut out and put in front of it before the
        photo is framed, so head motion moves the person over the new background.
        ``shot`` is a framing preset (:data:`~persona.avatar.framing.SHOTS`).
        """
        faces = (landmarker or default_landmarker()).detect(image)
        if not faces:
            raise NoFaceError("no face found in the photo: use a well-lit, front-facing portrait")
        if len(faces) > 1 and warn is not None:
            warn(f"{len(faces)} faces found in the photo; animating the largest")
        face = faces[0]
        x0, _, x1, _ = face.box
        if x1 - x0 < MIN_FACE_PX:
            raise NoFaceError(
                f"the face is too small to animate ({x1 - x0:.0f} px wide, at least "
                f"{MIN_FACE_PX} px): use a closer or larger photo"
            )
        mask = None
        if background is not None:
            mask = person_mask(image)
            image = replace_background(image, mask, background)
        framed = frame_photo(image, face.points, width, height, shot=shot)
        rig = build_rig(framed.points, face.depth * framed.scale)
        if mask is None:
            return cls(framed, rig, matte=matte_finder(image, face.points, framed))
        # The matte comes from the person, not from what now stands behind them.
        placed = placed_mask(mask, framed, face.points, image.shape)
        return cls(framed, rig, matte=lambda: placed)

    @classmethod
    def from_path(
        cls,
        path: str | Path,
        width: int,
        height: int,
        warn: Callable[[str], None] | None = None,
        *,
        background: Background | None = None,
        shot: str = DEFAULT_SHOT,
    ) -> PhotoAvatar:
        return cls.from_image(
            load_image(path), width, height, warn=warn, background=background, shot=shot
        )

    # ------------------------------------------------------------------ rendering

    def render(self, state: FaceState) -> Frame:
        self._draw(state, self.framed.plate, self._buffer)
        x, y, w, h = self.roi
        return Frame(image=self._buffer, dirty=Rect(x, y, w, h))

    def render_bgra(self, state: FaceState) -> np.ndarray:
        """The person alone over transparency: (H, W, 4) uint8 BGRA, premultiplied alpha.

        The first call finds the person's matte (MediaPipe selfie segmentation); every
        call moves it with the head and the face mesh exactly as the colour moves. The
        buffer is reused by the next call: copy what you keep.
        """
        if self._cutout is None:
            self._cutout = cutout_plate(self.framed.plate, self._person_matte())
            self._bgra = self._cutout.copy()
        bgra = self._bgra
        assert bgra is not None
        dst = self._draw(state, self._cutout, bgra)
        # The painted mouth and lashes are the face: opaque, whatever the matte says.
        mw = self.rig.frame.mouth_width
        solid_over(bgra, dst[list(tp.OUTER_LIP_RING)], 0.1 * mw)
        if state.blink > 0.5:
            for eye in (tp.EYE_L_UPPER + tp.EYE_L_LOWER, tp.EYE_R_UPPER + tp.EYE_R_LOWER):
                solid_over(bgra, dst[list(eye)], 0.1 * mw)
        return bgra

    def _person_matte(self) -> np.ndarray:
        find, self._matte = self._matte, None  # the cut-out plate holds it from now on
        matte = person_mask(self.framed.plate) if find is None else find()
        return with_face(matte, self.framed.points)

    def _draw(self, state: FaceState, plate: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Resample ``plate`` (BGR, or premultiplied BGRA) for ``state`` into ``out``'s ROI;
        return the moved mesh vertices.

        Only the ROI changes; outside it ``out`` keeps what it was made with.
        """
        import cv2

        rig = self.rig
        weights = shape_weights(rig, state)
        local = deformed_vertices(rig, weights)
        pose = HeadPose.from_state(rig, state.head)
        dst = moved_vertices(rig, local, pose, self._vertex_weight)

        x, y, w, h = self.roi
        mapping = head_map(self._grid, pose)
        bx, by, bw, bh = self.mesh_box
        sub = mapping[by - y : by - y + bh, bx - x : bx - x + bw]
        sub[...] = mesh_map(rig, dst, self.mesh_box, sub)
        # Where triangles collapse (parting lips, meeting lids) interpolating a coarse map
        # would smear; resample those small regions exactly.
        groups = [tp.OUTER_LIP_RING]
        if state.blink > 0.3:
            groups += [tp.EYE_L_UPPER + tp.EYE_L_LOWER, tp.EYE_R_UPPER + tp.EYE_R_LOWER]
        for group in groups:
            fx, fy, fw, fh = _region(dst[list(group)], self.mesh_box, 0.12 * rig.frame.mouth_width)
            if fw > 0 and fh > 0:
                fine = mapping[fy - y : fy - y + fh, fx - x : fx - x + fw]
                fine[...] = mesh_map(rig, dst, (fx, fy, fw, fh), fine, step=FINE_STEP)
        out[y : y + h, x : x + w] = cv2.remap(
            plate, mapping, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        # The mouth and eyes lie inside the face, where a cut-out's alpha is 1: painting
        # its colour channels keeps the colour premultiplied.
        colour = out[..., :3]
        paint_interior(colour, self._mouth_pose(state, weights, dst, pose), self.look)
        if state.blink > 0.5:
            self._draw_lashes(colour, dst, state.blink)
        return dst

    def _draw_lashes(self, image: np.ndarray, dst: np.ndarray, blink: float) -> None:
        """The lash line of a closing eye (hides the lid seam where the lids meet)."""
        s = min(1.0, (blink - 0.5) / 0.4)
        alpha = s * s * (3 - 2 * s)
        thickness = max(1.2, 0.012 * self.rig.frame.face_width)
        for upper in (tp.EYE_L_UPPER, tp.EYE_R_UPPER):
            curve = smooth_curve(dst[list(upper)])
            draw_line(image, curve, self._lash, thickness, 0.85 * alpha)

    def _mouth_pose(
        self, state: FaceState, weights: np.ndarray, dst: np.ndarray, pose: HeadPose
    ) -> MouthPose:
        rig, fr = self.rig, self.rig.frame
        pts = np.stack([fr.mouth, fr.mouth + fr.u * 10.0])
        z = np.full(2, float(rig.depth[tp.UPPER_LIP_CENTER]))
        moved = pose.apply(pts, z)
        u = (moved[1] - moved[0]) / np.linalg.norm(moved[1] - moved[0])
        v = np.array([-u[1], u[0]])
        mw = fr.mouth_width
        b_upper = float(fr.local(rig.vertices[tp.UPPER_LIP_CENTER])[1])
        b_lower = float(fr.local(rig.vertices[tp.LOWER_LIP_CENTER])[1])
        drop = float(weights[SHAPES.index("jaw")]) * JAW_OPEN * mw
        upper_edge = b_upper + 0.35 * rig.source_gap + 0.012 * mw
        lower_edge = b_lower + drop - 0.05 * mw
        tongue = float(state.mouth[_TONGUE])
        gap = float(inner_lip_gaps(dst, v).max())
        return MouthPose(
            contour=dst[list(tp.INNER_LIP_RING)],
            centre=moved[0],
            u=u,
            v=v,
            mouth_width=mw,
            upper_edge=upper_edge,
            lower_edge=lower_edge,
            teeth=float(state.mouth[_TEETH]),
            tongue=tongue,
            tongue_lift=tongue * max(0.0, lower_edge - upper_edge) * 0.6,
            opening=gap / max(1.5, 0.03 * mw),
        )


def _sample(
    plate: np.ndarray, points: np.ndarray, indices: tuple[int, ...], r: int = 2
) -> np.ndarray:
    samples = []
    for i in indices:
        x, y = np.round(points[i]).astype(int)
        patch = plate[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1]
        if patch.size:
            samples.append(patch.reshape(-1, 3).mean(axis=0))
    return np.median(np.array(samples), axis=0) if samples else np.array([150.0, 160.0, 190.0])


def _mouth_look(plate: np.ndarray, points: np.ndarray, gap: float) -> MouthLook:
    import cv2

    skin = _sample(plate, points, (50, 280, 205, 425, 101, 330), r=3)
    lip = _sample(plate, points, (17, 84, 314, 0, 37, 267))
    teeth = None
    if gap > 3.0:
        mask = np.zeros(plate.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(points[list(tp.INNER_LIP_RING)]).astype(np.int32)], 255)
        inside = plate[mask > 0].astype(np.float64)
        if len(inside) >= 20:
            luma = inside @ np.array([0.114, 0.587, 0.299])
            bright = inside[luma >= np.percentile(luma, 70)]
            if bright.mean() > 110:
                teeth = bright.mean(axis=0)
    return MouthLook.from_photo(skin, lip, teeth)


def _lash_colour(plate: np.ndarray, points: np.ndarray) -> tuple[float, float, float]:
    c = _sample(plate, points, tp.EYE_L_UPPER[2:-2] + tp.EYE_R_UPPER[2:-2], r=1)
    c = np.minimum(c, 90.0) * 0.6
    return (float(c[0]), float(c[1]), float(c[2]))


def _even_rect(
    x0: float, y0: float, x1: float, y1: float, width: int, height: int
) -> tuple[int, int, int, int]:
    ix0 = max(0, int(np.floor(x0)) & ~1)
    iy0 = max(0, int(np.floor(y0)) & ~1)
    ix1 = min(width, (int(np.ceil(x1)) + 1) & ~1)
    iy1 = min(height, (int(np.ceil(y1)) + 1) & ~1)
    return ix0, iy0, ix1 - ix0, iy1 - iy0


def _head_roi(rig: PhotoRig, width: int, height: int) -> tuple[int, int, int, int]:
    """Everything head motion or the mesh can touch, in whole even pixels.

    The size is a multiple of the head grid's step where the frame allows, so the
    upsampled motion field needs no cropping (a cropped field costs a copy per frame).
    """
    r = float(max(rig.head_radii)) * FALLOFF
    cx, cy = rig.head_center
    below = float(rig.chin[1] + 0.45 * rig.frame.face_height)
    mesh = rig.vertices
    x0 = min(cx - r, float(mesh[:, 0].min()))
    x1 = max(cx + r, float(mesh[:, 0].max()))
    y0 = min(cy - r, float(mesh[:, 1].min()))
    y1 = max(min(cy + r, below), float(mesh[:, 1].max()))
    x, y, w, h = _even_rect(x0, y0, x1, y1, width, height)
    w, x = _fit_step(x, w, width)
    h, y = _fit_step(y, h, height)
    return x, y, w, h


def _fit_step(start: int, length: int, limit: int) -> tuple[int, int]:
    """Grow ``length`` to a multiple of HEAD_STEP inside [0, limit), moving start if needed."""
    want = -(-length // HEAD_STEP) * HEAD_STEP
    if want > limit:
        return length, start
    start = min(start, limit - want)
    return want, start - start % 2


def _region(
    points: np.ndarray, within: tuple[int, int, int, int], margin: float
) -> tuple[int, int, int, int]:
    bx, by, bw, bh = within
    x0, y0 = np.floor(points.min(axis=0) - margin).astype(int)
    x1, y1 = np.ceil(points.max(axis=0) + margin).astype(int)
    x0, y0 = max(int(x0), bx), max(int(y0), by)
    x1, y1 = min(int(x1), bx + bw), min(int(y1), by + bh)
    return x0, y0, x1 - x0, y1 - y0


def _mesh_box(rig: PhotoRig, roi: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    margin = 0.12 * rig.frame.face_width
    x0, y0 = rig.vertices.min(axis=0) - margin
    x1, y1 = rig.vertices.max(axis=0) + margin
    rx, ry, rw, rh = roi
    x0, y0 = max(x0, rx), max(y0, ry)
    x1, y1 = min(x1, rx + rw), min(y1, ry + rh)
    return int(x0), int(y0), int(x1) - int(x0), int(y1) - int(y0)
