"""Looking at and measuring what the engine makes.

* :func:`contact_sheet` — one frame per viseme, a blink and an open-mouth close-up, as PNG.
* :func:`measure_video` — reads a rendered video back and measures lip sync (lag between
  the mouth-opening track and the speech envelope) and fidelity (SSIM of the face outside
  the mouth against the source photo on closed-mouth frames).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.base import Avatar, open_avatar
from persona.avatar.photo import PhotoAvatar
from persona.avatar.rig import JAW_OPEN
from persona.types import FaceState, Rect

MAX_LAG = 6  # frames searched either side


# ---------------------------------------------------------------------------- contact sheet


def _label(image: np.ndarray, text: str) -> np.ndarray:
    import cv2

    out = image.copy()
    cv2.rectangle(out, (0, 0), (out.shape[1], 26), (0, 0, 0), -1)
    cv2.putText(out, text, (6, 19), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def _crop(
    image: np.ndarray, centre: np.ndarray, half_w: float, half_h: float, width: int
) -> np.ndarray:
    import cv2

    x0, y0 = int(max(0, centre[0] - half_w)), int(max(0, centre[1] - half_h))
    x1 = int(min(image.shape[1], centre[0] + half_w))
    y1 = int(min(image.shape[0], centre[1] + half_h))
    crop = image[y0:y1, x0:x1]
    height = round(width * crop.shape[0] / max(crop.shape[1], 1))
    return cv2.resize(crop, (width, height), interpolation=cv2.INTER_CUBIC)


def _sheet_boxes(avatar: Avatar) -> tuple[np.ndarray, float, float, np.ndarray, float, float]:
    """Where to crop a face tile and a mouth close-up: centre and half sizes of each.

    A photo avatar knows its face from the rig; other avatars may say where their face
    and mouth are (``face_box``, ``mouth_box``); otherwise the whole frame is used.
    """
    if isinstance(avatar, PhotoAvatar):
        fr = avatar.rig.frame
        face_c = fr.mouth - fr.v * 0.3 * fr.face_height
        mouth_c = fr.mouth + fr.v * 0.15 * fr.mouth_width
        return (face_c, 0.62 * fr.face_width, 0.72 * fr.face_height,
                mouth_c, 0.8 * fr.mouth_width, 0.62 * fr.mouth_width)  # fmt: skip
    whole = Rect(0, 0, avatar.width, avatar.height)
    face: Rect = getattr(avatar, "face_box", whole)
    mouth: Rect = getattr(avatar, "mouth_box", face)

    def centre(r: Rect) -> np.ndarray:
        return np.array([r.x + r.w / 2, r.y + r.h / 2])

    return centre(face), face.w / 2, face.h / 2, centre(mouth), mouth.w / 2, mouth.h / 2


def contact_sheet(
    avatar: str | Path | Avatar, output: Path, size: tuple[int, int] = (1280, 720)
) -> None:
    """Write a PNG grid: every viseme, a blink, and a close-up of the widest mouth.

    ``avatar`` is an :class:`Avatar`, or what :func:`open_avatar` opens (a photo,
    ``template:NAME``, a spec ``.json``) at ``size``.
    """
    import cv2

    from persona.lipsync import VISEMES

    if isinstance(avatar, str | Path):
        avatar = open_avatar(avatar, *size)
    face_c, face_hw, face_hh, mouth_c, mouth_hw, mouth_hh = _sheet_boxes(avatar)
    tiles: list[np.ndarray] = []

    def face_tile(state: FaceState, text: str) -> np.ndarray:
        image = avatar.render(state).image
        return _label(_crop(image, face_c, face_hw, face_hh, 300), text)

    widest = max(VISEMES.values(), key=lambda v: v.target[0])
    for v in VISEMES.values():
        tiles.append(face_tile(FaceState(mouth=v.target), f"{v.name} ({v.rhubarb})"))
    tiles.append(face_tile(FaceState(mouth=VISEMES["X"].target, blink=1.0), "blink"))
    image = avatar.render(FaceState(mouth=widest.target)).image
    close = _crop(image, mouth_c, mouth_hw, mouth_hh, 300)
    tiles.append(_label(close, f"close-up {widest.name}"))
    height = max(t.shape[0] for t in tiles)
    tiles = [np.pad(t, ((0, height - t.shape[0]), (0, 0), (0, 0))) for t in tiles]
    cols = 4
    while len(tiles) % cols:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.hstack(tiles[i : i + cols]) for i in range(0, len(tiles), cols)]
    output.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(output), np.vstack(rows))


# ---------------------------------------------------------------------------- measurements


@dataclass(frozen=True)
class QualityReport:
    frames: int
    fps: float
    lag_frames: int  # + : the mouth moves after the sound
    peak_correlation: float
    closed_frames: int
    ssim_aligned: float  # closed-mouth frames, head pose undone, median
    ssim_aligned_min: float  # ... the worst such frame
    ssim_raw: float  # closed-mouth frames as they are (head pose included), median
    ssim_rest_render: float  # the renderer's rest frame (no encoding) vs the photo

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def table(self) -> str:
        rows = [
            ("frames", f"{self.frames} at {self.fps:g} fps"),
            ("lip-sync lag (frames)", f"{self.lag_frames:+d}  (target 0 ± 1)"),
            ("peak correlation", f"{self.peak_correlation:.3f}"),
            ("closed-mouth frames", str(self.closed_frames)),
            ("SSIM face, closed, pose undone", f"{self.ssim_aligned:.4f}  median (target ≥ 0.95)"),
            ("  worst frame", f"{self.ssim_aligned_min:.4f}"),
            ("SSIM face, closed, as rendered", f"{self.ssim_raw:.4f}  median (head moves)"),
            ("SSIM face, rest render", f"{self.ssim_rest_render:.4f}  (no head motion, no codec)"),
        ]
        width = max(len(r[0]) for r in rows)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-pixel SSIM of two greyscale images (Gaussian window, σ = 1.5)."""
    import cv2

    x, y = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(z: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(z, (11, 11), 1.5)

    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    return ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))


