"""Rendering new speech with a trained video avatar (sample-based, after Video Rewrite).

For each output frame:

1. the idle loop gives the picture (looped, or played forwards and backwards);
2. a mouth sample is chosen (:mod:`~persona.avatar.video.choose`): near the frame's
   mouth parameters, of its own viseme, from a matching context in the clip (the
   visemes before and after), the previous frame's sample kept unless another is
   clearly better — and a change of sample is cross-faded — so the mouth does not
   flicker between samples;
3. the sample, cut in the reference frame's geometry, is mapped onto the loop frame's
   face by the similarity transform between their steady landmarks, its colour matched
   to the loop frame along the blend's edge, and blended in with a feathered mask.

A viseme the clip never showed, when no other sample is close, falls back to the photo
rig (:mod:`persona.avatar.rig`) on the reference frame: its warped mouth is pasted like a
sample. The loop carries the person's own blinks and head motion, so those fields of
:class:`~persona.types.FaceState` are not used. :meth:`VideoAvatar.render_bgra` draws
the same frame over transparency, with the person's alpha of its loop frame
(:mod:`~persona.avatar.video.cutout`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from persona.avatar.video.choose import CrossFade, SampleChooser
from persona.avatar.video.cutout import loop_masks, premultiply
from persona.avatar.video.harvest import ANCHORS, similarity
from persona.avatar.video.model import VideoModel
from persona.types import FaceState, Frame, MouthTrack

COLOUR_LIMIT = 30.0  # the largest colour correction, grey levels


class VideoAvatar:
    """Renders :class:`FaceState`s with a :class:`VideoModel` at any output size.

    ``fps`` is the output frame rate (it maps ``state.frame`` onto the loop's frames);
    ``playback`` is ``"loop"`` or ``"pingpong"``. Frames are meant to be drawn in order:
    the choice of mouth follows on from the frame before. :meth:`render` and
    :meth:`render_bgra` reuse their buffers: copy what you keep.
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
        self._bgra = np.zeros((height, width, 4), np.uint8)
        self._chooser = SampleChooser(model.samples, replaced=model.mode == "replaced")
        self._fade = CrossFade(fps)
        self._shown: int | None = None
        self._alphas: list[np.ndarray] | None = None  # masks made here for older models
        self._rig: object | None = None

    @classmethod
    def load(
        cls, path: str | Path, width: int, height: int, *, fps: float = 25, playback: str = "loop"
    ) -> VideoAvatar:
        return cls(VideoModel.load(path), width, height, fps=fps, playback=playback)

    def prepare(self, mouth: MouthTrack) -> None:
        """The mouth track about to be drawn (frame ``k`` is ``mouth.visemes[k]``), so
        each frame's sample can also match the viseme spoken after it."""
        self._chooser.prepare(mouth)

    @property
    def shown_sample(self) -> int | None:
        """The sample the last frame showed: its row in ``model.samples``, ``-1`` for
        the photo rig, ``None`` when the loop's own mouth showed."""
        return self._shown

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
        context = self._chooser.context(state)
        amount = self._chooser.amount(params)
        if amount > 0.0:
            crop = self._mouth(state, params, context)
            self._paste(out, crop, self._maps[i], amount)
        else:
            self._chooser.idle()
            self._fade.reset()
            self._shown = None
        return Frame(image=out)

    def render_bgra(self, state: FaceState) -> np.ndarray:
        """The frame over transparency: (H, W, 4) uint8 BGRA, premultiplied alpha.

        A model trained before masks were kept makes them on the first call (a few
        seconds), then reuses them."""
        image = self.render(state).image
        return premultiply(image, self._alpha(self.loop_index(state.frame)), self._bgra)

    def _alpha(self, i: int) -> np.ndarray:
        """Loop frame ``i``'s person alpha, placed like the frame (uint8, output size)."""
        import cv2

        m = self.model
        if m.masks:
            small = m.mask(i)
        else:
            if self._alphas is None:
                self._alphas = loop_masks(m.loop_frame, m.n_loop)
            small = self._alphas[i]
        scale = np.diag([m.width / small.shape[1], m.height / small.shape[0]])
        place = np.hstack([self._place[:, :2] @ scale, self._place[:, 2:]])
        return np.asarray(
            cv2.warpAffine(
                small,
                place,
                (self.width, self.height),
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE,
            )
        )

    def _mouth(self, state: FaceState, params: np.ndarray, context: tuple[str, str]) -> np.ndarray:
        """The mouth crop for this frame (reference geometry), cross-faded on a change."""
        choice = self._chooser.choose(state, params, context)
        if choice.fresh:
            self._fade.reset()
        self._shown = choice.sample
        if choice.sample < 0:
            crop = self._rig_mouth(state)
        else:
            crop = self.model.samples.crops[choice.sample]
        return self._fade.show(crop, choice.changed)

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
