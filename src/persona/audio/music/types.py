"""The data of music generation: the request, the score, and the result.

Time inside a score is integer MIDI ticks (:data:`PPQ` per beat); the tempo map turns
ticks into seconds. Seconds appear only in the request and the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    import mido

PPQ = 480
"""Ticks per beat (quarter note, or one matra in a tala)."""
DRUM_CHANNEL = 9
"""General MIDI percussion channel (channel 10 counting from one)."""

Engine = Literal["fluidsynth", "tanpura", "tabla"]


@dataclass(frozen=True)
class MusicRequest:
    """What to compose. ``tempo`` and ``key`` default to the style's and mood's choice.

    ``duration_s`` is exact: the audio has ``round(duration_s * sample_rate)`` samples.
    ``loop`` makes the end join the start seamlessly (no ending); otherwise the piece
    ends with a cadence that rings out to silence at the last sample.
    """

    style: str
    mood: str = "calm"
    duration_s: float = 60.0
    tempo: float | None = None
    key: str | None = None
    seed: int = 0
    loop: bool = False
    sample_rate: int = 48000


@dataclass(frozen=True, eq=False)
class Music:
    """Composed and rendered music.

    ``audio`` is ``float32`` stereo ``(n, 2)`` with peaks at or below −1 dBFS; ``bpm``
    the tempo the piece starts at (styles with an accelerando speed up from it); ``key``
    the tonic's name (Sa for a raga); ``mode`` the scale or raga (``"major"``,
    ``"minor"``, ``"dorian"``, ``"yaman"``...); ``midi`` the score as a Standard MIDI
    File; ``lufs`` the integrated loudness of ``audio``.
    """

    audio: np.ndarray
    sample_rate: int
    bpm: float
    key: str
    mode: str
    style: str
    mood: str
    midi: mido.MidiFile
    loop: bool
    seed: int
    lufs: float

    @property
    def duration_s(self) -> float:
        return len(self.audio) / self.sample_rate


@dataclass(frozen=True)
class Note:
    """One note: start and length in ticks, MIDI pitch (a drum or stroke number on a
    percussion part), velocity 1..127."""

    start: int
    length: int
    pitch: int
    velocity: int


@dataclass(frozen=True)
class Control:
    """A controller change (``kind`` "cc" with ``number``) or a pitch bend (``kind``
    "bend", ``value`` -8192..8191) at a tick."""

    tick: int
    kind: Literal["cc", "bend"]
    value: int
    number: int = 0


@dataclass(frozen=True)
class Part:
    """One instrument's notes on one MIDI channel.

    ``program`` is a General MIDI program (0..127) and ``bank`` its bank (128 selects a
    drum kit, ``program`` then naming the kit). ``engine`` says who plays it: FluidSynth
    with the General MIDI soundfont, or one of the built-in instruments (``"tanpura"``,
    ``"tabla"``), whose notes still go to the MIDI file with the General MIDI program
    and channel given here. ``volume``, ``pan``, ``reverb`` and ``chorus`` are the
    channel's MIDI controllers 7, 10, 91 and 93.
    """

    name: str
    channel: int
    program: int
    notes: tuple[Note, ...]
    bank: int = 0
    engine: Engine = "fluidsynth"
    volume: int = 100
    pan: int = 64
    reverb: int = 40
    chorus: int = 0
    controls: tuple[Control, ...] = ()
    tuning: int = 60
    """The pitch a built-in instrument is tuned to (the tabla's Sa)."""


@dataclass(frozen=True)
class Score:
    """Parts plus a tempo map: ``tempo[i] = (tick, bpm)`` from that tick on, the first at
    tick 0. ``end`` is the tick where the piece (or one loop) ends. ``room`` is the
    reverb's room size (0..1); ``text`` lines go into the MIDI file as text events."""

    parts: tuple[Part, ...]
    tempo: tuple[tuple[int, float], ...]
    end: int
    beats_per_bar: int = 4
    title: str = ""
    room: float = 0.5
    text: tuple[str, ...] = ()

    def seconds(self, tick: float) -> float:
        """The time in seconds of ``tick`` under the tempo map."""
        total = 0.0
        for i, (at, bpm) in enumerate(self.tempo):
            nxt = self.tempo[i + 1][0] if i + 1 < len(self.tempo) else None
            if nxt is not None and tick > nxt:
                total += (nxt - at) / PPQ * 60.0 / bpm
                continue
            return total + (tick - at) / PPQ * 60.0 / bpm
        return total
