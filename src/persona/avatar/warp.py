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
from persona.avatar.rig import JAW_OPEN, SHAPES, PhotoRig
from persona.types import MOUTH_CHANNELS, FaceState

MESH_STEP = 2  # the mesh map is evaluated every MESH_STEP pixels and interpolated
HEAD_STEP = 8  # likewise for the smooth head-motion field
FALLOFF = 1.45  # head motion fades to zero at this many head radii

_INNER_PAIRS = np.array(
    list(zip(tp.LIPS_INNER_UPPER[1:-1], tp.LIPS_INNER_LOWER[1:-1], strict=True))
)
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
    v = rig.vertices + np.tensordot(weights, rig.basis, axes=1)
    fr = rig.frame
    up, lo = v[_INNER_PAIRS[:, 0]], v[_INNER_PAIRS[:, 1]]
    gap = (lo - up) @ fr.v
    crossed = gap < 0
    if crossed.any():
        mid = (up[crossed] + lo[crossed]) / 2
        v[_INNER_PAIRS[crossed, 0]] = mid
        v[_INNER_PAIRS[crossed, 1]] = mid
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
        p = np.concatenate([xy, z[:, None]], axis=1) - self.centre
        q = p @ self.rot.T + self.centre
        return q[:, :2] + self.shift


def head_weight(rig: PhotoRig, xy: np.ndarray) -> np.ndarray:
    """1 on the head, fading to 0 at FALLOFF radii and below the chin (the neck)."""
    fr = rig.frame
    d = xy - rig.head_center
    r = np.hypot((d @ fr.u) / rig.head_radii[0], (d @ fr.v) / rig.head_radii[1])
    s = np.clip((FALLOFF - r) / (FALLOFF - 1.0), 0, 1)
    w = s * s * (3 - 2 * s)
    below = ((xy - rig.chin) @ fr.v) / (0.45 * fr.face_height)
    n = np.clip(1.0 - below, 0, 1)
    return w * np.where(below > 0, n * n * (3 - 2 * n), 1.0)


def moved_vertices(rig: PhotoRig, local: np.ndarray, pose: HeadPose) -> np.ndarray:
    moved = pose.apply(local, rig.depth)
    w = head_weight(rig, rig.vertices)
    return (local + w[:, None] * (moved - local)).astype(np.float32)


def head_map(rig: PhotoRig, pose: HeadPose, roi: tuple[int, int, int, int]) -> np.ndarray:
    """Backward map (h, w, 2) of the smooth head motion over ``roi`` = (x, y, w, h)."""
    import cv2

    x, y, w, h = roi
    gx, gy = _grid_axis(x, w, HEAD_STEP), _grid_axis(y, h, HEAD_STEP)
    xx, yy = np.meshgrid(gx, gy)
    pts = np.stack([xx.ravel(), yy.ravel()], axis=1)
    z = np.full(len(pts), float(np.median(rig.depth[tp.N_MESH : tp.N_MESH + 28])))
    disp = head_weight(rig, pts)[:, None] * (pose.apply(pts, z) - pts)
    src = (pts - disp).reshape(len(gy), len(gx), 2).astype(np.float32)
    full = cv2.resize(
        src, (len(gx) * HEAD_STEP, len(gy) * HEAD_STEP), interpolation=cv2.INTER_LINEAR
    )
    return full[:h, :w]


def _grid_axis(start: int, length: int, step: int) -> np.ndarray:
    """Sample positions whose linear upsampling by ``step`` (cv2.resize) lands exactly on
    pixel centres ``start .. start + length - 1``."""
    n = (length + step - 1) // step
    return start + np.arange(n, dtype=np.float64) * step + (step - 1) / 2


def mesh_map(
    rig: PhotoRig, dst: np.ndarray, box: tuple[int, int, int, int], outside: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Backward map and coverage over ``box`` from the deformed mesh ``dst`` to rest.

    ``outside`` is the backward map (same box, full resolution) used where no triangle
    covers a sample, so interpolation near the mesh's edge blends like with like.
    """
    import cv2

    x, y, w, h = box
    s = MESH_STEP
    gx, gy = _grid_axis(x, w, s), _grid_axis(y, h, s)
    ids = np.full((len(gy), len(gx)), -1, np.int32)
    tri_dst = dst[rig.triangles]  # (T, 3, 2)
    grid = np.round((tri_dst - (x + (s - 1) / 2, y + (s - 1) / 2)) / s * 16).astype(np.int32)
    for k in range(len(grid)):
        cv2.fillConvexPoly(ids, grid[k], k, lineType=cv2.LINE_8, shift=4)
    affine = _affines(tri_dst, rig.vertices[rig.triangles])
    a = affine[np.maximum(ids, 0)]
    gxf, gyf = gx.astype(np.float32)[None, :], gy.astype(np.float32)[:, None]
    sx = a[..., 0, 0] * gxf + a[..., 0, 1] * gyf + a[..., 0, 2]
    sy = a[..., 1, 0] * gxf + a[..., 1, 1] * gyf + a[..., 1, 2]
    coarse = np.stack([sx, sy], axis=-1).astype(np.float32)
    iy = np.minimum((gy - y).astype(int), h - 1)
    ix = np.minimum((gx - x).astype(int), w - 1)
    uncovered = ids < 0
    coarse[uncovered] = outside[iy[:, None], ix[None, :]][uncovered]
    covered = (~uncovered).astype(np.float32)
    size = (len(gx) * s, len(gy) * s)
    full = cv2.resize(coarse, size, interpolation=cv2.INTER_LINEAR)
    cov = cv2.resize(covered, size, interpolation=cv2.INTER_LINEAR)
    return full[:h, :w], cov[:h, :w]


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
