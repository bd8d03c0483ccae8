"""The photo rig: a triangle mesh over the face and the blend shapes that deform it.

Built once per avatar and output size. Every blend shape is a displacement of each mesh
vertex per unit of its parameter. Shapes are specified on a few handle points (lips,
lids, brows, chin) in the face's own frame (u along the eye line, v down the face,
lengths in mouth or face widths) and spread smoothly over the rest of the mesh by
harmonic interpolation, with a fixed ring around the head as the boundary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from persona.avatar import topology as tp

SHAPES = ("jaw", "close", "width", "round", "upper", "lower", "smile", "blink_l", "blink_r", "brow")
JAW_OPEN = 0.42  # inner-lip gap at jaw = 1, in mouth widths
RING_POINTS = 28


@dataclass(frozen=True, eq=False)
class FaceFrame:
    """The face's own coordinate frame in plate pixels."""

    mouth: np.ndarray  # (2,) mouth centre (midpoint of the corners)
    u: np.ndarray  # (2,) unit vector along the eye line, towards the image right
    v: np.ndarray  # (2,) unit vector down the face
    mouth_width: float
    face_width: float
    face_height: float

    def local(self, p: np.ndarray) -> np.ndarray:
        d = p - self.mouth
        return np.stack([d @ self.u, d @ self.v], axis=-1)

    def to_plate(self, d: np.ndarray) -> np.ndarray:
        """Convert displacements from the face frame to plate pixels."""
        return d[..., :1] * self.u + d[..., 1:2] * self.v


@dataclass(frozen=True, eq=False)
class PhotoRig:
    vertices: np.ndarray  # float32 (V, 2) rest positions, plate pixels (478 landmarks + ring)
    depth: np.ndarray  # float32 (V,) depth in pixels, + away from the camera
    triangles: np.ndarray  # int32 (T, 3)
    basis: np.ndarray  # float32 (len(SHAPES), V, 2) displacement per unit parameter
    frame: FaceFrame
    source_gap: float  # inner-lip gap of the photo at the centre, pixels
    head_center: np.ndarray  # (2,)
    head_radii: np.ndarray  # (2,)
    chin: np.ndarray  # (2,)

    def shape(self, name: str) -> np.ndarray:
        return self.basis[SHAPES.index(name)]


INNER_PAIRS = np.array(list(zip(tp.LIPS_INNER_UPPER[1:-1], tp.LIPS_INNER_LOWER[1:-1], strict=True)))
"""Facing (upper, lower) inner-lip landmarks, corner to corner, without the corners."""


def inner_lip_gaps(points: np.ndarray, down: np.ndarray) -> np.ndarray:
    """How far each lower inner-lip point lies below the upper one facing it (along
    ``down``); negative where the lips cross."""
    d = points[INNER_PAIRS[:, 1]] - points[INNER_PAIRS[:, 0]]
    return d[:, 0] * down[0] + d[:, 1] * down[1]


def face_frame(points: np.ndarray) -> FaceFrame:
    eye_l = points[list(tp.EYE_L_UPPER + tp.EYE_L_LOWER)].mean(axis=0)
    eye_r = points[list(tp.EYE_R_UPPER + tp.EYE_R_LOWER)].mean(axis=0)
    u = eye_r - eye_l
    u = u / np.linalg.norm(u)
    v = np.array([-u[1], u[0]])
    c0, c1 = points[tp.MOUTH_CORNERS[0]], points[tp.MOUTH_CORNERS[1]]
    oval = points[list(tp.FACE_OVAL)]
    d = oval - oval.mean(axis=0)
    return FaceFrame(
        mouth=(c0 + c1) / 2,
        u=u,
        v=v,
        mouth_width=float(np.linalg.norm(c1 - c0)),
        face_width=float(np.ptp(d @ u)),
        face_height=float(np.ptp(d @ v)),
    )


