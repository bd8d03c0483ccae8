"""Western classical: functional harmony in periods, for piano or strings.

The piece is built of four-bar phrases paired into periods: an antecedent that stops on
a half cadence (on V) and a consequent that answers it with a perfect authentic cadence
(ii or IV, V7, I). Inside a phrase the chords follow the tonic → predominant → dominant
order of functional harmony. The melody is a motif stated at the start of each phrase,
fitted to the chords and led to the cadence's note (the 2nd or 7th degree on a half
cadence, the tonic on a full one). The last phrase always closes with V7–I and the final
chord rings out; a loop's last bar is the dominant, which resolves to the first bar.

Mood chooses the texture: calm is a piano piece with an Alberti bass (or a waltz bass in
3/4), uplifting a string orchestra with a driving eighth-note accompaniment, tense is
minor with tremolo strings, a pizzicato ostinato, diminished sevenths and timpani, sad a
slow minor string adagio with the tune in the cellos.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from persona.audio.music.brief import Arrangement, Brief
from persona.audio.music.build import PartBuilder, final_chord, score
from persona.audio.music.form import Form, plan_form
from persona.audio.music.ragas import Ladder
from persona.audio.music.styles import groove as g
from persona.audio.music.theory import SCALES, bass_pitch, chord, nearest, note_name, voice_chord
from persona.audio.music.types import PPQ

TEMPO = {"calm": (66, 80), "uplifting": (112, 132), "tense": (104, 124), "sad": (50, 62)}
MAJOR = {"T": ("I", "vi", "iii"), "PD": ("IV", "ii", "ii7"), "D": ("V", "V7", "vii°")}
MINOR = {"T": ("i", "bVI", "i"), "PD": ("iv", "iiø7", "bVI"), "D": ("V", "V7", "vii°7")}
TEXTURES = {
    # mood: melody program, chord program, bass program, melody range
    "calm": (0, 0, 0, (67, 88)),
    "uplifting": (40, 48, 42, (67, 91)),
    "tense": (40, 44, 42, (62, 84)),
    "sad": (42, 49, 43, (48, 67)),
}


def arrange_classical(brief: Brief) -> Arrangement:
    meter = 3 if brief.mood.name == "calm" and brief.rng("meter").random() < 0.5 else 4
    form = plan_form(brief.duration_s, brief.bpm, meter, brief.loop, nudge=brief.nudge)
    chart = _harmony(brief, form)
    melody, chords, bass = TEXTURES[brief.mood.name][:3]
    parts = [
        _melody(brief, form, chart, melody).build(form, brief.rng("feel"), 6, 6),
        _accompaniment(brief, form, chart, chords).build(form, brief.rng("feel"), 4, 5),
    ]
    if bass != chords:
        parts.append(_bass(brief, form, chart, bass).build(form, brief.rng("feel"), 3, 4))
    if brief.mood.name == "tense":
        parts += [
            _ostinato(brief, form, chart).build(form),
            _timpani(brief, form, chart).build(form),
        ]
    mode = "minor" if brief.minor else "major"
    title = f"piece in {note_name(brief.tonic)} {mode}"
    return Arrangement(score(form, parts, title, 0.55), mode, note_name(brief.tonic), form.bpm)


def _phrase(
    rng: np.random.Generator, table: Mapping[str, tuple[str, ...]], full: bool, minor: bool
) -> list[list[str]]:
    """Four bars of chords (one or two per bar): T, T|PD, PD, then a half cadence (V) or
    a full one (PD–V7 | I)."""

    def pick(function: str) -> str:
        return str(rng.choice(table[function]))

    tonic = "i" if minor else "I"
    bars = [[tonic], [pick(str(rng.choice(("T", "PD"))))], [pick("PD")]]
    if full:
        bars[2] = [pick("PD"), "V7"]
        bars.append([tonic])
    else:
        bars.append(["V"])
    return bars


def _harmony(brief: Brief, form: Form) -> g.Chart:
    """Chords per half bar (per bar in 3/4), phrase by phrase, ending on a cadence."""
    rng = brief.rng("harmony")
    table = MINOR if brief.minor else MAJOR
    if brief.mood.name == "tense":
        table = {**table, "D": ("vii°7", "V7", "V")}
    bars: list[list[str]] = []
    full = False
    while len(bars) < form.bars:
        bars += _phrase(rng, table, full, brief.minor)
        full = not full
    bars = bars[: form.bars]
    tonic = "i" if brief.minor else "I"
    if form.loop:
        bars[-1] = ["V7"]
    elif len(bars) >= 2:
        bars[-2:] = [[str(rng.choice(table["PD"]))], ["V", "V7"]]
    slot = form.beats_per_bar // 2 if form.beats_per_bar % 2 == 0 else form.beats_per_bar
    per_bar = form.beats_per_bar // slot
    numerals = [b[min(i * len(b) // per_bar, len(b) - 1)] for b in bars for i in range(per_bar)]
    numerals.append(tonic)
    return g.Chart(tuple(chord(n, brief.tonic) for n in numerals), slot)


def _melody(brief: Brief, form: Form, chart: g.Chart, program: int) -> PartBuilder:
    low, high = TEXTURES[brief.mood.name][3]
    lead = PartBuilder(
        "melody", 0, program, {"volume": 104, "reverb": 50, "pan": 58 if program else 64}
    )
    rng = brief.rng("melody")
    scale = SCALES["harmonic_minor" if brief.minor else "major"]
    ladder = Ladder.for_scale(brief.tonic, scale, low, high)
    bpb = form.beats_per_bar
    slow = brief.energy < 0.5
    cells = (1.0, 1.0, 0.5, 0.5, 1.5, 2.0) if slow else (0.5, 0.5, 1.0, 0.25, 0.25, 1.0, 1.5)
    motif = g.make_motif(2 * bpb, cells, 0.05, rng)
    pitch = ladder.all[len(ladder.all) // 2]
    for phrase in range(0, form.bars, 4):
        answer = (phrase // 4) % 2 == 1
        start = phrase * bpb
        if start + motif.span <= form.beats:
            notes = g.realize(motif, start, chart, ladder, pitch)
            for beat, length, p in notes:
                lead.note(beat * PPQ, length * PPQ * 0.95, p, brief.velocity(6))
            pitch = notes[-1][2] if notes else pitch
        tail = g.make_motif(bpb + (bpb if answer else 1), cells, 0.0, rng)
        cadence = brief.tonic if answer else chart.at((phrase + 3) * bpb)[1]
        tail_start = start + 2 * bpb
        if tail_start + tail.span <= form.beats:
            for beat, length, p in g.realize(tail, tail_start, chart, ladder, pitch, cadence):
                lead.note(beat * PPQ, length * PPQ * 0.95, p, brief.velocity(2))
                pitch = p
    final = [p for p in ladder.all if p % 12 == brief.tonic]
    final_chord(lead, form, [nearest(pitch, final)], brief.velocity(4))
    return lead


def _accompaniment(brief: Brief, form: Form, chart: g.Chart, program: int) -> PartBuilder:
    """Alberti or waltz bass for the piano; pulsing or held chords for strings."""
    acc = PartBuilder("accompaniment", 1, program, {"volume": 82, "reverb": 55, "pan": 48})
    voicing: tuple[int, ...] | None = None
    piano = program == 0
    for slot_start in range(0, form.beats, chart.slot):
        pcs = chart.at(slot_start)
        length = min(chart.slot, form.beats - slot_start)
        tick = slot_start * PPQ
        if piano and form.beats_per_bar == 3:
            acc.note(tick, PPQ * 0.9, bass_pitch(pcs[0], 41), brief.velocity(-4))
            voicing = voice_chord(pcs, voicing, 55, 72, 3)
            for beat in range(1, length):
                acc.chord(tick + beat * PPQ, PPQ * 0.7, voicing, brief.velocity(-14))
        elif piano:
            voicing = voice_chord(pcs, voicing, 48, 67, 3)
            order = (voicing[0], voicing[2], voicing[1], voicing[2])
            for i in range(length * 2):
                acc.note(
                    tick + i * PPQ / 2, PPQ / 2, order[i % 4], brief.velocity(-16 if i % 2 else -10)
                )
        else:
            voicing = voice_chord(pcs, voicing, 52, 74, 4)
            pulse = 2 if brief.energy >= 0.7 else 0
            if pulse:
                for i in range(length * pulse):
                    acc.chord(
                        tick + i * PPQ / pulse,
                        PPQ / pulse * 0.8,
                        voicing,
                        brief.velocity(-12 + 6 * (i % pulse == 0)),
                    )
            else:
                acc.chord(tick, length * PPQ * 0.98, voicing, brief.velocity(-10))
    final_chord(acc, form, voice_chord(chart.chords[-1], voicing, 48, 72, 4), brief.velocity(-4))
    return acc


def _bass(brief: Brief, form: Form, chart: g.Chart, program: int) -> PartBuilder:
    bass = PartBuilder("bass", 2, program, {"volume": 92, "reverb": 45, "pan": 76})
    step = 1 if brief.energy >= 0.7 else chart.slot
    for beat in range(0, form.beats, step):
        pcs = chart.at(beat)
        bass.note(
            beat * PPQ,
            step * PPQ * 0.9,
            bass_pitch(pcs[0], 36),
            brief.velocity(-6 + 6 * (beat % form.beats_per_bar == 0)),
        )
    final_chord(bass, form, [bass_pitch(chart.chords[-1][0], 36)], brief.velocity())
    return bass


def _ostinato(brief: Brief, form: Form, chart: g.Chart) -> PartBuilder:
    """Pizzicato eighths on the root, jumping to the octave on the second beat."""
    pizz = PartBuilder("pizzicato", 3, 45, {"volume": 90, "reverb": 40, "pan": 30})
    for i in range(form.beats * 2):
        root = bass_pitch(chart.at(i / 2)[0], 43)
        pizz.note(
            i * PPQ / 2,
            PPQ / 2,
            root + (12 if i % 4 == 2 else 0),
            brief.velocity(-8 + 8 * (i % 2 == 0)),
        )
    final_chord(pizz, form, [bass_pitch(chart.chords[-1][0], 43)], brief.velocity())
    return pizz


def _timpani(brief: Brief, form: Form, chart: g.Chart) -> PartBuilder:
    """A timpani stroke on the root at the start of every phrase, and on the last chord."""
    timpani = PartBuilder("timpani", 4, 47, {"volume": 96, "reverb": 60})
    for bar in range(0, form.bars, 4):
        timpani.note(
            bar * form.bar_ticks,
            PPQ,
            bass_pitch(chart.at(bar * form.beats_per_bar)[0], 36),
            brief.velocity(10),
        )
    final_chord(timpani, form, [bass_pitch(chart.chords[-1][0], 36)], brief.velocity(12))
    return timpani