@dataclass(frozen=True)
class _Regions:
    face: tuple[int, int, int, int]  # x0, y0, x1, y1
    keep: np.ndarray  # bool mask over the face box: True outside the mouth
    mouth: tuple[int, int, int, int]
    dark: float  # luma below which a mouth pixel counts as open mouth


def _regions(avatar: PhotoAvatar) -> _Regions:
    import cv2

    pts = avatar.framed.points
    fr = avatar.rig.frame
    h, w = avatar.framed.plate.shape[:2]
    x0, y0 = np.maximum(pts[: tp.N_MESH].min(axis=0).astype(int), 0)
    x1, y1 = np.minimum(pts[: tp.N_MESH].max(axis=0).astype(int), (w, h))
    lips = pts[list(tp.OUTER_LIP_RING)]
    m0 = lips.min(axis=0) - 0.25 * fr.mouth_width
    m1 = lips.max(axis=0) + (0.25 + JAW_OPEN) * fr.mouth_width
    keep = np.ones((y1 - y0, x1 - x0), bool)
    keep[
        max(0, int(m0[1]) - y0) : max(0, int(m1[1]) - y0),
        max(0, int(m0[0]) - x0) : max(0, int(m1[0]) - x0),
    ] = False
    inner = pts[list(tp.INNER_LIP_RING)]
    c = inner.mean(axis=0)
    half = 0.42 * fr.mouth_width
    mouth = (
        int(c[0] - half),
        int(c[1] - 0.12 * fr.mouth_width),
        int(c[0] + half),
        int(c[1] + (JAW_OPEN + 0.05) * fr.mouth_width),
    )
    grey = cv2.cvtColor(avatar.framed.plate, cv2.COLOR_BGR2GRAY)
    skin = float(np.median(grey[y0:y1, x0:x1][keep]))
    return _Regions((int(x0), int(y0), int(x1), int(y1)), keep, mouth, min(70.0, 0.4 * skin))


def _face_ssim(grey: np.ndarray, ref: np.ndarray, reg: _Regions) -> float:
    x0, y0, x1, y1 = reg.face
    m = ssim_map(grey[y0:y1, x0:x1], ref[y0:y1, x0:x1])
    return float(m[reg.keep].mean())


