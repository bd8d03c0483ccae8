"""Per-frame geometry of the photo avatar: blend shapes, head motion, backward maps.

The output ROI around the head is resampled from the plate through one backward map
(output pixel → plate pixel). Inside the face mesh the map is piecewise affine (each
triangle's deformed position → its rest position); outside it, the head's motion fades
out smoothly towards the torso and background, which never move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.rig import INNER_PAIRS, JAW_OPEN, SHAPES, PhotoRig, inner_lip_gaps
from persona.types import MOUTH_CHANNELS, FaceState

MESH_STEP = 4  # the mesh map is evaluated every MESH_STEP pixels and interpolated...
FINE_STEP = 1  # ...and every FINE_STEP pixels around the lips and closing eyelids
HEAD_STEP = 8  # likewise for the smooth head-motion field
FALLOFF = 1.45  # head motion fades to zero at this many head radii

_MOUTH = {name: i for i, name in enumerate(MOUTH_CHANNELS)}


def shape_weights(rig: PhotoRig, state: FaceState) -> np.ndarray:
    """Blend-shape coefficients for one frame (see :data:`persona.avatar.rig.SHAPES`)."""
    m = state.mouth
    c = np.zeros(len(SHAPES), np.float32)
    drop = JAW_OPEN * rig.frame.mouth_width
    target = max(0.0, m[_MOUTH["jaw"]]) * drop
    if target >= rig.source_gap:
        c[SHAPES.index("jaw")] = (target - rig.source_gap) / drop
    elif rig.source_gap > 0.5:
        c[SHAPES.index("close")] = (rig.source_gap - target) / rig.source_gap
    for name in ("width", "round", "upper", "lower"):
        c[SHAPES.index(name)] = m[_MOUTH[name]]
    c[SHAPES.index("smile")] = state.smile
    c[SHAPES.index("blink_l")] = c[SHAPES.index("blink_r")] = state.blink
    c[SHAPES.index("brow")] = state.brow
    return c


def deformed_vertices(rig: PhotoRig, weights: np.ndarray) -> np.ndarray:
    """Vertex positions after blend shapes, before head motion; lips never cross."""
    # Plain loops over the few active shapes: BLAS calls on arrays this small cost more in
    # thread hand-offs (while x264 keeps both cores busy) than the arithmetic itself.
    v = rig.vertices.copy()
    for k in np.flatnonzero(weights):
        v += weights[k] * rig.basis[k]
    crossed = inner_lip_gaps(v, rig.frame.v) < 0
    if crossed.any():
        up, lo = INNER_PAIRS[crossed, 0], INNER_PAIRS[crossed, 1]
        mid = (v[up] + v[lo]) / 2
        v[up] = mid
        v[lo] = mid
    return v.astype(np.float32)


@dataclass(frozen=True)
class HeadPose:
    """A rigid 3D head rotation about a centre inside the head, then a translation."""

    rot: np.ndarray  # (3, 3)
    centre: np.ndarray  # (3,) x, y, depth in pixels
    shift: np.ndarray  # (2,)

    @staticmethod
    def from_state(rig: PhotoRig, head: tuple[float, ...]) -> HeadPose:
        yaw, pitch, roll = (np.radians(x) for x in head[:3])
        cy, sy, cp, sp, cr, sr = (
            np.cos(yaw),
            np.sin(yaw),
            np.cos(pitch),
            np.sin(pitch),
            np.cos(roll),
            np.sin(roll),
        )
        r_yaw = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
        r_pitch = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
        r_roll = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
        fw = rig.frame.face_width
        centre = np.array([*rig.head_center, float(np.median(rig.depth)) + 0.75 * fw])
        shift = np.array([head[3], head[4]]) * fw
        return HeadPose(rot=r_roll @ r_pitch @ r_yaw, centre=centre, shift=shift)

    def apply(self, xy: np.ndarray, z: np.ndarray) -> np.ndarray:
        r, c = self.rot, self.centre
        px, py, pz = xy[:, 0] - c[0], xy[:, 1] - c[1], z - c[2]
        out = np.empty_like(xy)
        out[:, 0] = r[0, 0] * px + r[0, 1] * py + r[0, 2] * pz + c[0] + self.shift[0]
        out[:, 1] = r[1, 0] * px + r[1, 1] * py + r[1, 2] * pz + c[1] + self.shift[1]
        return out


def _dot(a: np.ndarray, u: np.ndarray) -> np.ndarray:
    return a[..., 0] * u[0] + a[..., 1] * u[1]


def head_weight(rig: PhotoRig, xy: np.ndarray) -> np.ndarray:
    """1 on the head, fading to 0 at FALLOFF radii and below the chin (the neck)."""
    fr = rig.frame
    d = xy - rig.head_center
    r = np.hypot(_dot(d, fr.u) / rig.head_radii[0], _dot(d, fr.v) / rig.head_radii[1])
    s = np.clip((FALLOFF - r) / (FALLOFF - 1.0), 0, 1)
    w = s * s * (3 - 2 * s)
    below = _dot(xy - rig.chin, fr.v) / (0.45 * fr.face_height)
    n = np.clip(1.0 - below, 0, 1)
    return w * np.where(below > 0, n * n * (3 - 2 * n), 1.0)


def moved_vertices(
    rig: PhotoRig, local: np.ndarray, pose: HeadPose, weight: np.ndarray
) -> np.ndarray:
    """Vertices after head motion; ``weight`` is :func:`head_weight` at the rest vertices."""
    moved = pose.apply(local, rig.depth)
    return (local + weight[:, None] * (moved - local)).astype(np.float32)


@dataclass(frozen=True, eq=False)
class HeadGrid:
    """The coarse sample grid of the head-motion field over an ROI, with its weights."""

    roi: tuple[int, int, int, int]
    points: np.ndarray  # (n, 2)
    weight: np.ndarray  # (n,)
    depth: np.ndarray  # (n,)
    shape: tuple[int, int]  # grid rows, cols

    @staticmethod
    def build(rig: PhotoRig, roi: tuple[int, int, int, int]) -> HeadGrid:
        x, y, w, h = roi
        gx, gy = _grid_axis(x, w, HEAD_STEP), _grid_axis(y, h, HEAD_STEP)
        xx, yy = np.meshgrid(gx, gy)
        pts = np.stack([xx.ravel(), yy.ravel()], axis=1)
        ring_depth = float(np.median(rig.depth[tp.N_MESH : tp.N_MESH + 28]))
        return HeadGrid(
            roi, pts, head_weight(rig, pts), np.full(len(pts), ring_depth), (len(gy), len(gx))
        )


def head_map(grid: HeadGrid, pose: HeadPose) -> np.ndarray:
    """Backward map (h, w, 2) of the smooth head motion over the grid's ROI."""
    import cv2

    _, _, w, h = grid.roi
    pts = grid.points
    disp = grid.weight[:, None] * (pose.apply(pts, grid.depth) - pts)
    rows, cols = grid.shape
    src = (pts - disp).reshape(rows, cols, 2).astype(np.float32)
    full = cv2.resize(src, (cols * HEAD_STEP, rows * HEAD_STEP), interpolation=cv2.INTER_LINEAR)
    return full[:h, :w]


