"""Fitting a piece to an exact duration: how many beats, at what tempo, in which sections.

A piece that ends (no loop) plays ``beats`` beats, then strikes its final chord on beat
``beats`` and lets it ring out until the last sample; the ring lasts at least
:func:`min_ring` seconds. The body is cut to whole bars when that leaves a ring of
reasonable length, else to whole groups (a tala's vibhag, half a bar), else to beats.

A loop plays exactly ``duration`` seconds of music and starts again: its length is a
whole number of bars (or groups, or beats) and the tempo is nudged so that they fill the
duration exactly; the nudge is at most :data:`MAX_NUDGE` (or what the caller allows) when
bars or groups allow it. A piece that ends is nudged the same way, when it can be, so that
whole bars leave a ring of :data:`RING_TARGET` times the minimum; else its tempo stays and
the body is cut to whole bars, groups or beats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from persona.audio.music.types import PPQ

MAX_NUDGE = 0.03
"""Largest relative tempo change a loop may make to fit whole bars or groups."""
FREE_NUDGE = 0.08
"""Largest relative tempo change when the tempo was not asked for (the style chose it)."""
RING_TARGET = 1.25
"""A nudged piece rings this many times :func:`min_ring`."""
MAX_EXTRA_RING_S = 2.5
"""How much longer than :func:`min_ring` the ending may ring before finer cuts are tried."""


@dataclass(frozen=True)
class Section:
    """Bars ``first .. first + bars - 1`` of a piece, with a name and an energy 0..1."""

    name: str
    first: int
    bars: int
    energy: float

    @property
    def end(self) -> int:
        return self.first + self.bars


@dataclass(frozen=True)
class Form:
    """The plan of a piece: ``beats`` beats in bars of ``beats_per_bar`` (the last bar may
    be short), starting at ``bpm`` and following ``tempo`` (a tempo map in ticks)."""

    bpm: float
    beats_per_bar: int
    beats: int
    tempo: tuple[tuple[int, float], ...]
    loop: bool
    duration_s: float

    @property
    def bars(self) -> int:
        """Bars that hold music, counting a short last bar."""
        return -(-self.beats // self.beats_per_bar)

    @property
    def end(self) -> int:
        """The tick of the final chord (or of the loop's end)."""
        return self.beats * PPQ

    @property
    def bar_ticks(self) -> int:
        return self.beats_per_bar * PPQ

    def bar_length(self, bar: int) -> int:
        """Ticks of ``bar`` (shorter for a cut last bar)."""
        return max(0, min(self.bar_ticks, self.end - bar * self.bar_ticks))


def min_ring(duration_s: float) -> float:
    """Seconds the final chord of a piece of ``duration_s`` rings at least."""
    return min(3.0, max(0.6, 0.3 * duration_s))


def plan_form(
    duration_s: float,
    bpm: float,
    beats_per_bar: int,
    loop: bool,
    group: int | None = None,
    accelerando: float = 0.0,
    nudge: float = MAX_NUDGE,
) -> Form:
    """The :class:`Form` of a piece of exactly ``duration_s`` seconds.

    ``group`` is the next cut finer than a bar (a vibhag; default half a bar when the bar
    divides evenly). The tempo may move by up to ``nudge`` (a fraction) so that whole
    bars, else whole groups, fit exactly. ``accelerando`` > 0 speeds the tempo up by that
    fraction over the piece, in steps at bar lines (not for loops; no nudge then).
    """
    units = _units(beats_per_bar, group)
    if loop:
        return _loop_form(duration_s, bpm, beats_per_bar, units, nudge)
    ring = min_ring(duration_s)
    if not accelerando:
        for unit in units[:-1]:
            nudged = _nudged(duration_s - RING_TARGET * ring, bpm, unit, nudge)
            if nudged is not None:
                beats, fitted = nudged
                return Form(fitted, beats_per_bar, beats, ((0, fitted),), False, duration_s)
    times = _beat_times(duration_s, bpm, beats_per_bar, accelerando)
    available = duration_s - ring
    fits = sum(1 for t in times if t <= available + 1e-9) - 1  # beats that end in time
    beats = 0
    for unit in units:
        candidate = (fits // unit) * unit
        if candidate and duration_s - times[candidate] <= ring + MAX_EXTRA_RING_S:
            beats = candidate
            break
        beats = beats or candidate
    tempo = _tempo_map(times[: beats + 1], beats_per_bar) if beats else ((0, bpm),)
    return Form(bpm, beats_per_bar, beats, tempo, False, duration_s)


def _nudged(body_s: float, bpm: float, unit: int, nudge: float) -> tuple[int, float] | None:
    """Beats (a multiple of ``unit``) and a tempo within ``nudge`` of ``bpm`` that last
    ``body_s`` seconds exactly, or None."""
    if body_s <= 0:
        return None
    count = round(body_s * bpm / 60.0 / unit) * unit
    if count <= 0:
        return None
    tempo = count * 60.0 / body_s
    return (count, tempo) if abs(tempo / bpm - 1.0) <= nudge + 1e-12 else None


def _units(beats_per_bar: int, group: int | None) -> list[int]:
    if group is None:
        group = beats_per_bar // 2 if beats_per_bar % 2 == 0 else beats_per_bar
    return sorted({beats_per_bar, max(1, group), 1}, reverse=True)


def _loop_form(
    duration_s: float, bpm: float, beats_per_bar: int, units: list[int], nudge: float
) -> Form:
    for unit in units:
        nudged = _nudged(duration_s, bpm, unit, nudge)
        if nudged is not None:
            beats, tempo = nudged
            break
    else:
        beats = max(1, round(duration_s * bpm / 60.0))
        tempo = beats * 60.0 / duration_s
    return Form(tempo, beats_per_bar, beats, ((0, tempo),), True, duration_s)


def _beat_times(
    duration_s: float, bpm: float, beats_per_bar: int, accelerando: float
) -> list[float]:
    """Start time of every beat (seconds) until past ``duration_s``."""
    estimate = max(1.0, duration_s * bpm / 60.0 * (1.0 + accelerando / 2.0))
    times = [0.0]
    beat = 0
    while times[-1] <= duration_s:
        bar_start = beat - beat % beats_per_bar
        local = bpm * (1.0 + accelerando * min(1.0, bar_start / estimate))
        times.append(times[-1] + 60.0 / local)
        beat += 1
    return times


def _tempo_map(times: list[float], beats_per_bar: int) -> tuple[tuple[int, float], ...]:
    """Tempo changes (tick, bpm) at the bar lines where the beat length changes."""
    out: list[tuple[int, float]] = []
    for beat in range(0, len(times) - 1, beats_per_bar):
        bpm = 60.0 / (times[beat + 1] - times[beat])
        if not out or not math.isclose(out[-1][1], bpm, rel_tol=1e-9):
            out.append((beat * PPQ, bpm))
    return tuple(out)


def split(bars: int, weights: Sequence[tuple[str, float, float]]) -> list[Section]:
    """Sections of ``bars`` bars named and weighted as ``(name, weight, energy)``;
    sections that would get no bar are dropped (the last ones first) and every bar
    belongs to exactly one section."""
    total = sum(w for _, w, _ in weights)
    sections: list[Section] = []
    first = 0
    acc = 0.0
    for i, (name, weight, energy) in enumerate(weights):
        acc += weight
        end = bars if i == len(weights) - 1 else round(bars * acc / total)
        if end > first:
            sections.append(Section(name, first, end - first, energy))
            first = end
    return sections
