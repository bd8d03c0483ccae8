"""Melodic building blocks: walks on a ladder of allowed pitches, rhythms, ornaments.

A melody here is a list of :class:`Tone` (start and length in beats, pitch, accent).
Walks move by allowed steps (a raga's ascent going up, its descent going down), keep a
direction for a while, leap now and then, and lean towards a target note as the phrase
nears its end, so phrases come to rest on the notes that matter (Sa, vadi, samvadi; the
tonic or a chord tone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from persona.audio.music.build import PartBuilder
from persona.audio.music.ragas import Ladder
from persona.audio.music.theory import cents_to_bend, nearest
from persona.audio.music.types import PPQ


@dataclass(frozen=True)
class Tone:
    """A melody note: start and length in beats, MIDI pitch, accent (velocity offset)."""

    start: float
    length: float
    pitch: int
    accent: int = 0


def rhythm(beats: float, cells: Sequence[float], rng: np.random.Generator) -> list[float]:
    """Durations (beats) drawn from ``cells`` that add up to ``beats`` exactly."""
    out: list[float] = []
    left = beats
    while left > 1e-9:
        fitting = [c for c in cells if c <= left + 1e-9]
        d = float(rng.choice(fitting)) if fitting else left
        out.append(d)
        left -= d
    return out


def walk(
    ladder: Ladder,
    start: int,
    count: int,
    rng: np.random.Generator,
    target: int | None = None,
    persistence: float = 0.7,
    leap: float = 0.12,
) -> list[int]:
    """``count`` pitches stepping from ``start`` (not included); in the second half the
    walk leans towards ``target`` more and more."""
    pitches: list[int] = []
    pitch = start
    direction = 1 if rng.random() < 0.5 else -1
    for i in range(count):
        pull = (i + 1) / count
        if target is not None and pitch != target and rng.random() < pull**1.5:
            direction = 1 if target > pitch else -1
        elif rng.random() > persistence:
            direction = -direction
        size = 2 if rng.random() < leap else 1
        nxt = ladder.step(pitch, direction, size)
        if nxt == pitch:  # at an edge: turn around
            direction = -direction
            nxt = ladder.step(pitch, direction, size)
        pitch = nxt
        pitches.append(pitch)
    return pitches


def approach(ladder: Ladder, pitch: int, target: int, limit: int = 8) -> list[int]:
    """Allowed steps from ``pitch`` to ``target`` (``target`` last, ``pitch`` excluded).
    Going up by the ascent may skip ``target``; then the path comes back down to it."""
    path: list[int] = []
    while pitch != target and len(path) < limit:
        direction = 1 if target > pitch else -1
        nxt = ladder.step(pitch, direction)
        if nxt == pitch:
            break
        pitch = nxt
        path.append(pitch)
    if not path or path[-1] != target:
        path.append(target)
    return path


def phrase(
    ladder: Ladder,
    start_pitch: int,
    target: int,
    durations: Sequence[float],
    rng: np.random.Generator,
    leap: float = 0.12,
) -> list[int]:
    """Pitches for ``durations``: a walk that ends by stepping onto ``target``."""
    count = len(durations)
    if count == 0:
        return []
    body = walk(ladder, start_pitch, max(0, count - 2), rng, target, leap=leap)
    tail = approach(ladder, body[-1] if body else start_pitch, target)
    pitches = (body + tail)[-count:] if len(body) + len(tail) >= count else body + tail
    while len(pitches) < count:
        pitches.insert(0, pitches[0])
    return pitches


def choose_target(
    pcs_weights: Sequence[tuple[int, float]],
    tonic: int,
    centre: float,
    ladder: Ladder,
    rng: np.random.Generator,
) -> int:
    """A resting pitch: a pitch class drawn by weight (relative to ``tonic``), placed in
    the ladder nearest ``centre``."""
    pcs = [pc for pc, _ in pcs_weights]
    weights = np.array([w for _, w in pcs_weights], float)
    pc = int(pcs[int(rng.choice(len(pcs), p=weights / weights.sum()))])
    options = [p for p in ladder.all if (p - tonic) % 12 == pc]
    return nearest(centre, options) if options else nearest(centre, ladder.all)


def write_tones(
    builder: PartBuilder, tones: Sequence[Tone], velocity: int, legato: float = 0.95
) -> None:
    """Add ``tones`` (beats) as notes, slightly detached by ``legato``."""
    for t in tones:
        builder.note(t.start * PPQ, t.length * PPQ * legato, t.pitch, velocity + t.accent)


def ornament(
    builder: PartBuilder,
    tones: Sequence[Tone],
    rng: np.random.Generator,
    andolan: frozenset[int] = frozenset(),
    tonic: int = 0,
    meend: float = 0.35,
) -> None:
    """Pitch bends on long tones: a *meend* (slide in from the previous note, within the
    two-semitone bend range) or an *andolan* (slow oscillation) on the pitch classes in
    ``andolan``. Every other tone starts with the bend at rest."""
    previous: int | None = None
    for t in tones:
        tick = t.start * PPQ
        slide = previous is not None and abs(previous - t.pitch) <= 2 and previous != t.pitch
        if (t.pitch - tonic) % 12 in andolan and t.length >= 1.0:
            _andolan(builder, tick, t.length * PPQ)
        elif slide and t.length >= 1.0 and previous is not None and rng.random() < meend:
            _meend(builder, tick, t.length * PPQ, previous - t.pitch)
        else:
            builder.bend(tick, 0)
        previous = t.pitch


def _meend(builder: PartBuilder, tick: float, length: float, semitones: int) -> None:
    steps = 12
    glide = min(length * 0.35, PPQ * 0.75)
    for i in range(steps + 1):
        x = i / steps
        builder.bend(tick + glide * x, cents_to_bend(semitones * (1.0 - x) ** 2))


def _andolan(builder: PartBuilder, tick: float, length: float) -> None:
    """A slow swing a quarter of a semitone below the note and back (~1.3 Hz per beat)."""
    step = PPQ / 8
    count = int(length * 0.9 / step)
    for i in range(count + 1):
        depth = -0.25 * (1.0 - np.cos(2 * np.pi * i * step / (PPQ * 1.5))) / 2.0
        builder.bend(tick + i * step, cents_to_bend(depth))
    builder.bend(tick + (count + 1) * step, 0)