def build_rig(points: np.ndarray, depth: np.ndarray | None = None) -> PhotoRig:
    """Fit the mesh and blend shapes to 478 landmarks in plate coordinates."""
    from scipy.spatial import Delaunay

    points = points.astype(np.float64)
    fr = face_frame(points)
    ring = _head_ring(points, fr)
    mesh_pts = np.concatenate([points[: tp.N_MESH], ring])
    n_mesh = len(mesh_pts)
    used = np.concatenate([_select_vertices(points, fr), np.arange(tp.N_MESH, n_mesh)])
    tris = used[Delaunay(mesh_pts[used]).simplices]
    # Keep the iris points out of the mesh: they sit inside the eye triangles.
    vertices = np.concatenate([mesh_pts, points[tp.N_MESH :]])
    if depth is None:
        depth = np.zeros(len(points))
    z = np.concatenate(
        [
            depth[: tp.N_MESH],
            np.full(len(ring), np.median(depth[list(tp.FACE_OVAL)])),
            depth[tp.N_MESH :],
        ]
    )
    basis = np.zeros((len(SHAPES), len(vertices), 2))
    edges = _edges(tris)
    fixed_ring = np.arange(tp.N_MESH, n_mesh)
    in_mesh = np.zeros(n_mesh, bool)
    in_mesh[used] = True
    for k, name in enumerate(SHAPES):
        handles = {i: d for i, d in _HANDLES[name](points, fr).items() if in_mesh[i]}
        idx = np.array(list(handles.keys()) + list(fixed_ring), dtype=int)
        val = np.array(list(handles.values()) + [(0.0, 0.0)] * len(fixed_ring))
        local = _harmonic(n_mesh, edges, mesh_pts, idx, val, used)
        basis[k, :n_mesh] = fr.to_plate(local)
    gap = float(fr.local(points[tp.LOWER_LIP_CENTER])[1] - fr.local(points[tp.UPPER_LIP_CENTER])[1])
    oval = points[list(tp.FACE_OVAL)]
    return PhotoRig(
        vertices=vertices.astype(np.float32),
        depth=z.astype(np.float32),
        triangles=tris.astype(np.int32),
        basis=basis.astype(np.float32),
        frame=fr,
        source_gap=max(0.0, gap),
        head_center=(oval.mean(axis=0) - fr.v * 0.08 * fr.face_height),
        head_radii=np.array([0.68 * fr.face_width, 0.78 * fr.face_height]),
        chin=points[tp.CHIN].copy(),
    )


def _head_ring(points: np.ndarray, fr: FaceFrame) -> np.ndarray:
    """Fixed points around the head: the boundary where local deformation fades out."""
    centre = points[list(tp.FACE_OVAL)].mean(axis=0)
    t = np.linspace(0, 2 * np.pi, RING_POINTS, endpoint=False)
    rx = 0.5 * fr.face_width * 1.45
    down = 0.5 * fr.face_height * 1.75
    up = 0.5 * fr.face_height * 1.3
    ry = np.where(np.sin(t) > 0, down, up)
    a, b = rx * np.cos(t), ry * np.sin(t)
    return centre + a[:, None] * fr.u + b[:, None] * fr.v


def _edges(tris: np.ndarray) -> np.ndarray:
    e = np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [2, 0]]])
    e = np.sort(e, axis=1)
    return np.unique(e, axis=0)


def _select_vertices(points: np.ndarray, fr: FaceFrame) -> np.ndarray:
    """Landmarks that become mesh vertices: every contour, and the rest thinned out."""
    keep = set(tp.FACE_OVAL + tp.OUTER_LIP_RING + tp.INNER_LIP_RING + tp.FEATURES)
    kept = points[sorted(keep)]
    spacing = 0.06 * fr.face_width
    for i in range(tp.N_MESH):
        if i in keep:
            continue
        if np.min(np.linalg.norm(kept - points[i], axis=1)) >= spacing:
            keep.add(i)
            kept = np.vstack([kept, points[i]])
    return np.array(sorted(keep), dtype=int)


