"""Rendering a :class:`~persona.audio.music.types.Score` to audio, offline.

FluidSynth plays the General MIDI parts with the FluidR3 soundfont; no audio driver is
started: a fresh synthesizer per render is fed the score's events in time order and asked
for exactly the samples between one event and the next (``fluid_synth_write_float``), so
the result is sample-for-sample the same on every run. Samples are loaded on demand
(``synth.dynamic-sample-loading``), which makes a fresh synthesizer cheap (≈ 50 ms).
The built-in instruments (tanpura, tabla) are rendered in NumPy and mixed in.
"""

from __future__ import annotations

import ctypes
import os
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from persona.audio.music.tabla import render_strokes
from persona.audio.music.tanpura import Pluck, render_plucks
from persona.audio.music.types import DRUM_CHANNEL, Part, Score
from persona.errors import DependencyError

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
"""The General MIDI soundfont (Debian ``fluid-soundfont-gm``, MIT licence); the
environment variable ``PERSONA_SOUNDFONT`` names another."""
SYNTH_GAIN = 0.6
TANPURA_DETUNE = 0.04
"""Semitones the two middle Sa strings are apart from their nominal pitch (they beat)."""

Event = tuple[int, int, str, int, int, int]  # sample, order, kind, channel, a, b


def soundfont_path() -> Path:
    """The soundfont to use; :class:`DependencyError` when it is missing."""
    path = Path(os.environ.get("PERSONA_SOUNDFONT", str(SOUNDFONT)))
    if not path.is_file():
        raise DependencyError(
            f"soundfont {path} not found: install the Debian package fluid-soundfont-gm "
            "or set PERSONA_SOUNDFONT to a General MIDI .sf2 file"
        )
    return path


@cache
def _fluidsynth() -> Any:
    try:
        import fluidsynth
    except (ImportError, OSError) as exc:
        raise DependencyError(
            "music needs FluidSynth: apt-get install libfluidsynth3, pip install pyfluidsynth"
        ) from exc
    write = fluidsynth._fl.fluid_synth_write_float
    channel = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]  # buffer, offset, increment
    write.argtypes = [ctypes.c_void_p, ctypes.c_int, *channel, *channel]
    write.restype = ctypes.c_int
    return fluidsynth


def render_score(score: Score, n_samples: int, sample_rate: int, seed: int = 0) -> np.ndarray:
    """``n_samples`` of the score as ``float32`` stereo ``(n, 2)``; sound after that is
    dropped (render longer to keep a tail). The engines add into one buffer."""
    out = np.zeros((n_samples, 2), np.float32)
    midi_parts = [p for p in score.parts if p.engine == "fluidsynth"]
    if midi_parts:
        _render_fluidsynth(score, midi_parts, out, sample_rate)
    for part in score.parts:
        if part.engine == "tanpura":
            render_plucks(_plucks(score, part), n_samples, sample_rate, seed, out)
        elif part.engine == "tabla":
            strokes = [(score.seconds(n.start), n.pitch, n.velocity) for n in part.notes]
            render_strokes(strokes, n_samples, sample_rate, seed, _pan(part), part.tuning, out)
    return out


def _pan(part: Part) -> float:
    return min(1.0, max(0.0, part.pan / 127.0))


def _volume(part: Part) -> float:
    """The part's channel volume as an amplitude (MIDI CC 7 is squared, as in GM)."""
    return (part.volume / 127.0) ** 2


def _plucks(score: Score, part: Part) -> list[Pluck]:
    """The tanpura part's plucks: the middle Sa strings alternate between two slightly
    detuned strings, every other pitch is its own string."""
    plucks: list[Pluck] = []
    count: dict[int, int] = {}
    for note in sorted(part.notes, key=lambda n: (n.start, n.pitch)):
        k = count.get(note.pitch, 0)
        count[note.pitch] = k + 1
        pair = sum(1 for n in part.notes if n.pitch == note.pitch) > len(part.notes) / 3
        detune = (TANPURA_DETUNE if k % 2 == 0 else -TANPURA_DETUNE) if pair else 0.0
        string = note.pitch * 2 + (k % 2 if pair else 0)
        pan = 0.5 + (0.08 if k % 2 else -0.08) * pair + (note.pitch % 12 - 5) * 0.01
        gain = note.velocity / 100.0 * _volume(part)
        plucks.append(Pluck(score.seconds(note.start), note.pitch + detune, gain, string, pan))
    return plucks


def _render_fluidsynth(score: Score, parts: list[Part], out: np.ndarray, sample_rate: int) -> None:
    """Play ``parts`` into ``out`` (which must be zero: the synthesizer overwrites it)."""
    fs = _fluidsynth()
    settings = {
        "synth.dynamic-sample-loading": 1,
        "synth.reverb.active": 1,
        "synth.chorus.active": 1,
        "synth.polyphony": 512,
    }
    synth = fs.Synth(gain=SYNTH_GAIN, samplerate=float(sample_rate), **settings)
    try:
        sfid = synth.sfload(str(soundfont_path()))
        if sfid < 0:
            raise DependencyError(f"FluidSynth could not load {soundfont_path()}")
        synth.set_reverb(score.room, 0.4, 60.0, 0.7)
        for part in parts:
            _setup_channel(synth, sfid, part)
        _write(fs, synth, _events(score, parts, sample_rate), out)
    finally:
        synth.delete()


def _setup_channel(synth: Any, sfid: int, part: Part) -> None:
    bank = 128 if part.channel == DRUM_CHANNEL else part.bank
    synth.program_select(part.channel, sfid, bank, part.program)
    for number, value in ((7, part.volume), (10, part.pan), (91, part.reverb), (93, part.chorus)):
        synth.cc(part.channel, number, value)


def _events(score: Score, parts: list[Part], sample_rate: int) -> list[Event]:
    """Every note-on, note-off, controller and bend as (sample, order, kind, channel,
    a, b), sorted by time; at the same sample note-offs go first, note-ons last."""
    samples: dict[int, int] = {}

    def at(tick: int) -> int:
        if tick not in samples:
            samples[tick] = round(score.seconds(tick) * sample_rate)
        return samples[tick]

    events: list[Event] = []
    for part in parts:
        ch = part.channel
        for n in part.notes:
            events.append((at(n.start), 2, "on", ch, n.pitch, n.velocity))
            events.append((at(n.start + n.length), 0, "off", ch, n.pitch, 0))
        for c in part.controls:
            events.append((at(c.tick), 1, c.kind, ch, c.number, c.value))
    events.sort(key=lambda e: (e[0], e[1]))
    return events


def _apply(synth: Any, event: Event) -> None:
    _, _, kind, ch, a, b = event
    if kind == "on":
        synth.noteon(ch, a, b)
    elif kind == "off":
        synth.noteoff(ch, a)
    elif kind == "bend":
        synth.pitch_bend(ch, b)
    else:
        synth.cc(ch, a, b)


def _write(fs: Any, synth: Any, events: list[Event], out: np.ndarray) -> None:
    """Run the synthesizer through ``events``, writing every sample of ``out``."""
    n_samples = len(out)
    base = out.ctypes.data
    write = fs._fl.fluid_synth_write_float
    stride = out.strides[0]
    cursor = 0

    def render_to(sample: int) -> None:
        nonlocal cursor
        sample = min(sample, n_samples)
        if sample > cursor:
            left = base + cursor * stride
            write(synth.synth, sample - cursor, left, 0, 2, left + 4, 0, 2)
            cursor = sample

    for event in events:
        if event[0] >= n_samples:
            break
        render_to(event[0])
        _apply(synth, event)
    render_to(n_samples)
