"""Rendering new speech with a trained video avatar (sample-based, after Video Rewrite).

For each output frame:

1. the idle loop gives the picture (looped, or played forwards and backwards);
2. the mouth sample nearest the frame's mouth parameters is chosen — the frame's own
   viseme preferred, the sample of the previous frame kept unless another is clearly
   better, and a change of sample blended over one frame — so the mouth does not
   flicker between samples;
3. the sample, cut in the reference frame's geometry, is mapped onto the loop frame's
   face by the similarity transform between their steady landmarks, its colour matched
   to the loop frame along the blend's edge, and blended in with a feathered mask.

A viseme the clip never showed, when no other sample is close, falls back to the photo
rig (:mod:`persona.avatar.rig`) on the reference frame: its warped mouth is pasted like a
sample. The loop carries the person's own blinks and head motion, so those fields of
:class:`~persona.types.FaceState` are not used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from persona.avatar.video.harvest import ANCHORS, similarity
from persona.avatar.video.model import VideoModel
from persona.lipsync.visemes import REST
from persona.types import FaceState, Frame

CHANNEL_WEIGHTS = np.array([2.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.3])
"""How much each mouth channel counts when matching samples (jaw opening most)."""
SAME_VISEME = 0.8  # a sample of the frame's own viseme counts as this much nearer
KEEP = 0.08  # the previous frame's sample wins unless another is this much nearer
FALLBACK = 0.45  # farther than this from every sample: use the photo rig
TALKING = 0.12  # mouth parameters this far from rest show a sample fully (idle loops)
COLOUR_LIMIT = 30.0  # the largest colour correction, grey levels


class VideoAvatar:
    """Renders :class:`FaceState`s with a :class:`VideoModel` at any output size.

    ``fps`` is the output frame rate (it maps ``state.frame`` onto the loop's frames);
    ``playback`` is ``"loop"`` or ``"pingpong"``.
    """

    kind = "video"

    def __init__(
        self, model: VideoModel, width: int, height: int, *, fps: float = 25, playback: str = "loop"
    ) -> None:
        if playback not in ("loop", "pingpong"):
            raise ValueError(f"unknown playback {playback!r}; use 'loop' or 'pingpong'")
        self.model = model
        self.width, self.height = width, height
        self.fps = fps
        self.playback = playback
        self._place = _placement(model, width, height)
        self._mask = model.samples.box.mask()
        anchors = model.reference_points[list(ANCHORS)]
        self._maps = [similarity(anchors, p[list(ANCHORS)]) for p in model.loop_points]
        self._buffer = np.zeros((height, width, 3), np.uint8)
        self._median_sharp = float(np.median(model.samples.sharpness)) or 1.0
        self._last: tuple[int, int] | None = None  # (frame, sample) of the previous call
        self._rig: object | None = None

    @classmethod
    def load(
        cls, path: str | Path, width: int, height: int, *, fps: float = 25, playback: str = "loop"
    ) -> VideoAvatar:
        return cls(VideoModel.load(path), width, height, fps=fps, playback=playback)

    # ------------------------------------------------------------------ rendering

    def loop_index(self, frame: int) -> int:
        """The loop frame shown at output frame ``frame``."""
        m = self.model.n_loop
        k = int(frame * self.model.fps / self.fps)
        if self.playback == "pingpong" and m > 1:
            k %= 2 * m - 2
            return k if k < m else 2 * m - 2 - k
        return k % m

    def render(self, state: FaceState) -> Frame:
        import cv2

        i = self.loop_index(state.frame)
        base = self.model.loop_frame(i)
        out = cv2.warpAffine(
            base,
            self._place,
            (self.width, self.height),
            dst=self._buffer,
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )
        params = np.asarray(state.mouth, np.float64)
        amount = 1.0 if self.model.mode == "replaced" else _talking(params)
        if amount > 0.0:
            crop = self._mouth(state, params)
            self._paste(out, crop, self._maps[i], amount)
        else:
            self._last = None
        return Frame(image=out)

    def _mouth(self, state: FaceState, params: np.ndarray) -> np.ndarray:
        """The mouth crop for this frame (reference geometry), chosen with hysteresis."""
        s = self.model.samples
        d = np.sqrt((CHANNEL_WEIGHTS * np.square(s.params - params)).sum(axis=1))
        if state.viseme:
            d = np.where(np.asarray(s.visemes) == state.viseme, d * SAME_VISEME, d)
        d -= 0.02 * np.log(np.maximum(s.sharpness, 1e-3) / self._median_sharp)
        previous = None
        if self._last is not None and self._last[0] == state.frame - 1:
            previous = self._last[1]
            if previous >= 0:
                d[previous] -= KEEP
        j = int(np.argmin(d))
        resting = state.viseme in ("", REST) and not params.any()
        if d[j] > FALLBACK and state.viseme not in s.visemes and not resting:
            self._last = (state.frame, -1)
            return self._rig_mouth(state)
        self._last = (state.frame, j)
        crop = s.crops[j]
        if previous is not None and previous >= 0 and previous != j:
            crop = ((crop.astype(np.uint16) + s.crops[previous]) // 2).astype(np.uint8)
        return crop

    def _rig_mouth(self, state: FaceState) -> np.ndarray:
        """The reference frame's mouth moved by the photo rig (a viseme without samples)."""
        from persona.avatar.framing import Framed
        from persona.avatar.photo import PhotoAvatar
        from persona.avatar.rig import build_rig

        m = self.model
        if not isinstance(self._rig, PhotoAvatar):
            framed = Framed(m.reference, m.reference_points, "cover", 1.0)
            self._rig = PhotoAvatar(framed, build_rig(m.reference_points, m.reference_depth))
        face = FaceState(mouth=state.mouth)
        image = self._rig.render(face).image
        b = m.samples.box
        pad = np.pad(image, ((b.h, b.h), (b.w, b.w), (0, 0)), mode="edge")
        return pad[b.y + b.h : b.y + 2 * b.h, b.x + b.w : b.x + 2 * b.w].copy()

    def _paste(
        self, out: np.ndarray, crop: np.ndarray, loop_map: np.ndarray, amount: float
    ) -> None:
        """Blend ``crop`` into ``out`` where the loop frame's mouth is."""
        import cv2

        box = self.model.samples.box
        # crop pixels → reference frame → loop frame (working pixels) → output pixels
        m = _compose(self._place, _compose(loop_map, _shift(box.x, box.y)))
        corners = np.array([[0, 0], [box.w, 0], [0, box.h], [box.w, box.h]], np.float64)
        placed = corners @ m[:, :2].T + m[:, 2]
        x0, y0 = np.maximum(np.floor(placed.min(axis=0)).astype(int), 0)
        x1 = min(self.width, int(np.ceil(placed[:, 0].max())))
        y1 = min(self.height, int(np.ceil(placed[:, 1].max())))
        if x1 <= x0 or y1 <= y0:
            return
        local = _compose(_shift(-x0, -y0), m)
        size = (x1 - x0, y1 - y0)
        sample = cv2.warpAffine(crop, local, size, flags=cv2.INTER_LINEAR)
        mask = cv2.warpAffine(self._mask, local, size, flags=cv2.INTER_LINEAR)
        region = out[y0:y1, x0:x1]
        sample = _match_colour(sample.astype(np.float32), region.astype(np.float32), mask)
        alpha = (mask * amount)[:, :, None]
        blended = region.astype(np.float32) * (1.0 - alpha) + sample * alpha
        region[...] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)


