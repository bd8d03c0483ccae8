"""The later cue passes: timing, pauses, in-betweens and the allowed shapes.

:func:`optimize_timing`
    A cue shorter than :data:`MIN_CUE_MS` flickers (and a 24 fps export might drop it).
    A short cue between two open shapes is folded into the neighbour that looks more like
    it. A short closure (A), and a short open shape between closed lips, is never dropped:
    it grows into its neighbours instead, earlier first, so lips close before the burst.
    The track starts and ends at rest (X) even when speech nearly touches the ends.
:func:`animate_pauses`
    Short silences inside speech do not snap the mouth shut: under :data:`HOLD_PAUSE_MS`
    the mouth holds its shape, under :data:`RELAX_PAUSE_MS` it relaxes part way.
:func:`insert_tweens`
    Big jumps get an in-between drawing: wide open (D) closes through C, and open shapes
    round through E, so the animation reads smoothly at low frame rates. The mouth pops
    open without one, as animators draw it.
:func:`restrict_shapes`
    Optional shapes the character lacks become their basic fallback (X becomes A).
"""

from __future__ import annotations

from collections.abc import Sequence

from persona.lipsync.shapes import RELAXED, TICK_MS, Cue, allowed_shape, effort, is_closed

MIN_CUE_MS = 70
"""Shortest cue worth drawing (Rhubarb finds 50-70 ms best: shorter flickers)."""

SQUEEZED_MS = 50
"""A closure, or an opening between closures, too short to see may take its neighbours
down to this length."""

HOLD_PAUSE_MS = 120
RELAX_PAUSE_MS = 350
"""Pauses shorter than these hold the shape, or relax it; longer ones go idle (X)."""

MIN_TWEEN_MS = 50
MAX_TWEEN_MS = 80
"""Length of an in-between: a third of the cue it is taken from, within these bounds."""

TWEENS: dict[tuple[str, str], str] = {
    ("D", "A"): "C",
    ("D", "B"): "C",
    ("D", "G"): "C",
    ("D", "X"): "C",
    ("C", "F"): "E",
    ("F", "C"): "E",
    ("D", "F"): "E",
    ("H", "F"): "E",
    ("F", "H"): "E",
}
"""In-between drawing for a jump from the first shape to the second."""

SALIENCE = {"X": 0, "B": 1, "G": 2, "H": 2, "C": 3, "D": 3, "E": 3, "F": 3, "A": 4}
"""How much a shape matters to the viewer: closures most, then vowels, then f/v and l;
when two cues must share time, the more salient one keeps it."""


def merge_equal(cues: Sequence[Cue]) -> tuple[Cue, ...]:
    """Join neighbouring cues of the same shape; drop empty cues."""
    out: list[Cue] = []
    for cue in cues:
        if cue.duration_ms == 0:
            continue
        if out and out[-1].shape == cue.shape:
            out[-1] = Cue(out[-1].start_ms, cue.end_ms, cue.shape)
        else:
            out.append(cue)
    return tuple(out)


def optimize_timing(cues: Sequence[Cue], min_ms: int = MIN_CUE_MS) -> tuple[Cue, ...]:
    """Make every cue at least ``min_ms`` long where the timeline allows (see module doc)."""
    work = list(merge_equal(cues))
    settled: set[Cue] = set()
    for _ in range(4 * len(work) + 4):
        short = [i for i, c in enumerate(work) if c.duration_ms < min_ms and c not in settled]
        if not short or len(work) < 2:
            break
        # Closures go last: by then their neighbours have settled and have time to spare.
        i = min(short, key=lambda k: (work[k].shape == "A", work[k].duration_ms, k))
        shape = work[i].shape
        if shape == "X" and i in (0, len(work) - 1):  # rest at the ends, if only briefly
            work, i = _lengthen(work, i, min_ms, SALIENCE["A"], min_ms)
            if work[i].duration_ms < min_ms:
                work = list(merge_equal(_absorb(work, i)))
                settled.clear()
        elif shape == "X":
            work = list(merge_equal(_absorb(work, i)))
            settled.clear()
        elif shape == "A" or _stands_alone(work, i):
            work, i = _lengthen(work, i, min_ms, SALIENCE["A"], min_ms)
            work, i = _lengthen(work, i, min_ms, SALIENCE["A"], SQUEEZED_MS)
            settled.add(work[i])
        else:
            work, i = _lengthen(work, i, min_ms, SALIENCE[shape], min_ms)
            if work[i].duration_ms < min_ms:
                work = list(merge_equal(_absorb(work, i)))
                settled.clear()
    return tuple(work)


def _stands_alone(cues: list[Cue], i: int) -> bool:
    """An open shape with closed lips (or nothing) on both sides."""
    neighbours = [cues[j].shape for j in (i - 1, i + 1) if 0 <= j < len(cues)]
    return all(is_closed(s) for s in neighbours)