def _undo_pose(grey: np.ndarray, ref: np.ndarray, reg: _Regions) -> np.ndarray:
    """``grey`` warped so its face lines up with ``ref`` (ECC, affine, outside the mouth)."""
    import cv2

    x0, y0, x1, y1 = reg.face
    pad = (x1 - x0) // 4
    X0, Y0 = max(0, x0 - pad), max(0, y0 - pad)
    X1, Y1 = min(ref.shape[1], x1 + pad), min(ref.shape[0], y1 + pad)
    mask = np.zeros((Y1 - Y0, X1 - X0), np.uint8)
    mask[y0 - Y0 : y1 - Y0, x0 - X0 : x1 - X0][reg.keep] = 255
    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-5)
    try:
        _, warp = cv2.findTransformECC(
            ref[Y0:Y1, X0:X1].astype(np.float32),
            grey[Y0:Y1, X0:X1].astype(np.float32),
            warp,
            cv2.MOTION_AFFINE,
            criteria,
            mask,
            5,
        )
    except cv2.error:
        return grey
    shift = np.array([[1, 0, -X0], [0, 1, -Y0], [0, 0, 1]], np.float64)
    full = np.linalg.inv(shift) @ np.vstack([warp, [0, 0, 1]]) @ shift
    return cv2.warpAffine(
        grey,
        full[:2],
        (grey.shape[1], grey.shape[0]),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
    )


def _envelope(audio: np.ndarray, rate: int, n_frames: int, fps: float) -> np.ndarray:
    env = np.zeros(n_frames)
    for k in range(n_frames):
        seg = audio[int(k * rate / fps) : int((k + 1) * rate / fps)]
        env[k] = float(np.sqrt(np.mean(seg * seg))) if len(seg) else 0.0
    return env


def best_lag(a: np.ndarray, b: np.ndarray, max_lag: int = MAX_LAG) -> tuple[int, float]:
    """Lag (frames) at which ``a`` best matches ``b`` shifted later; and the correlation."""
    a = (a - a.mean()) / (a.std() + 1e-9)
    b = (b - b.mean()) / (b.std() + 1e-9)
    best = (0, -2.0)
    for lag in range(-max_lag, max_lag + 1):
        x, y = (a[lag:], b[: len(b) - lag]) if lag >= 0 else (a[:lag], b[-lag:])
        r = float(np.mean(x * y)) if len(x) else -2.0
        if r > best[1]:
            best = (lag, r)
    return best


def measure_video(video: Path, avatar_path: Path) -> QualityReport:
    import cv2

    from persona.media import probe, read_audio, read_video_frames

    info = probe(video)
    avatar = PhotoAvatar.from_path(avatar_path, info.width, info.height)
    reg = _regions(avatar)
    ref = cv2.cvtColor(avatar.framed.plate, cv2.COLOR_BGR2GRAY)
    mx0, my0, mx1, my1 = reg.mouth
    opening = []
    for frame in read_video_frames(video):
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        opening.append(float((grey[my0:my1, mx0:mx1] < reg.dark).mean()))
    open_track = np.array(opening)
    audio, rate = read_audio(video, 16000)
    env = _envelope(audio, rate, len(open_track), info.fps)
    lag, peak = best_lag(open_track, env)
    closed = set(np.flatnonzero(open_track <= max(0.002, 0.05 * float(open_track.max()))))
    raw, aligned = [], []
    for k, frame in enumerate(read_video_frames(video)):  # second pass: closed frames only
        if k in closed:
            grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            raw.append(_face_ssim(grey, ref, reg))
            aligned.append(_face_ssim(_undo_pose(grey, ref, reg), ref, reg))
    raw, aligned = raw or [0.0], aligned or [0.0]
    rest = cv2.cvtColor(avatar.render(FaceState.rest()).image, cv2.COLOR_BGR2GRAY)
    return QualityReport(
        frames=len(open_track),
        fps=info.fps,
        lag_frames=lag,
        peak_correlation=peak,
        closed_frames=len(closed),
        ssim_aligned=float(np.median(aligned)),
        ssim_aligned_min=float(np.min(aligned)),
        ssim_raw=float(np.median(raw)),
        ssim_rest_render=_face_ssim(rest, ref, reg),
    )
