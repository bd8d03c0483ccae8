"""Building parts: a note collector, humanizing, the ending chord and tempo-synced drones.

Styles write notes in ticks with a :class:`PartBuilder`; :meth:`PartBuilder.build`
freezes them into a :class:`~persona.audio.music.types.Part`, dropping what falls outside
a loop and nudging times and velocities a little so the music breathes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from persona.audio.music.form import Form
from persona.audio.music.types import PPQ, Control, Note, Part, Score


@dataclass
class PartBuilder:
    """Collects the notes and controls of one part."""

    name: str
    channel: int
    program: int
    options: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)

    def note(self, start: float, length: float, pitch: int, velocity: float) -> None:
        """Add a note (times in ticks; fractional ticks are rounded)."""
        if not 0 <= pitch <= 127:
            return
        self.notes.append(
            Note(round(start), max(1, round(length)), pitch, max(1, min(127, round(velocity))))
        )

    def chord(self, start: float, length: float, pitches: Iterable[int], velocity: float) -> None:
        for p in pitches:
            self.note(start, length, p, velocity)

    def cc(self, tick: float, number: int, value: float) -> None:
        self.controls.append(Control(round(tick), "cc", max(0, min(127, round(value))), number))

    def bend(self, tick: float, value: int) -> None:
        self.controls.append(Control(round(tick), "bend", max(-8192, min(8191, value))))

    def build(
        self,
        form: Form,
        rng: np.random.Generator | None = None,
        timing: int = 0,
        dynamics: int = 0,
    ) -> Part:
        """The frozen part. In a loop, notes starting at or after the loop's end are
        dropped. With ``rng``, starts move by up to ``timing`` ticks (never before 0, and
        never those on tick 0) and velocities by up to ``dynamics``."""
        notes = sorted(self.notes, key=lambda n: (n.start, n.pitch))
        if form.loop:
            notes = [n for n in notes if n.start < form.end]
        if rng is not None and (timing or dynamics):
            notes = [_humanize(n, rng, timing, dynamics) for n in notes]
        notes = _no_overlaps(notes)
        controls = sorted(self.controls, key=lambda c: c.tick)
        if form.loop:
            controls = [c for c in controls if c.tick < form.end]
        return Part(
            self.name,
            self.channel,
            self.program,
            tuple(notes),
            controls=tuple(controls),
            **self.options,
        )


def _no_overlaps(notes: list[Note]) -> list[Note]:
    """Notes of the same pitch cut so that each ends before the next one starts (a
    note-off would otherwise silence the newer note), sorted by start."""
    out: list[Note] = []
    last: dict[int, int] = {}  # pitch -> index in out
    for note in sorted(notes, key=lambda n: (n.start, n.pitch)):
        i = last.get(note.pitch)
        if i is not None and out[i].start + out[i].length > note.start:
            prev = out[i]
            out[i] = Note(prev.start, max(1, note.start - prev.start), prev.pitch, prev.velocity)
        last[note.pitch] = len(out)
        out.append(note)
    return out


def _humanize(note: Note, rng: np.random.Generator, timing: int, dynamics: int) -> Note:
    shift = int(rng.integers(-timing, timing + 1)) if timing and note.start else 0
    start = max(0, note.start + shift)
    velocity = note.velocity + (int(rng.integers(-dynamics, dynamics + 1)) if dynamics else 0)
    return Note(start, note.length, note.pitch, max(1, min(127, velocity)))


def ring_ticks(form: Form, tempo_bpm: float | None = None) -> int:
    """Ticks from the final chord to the end of the piece (0 for a loop)."""
    if form.loop:
        return 0
    bpm = tempo_bpm if tempo_bpm is not None else form.tempo[-1][1]
    seconds = form.duration_s - _seconds(form, form.end)
    return max(PPQ // 2, round(seconds * bpm / 60.0 * PPQ))


def _seconds(form: Form, tick: int) -> float:
    score = Score((), form.tempo, form.end)
    return score.seconds(tick)


def final_chord(builder: PartBuilder, form: Form, pitches: Sequence[int], velocity: float) -> None:
    """The last chord: struck on the final beat and held through the ring-out."""
    if not form.loop:
        builder.chord(form.end, ring_ticks(form) * 0.9, pitches, velocity)


def score(form: Form, parts: Iterable[Part], title: str, room: float = 0.5, *text: str) -> Score:
    return Score(tuple(parts), form.tempo, form.end, form.beats_per_bar, title, room, text)


PLUCK_S = 1.0
"""The natural spacing of tanpura plucks, in seconds."""


def drone_timing(form: Form) -> tuple[float, float]:
    """(pluck spacing, cycle length) in beats for a tempo-synced tanpura.

    Plucks fall on the beat grid (every half, one, one and a half, two or three beats,
    whichever is closest to :data:`PLUCK_S`), and the cycle lasts five spacings (four
    plucks and a rest), else four or six; in a loop the cycle must divide the loop so the
    pattern joins up (else the plucks spread evenly over a cycle that does).
    """
    beat_s = 60.0 / form.bpm
    unit = min((0.5, 1.0, 1.5, 2.0, 3.0), key=lambda u: abs(u * beat_s - PLUCK_S))
    for units in (5, 4, 6):
        cycle = unit * units
        if not form.loop or (2 * form.beats) % round(2 * cycle) == 0:
            return unit, cycle
    options = [b for b in range(1, form.beats + 1) if form.beats % b == 0]
    cycle = float(min(options, key=lambda b: abs(b * beat_s - 4.6 * PLUCK_S)))
    return cycle / 4.6, cycle


def tanpura_notes(builder: PartBuilder, form: Form, sa: int, first: int, velocity: int) -> None:
    """Pa–Sa–Sa–Sa plucks over the whole piece (through the ring-out), timed by
    :func:`drone_timing`; the fourth pluck is the low Sa."""
    unit, cycle = drone_timing(form)
    end = form.end + ring_ticks(form)
    pitches = (sa + first, sa, sa, sa - 12)
    start = 0.0
    while start * PPQ < end:
        for k, pitch in enumerate(pitches):
            at = (start + k * unit) * PPQ
            if at < end:
                builder.note(at, cycle * PPQ, pitch, velocity)
        start += cycle