def _absorb(cues: list[Cue], i: int) -> list[Cue]:
    """Fold short cue ``i`` into a neighbour; the more salient shape shows (D beats C).

    A pause holds the shape before it. Other cues join the neighbour that looks most like
    them, preferring one no more salient than they are.
    """
    cue = cues[i]
    candidates = [j for j in (i - 1, i + 1) if 0 <= j < len(cues)]
    if cue.shape == "X":
        j = candidates[0]
    else:
        open_ = [j for j in candidates if not is_closed(cues[j].shape)] or candidates
        humbler = [j for j in open_ if SALIENCE[cues[j].shape] <= SALIENCE[cue.shape]]
        j = min(
            humbler or open_,
            key=lambda k: (effort(cue.shape, cues[k].shape), cues[k].duration_ms, k),
        )
    other = cues[j]
    if {cue.shape, other.shape} == {"C", "D"}:
        shape = "D"
    elif cue.shape != "X" and SALIENCE[cue.shape] > SALIENCE[other.shape]:
        shape = cue.shape
    else:
        shape = other.shape
    lo, hi = min(i, j), max(i, j)
    merged = Cue(cues[lo].start_ms, cues[hi].end_ms, shape)
    return [*cues[:lo], merged, *cues[hi + 1 :]]


def _lengthen(
    cues: list[Cue], i: int, min_ms: int, rank: int, keep_ms: int
) -> tuple[list[Cue], int]:
    """Grow cue ``i`` toward ``min_ms`` with time from neighbours no more salient than
    ``rank`` that stay at least ``keep_ms`` long, its left first (a shape shows early
    rather than late)."""
    work = list(cues)
    need = min_ms - work[i].duration_ms
    if i > 0 and SALIENCE[work[i - 1].shape] <= rank:
        take = min(need, _spare(work, i - 1, keep_ms))
        left = work[i - 1]
        work[i - 1] = Cue(left.start_ms, left.end_ms - take, left.shape)
        work[i] = Cue(work[i].start_ms - take, work[i].end_ms, work[i].shape)
        need -= take
    if i + 1 < len(work) and need > 0 and SALIENCE[work[i + 1].shape] <= rank:
        take = min(need, _spare(work, i + 1, keep_ms))
        right = work[i + 1]
        work[i + 1] = Cue(right.start_ms + take, right.end_ms, right.shape)
        work[i] = Cue(work[i].start_ms, work[i].end_ms + take, work[i].shape)
    if i > 0 and work[i - 1].duration_ms == 0:
        del work[i - 1]
        i -= 1
    if i + 1 < len(work) and work[i + 1].duration_ms == 0:
        del work[i + 1]
    return work, i


def _spare(cues: list[Cue], j: int, keep_ms: int) -> int:
    """Time cue ``j`` can give away: all of an idle edge, else what exceeds ``keep_ms``."""
    cue = cues[j]
    edge = j in (0, len(cues) - 1)
    spare = cue.duration_ms if edge and cue.shape == "X" else cue.duration_ms - keep_ms
    return max(0, spare) // TICK_MS * TICK_MS


def animate_pauses(cues: Sequence[Cue]) -> tuple[Cue, ...]:
    """Give short idle stretches inside speech a held or relaxed shape."""
    out = list(cues)
    for i in range(1, len(out) - 1):
        pause = out[i]
        if pause.shape != "X":
            continue
        shape = pause_shape(out[i - 1].shape, out[i + 1].shape, pause.duration_ms)
        out[i] = Cue(pause.start_ms, pause.end_ms, shape)
    return merge_equal(out)


def pause_shape(before: str, after: str, duration_ms: int) -> str:
    """The shape to show during a pause of ``duration_ms`` between two shapes."""
    if duration_ms < HOLD_PAUSE_MS:
        return before
    if duration_ms < RELAX_PAUSE_MS:
        shape = before
        while RELAXED[shape] != shape:
            shape = RELAXED[shape]
            if shape != after:
                return shape
    return "X"


def insert_tweens(cues: Sequence[Cue]) -> tuple[Cue, ...]:
    """Insert an in-between drawing at every jump :data:`TWEENS` lists, where time allows."""
    out: list[Cue] = list(cues[:1])
    for nxt in cues[1:]:
        prev = out[-1]
        tween = TWEENS.get((prev.shape, nxt.shape))
        if tween is not None:
            tail = _tween_length(prev)
            head = _tween_length(nxt) if nxt.shape != "A" else 0
            if tail:
                out[-1] = Cue(prev.start_ms, prev.end_ms - tail, prev.shape)
                out.append(Cue(prev.end_ms - tail, prev.end_ms, tween))
            elif head:
                out.append(Cue(nxt.start_ms, nxt.start_ms + head, tween))
                nxt = Cue(nxt.start_ms + head, nxt.end_ms, nxt.shape)
        out.append(nxt)
    return merge_equal(out)


def _tween_length(cue: Cue) -> int:
    """A third of ``cue``, capped; 0 when that is too short or leaves ``cue`` too short."""
    length = min(cue.duration_ms // 3, MAX_TWEEN_MS) // TICK_MS * TICK_MS
    if length < MIN_TWEEN_MS or cue.duration_ms - length < MIN_CUE_MS:
        return 0
    return length


def restrict_shapes(cues: Sequence[Cue], allowed: str) -> tuple[Cue, ...]:
    """Replace shapes not in ``allowed`` by their basic fallback."""
    return tuple(Cue(c.start_ms, c.end_ms, allowed_shape(c.shape, allowed)) for c in cues)
