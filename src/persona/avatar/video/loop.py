"""The idle loop: a stretch of the clip that plays forever without a visible jump.

Loop points are a pair of frames (a, b) that look alike — the face region and the whole
picture close in grey level, the head pose close — so that after frame b-1 the loop can
go back to a as if it went on to b (the "video texture" idea: Schödl et al., 2000). The
frames just before and after the pair should match too, so motion carries on across the
seam. The last frames of the loop are then cross-faded into the frames that lead into
a, which hides what difference is left.

Frames where the person is silent make the best base: the mouth is already at rest, so
a render only needs to paste mouths while speaking. Without a long enough silence the
whole clip is searched and the mouth of every loop frame is covered by a resting mouth
(mode ``"replaced"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.video.track import Track, eye_opening, head_pose
from persona.lipsync.ipa import is_silence
from persona.types import Speech

MIN_LOOP_S = 2.0
MAX_LOOP_S = 8.0
FADE_S = 0.32
SPEECH_PAD_MS = 200  # a mouth still settles this long around speech
FACE_THUMB = 24
FRAME_THUMB = (32, 18)
POSE_WEIGHT = 0.5
FRAME_WEIGHT = 0.5
BLINK = 0.6  # eye opening under this share of the clip's median is a blink


@dataclass(frozen=True)
class LoopPlan:
    """Frames ``start .. stop-1`` loop; the last ``fade`` of them blend into the frames
    before ``start``. ``seam`` is the grey-level RMS difference (0..1) of the face
    between frame ``stop`` and frame ``start`` before the cross-fade."""

    start: int
    stop: int
    fade: int
    mode: str  # "idle" (silent frames) or "replaced" (speaking frames, mouth covered)
    seam: float

    @property
    def length(self) -> int:
        return self.stop - self.start


def speaking_frames(speech: Speech, n_frames: int, fps: float) -> np.ndarray:
    """``True`` for frames within :data:`SPEECH_PAD_MS` of a spoken phone."""
    out = np.zeros(n_frames, bool)
    for p in speech.phones:
        if is_silence(p.symbol):
            continue
        k0 = int(np.floor((p.start_ms - SPEECH_PAD_MS) * fps / 1000))
        k1 = int(np.ceil((p.end_ms + SPEECH_PAD_MS) * fps / 1000))
        out[max(0, k0) : max(0, k1)] = True
    return out


def plan_loop(
    track: Track,
    speaking: np.ndarray,
    fps: float,
    *,
    min_s: float = MIN_LOOP_S,
    max_s: float = MAX_LOOP_S,
) -> LoopPlan:
    """The best loop, in a silent stretch when one is long enough, else anywhere."""
    fade = max(1, round(FADE_S * fps))
    shortest, longest = round(min_s * fps), round(max_s * fps)
    n = track.n_frames
    runs = [r for r in _runs(~speaking) if r[1] - r[0] >= shortest + fade + 1]
    mode = "idle" if runs else "replaced"
    ranges = runs or [(0, n)]
    features = _features(track)
    pose = _pose_features(track)
    blink = eye_opening(track.points) < BLINK * float(np.median(eye_opening(track.points)))
    best: LoopPlan | None = None
    for lo, hi in ranges:
        found = _search(features, pose, blink, lo, hi, fade, shortest, longest)
        if found is not None and (best is None or found[2] < best.seam):
            a, b, cost = found
            best = LoopPlan(a, b, fade, mode, cost)
    if best is None:  # too short a clip for the limits: loop all of it
        best = LoopPlan(fade, n - 1, fade, mode, 1.0)
    a, b = best.start, best.stop
    return LoopPlan(a, b, fade, mode, face_distance(track, a, b))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(s), int(e)) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def _face_box(track: Track) -> tuple[int, int, int, int]:
    """The region every frame's face lies in (small-copy pixels), a little enlarged."""
    pts = track.points[:, : tp.N_MESH] * track.small_scale
    x0, y0 = np.percentile(pts.min(axis=1), 5, axis=0)
    x1, y1 = np.percentile(pts.max(axis=1), 95, axis=0)
    h, w = track.small.shape[1:]
    mx, my = 0.08 * (x1 - x0), 0.08 * (y1 - y0)
    return (
        max(0, int(x0 - mx)),
        max(0, int(y0 - my)),
        min(w, int(np.ceil(x1 + mx))),
        min(h, int(np.ceil(y1 + my))),
    )