def _grid_axis(start: int, length: int, step: int) -> np.ndarray:
    """Sample positions whose linear upsampling by ``step`` (cv2.resize) lands exactly on
    pixel centres ``start .. start + length - 1``."""
    n = (length + step - 1) // step
    return start + np.arange(n, dtype=np.float64) * step + (step - 1) / 2


def mesh_map(
    rig: PhotoRig,
    dst: np.ndarray,
    box: tuple[int, int, int, int],
    outside: np.ndarray,
    step: int = MESH_STEP,
) -> np.ndarray:
    """Backward map over ``box`` from the deformed mesh ``dst`` to rest.

    The map is exact at every ``step``-th pixel and interpolated between. ``outside`` is
    the backward map (same box, full resolution) taken where no triangle covers a sample;
    it is smooth, so interpolating it between samples changes nothing visible.
    """
    import cv2

    x, y, w, h = box
    gx, gy = _grid_axis(x, w, step), _grid_axis(y, h, step)
    tri_dst = dst[rig.triangles]  # (T, 3, 2)
    lo, hi = tri_dst.min(axis=1), tri_dst.max(axis=1)
    near = np.flatnonzero(
        (hi[:, 0] >= x) & (lo[:, 0] < x + w) & (hi[:, 1] >= y) & (lo[:, 1] < y + h)
    )
    ids = np.full((len(gy), len(gx)), -1, np.int32)
    origin = (x + (step - 1) / 2, y + (step - 1) / 2)
    grid = np.round((tri_dst[near] - origin) / step * 16).astype(np.int32)
    for k, tri in zip(near, grid, strict=True):
        cv2.fillConvexPoly(ids, tri, int(k), lineType=cv2.LINE_8, shift=4)
    affine = _affines(tri_dst, rig.vertices[rig.triangles])
    a = affine[np.maximum(ids, 0)]
    gxf, gyf = gx.astype(np.float32)[None, :], gy.astype(np.float32)[:, None]
    coarse = np.empty((*ids.shape, 2), np.float32)
    coarse[..., 0] = a[..., 0, 0] * gxf + a[..., 0, 1] * gyf + a[..., 0, 2]
    coarse[..., 1] = a[..., 1, 0] * gxf + a[..., 1, 1] * gyf + a[..., 1, 2]
    uncovered = ids < 0
    iy = np.minimum((gy - y).astype(int), h - 1)
    ix = np.minimum((gx - x).astype(int), w - 1)
    coarse[uncovered] = outside[iy[:, None], ix[None, :]][uncovered]
    if step == 1:
        return coarse
    size = (len(gx) * step, len(gy) * step)
    return cv2.resize(coarse, size, interpolation=cv2.INTER_LINEAR)[:h, :w]


def _affines(dst: np.ndarray, src: np.ndarray) -> np.ndarray:
    """(T, 2, 3) affine maps taking each dst triangle onto its src triangle."""
    d0, s0 = dst[:, 0], src[:, 0]
    e1, e2 = dst[:, 1] - d0, dst[:, 2] - d0
    f1, f2 = src[:, 1] - s0, src[:, 2] - s0
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    bad = np.abs(det) < 1e-6
    inv_det = 1.0 / np.where(bad, 1.0, det)
    # inverse of [e1 e2] (columns), then linear part = [f1 f2] @ inverse
    i00, i01 = e2[:, 1] * inv_det, -e2[:, 0] * inv_det
    i10, i11 = -e1[:, 1] * inv_det, e1[:, 0] * inv_det
    out = np.empty((len(dst), 2, 3), np.float32)
    out[:, :, 0] = f1 * i00[:, None] + f2 * i10[:, None]
    out[:, :, 1] = f1 * i01[:, None] + f2 * i11[:, None]
    out[:, :, 2] = s0 - out[:, :, 0] * d0[:, :1] - out[:, :, 1] * d0[:, 1:]
    out[bad] = np.array([[1, 0, 0], [0, 1, 0]], np.float32)
    return out
