"""Shared parts for chord-based styles: a chord chart, drum patterns, bass, comping,
arpeggios and a motif-based melody.

Patterns are strings, one character per step of the bar (16 steps for sixteenths, 8 for
eighths...): drums use ``X`` (accent), ``x`` (normal), ``o`` (ghost), ``.`` (rest); bass
uses ``R`` root, ``5`` fifth, ``8`` octave, ``3`` third, ``A`` a semitone approach to the
next chord's root, ``-`` holds, ``.`` rests; comping uses ``x`` (strike), ``-`` (hold),
``.`` (rest).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from persona.audio.music.build import PartBuilder
from persona.audio.music.form import Form, Section
from persona.audio.music.ragas import Ladder
from persona.audio.music.theory import bass_pitch, chord, nearest, voice_chord
from persona.audio.music.types import PPQ

KICK, RIM, SNARE, CLAP, SNARE2 = 36, 37, 38, 39, 40
CLOSED_HAT, PEDAL_HAT, OPEN_HAT = 42, 44, 46
LOW_TOM, MID_TOM, HIGH_TOM = 45, 47, 50
CRASH, RIDE, RIDE_BELL, TAMBOURINE, SHAKER = 49, 51, 53, 54, 70
MUTE_TRIANGLE, OPEN_TRIANGLE = 80, 81
LEVELS = {"X": 1.0, "x": 0.78, "o": 0.42}


@dataclass(frozen=True)
class Chart:
    """One chord (pitch classes, root first) per slot of ``slot`` beats."""

    chords: tuple[tuple[int, ...], ...]
    slot: int

    def at(self, beat: float) -> tuple[int, ...]:
        return self.chords[min(len(self.chords) - 1, int(beat // self.slot))]

    def next_after(self, beat: float) -> tuple[int, ...]:
        i = int(beat // self.slot) + 1
        return self.chords[i % len(self.chords)]


def make_chart(
    form: Form,
    sections: Sequence[Section],
    progressions: Mapping[str, Sequence[str]],
    tonic: int,
    slot: int,
    cadence: Sequence[str] = ("IV", "V"),
    final: str = "I",
) -> Chart:
    """Chords slot by slot: each section cycles its progression; a piece that ends gets
    ``cadence`` in its last slots before the ``final`` chord (on the final beat)."""
    slots = max(1, -(-form.beats // slot))
    numerals: list[str] = []
    for s in sections:
        prog = progressions.get(s.name) or next(iter(progressions.values()))
        first, end = s.first * form.beats_per_bar // slot, s.end * form.beats_per_bar // slot
        numerals += [prog[i % len(prog)] for i in range(end - first)]
    numerals = (numerals + [numerals[-1] if numerals else final] * slots)[:slots]
    if not form.loop and slots >= len(cadence) + 1:
        numerals[-len(cadence) :] = list(cadence)
    numerals.append(final)
    return Chart(tuple(chord(n, tonic) for n in numerals), slot)


def section_at(sections: Sequence[Section], bar: int) -> Section:
    """The section that holds ``bar`` (the last one past the end)."""
    return next((s for s in sections if s.first <= bar < s.end), sections[-1])


def drum_bar(
    builder: PartBuilder,
    bar_tick: int,
    beats: int,
    pattern: Mapping[int, str],
    velocity: float,
    swing: float = 0.0,
) -> None:
    """One bar of drums; ``swing`` (0..1/3) delays every off-beat eighth by that
    fraction of a beat (1/6 is the classic 2:1 triplet swing)."""
    for key, steps in pattern.items():
        n = len(steps)
        for i, ch in enumerate(steps):
            if ch not in LEVELS:
                continue
            beat = i * beats / n
            if swing and abs(beat % 1.0 - 0.5) < 1e-9:
                beat += swing
            builder.note(bar_tick + beat * PPQ, PPQ / 4, key, velocity * LEVELS[ch])


def bass_bar(
    builder: PartBuilder,
    bar_tick: int,
    beats: float,
    current: Sequence[int],
    following: Sequence[int],
    pattern: str,
    velocity: float,
    low: int = 33,
) -> None:
    """One bar (or slot) of bass from a pattern string (see the module docstring)."""
    root = bass_pitch(current[0], low)
    step = beats * PPQ / len(pattern)
    picks = {
        "R": root,
        "5": root + 7,
        "8": root + 12,
        "3": bass_pitch(current[1], root),
        "A": bass_pitch(following[0], low) + (1 if (current[0] - following[0]) % 12 < 6 else -1),
    }
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        hold = 1
        while i + hold < len(pattern) and pattern[i + hold] == "-":
            hold += 1
        if ch in picks:
            builder.note(bar_tick + i * step, hold * step * 0.92, picks[ch], velocity)
        i += hold


def comp_bar(
    builder: PartBuilder,
    bar_tick: int,
    beats: float,
    pcs: Sequence[int],
    previous: Sequence[int] | None,
    pattern: str,
    velocity: float,
    low: int = 52,
    high: int = 76,
    size: int = 4,
) -> tuple[int, ...]:
    """Chord strikes on a pattern; returns the voicing (for smooth voice leading)."""
    voicing = voice_chord(pcs, previous, low, high, size)
    step = beats * PPQ / len(pattern)
    i = 0
    while i < len(pattern):
        hold = 1
        while i + hold < len(pattern) and pattern[i + hold] == "-":
            hold += 1
        if pattern[i] == "x":
            builder.chord(bar_tick + i * step, hold * step * 0.95, voicing, velocity)
        i += hold
    return voicing


def arpeggio(
    builder: PartBuilder,
    tick: int,
    beats: float,
    pcs: Sequence[int],
    per_beat: int,
    low: int,
    velocity: float,
    shape: str = "updown",
) -> None:
    """Chord tones one after another, ``per_beat`` to the beat, over two octaves."""
    tones = sorted({p for p in range(low, low + 24) if p % 12 in set(pcs)})
    if not tones:
        return
    order = tones + tones[-2:0:-1] if shape == "updown" and len(tones) > 2 else tones
    count = round(beats * per_beat)
    for i in range(count):
        accent = 1.0 if i % per_beat == 0 else 0.8
        builder.note(
            tick + i * PPQ / per_beat,
            PPQ / per_beat * 0.9,
            order[i % len(order)],
            velocity * accent,
        )


@dataclass(frozen=True)
class Motif:
    """A melodic idea: onsets and lengths (beats) and a contour (scale steps per note)."""

    onsets: tuple[float, ...]
    lengths: tuple[float, ...]
    steps: tuple[int, ...]

    @property
    def span(self) -> float:
        return self.onsets[-1] + self.lengths[-1] if self.onsets else 0.0


def make_motif(beats: int, cells: Sequence[float], rest: float, rng: np.random.Generator) -> Motif:
    """A motif ``beats`` long: durations from ``cells``, some of them rests, a contour
    that mostly steps and ends on a long note."""
    onsets, lengths, steps = [], [], []
    beat = 0.0
    while beat < beats - 1e-9:
        d = float(rng.choice([c for c in cells if c <= beats - beat + 1e-9] or [beats - beat]))
        if rng.random() >= rest or beat == 0.0:
            onsets.append(beat)
            lengths.append(d)
            steps.append(int(rng.choice((-2, -1, -1, 0, 1, 1, 2, 3, -3))))
        beat += d
    if lengths:
        lengths[-1] = max(lengths[-1], min(2.0, beats - onsets[-1]))
    return Motif(tuple(onsets), tuple(lengths), tuple(steps))


def realize(
    motif: Motif,
    start_beat: float,
    chart: Chart,
    ladder: Ladder,
    previous: int,
    final_pc: int | None = None,
) -> list[tuple[float, float, int]]:
    """The motif's notes (start beat, length, pitch) from ``start_beat``: notes on a
    beat land on the nearest chord tone in the contour's direction, the others step
    along the scale; with ``final_pc`` the last note lands on that pitch class."""
    out: list[tuple[float, float, int]] = []
    pitch = previous
    for k, (onset, length, step) in enumerate(
        zip(motif.onsets, motif.lengths, motif.steps, strict=True)
    ):
        beat = start_beat + onset
        guess = ladder.step(pitch, 1 if step > 0 else -1, abs(step)) if step else pitch
        pcs = chart.at(beat)
        last = k == len(motif.onsets) - 1
        if last and final_pc is not None:
            pcs = (final_pc,)
        if abs(onset % 1.0) < 1e-9 or last:
            options = [p for p in ladder.all if p % 12 in pcs]
            onward = [p for p in options if (p - pitch) * step > 0] if step else options
            guess = nearest(guess, onward or options) if options else guess
        out.append((beat, length, guess))
        pitch = guess
    return out