def _features(track: Track) -> np.ndarray:
    """Face thumbnail and whole-frame thumbnail per frame, weighted so that a plain
    Euclidean distance is the loop cost's visual part."""
    import cv2

    x0, y0, x1, y1 = _face_box(track)
    n = track.n_frames
    face = np.empty((n, FACE_THUMB * FACE_THUMB), np.float32)
    whole = np.empty((n, FRAME_THUMB[0] * FRAME_THUMB[1]), np.float32)
    for k in range(n):
        crop = track.small[k, y0:y1, x0:x1]
        face[k] = cv2.resize(crop, (FACE_THUMB, FACE_THUMB), interpolation=cv2.INTER_AREA).ravel()
        whole[k] = cv2.resize(track.small[k], FRAME_THUMB, interpolation=cv2.INTER_AREA).ravel()
    face /= 255.0 * np.sqrt(face.shape[1])  # Euclidean distance = RMS difference
    whole *= np.sqrt(FRAME_WEIGHT) / (255.0 * np.sqrt(whole.shape[1]))
    return np.concatenate([face, whole], axis=1)


def _pose_features(track: Track) -> np.ndarray:
    pose = head_pose(track.points)
    spread = np.maximum(pose.std(axis=0), 1e-3)
    return (pose - pose.mean(axis=0)) / spread * np.sqrt(POSE_WEIGHT) * 0.05


def _search(
    features: np.ndarray,
    pose: np.ndarray,
    blink: np.ndarray,
    lo: int,
    hi: int,
    fade: int,
    shortest: int,
    longest: int,
) -> tuple[int, int, float] | None:
    """The pair (a, b), ``lo + fade <= a``, ``b < hi - 1``, ``shortest <= b - a <=
    longest``, with the lowest cost: the pair's distance plus a quarter of each
    neighbouring pair's (so motion carries on across the seam). Pairs are compared one
    lag at a time, which keeps memory linear in the clip's length."""
    f = np.concatenate([features[lo:hi], pose[lo:hi]], axis=1)
    open_eyes = ~blink[lo:hi]
    m = hi - lo
    best: tuple[int, int, float] | None = None
    for lag in range(shortest, min(longest, m - 2) + 1):
        d = np.linalg.norm(f[:-lag] - f[lag:], axis=1)  # d[i] = dist(i, i + lag)
        cost = d[1:-1] + 0.25 * (d[:-2] + d[2:])  # pairs (i, i + lag) for i = 1 ..
        cost -= 0.002 * lag / longest  # a slight preference for longer loops
        a = np.arange(1, 1 + len(cost))
        ok = (a >= fade) & (a + lag < m - 1) & open_eyes[a] & open_eyes[np.minimum(a + lag, m - 1)]
        if not ok.any():
            continue
        i = int(np.argmin(np.where(ok, cost, np.inf)))
        if best is None or cost[i] < best[2]:
            best = (lo + int(a[i]), lo + int(a[i]) + lag, float(cost[i]))
    return best


def face_distance(track: Track, a: int, b: int) -> float:
    """Grey-level RMS difference (0..1) of the face region between frames ``a`` and ``b``."""
    x0, y0, x1, y1 = _face_box(track)
    fa = track.small[a, y0:y1, x0:x1].astype(np.float32)
    fb = track.small[b, y0:y1, x0:x1].astype(np.float32)
    return float(np.sqrt(np.mean(np.square(fa - fb))) / 255.0)


def loop_frame(frames: Mapping[int, np.ndarray], plan: LoopPlan, i: int) -> np.ndarray:
    """Frame ``i`` of the loop (a picture or landmarks): clip frame ``start + i``, and in
    the last :attr:`LoopPlan.fade` frames cross-faded into the frames that lead into
    the first one. ``frames`` holds the clip frames it reads."""
    m, fade = plan.length, plan.fade
    frame = frames[plan.start + i]
    if i < m - fade:
        return frame
    w = (i - (m - fade) + 1) / (fade + 1)
    lead = frames[plan.start + i - m]
    mixed = frame.astype(np.float32) * (1 - w) + lead.astype(np.float32) * w
    if np.issubdtype(frame.dtype, np.integer):
        mixed = np.round(mixed)
    return mixed.astype(frame.dtype)


def loop_frames(frames: Mapping[int, np.ndarray], plan: LoopPlan) -> list[np.ndarray]:
    """All frames of the loop; ``frames`` holds ``start - fade .. stop - 1``."""
    return [loop_frame(frames, plan, i) for i in range(plan.length)]


def loop_indices(plan: LoopPlan) -> set[int]:
    """The clip frames :func:`loop_frames` reads."""
    return set(range(plan.start - plan.fade, plan.stop))
