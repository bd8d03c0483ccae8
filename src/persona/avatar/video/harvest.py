"""The person's own mouths, keyed by viseme (the sample library of Video Rewrite).

The clip's speech gives a viseme and mouth parameters for every frame (our lip sync run
on the recognised phones). For each viseme the best few frames are kept: the viseme's
shape fully reached, the tracked lip opening agreeing with what the phones predict (a
mis-timed phone shows the wrong mouth), the head close to the reference pose, the face
sharp; picks at least a few frames apart so they differ.

Each kept mouth is cut out in the reference frame's geometry: a similarity transform
(rotation, scale, shift) from the points that do not move when talking — eye corners,
nose, cheeks — maps the frame onto the reference, so what stays different inside the
crop is the mouth and jaw themselves. A renderer maps the crop back onto any frame with
the same kind of transform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from persona.avatar import topology as tp
from persona.avatar.video.track import (
    MOUTH_POINTS,
    Track,
    eye_opening,
    head_pose,
    mouth_opening,
)
from persona.lipsync.visemes import PAUSE, REST, VISEMES
from persona.types import MouthTrack

PER_VISEME = 3
MIN_APART = 4  # frames between two picks of one viseme
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

    def __len__(self) -> int:
        return len(self.visemes)

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


def pick_samples(
    track: Track, mouth: MouthTrack, reference: int, per_viseme: int = PER_VISEME
) -> dict[str, list[int]]:
    """Frames to cut mouths from, best first, per viseme (rest and pause left out)."""
    n = min(track.n_frames, mouth.n_frames)
    params = mouth.params[:n].astype(np.float64)
    jaw = params[:, 0]
    opening = mouth_opening(track.points[:n]).astype(np.float64)
    names = np.array(mouth.visemes[:n], dtype=object)
    talking = (names != REST) & (names != PAUSE)
    # What the phones predict for the lip opening, fitted to this person's mouth.
    fit = np.polyfit(jaw[talking], opening[talking], 1) if talking.sum() > 4 else (0.3, 0.0)
    residual = np.abs(opening - np.polyval(fit, jaw))
    residual /= max(float(np.std(residual[talking])) if talking.any() else 0.0, 1e-3)
    pose = head_pose(track.points[:n])
    pose_z = np.abs((pose - pose[reference]) / np.maximum(pose.std(axis=0), 1e-3)).sum(axis=1)
    sharp = np.log(
        np.maximum(track.sharpness[:n], 1e-3) / max(float(np.median(track.sharpness)), 1)
    )
    picks: dict[str, list[int]] = {}
    for name in dict.fromkeys(names[talking]):
        frames = np.flatnonzero(names == name)
        target = np.asarray(VISEMES[name].target)
        reached = np.abs(params[frames] - target).sum(axis=1)
        score = 3.0 * reached + residual[frames] + 0.3 * pose_z[frames] - 0.5 * sharp[frames]
        score += 2.0 * ~track.found[frames]
        chosen: list[int] = []
        for k in frames[np.argsort(score)]:
            if all(abs(int(k) - c) >= MIN_APART for c in chosen):
                chosen.append(int(k))
            if len(chosen) == per_viseme:
                break
        picks[str(name)] = chosen
    return picks


def sample_rows(
    mouth: MouthTrack, reference: int, picks: Mapping[str, list[int]]
) -> list[tuple[str, int, np.ndarray]]:
    """(viseme, frame, mouth params) of every sample: the reference's resting mouth as
    viseme ``X`` first, then the picks."""
    rows: list[tuple[str, int, np.ndarray]] = [(REST, reference, np.zeros(mouth.params.shape[1]))]
    for name, chosen in picks.items():
        rows += [(name, k, mouth.params[k]) for k in chosen]
    return rows


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
    rows: list[tuple[str, int, np.ndarray]],
    cuts: Mapping[int, tuple[np.ndarray, np.ndarray]],
) -> MouthSamples:
    """The sample library from the rows and the mouths cut from their frames."""
    import cv2

    crops = np.stack([cuts[k][0] for _, k, _ in rows])
    sharp = [
        float(cv2.Laplacian(cv2.cvtColor(c, cv2.COLOR_BGR2GRAY), cv2.CV_32F).var()) for c in crops
    ]
    return MouthSamples(
        box=box,
        crops=crops,
        points=np.stack([cuts[k][1] for _, k, _ in rows]).astype(np.float32),
        params=np.stack([r[2] for r in rows]).astype(np.float32),
        visemes=tuple(r[0] for r in rows),
        sharpness=np.asarray(sharp, np.float32),
        frames=np.asarray([r[1] for r in rows], np.int32),
    )
