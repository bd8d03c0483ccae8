"""A :class:`~persona.audio.music.types.Score` as a Standard MIDI File (type 1).

Track 0 holds the tempo map, the metre and the title; each part gets its own track with
its name, program, controllers, notes and pitch bends. Built-in instruments appear with
their stand-in General MIDI program (the tanpura as a sitar, the tabla strokes as bongos
and congas on the percussion channel), so any player can play the file.
"""

from __future__ import annotations

from typing import Any

from persona.audio.music.types import DRUM_CHANNEL, PPQ, Part, Score


def to_midi(score: Score) -> Any:
    """The score as a ``mido.MidiFile``."""
    import mido

    midi = mido.MidiFile(type=1, ticks_per_beat=PPQ)
    head: list[tuple[int, int, Any]] = [
        (0, 0, mido.MetaMessage("track_name", name=score.title or "persona music")),
        (0, 0, mido.MetaMessage("time_signature", numerator=score.beats_per_bar, denominator=4)),
    ]
    head += [(0, 1, mido.MetaMessage("text", text=t)) for t in score.text]
    for tick, bpm in score.tempo:
        head.append((tick, 2, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm))))
    head.append((score.end, 3, mido.MetaMessage("marker", text="end")))
    midi.tracks.append(_track(head))
    for part in score.parts:
        midi.tracks.append(_track(_part_events(part)))
    return midi


def _part_events(part: Part) -> list[tuple[int, int, Any]]:
    import mido

    ch = part.channel
    events: list[tuple[int, int, Any]] = [(0, 0, mido.MetaMessage("track_name", name=part.name))]
    if ch != DRUM_CHANNEL and part.bank:
        events.append(
            (0, 1, mido.Message("control_change", channel=ch, control=0, value=part.bank))
        )
    events.append((0, 2, mido.Message("program_change", channel=ch, program=part.program)))
    for number, value in ((7, part.volume), (10, part.pan), (91, part.reverb), (93, part.chorus)):
        events.append(
            (0, 3, mido.Message("control_change", channel=ch, control=number, value=value))
        )
    for n in part.notes:
        events.append(
            (n.start, 5, mido.Message("note_on", channel=ch, note=n.pitch, velocity=n.velocity))
        )
        events.append((n.start + n.length, 4, mido.Message("note_off", channel=ch, note=n.pitch)))
    for c in part.controls:
        if c.kind == "bend":
            msg = mido.Message("pitchwheel", channel=ch, pitch=c.value)
        else:
            msg = mido.Message("control_change", channel=ch, control=c.number, value=c.value)
        events.append((c.tick, 4, msg))
    return events


def _track(events: list[tuple[int, int, Any]]) -> Any:
    """Absolute-time events, sorted (note-offs before note-ons at the same tick), as a
    track with delta times."""
    import mido

    track = mido.MidiTrack()
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track
