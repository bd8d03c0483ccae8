"""The director: which speaker is shown where, frame by frame, and when names appear.

    turns + moments ─desired_cuts→ cuts ─settle (shots ≥ MIN_SHOT_MS)→ Shot list
    Shot list + turns ─plan_banners→ lower thirds; ─active_spans→ the speaking ring

Layouts without cuts (``split``, ``split-60-40``, ``split-70-30``, ``grid``) are one wide
shot from start to end. ``pip`` follows the active speaker; ``closeups`` does too, and
besides:

* opens on the wide shot and shows a quick reply (a turn shorter than
  :data:`QUICK_TURN_MS`) in the wide shot rather than cutting to it;
* cuts away to a listener for :data:`REACTION_MS` at a question, laughter or a
  surprise at least :data:`REACTION_INTO_TURN_MS` into a turn, at most once per
  :data:`REACTION_GAP_MS`.

Every cut to a new speaker comes :data:`CUT_LEAD_MS` before their first word, as an
editor cuts. No shot is shorter than :data:`MIN_SHOT_MS`: a cut that comes too soon
waits, and one that would wait past its reason (the end of the turn or the reaction) is
dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from persona.compose.layouts import (
    CUT_LAYOUTS,
    INSET,
    PANEL,
    Region,
    focus_regions,
    wide_regions,
)
from persona.scene.model import (
    CLOSEUP,
    FOCUS,
    LAUGHTER,
    QUESTION,
    REACTION,
    SURPRISE,
    WIDE,
    Banner,
    Conversation,
    Moment,
    Shot,
    TimedTurn,
)
from persona.types import Rect

MIN_SHOT_MS = 2000
CUT_LEAD_MS = 250
QUICK_TURN_MS = 1800
REACTION_MS = 1600
REACTION_LEAD_MS = 150
REACTION_GAP_MS = 6000
REACTION_INTO_TURN_MS = 3000
"""No reaction shot in the first seconds of a turn: the speaker is seen first."""
LOWER_THIRD_MS = 4500
LOWER_THIRD_MIN_MS = 1500
RESHOW_AFTER_MS = 60_000
"""A lower third comes back when its speaker takes the floor after this long."""

_EVERYONE = -1


@dataclass(frozen=True)
class _Cut:
    """A wish to show ``target`` (a speaker, or everyone) from ``start_ms``, worth making
    only before ``until_ms``."""

    start_ms: int
    target: int
    kind: str
    until_ms: int


def _frame(ms: int, fps: float) -> int:
    return round(ms * fps / 1000)


def plan_shots(
    conversation: Conversation,
    layout: str,
    size: tuple[int, int],
    n_frames: int,
    fps: float,
    *,
    host: int = 0,
) -> tuple[Shot, ...]:
    """The shot list of a scene with ``n_frames`` frames at ``fps``."""
    n = len(conversation.speeches)
    width, height = size
    wide = wide_regions(layout, n, width, height, host)
    if layout not in CUT_LAYOUTS or not conversation.turns:
        return (Shot(0, n_frames, WIDE, wide),)
    cuts = settle(desired_cuts(conversation, layout), conversation.duration_ms)
    shots = []
    for k, cut in enumerate(cuts):
        start = _frame(cut.start_ms, fps)
        end = _frame(cuts[k + 1].start_ms, fps) if k + 1 < len(cuts) else n_frames
        if end <= start:
            continue
        if cut.target == _EVERYONE:
            shots.append(Shot(start, end, WIDE, wide))
        else:
            regions = focus_regions(layout, n, width, height, cut.target)
            shots.append(Shot(start, end, cut.kind, regions, cut.target))
    return tuple(shots)


def desired_cuts(conversation: Conversation, layout: str) -> list[_Cut]:
    """Every cut an editor would like to make, in time order (before :func:`settle`)."""
    turns = conversation.turns
    closeups = layout == "closeups"
    kind = CLOSEUP if closeups else FOCUS
    cuts = [_Cut(0, _EVERYONE if closeups else turns[0].speaker, WIDE if closeups else kind, 0)]
    for turn in turns:
        quick = closeups and turn.duration_ms < QUICK_TURN_MS
        target = _EVERYONE if quick else turn.speaker
        until = turn.end_ms - MIN_SHOT_MS // 2 if not quick else turn.end_ms
        cuts.append(
            _Cut(max(0, turn.start_ms - CUT_LEAD_MS), target, WIDE if quick else kind, until)
        )
    if closeups:
        cuts += reaction_cuts(conversation)
    return sorted(cuts, key=lambda c: c.start_ms)


def reaction_cuts(conversation: Conversation) -> list[_Cut]:
    """A cut to a listener and back at questions, laughter and surprises."""
    turns = conversation.turns
    cuts: list[_Cut] = []
    last = -REACTION_GAP_MS
    for moment in conversation.moments:
        if moment.kind not in (QUESTION, LAUGHTER, SURPRISE):
            continue
        turn = turns[moment.turn]
        start = moment.time_ms - REACTION_LEAD_MS
        if start - last < REACTION_GAP_MS or start - turn.start_ms < REACTION_INTO_TURN_MS:
            continue
        listener = reactor(moment, turns, len(conversation.speeches))
        end = start + REACTION_MS
        cuts.append(_Cut(start, listener, REACTION, end - REACTION_MS // 3))
        if turn.end_ms - end >= MIN_SHOT_MS:  # the speaker goes on: cut back to them
            cuts.append(_Cut(end, turn.speaker, CLOSEUP, turn.end_ms - MIN_SHOT_MS // 2))
        last = start
    return cuts


def reactor(moment: Moment, turns: Sequence[TimedTurn], n_speakers: int) -> int:
    """Who reacts to ``moment``: the next one to speak, else the last one who spoke,
    else the first other speaker."""
    later = [t.speaker for t in turns[moment.turn + 1 :] if t.speaker != moment.speaker]
    if later:
        return later[0]
    earlier = [t.speaker for t in turns[: moment.turn] if t.speaker != moment.speaker]
    if earlier:
        return earlier[-1]
    return next(k for k in range(n_speakers) if k != moment.speaker)


def settle(cuts: Sequence[_Cut], end_ms: int) -> list[_Cut]:
    """Cuts kept at least :data:`MIN_SHOT_MS` apart: a cut that comes too soon waits; one
    that would then come after its ``until_ms`` is dropped; a cut to what is already on
    screen is no cut."""
    kept = [cuts[0]]
    for cut in cuts[1:]:
        if cut.target == kept[-1].target:
            continue
        start = max(cut.start_ms, kept[-1].start_ms + MIN_SHOT_MS)
        if start > cut.until_ms or start > end_ms - MIN_SHOT_MS // 2:
            continue
        kept.append(replace(cut, start_ms=start))
    return kept


# ---------------------------------------------------------------------------- overlays


def plan_banners(
    turns: Sequence[TimedTurn], shots: Sequence[Shot], fps: float
) -> tuple[Banner, ...]:
    """Lower thirds: each speaker's name when they first speak on screen (not in an
    inset), and again when they take the floor after :data:`RESHOW_AFTER_MS`."""
    banners: list[Banner] = []
    shown: dict[int, int] = {}
    need = _frame(LOWER_THIRD_MIN_MS, fps)
    for turn in turns:
        s = turn.speaker
        if s in shown and turn.start_ms - shown[s] < RESHOW_AFTER_MS:
            continue
        first, last = _frame(turn.start_ms, fps), _frame(turn.end_ms, fps)
        for shot in shots:
            region = shot.region_of(s)
            start = max(first, shot.start)
            if region is None or region.style == INSET or start >= min(last, shot.end):
                continue
            end = min(start + _frame(LOWER_THIRD_MS, fps), shot.end)
            if end - start >= need:
                banners.append(Banner(s, start, end, _above_insets(region, shot)))
                shown[s] = turn.start_ms
                break
    return tuple(banners)


def _above_insets(region: Region, shot: Shot) -> Region:
    """``region``, cut off above any inset that covers its bottom-left corner."""
    r = region.rect
    tops = [
        o.rect.y
        for o in shot.regions
        if o.style == INSET and o.rect.x < r.x + r.w // 2 and o.rect.y + o.rect.h > r.y + r.h // 2
    ]
    if not tops:
        return region
    return Region(region.speaker, Rect(r.x, r.y, r.w, min(tops) - r.y), region.style)


def active_spans(
    turns: Sequence[TimedTurn], shots: Sequence[Shot], fps: float
) -> list[tuple[int, int, int, Rect]]:
    """(first frame, end frame, speaker, panel) while a speaker talks in a shot that shows
    several panels: where the speaking ring goes."""
    spans = []
    for turn in turns:
        first, last = _frame(turn.start_ms, fps), _frame(turn.end_ms, fps)
        for shot in shots:
            region = shot.region_of(turn.speaker)
            start, end = max(first, shot.start), min(last, shot.end)
            if region is not None and region.style == PANEL and end > start:
                spans.append((start, end, turn.speaker, region.rect))
    return spans
