"""Which mouth sample each frame shows (Video Rewrite's sample selection).

Every sample ``j`` gets a cost for a frame:

* **match** — the weighted distance from the frame's mouth parameters to the sample's
  (:data:`CHANNEL_WEIGHTS`, the jaw most), a sample of the frame's own viseme counted
  :data:`SAME_VISEME` times nearer, a sharper sample a little nearer, and a viseme's
  second and later samples (the best comes first) :data:`ALTERNATE` farther, so they
  stand in only where they fit better;
* **context** — how far the visemes spoken before and after the sample in the clip are
  from those around the frame in the new speech (:data:`CONTEXT_WEIGHT`; a side that is
  not known costs nothing). The viseme before is known from the frames already drawn,
  the one after when the renderer was given the whole track
  (:meth:`SampleChooser.prepare`);

and changing sample between two frames costs (**continuity**) :data:`SWITCH` — half
for a sample that followed the previous one within :data:`NEIGHBOUR_FRAMES` in the clip
(the clip went that way itself) — plus :data:`LOOK_WEIGHT` per grey level the two
mouths differ, which Video Rewrite measures on the lip shapes where two samples join.

With the track prepared, the samples of all its frames are chosen at once: the path
of least total cost (Viterbi), so no change is made that a later frame would regret.
Otherwise each frame takes the cheapest sample given the one before. A frame whose best
cost is above :data:`FALLBACK`, for a viseme without samples, is drawn by the photo rig
instead (sample ``-1``). :class:`CrossFade` blends a change of sample over about
:data:`CROSSFADE_S`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from persona.avatar.video.harvest import MouthSamples, viseme_contexts
from persona.lipsync.visemes import REST, VISEME_NAMES, VISEMES
from persona.types import FaceState, MouthTrack

CHANNEL_WEIGHTS = np.array([2.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.3])
"""How much each mouth channel counts when matching samples (jaw opening most)."""
SAME_VISEME = 0.8  # a sample of the frame's own viseme counts as this much nearer
SWITCH = 0.08  # the cost of leaving the previous frame's sample
NEIGHBOUR_FRAMES = 8  # a sample this few clip frames after the previous one continues it
CONTEXT_WEIGHT = 0.12  # the cost of a sample whose neighbours in the clip are all wrong
CONTEXT_SCALE = 0.8  # viseme targets this far apart count as entirely different
SHARPNESS_WEIGHT = 0.02
LOOK_WEIGHT = 0.05  # per grey level a change of sample looks bigger than needed
LOOK_SIDE = 32  # samples are compared this small
FALLBACK = 0.45  # farther than this from every sample: use the photo rig
ALTERNATE = 0.03  # the extra cost of a viseme's second, third ... sample
TALKING = 0.12  # mouth parameters this far from rest show a sample fully (idle loops)
CROSSFADE_S = 0.04


@dataclass(frozen=True)
class Choice:
    """The sample for a frame (``-1``: the photo rig); whether it differs from the one
    the frame before showed; ``fresh`` when that frame showed none (or was not the
    frame before)."""

    sample: int
    changed: bool
    fresh: bool


def viseme_distances() -> np.ndarray:
    """(v, v) context distance between the visemes of :data:`VISEME_NAMES`: 0 for the
    same, up to 1 for shapes :data:`CONTEXT_SCALE` apart or more."""
    targets = np.array([VISEMES[v].target for v in VISEME_NAMES], np.float64)
    diff = targets[:, None, :] - targets[None, :, :]
    d = np.sqrt((CHANNEL_WEIGHTS * diff * diff).sum(axis=2))
    return np.minimum(1.0, d / CONTEXT_SCALE)


def look_distances(samples: MouthSamples) -> np.ndarray:
    """(k, k) mean absolute grey-level difference between the samples' crops, weighted
    by the blend mask (what a change of sample shows on screen)."""
    import cv2

    box = samples.box
    scale = LOOK_SIDE / max(box.w, box.h)
    size = (max(1, round(box.w * scale)), max(1, round(box.h * scale)))
    weight = cv2.resize(box.mask(), size, interpolation=cv2.INTER_AREA).ravel()
    weight = weight / max(float(weight.sum()), 1e-6)
    grey = np.stack(
        [
            cv2.resize(cv2.cvtColor(c, cv2.COLOR_BGR2GRAY), size, interpolation=cv2.INTER_AREA)
            for c in samples.crops
        ]
    ).reshape(len(samples.crops), -1)
    grey = grey.astype(np.float32)
    out = np.empty((len(grey), len(grey)), np.float32)
    for j in range(len(grey)):
        out[j] = np.abs(grey - grey[j]) @ weight
    return out


def _index(name: str) -> int:
    """Row of ``name`` in :func:`viseme_distances` (``-1``: unknown)."""
    return VISEME_NAMES.index(name) if name in VISEME_NAMES else -1


def talking(params: np.ndarray) -> float:
    """0 at rest .. 1 when the mouth is clearly moving (smoothstep of the distance): how
    much of a sample an idle loop frame shows."""
    x = min(1.0, float(np.sqrt((CHANNEL_WEIGHTS * params * params).sum())) / TALKING)
    return x * x * (3 - 2 * x)


class SampleChooser:
    """Chooses samples for consecutive frames, remembering what it chose before.

    ``replaced``: every frame shows a sample (a loop whose own mouth is covered), not
    only the frames where the mouth moves.
    """

    def __init__(self, samples: MouthSamples, *, replaced: bool = False) -> None:
        self.samples = samples
        self.replaced = replaced
        self._params = samples.params.astype(np.float64)
        self._visemes = np.asarray(samples.visemes, dtype=object)
        median = float(np.median(samples.sharpness)) or 1.0
        self._sharp = SHARPNESS_WEIGHT * np.log(np.maximum(samples.sharpness, 1e-3) / median)
        contexts = [samples.context(j) for j in range(len(samples))]
        self._before = np.array([_index(b) for b, _ in contexts])
        self._after = np.array([_index(a) for _, a in contexts])
        self._distance = viseme_distances()
        self._step = transition_costs(samples)
        self._alternate = ALTERNATE * (_ranks(samples.visemes) > 0)
        self._plan: _Plan | None = None
        self._frame: int | None = None  # the frame of the previous call
        self._run = ""  # the viseme of the current run of frames, and of the run before
        self._run_before = ""
        self._shown: int | None = None  # the sample shown on the previous frame

    def amount(self, params: np.ndarray) -> float:
        """How much of a sample the frame shows (1 in a loop with its mouth replaced)."""
        return 1.0 if self.replaced else talking(params)

    def prepare(self, mouth: MouthTrack) -> None:
        """The frames to come: contexts get the viseme spoken after each frame too, and
        the samples of the whole track are chosen at once, the cheapest path through
        the frames' costs and the costs of changing sample (Viterbi), so no change is
        made that a later frame would regret."""
        visemes = tuple(mouth.visemes[: mouth.n_frames])
        before, after = viseme_contexts(visemes)
        params = mouth.params[: len(visemes)].astype(np.float64)
        costs = np.stack(
            [self._own(params[k], visemes[k], (before[k], after[k])) for k in range(len(visemes))]
        ) if visemes else np.zeros((0, len(self.samples)))  # fmt: skip
        shows = np.array([self.amount(p) > 0.0 for p in params], bool)
        path = np.full(len(visemes), -1, np.int32)
        for start, stop in _runs(shows):
            path[start:stop] = _viterbi(costs[start:stop], self._step)
        self._plan = _Plan(visemes, before, after, params, costs, path)

    def context(self, state: FaceState) -> tuple[str, str]:
        """The visemes before and after ``state``'s frame (``""``: unknown). Call once
        per frame, in order: it also follows the runs of visemes."""
        if self._frame is not None and state.frame == self._frame + 1:
            if state.viseme != self._run:
                self._run_before, self._run = self._run, state.viseme
        else:
            self._run_before, self._run, self._shown = "", state.viseme, None
        self._frame = state.frame
        plan, k = self._plan, state.frame
        if plan is not None and 0 <= k < len(plan.visemes) and plan.visemes[k] == state.viseme:
            return plan.before[k], plan.after[k]
        return self._run_before, ""

    def idle(self) -> None:
        """The frame showed no sample: the next one starts afresh."""
        self._shown = None

    def costs(self, state: FaceState, params: np.ndarray, context: tuple[str, str]) -> np.ndarray:
        """Every sample's cost for this frame, continuity from the frame before included
        (see the module's description)."""
        d = self._own(params, state.viseme, context)
        if self._shown is not None and self._shown >= 0:
            d = d + self._step[self._shown]
        return d

    def _own(self, params: np.ndarray, viseme: str, context: tuple[str, str]) -> np.ndarray:
        """Every sample's cost for a frame, leaving out continuity."""
        d = np.sqrt((CHANNEL_WEIGHTS * np.square(self._params - params)).sum(axis=1))
        if viseme:
            d = np.where(self._visemes == viseme, d * SAME_VISEME, d)
        d -= self._sharp - self._alternate
        return np.asarray(d + CONTEXT_WEIGHT * self._context_cost(context))

    def _context_cost(self, context: tuple[str, str]) -> np.ndarray:
        """Mean over the known sides of the distance between the sample's neighbouring
        visemes and the frame's."""
        total = np.zeros(len(self._visemes))
        sides = np.zeros(len(self._visemes))
        for have, want in ((self._before, _index(context[0])), (self._after, _index(context[1]))):
            if want < 0:
                continue
            known = have >= 0
            total[known] += self._distance[have[known], want]
            sides[known] += 1
        return np.asarray(total / np.maximum(sides, 1))

    def choose(self, state: FaceState, params: np.ndarray, context: tuple[str, str]) -> Choice:
        """The sample for ``state`` (after :meth:`context` was called for it): the
        prepared path's when the state is the prepared track's, else the cheapest now."""
        planned = self._planned(state, params)
        if planned is not None:
            j, best = planned
        else:
            d = self.costs(state, params, context)
            j = int(np.argmin(d))
            best = float(d[j])
        resting = state.viseme in ("", REST) and not params.any()
        if best > FALLBACK and state.viseme not in self.samples.visemes and not resting:
            j = -1
        fresh = self._shown is None
        changed = not fresh and self._shown != j
        self._shown = j
        return Choice(j, changed, fresh)

    def _planned(self, state: FaceState, params: np.ndarray) -> tuple[int, float] | None:
        """The prepared path's sample for this frame and the frame's lowest own cost."""
        plan, k = self._plan, state.frame
        if plan is None or not 0 <= k < len(plan.visemes) or plan.path[k] < 0:
            return None
        if plan.visemes[k] != state.viseme or not np.allclose(plan.params[k], params):
            return None
        return int(plan.path[k]), float(plan.costs[k].min())


@dataclass(frozen=True, eq=False)
class _Plan:
    """A prepared track: per frame its viseme, context, mouth parameters, the samples'
    own costs and the chosen sample (-1 where none shows)."""

    visemes: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]
    params: np.ndarray
    costs: np.ndarray
    path: np.ndarray