def _talking(params: np.ndarray) -> float:
    """0 at rest .. 1 when the mouth is clearly moving (smoothstep of the distance)."""
    x = min(1.0, float(np.sqrt((CHANNEL_WEIGHTS * params * params).sum())) / TALKING)
    return x * x * (3 - 2 * x)


def _match_colour(sample: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Shift the sample's colour to the target's along the mask's soft edge (where both
    show skin), so lighting changes across the loop do not show a patch."""
    band = (mask * (1.0 - mask) * 4.0)[:, :, None]
    total = float(band.sum())
    if total < 1.0:
        return sample
    offset = ((target - sample) * band).sum(axis=(0, 1)) / total
    return sample + np.clip(offset, -COLOUR_LIMIT, COLOUR_LIMIT)


def _placement(model: VideoModel, width: int, height: int) -> np.ndarray:
    """Working frame → output frame: scale to cover the output, centred on the face
    (as far as the picture allows)."""
    scale = max(width / model.width, height / model.height)
    face = model.reference_points[:468]
    cx, cy = (face.min(axis=0) + face.max(axis=0)) / 2
    tx = np.clip(width / 2 - cx * scale, width - model.width * scale, 0.0)
    ty = np.clip(height / 2 - cy * scale, height - model.height * scale, 0.0)
    return np.array([[scale, 0.0, tx], [0.0, scale, ty]])


def _shift(x: float, y: float) -> np.ndarray:
    return np.array([[1.0, 0.0, x], [0.0, 1.0, y]])


def _compose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The 2×3 affine ``a ∘ b`` (``b`` first)."""
    return np.hstack([a[:, :2] @ b[:, :2], (a[:, :2] @ b[:, 2] + a[:, 2])[:, None]])