def _harmonic(
    n: int,
    edges: np.ndarray,
    pts: np.ndarray,
    fixed: np.ndarray,
    values: np.ndarray,
    used: np.ndarray,
) -> np.ndarray:
    """Solve the graph Laplace equation with Dirichlet values at ``fixed`` vertices."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve

    length = np.linalg.norm(pts[edges[:, 0]] - pts[edges[:, 1]], axis=1)
    w = 1.0 / np.maximum(length, 1e-3)
    i, j = edges[:, 0], edges[:, 1]
    adj = sp.coo_matrix((np.r_[w, w], (np.r_[i, j], np.r_[j, i])), shape=(n, n)).tocsr()
    lap = sp.diags(np.asarray(adj.sum(axis=1)).ravel()) - adj
    out = np.zeros((n, 2))
    out[fixed] = values
    free = np.setdiff1d(used, fixed)
    a_ff = lap[free][:, free].tocsc()
    rhs = -lap[free][:, fixed] @ values
    out[free] = spsolve(a_ff, rhs).reshape(len(free), 2)
    return out


# ---------------------------------------------------------------------------- handles
# Each returns {vertex index: (du, dv)} in face-frame pixels for a unit parameter.

Handles = dict[int, tuple[float, float]]
HandleFn = Callable[[np.ndarray, "FaceFrame"], Handles]


def _zero(indices: tuple[int, ...]) -> Handles:
    return {i: (0.0, 0.0) for i in indices}


def _lip_t(points: np.ndarray, fr: FaceFrame, i: int) -> tuple[float, float]:
    """(u offset from the mouth centre, |u| / half mouth width)."""
    a = float(fr.local(points[i])[0])
    return a, min(1.0, abs(a) / (fr.mouth_width / 2))


def _static_parts() -> Handles:
    return _zero(tp.FEATURES)


def _jaw(points: np.ndarray, fr: FaceFrame) -> Handles:
    h = _static_parts()
    drop = JAW_OPEN * fr.mouth_width
    for i in tp.LIPS_INNER_UPPER[1:-1] + tp.LIPS_OUTER_UPPER[1:-1]:
        h[i] = (0.0, 0.0)
    for i in tp.LIPS_INNER_LOWER[1:-1] + tp.LIPS_OUTER_LOWER[1:-1]:
        a, t = _lip_t(points, fr, i)
        h[i] = (-0.03 * fr.mouth_width * np.sign(a) * t * t, drop * (1 - 0.55 * t * t))
    for i in tp.MOUTH_CORNERS + tp.INNER_CORNERS:
        a, _ = _lip_t(points, fr, i)
        h[i] = (-np.sign(a) * 0.04 * fr.mouth_width, 0.3 * drop)
    nose_v = fr.local(points[2])[1]
    chin_v = fr.local(points[tp.CHIN])[1]
    for i in tp.FACE_OVAL:
        a, b = fr.local(points[i])
        s = np.clip((b - nose_v) / max(chin_v - nose_v, 1e-6), 0, 1)
        wgt = s * s * (3 - 2 * s) * max(0.0, 1 - 0.75 * (a / (fr.face_width / 2)) ** 2)
        h[i] = (-np.sign(a) * 0.05 * drop * wgt, 1.05 * drop * wgt)
    return h


def _close(points: np.ndarray, fr: FaceFrame) -> Handles:
    """Closes the photo's own lip gap (for photos taken with parted lips)."""
    h = _static_parts()
    gaps = np.maximum(inner_lip_gaps(points, fr.v), 0.0)
    for (iu, il), gap in zip(INNER_PAIRS, gaps, strict=True):
        h[int(iu)] = (0.0, 0.4 * float(gap))
        h[int(il)] = (0.0, -0.6 * float(gap))
    centre_gap = float(gaps.max())
    for i in tp.LIPS_OUTER_LOWER[1:-1]:
        _, t = _lip_t(points, fr, i)
        h[i] = (0.0, -0.55 * centre_gap * (1 - 0.5 * t * t))
    for i in tp.LIPS_OUTER_UPPER[1:-1]:
        _, t = _lip_t(points, fr, i)
        h[i] = (0.0, 0.3 * centre_gap * (1 - 0.5 * t * t))
    h.update(_zero(tp.MOUTH_CORNERS + tp.INNER_CORNERS))
    h[tp.CHIN] = (0.0, -0.25 * centre_gap)
    return h


def _lips_scaled(
    points: np.ndarray,
    fr: FaceFrame,
    du: float,
    dv_upper: float,
    dv_lower: float,
    corner: tuple[float, float],
) -> Handles:
    """Stretch lips horizontally by ``du`` (mouth widths at the corners) and shift centres."""
    h = _static_parts()
    h[tp.CHIN] = (0.0, 0.0)
    mw = fr.mouth_width
    for group, dv in (
        (tp.LIPS_OUTER_UPPER[1:-1] + tp.LIPS_INNER_UPPER[1:-1], dv_upper),
        (tp.LIPS_OUTER_LOWER[1:-1] + tp.LIPS_INNER_LOWER[1:-1], dv_lower),
    ):
        for i in group:
            a, t = _lip_t(points, fr, i)
            h[i] = (du * mw * a / (mw / 2), dv * mw * (1 - t * t))
    for i in tp.MOUTH_CORNERS + tp.INNER_CORNERS:
        a, _ = _lip_t(points, fr, i)
        h[i] = (np.sign(a) * corner[0] * mw, corner[1] * mw)
    return h


def _width(points: np.ndarray, fr: FaceFrame) -> Handles:
    return _lips_scaled(points, fr, 0.10, 0.015, -0.015, (0.10, -0.01))


