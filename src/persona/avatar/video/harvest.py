"""The person's own mouths, keyed by viseme (the sample library of Video Rewrite).

The clip's speech gives a viseme and mouth parameters for every frame (our lip sync run
on the recognised phones). A frame makes a good sample when the viseme's shape is fully
reached, the tracked lip opening agrees with what the phones predict (a mis-timed phone
shows the wrong mouth), the head is close to the reference pose and the face is sharp.
Each occurrence of a viseme offers its best frame; of those, several are kept per
viseme, chosen to differ — another viseme before or after, a wider or narrower opening —
so that a render can pick the one whose context matches the new speech (Video Rewrite
keeps its mouths with their neighbouring phonemes for the same reason).

Each kept mouth is cut out in the reference frame's geometry: a similarity transform
(rotation, scale, shift) from the points that do not move when talking — eye corners,
nose, cheeks — maps the frame onto the reference, so what stays different inside the
crop is the mouth and jaw themselves. A renderer maps the crop back onto any frame with
the same kind of transform.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.video.track import (
    MOUTH_POINTS,
    Track,
    eye_opening,
    head_pose,
    mouth_opening,
)
from persona.lipsync.visemes import NEUTRAL, PAUSE, REST, VISEMES
from persona.types import MouthTrack

PER_VISEME = 5  # mouths kept per viseme, at most
MIN_APART = 4  # frames between two picks of one viseme
QUALITY_MARGIN = 1.5  # a further pick scores at most this much worse than the viseme's best
MIN_NOVELTY = 0.5  # ... and differs at least this much from every pick kept before it
OPEN_STEP = 0.15  # a jaw opening this different counts as a whole difference
SEEN_JAW = 0.25  # a sample's jaw parameter moves this far towards the opening the tracker saw
ANCHORS = (33, 133, 362, 263, 1, 4, 5, 6, 168, 195, 197, 98, 327, 234, 454, 93, 323)
"""Landmarks that talking does not move: eye corners, nose, cheeks."""


@dataclass(frozen=True)
class MouthBox:
    """Where mouth crops sit in the reference frame, and how they blend in."""

    x: int
    y: int
    w: int
    h: int
    mouth_width: float  # reference mouth width, pixels

    def mask(self) -> np.ndarray:
        """Feathered blend weight (float32, h × w): 1 over the lips and jaw, 0 at the
        edges, so nothing of the crop's border shows."""
        import cv2

        mw = self.mouth_width
        feather = max(1.0, 0.12 * mw)
        ax, ay = 0.5 * self.w - 2.5 * feather, 0.5 * self.h - 2.5 * feather
        yy, xx = np.mgrid[: self.h, : self.w].astype(np.float32)
        inside = ((xx + 0.5 - self.w / 2) / ax) ** 2 + ((yy + 0.5 - self.h / 2) / ay) ** 2 <= 1
        return np.asarray(cv2.GaussianBlur(inside.astype(np.float32), (0, 0), feather))


def mouth_box(points: np.ndarray) -> MouthBox:
    """The crop region around the reference mouth: from under the nose to below the chin
    (room for the jaw to drop), a mouth width either side of the centre."""
    c0, c1 = points[tp.MOUTH_CORNERS[0]], points[tp.MOUTH_CORNERS[1]]
    mw = float(np.linalg.norm(c1 - c0))
    cx = float((c0[0] + c1[0]) / 2)
    top = float(points[2, 1]) - 0.05 * mw
    bottom = float(points[tp.CHIN, 1]) + 0.45 * mw
    x0, y0 = int(np.floor(cx - 1.05 * mw)), int(np.floor(top))
    x1, y1 = int(np.ceil(cx + 1.05 * mw)), int(np.ceil(bottom))
    return MouthBox(x0, y0, x1 - x0, y1 - y0, mw)


def similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 2×3 similarity (rotation, uniform scale, shift) that best maps ``src`` points
    onto ``dst`` in the least-squares sense (Umeyama, without reflection)."""
    s, d = src.astype(np.float64), dst.astype(np.float64)
    ms, md = s.mean(axis=0), d.mean(axis=0)
    s0, d0 = s - ms, d - md
    a = float((s0 * d0).sum())
    b = float((s0[:, 0] * d0[:, 1] - s0[:, 1] * d0[:, 0]).sum())
    norm = float((s0 * s0).sum()) or 1.0
    c, sn = a / norm, b / norm
    rot = np.array([[c, -sn], [sn, c]])
    return np.hstack([rot, (md - rot @ ms)[:, None]])


def apply(m: np.ndarray, points: np.ndarray) -> np.ndarray:
    return np.asarray(points @ m[:, :2].T + m[:, 2], np.float32)


@dataclass(frozen=True, eq=False)
class MouthSamples:
    """Mouth crops in the reference geometry (all ``box.h × box.w``), one row each."""

    box: MouthBox
    crops: np.ndarray  # uint8 (k, h, w, 3)
    points: np.ndarray  # float32 (k, len(MOUTH_POINTS), 2), crop pixels
    params: np.ndarray  # float32 (k, len(MOUTH_CHANNELS)): our lip sync at that frame
    visemes: tuple[str, ...]
    sharpness: np.ndarray  # float32 (k,)
    frames: np.ndarray  # int32 (k,) clip frame of each sample
    before: tuple[str, ...] = ()  # viseme spoken before each sample ("" unknown)
    after: tuple[str, ...] = ()  # ... and after it; both empty in older models

    def __len__(self) -> int:
        return len(self.visemes)

    def context(self, j: int) -> tuple[str, str]:
        """The visemes before and after sample ``j`` in the clip (``""``: unknown)."""
        if len(self.before) != len(self.visemes) or len(self.after) != len(self.visemes):
            return "", ""
        return self.before[j], self.after[j]

    def limited(self, per_viseme: int) -> MouthSamples:
        """The library with at most ``per_viseme`` samples per viseme (the first, which
        are the best)."""
        seen: dict[str, int] = {}
        keep = []
        for j, name in enumerate(self.visemes):
            seen[name] = seen.get(name, 0) + 1
            if seen[name] <= per_viseme:
                keep.append(j)
        contexts = [self.context(j) for j in keep]
        return replace(
            self,
            crops=self.crops[keep],
            points=self.points[keep],
            params=self.params[keep],
            visemes=tuple(self.visemes[j] for j in keep),
            sharpness=self.sharpness[keep],
            frames=self.frames[keep],
            before=tuple(c[0] for c in contexts) if self.before else (),
            after=tuple(c[1] for c in contexts) if self.after else (),
        )

    @property
    def covered(self) -> tuple[str, ...]:
        """Visemes with at least one sample, in table order (rest and pause excluded)."""
        have = set(self.visemes)
        return tuple(v for v in VISEMES if v in have and v not in (REST, PAUSE))


def choose_reference(track: Track, speaking: np.ndarray) -> int:
    """The frame the avatar is normalised to: frontal, eyes open, mouth closed, sharp,
    preferably silent."""
    pose = head_pose(track.points)
    z = (pose - np.median(pose, axis=0)) / np.maximum(pose.std(axis=0), 1e-3)
    frontal = np.abs(pose[:, 0]) / 0.05 + np.abs(z[:, 1]) + np.abs(pose[:, 2]) / 0.05
    eyes = eye_opening(track.points)
    shut_eyes = np.maximum(0.0, 0.9 - eyes / np.median(eyes)) * 20
    mouth = mouth_opening(track.points) / 0.03
    sharp = np.log(np.maximum(track.sharpness, 1e-3) / max(float(np.median(track.sharpness)), 1e-3))
    score = frontal + shut_eyes + mouth + 2.0 * speaking - sharp - 2.0 * ~track.found
    return int(np.argmin(score))


def viseme_contexts(visemes: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """For every frame, the viseme spoken before its own and the one after it: the
    visemes of the neighbouring runs of equal frames (``""`` at the track's ends)."""
    names = list(visemes)
    if not names:
        return (), ()
    change = np.r_[0, [int(a != b) for a, b in itertools.pairwise(names)]]
    run_of = np.cumsum(change)
    runs = [names[0], *(names[k] for k in np.flatnonzero(change))]
    before = tuple(runs[r - 1] if r > 0 else "" for r in run_of)
    after = tuple(runs[r + 1] if r + 1 < len(runs) else "" for r in run_of)
    return before, after


@dataclass(frozen=True, eq=False)
class Pick:
    """A mouth to cut: its viseme, clip frame, the mouth parameters it stands for, and
    the visemes spoken before and after it in the clip."""

    viseme: str
    frame: int
    params: np.ndarray  # our lip sync at the frame, the jaw averaged with what was seen
    before: str
    after: str


def pick_samples(
    track: Track, mouth: MouthTrack, reference: int, per_viseme: int = PER_VISEME
) -> list[Pick]:
    """The mouths to cut: the reference's resting mouth (viseme ``X``) first, then up to
    ``per_viseme`` per spoken viseme, best first.

    Every occurrence of a viseme offers its best frame. The best occurrence is kept,
    then, among those scoring at most :data:`QUALITY_MARGIN` worse, the ones that
    differ most from what is kept already — another viseme before or after, a
    different opening — while each differs by at least :data:`MIN_NOVELTY`.
    """
    n = min(track.n_frames, mouth.n_frames)
    score, seen = _frame_scores(track, mouth, reference, n)
    names = np.array(mouth.visemes[:n], dtype=object)
    before, after = viseme_contexts(mouth.visemes[:n])
    runs = np.cumsum(np.r_[0, names[1:] != names[:-1]]) if n else np.zeros(0, int)

    def difference(a: int, b: int) -> float:
        return (
            float(before[a] != before[b])
            + float(after[a] != after[b])
            + min(1.0, abs(float(seen[a] - seen[b])) / OPEN_STEP)
        )

    picks = [Pick(REST, reference, np.zeros(mouth.params.shape[1], np.float32), "", "")]
    for name in dict.fromkeys(names[(names != REST) & (names != PAUSE)]):
        frames = np.flatnonzero(names == name)
        best_of_run: dict[int, int] = {}
        for k in frames[np.argsort(score[frames], kind="stable")]:
            best_of_run.setdefault(int(runs[k]), int(k))
        candidates = sorted(best_of_run.values(), key=lambda k: score[k])
        for k in _diverse(candidates, score, difference, per_viseme):
            params = mouth.params[k].astype(np.float32)
            params[0] += SEEN_JAW * (seen[k] - params[0])
            picks.append(Pick(str(name), k, params, before[k], after[k]))
    return picks


def _frame_scores(
    track: Track, mouth: MouthTrack, reference: int, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """How good a sample each frame would make (lower is better), and the jaw opening
    the tracker saw there, in lip-sync units."""
    params = mouth.params[:n].astype(np.float64)
    jaw = params[:, 0]
    opening = mouth_opening(track.points[:n]).astype(np.float64)
    names = mouth.visemes[:n]
    talking = np.array([v not in (REST, PAUSE) for v in names], bool)
    # What the phones predict for the lip opening, fitted to this person's mouth.
    fit = np.polyfit(jaw[talking], opening[talking], 1) if talking.sum() > 4 else (0.3, 0.0)
    seen = (opening - fit[1]) / fit[0] if fit[0] > 0.05 else jaw
    residual = np.abs(opening - np.polyval(fit, jaw))
    residual /= max(float(np.std(residual[talking])) if talking.any() else 0.0, 1e-3)
    pose = head_pose(track.points[:n])
    pose_z = np.abs((pose - pose[reference]) / np.maximum(pose.std(axis=0), 1e-3)).sum(axis=1)
    sharp = np.log(
        np.maximum(track.sharpness[:n], 1e-3) / max(float(np.median(track.sharpness)), 1)
    )
    targets = np.array([VISEMES.get(v, VISEMES[NEUTRAL]).target for v in names])
    reached = np.abs(params - targets).sum(axis=1) if n else np.zeros(0)
    score = 3.0 * reached + residual + 0.3 * pose_z - 0.5 * sharp + 2.0 * ~track.found[:n]
    return score, np.clip(seen, 0.0, 1.2).astype(np.float32)


def _diverse(
    candidates: list[int],
    score: np.ndarray,
    difference: Callable[[int, int], float],
    per_viseme: int,
) -> list[int]:
    """Up to ``per_viseme`` of ``candidates`` (best first): the best, then greedily the
    one whose difference from the kept ones, less half its extra cost, is largest."""
    if not candidates:
        return []
    best = float(score[candidates[0]])
    pool = [k for k in candidates[1:] if score[k] <= best + QUALITY_MARGIN]
    chosen = [candidates[0]]
    while len(chosen) < per_viseme:
        novelty = {
            k: min(difference(k, c) for c in chosen)
            for k in pool
            if all(abs(k - c) >= MIN_APART for c in chosen)
        }
        novel = {k: v - 0.5 * (score[k] - best) for k, v in novelty.items() if v >= MIN_NOVELTY}
        if not novel:
            break
        k = max(novel, key=lambda c: novel[c])
        chosen.append(k)
        pool.remove(k)
    return chosen


def cut_mouth(
    image: np.ndarray, points: np.ndarray, reference_points: np.ndarray, box: MouthBox
) -> tuple[np.ndarray, np.ndarray]:
    """The mouth of ``image`` (landmarks ``points``) in the reference geometry: the crop
    and its :data:`MOUTH_POINTS` in crop pixels."""
    import cv2

    m = similarity(points[list(ANCHORS)], reference_points[list(ANCHORS)])
    m[:, 2] -= (box.x, box.y)
    crop = cv2.warpAffine(
        image, m, (box.w, box.h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return crop, apply(m, points[list(MOUTH_POINTS)])


def assemble(
    box: MouthBox,
    picks: Sequence[Pick],
    cuts: Mapping[int, tuple[np.ndarray, np.ndarray]],
) -> MouthSamples:
    """The sample library from the picks and the mouths cut from their frames."""
    import cv2

    crops = np.stack([cuts[p.frame][0] for p in picks])
    sharp = [
        float(cv2.Laplacian(cv2.cvtColor(c, cv2.COLOR_BGR2GRAY), cv2.CV_32F).var()) for c in crops
    ]
    return MouthSamples(
        box=box,
        crops=crops,
        points=np.stack([cuts[p.frame][1] for p in picks]).astype(np.float32),
        params=np.stack([p.params for p in picks]).astype(np.float32),
        visemes=tuple(p.viseme for p in picks),
        sharpness=np.asarray(sharp, np.float32),
        frames=np.asarray([p.frame for p in picks], np.int32),
        before=tuple(p.before for p in picks),
        after=tuple(p.after for p in picks),
    )