def transition_costs(samples: MouthSamples) -> np.ndarray:
    """(k, k): the cost of showing sample ``j`` after sample ``p``.

    Nothing for the same sample; else :data:`SWITCH` (half for a sample that followed
    ``p`` in the clip), plus :data:`LOOK_WEIGHT` per grey level by which the change looks
    bigger than the change between the first (best) samples of the two visemes: going
    from one viseme to another may show that much change, an alternative sample that
    jumps further (other light, other pose, a wider mouth) has to earn it.
    """
    frames = samples.frames.astype(np.int64)
    gap = frames[None, :] - frames[:, None]
    follows = (gap > 0) & (gap <= NEIGHBOUR_FRAMES)
    look = look_distances(samples)
    first = {name: j for j, name in reversed(list(enumerate(samples.visemes)))}
    canon = np.array([first[name] for name in samples.visemes])
    excess = np.maximum(0.0, look - look[canon][:, canon])
    step = np.where(follows, 0.5 * SWITCH, SWITCH) + LOOK_WEIGHT * excess
    np.fill_diagonal(step, 0.0)
    return np.asarray(step, np.float64)


def _viterbi(costs: np.ndarray, step: np.ndarray) -> np.ndarray:
    """The sample per frame minimising the frames' ``costs`` (n, k) plus the ``step``
    (k, k) of every change."""
    n, k = costs.shape
    back = np.zeros((n, k), np.int32)
    total = costs[0].copy()
    columns = np.arange(k)
    for i in range(1, n):
        via = total[:, None] + step
        back[i] = np.argmin(via, axis=0)
        total = via[back[i], columns] + costs[i]
    path = np.empty(n, np.int32)
    path[-1] = int(np.argmin(total))
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def _ranks(visemes: Sequence[str]) -> np.ndarray:
    """Each sample's place among those of its viseme (0: the first, the best)."""
    seen: dict[str, int] = {}
    ranks = np.zeros(len(visemes), int)
    for j, name in enumerate(visemes):
        ranks[j] = seen.get(name, 0)
        seen[name] = ranks[j] + 1
    return ranks


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


class CrossFade:
    """Blends the mouth crop shown before a change of sample into the new one over
    ``frames`` frames (the old one weighs ``n/(n+1)``, ``(n-1)/(n+1)``, ...)."""

    def __init__(self, fps: float) -> None:
        self.frames = max(1, round(CROSSFADE_S * fps))
        self._shown: np.ndarray | None = None
        self._from: np.ndarray | None = None
        self._step = 0

    def reset(self) -> None:
        self._shown = self._from = None

    def show(self, crop: np.ndarray, changed: bool) -> np.ndarray:
        """The crop to draw this frame, given the chosen sample's ``crop``."""
        if changed and self._shown is not None:
            self._from, self._step = self._shown, 0
        out = crop
        if self._from is not None and self._step < self.frames:
            w = (self.frames - self._step) / (self.frames + 1)
            mixed = self._from.astype(np.float32) * w + crop.astype(np.float32) * (1.0 - w)
            out = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
            self._step += 1
        else:
            self._from = None
        self._shown = out
        return out