def _round(points: np.ndarray, fr: FaceFrame) -> Handles:
    """Pucker: corners in, lips pushed out; a smile's raised corners come level, so the
    opening turns into an oval rather than a downward-pointing wedge."""
    h = _lips_scaled(points, fr, -0.17, -0.035, 0.035, (-0.17, 0.0))
    mw = fr.mouth_width
    seam = float(
        np.mean([fr.local(points[i])[1] for i in (tp.UPPER_LIP_CENTER, tp.LOWER_LIP_CENTER)])
    )
    corner = float(np.mean([fr.local(points[i])[1] for i in tp.MOUTH_CORNERS + tp.INNER_CORNERS]))
    level = 0.8 * (seam - corner)  # > 0 when the corners sit above the centre (a smile)
    for i in tp.LIPS_INNER_UPPER[1:-1] + tp.LIPS_INNER_LOWER[1:-1]:
        a, t = _lip_t(points, fr, i)
        du, dv = h[i]
        h[i] = (du - 0.08 * mw * np.sign(a) * t * t, dv)
    for i in tp.LIPS_OUTER_UPPER + tp.LIPS_OUTER_LOWER + tp.LIPS_INNER_UPPER + tp.LIPS_INNER_LOWER:
        _, t = _lip_t(points, fr, i)
        du, dv = h[i]
        h[i] = (du, dv + level * t * t)
    return h


def _vertical(points: np.ndarray, fr: FaceFrame, group: tuple[int, ...], dv: float) -> Handles:
    h = _static_parts()
    h[tp.CHIN] = (0.0, 0.0)
    for i in group:
        _, t = _lip_t(points, fr, i)
        h[i] = (0.0, dv * fr.mouth_width * (1 - 0.6 * t * t))
    h.update(_zero(tp.MOUTH_CORNERS + tp.INNER_CORNERS))
    return h


def _upper(points: np.ndarray, fr: FaceFrame) -> Handles:
    return _vertical(points, fr, tp.LIPS_INNER_UPPER[1:-1] + tp.LIPS_OUTER_UPPER[1:-1], -0.09)


def _lower(points: np.ndarray, fr: FaceFrame) -> Handles:
    return _vertical(points, fr, tp.LIPS_INNER_LOWER[1:-1] + tp.LIPS_OUTER_LOWER[1:-1], -0.09)


def _smile(points: np.ndarray, fr: FaceFrame) -> Handles:
    h = _lips_scaled(points, fr, 0.05, 0.0, 0.0, (0.06, -0.07))
    for i in (
        tp.LIPS_OUTER_UPPER[1:-1]
        + tp.LIPS_INNER_UPPER[1:-1]
        + tp.LIPS_OUTER_LOWER[1:-1]
        + tp.LIPS_INNER_LOWER[1:-1]
    ):
        _, t = _lip_t(points, fr, i)
        du, _ = h[i]
        h[i] = (du, -0.07 * fr.mouth_width * t * t)
    return h


def _blink(upper: tuple[int, ...], lower: tuple[int, ...]) -> HandleFn:
    def shape(points: np.ndarray, fr: FaceFrame) -> Handles:
        h = _zero(tp.NOSE + tp.BROW_L + tp.BROW_R + tp.CHEEKBONES + tp.LIPS_OUTER_UPPER)
        h.update(_zero((upper[0], upper[-1])))
        for iu, il in zip(upper[1:-1], lower[1:-1], strict=True):
            d = fr.local(points[il]) - fr.local(points[iu])
            h[iu] = (0.9 * float(d[0]), 0.9 * float(d[1]))
            h[il] = (-0.1 * float(d[0]), -0.1 * float(d[1]))
        return h

    return shape


def _brow(points: np.ndarray, fr: FaceFrame) -> Handles:
    h = _zero(tp.NOSE + tp.CHEEKBONES + tp.LIPS_OUTER_UPPER + tp.EYE_L_LOWER + tp.EYE_R_LOWER)
    lift = 0.05 * fr.face_height
    for i in tp.BROW_L + tp.BROW_R:
        h[i] = (0.0, -lift)
    for i in tp.EYE_L_UPPER[1:-1] + tp.EYE_R_UPPER[1:-1]:
        h[i] = (0.0, -0.12 * lift)
    h.update(_zero(tp.FACE_OVAL[:1] + tp.FACE_OVAL[-3:] + tp.FACE_OVAL[1:4]))
    return h


_HANDLES: dict[str, HandleFn] = {
    "jaw": _jaw,
    "close": _close,
    "width": _width,
    "round": _round,
    "upper": _upper,
    "lower": _lower,
    "smile": _smile,
    "blink_l": _blink(tp.EYE_L_UPPER, tp.EYE_L_LOWER),
    "blink_r": _blink(tp.EYE_R_UPPER, tp.EYE_R_LOWER),
    "brow": _brow,
}
