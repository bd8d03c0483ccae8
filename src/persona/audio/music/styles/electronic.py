"""Electronic (four-on-the-floor dance music) and ambient (pads, bells, no beat).

Electronic: a drum machine (TR-808 or electronic kit) with the kick on every beat, claps
on two and four and off-beat open hats; an off-beat synth bass; a sixteenth-note
arpeggio of the chord; a pad whose expression (MIDI CC 11) ducks on every kick, as a
side-chained compressor would; a square-wave hook in the drops. Sections build up: intro
(pad and arpeggio), build, drop, breakdown, drop, outro.

Ambient: slow chords with added seconds and ninths held for two bars on layered pads,
a low drone on the tonic, and sparse bell notes from the pentatonic scale, all in a
large reverb. The tempo is nominal (it sets the pace of chord changes and bells).
"""

from __future__ import annotations

from persona.audio.music.brief import Arrangement, Brief
from persona.audio.music.build import PartBuilder, final_chord, score
from persona.audio.music.form import Form, Section, plan_form, split
from persona.audio.music.ragas import Ladder
from persona.audio.music.styles import groove as g
from persona.audio.music.theory import SCALES, bass_pitch, nearest, note_name, voice_chord
from persona.audio.music.types import DRUM_CHANNEL, PPQ

ELECTRONIC_TEMPO = {
    "calm": (100, 112),
    "uplifting": (124, 130),
    "tense": (126, 134),
    "sad": (96, 108),
}
AMBIENT_TEMPO = {"calm": (60, 72), "uplifting": (72, 84), "tense": (54, 66), "sad": (50, 60)}
EDM_SECTIONS = [
    ("intro", 2, 0.3),
    ("build", 2, 0.6),
    ("drop", 4, 1.0),
    ("breakdown", 2, 0.4),
    ("drop", 4, 1.0),
    ("outro", 1, 0.5),
]
PROGRESSIONS_MINOR = {"drop": ("i", "bVI", "bIII", "bVII"), "breakdown": ("bVI", "bVII", "i", "i")}
PROGRESSIONS_MAJOR = {"drop": ("vi", "IV", "I", "V"), "breakdown": ("IV", "V", "vi", "vi")}
AMBIENT_MAJOR = {
    "a": ("Iadd9", "IVadd9", "vi7", "IVmaj7"),
    "b": ("ii7", "Iadd9", "IVadd9", "Vsus4"),
}
AMBIENT_MINOR = {
    "a": ("iadd9", "bVIadd9", "iv7", "bVIIsus2"),
    "b": ("bIIImaj7", "bVIadd9", "iv7", "i"),
}
FULL = {
    g.KICK: "X...X...X...X...",
    g.CLAP: "....X.......X...",
    g.CLOSED_HAT: "x.x.x.x.x.x.x.x.",
    g.OPEN_HAT: "..x...x...x...x.",
}
LIGHT = {g.CLOSED_HAT: "..x...x...x...x.", g.RIM: "......x.......x."}
BUILD = {g.KICK: "X...X...X...X...", g.SNARE: "x.x.x.x.xxxxXXXX", g.CLOSED_HAT: "xxxxxxxxxxxxxxxx"}


def arrange_electronic(brief: Brief) -> Arrangement:
    form = plan_form(brief.duration_s, brief.bpm, 4, brief.loop, nudge=brief.nudge)
    sections = split(form.bars, [("drop", 1, 1.0)] if brief.loop else EDM_SECTIONS)
    progs = PROGRESSIONS_MINOR if brief.minor else PROGRESSIONS_MAJOR
    chart = g.make_chart(
        form,
        sections,
        progs,
        brief.tonic,
        4,
        ("bVI", "bVII") if brief.minor else ("IV", "V"),
        "i" if brief.minor else "I",
    )
    feel = brief.rng("feel")
    parts = [
        _beat(brief, form, sections).build(form, feel, 0, 4),
        _synth_bass(brief, form, sections, chart).build(form),
        _arp(brief, form, sections, chart).build(form, feel, 0, 6),
        _pumping_pad(brief, form, sections, chart).build(form),
        _hook(brief, form, sections, chart).build(form, feel, 0, 6),
    ]
    mode = "minor" if brief.minor else "major"
    title = f"electronic in {note_name(brief.tonic)} {mode}"
    return Arrangement(score(form, parts, title, 0.5), mode, note_name(brief.tonic), form.bpm)


def _beat(brief: Brief, form: Form, sections: list[Section]) -> PartBuilder:
    kit = PartBuilder(
        "drums", DRUM_CHANNEL, 25 if brief.energy < 0.8 else 24, {"volume": 110, "reverb": 20}
    )
    for bar in range(form.bars):
        s = g.section_at(sections, bar)
        pattern = {"intro": LIGHT, "build": BUILD, "breakdown": LIGHT}.get(s.name, FULL)
        if s.name == "build" and bar < s.end - 1:
            pattern = {k: v for k, v in FULL.items() if k != g.OPEN_HAT}
        beats = form.bar_length(bar) // PPQ
        cut = {k: v[: len(v) * beats // 4] for k, v in pattern.items()}
        g.drum_bar(kit, bar * form.bar_ticks, beats, cut, brief.velocity(12))
        if bar == s.first and s.name == "drop":
            kit.note(bar * form.bar_ticks, PPQ, g.CRASH, brief.velocity(10))
    if not form.loop:
        kit.chord(form.end, PPQ, (g.KICK, g.CRASH), brief.velocity(15))
    return kit


def _synth_bass(brief: Brief, form: Form, sections: list[Section], chart: g.Chart) -> PartBuilder:
    bass = PartBuilder("bass", 1, 38, {"volume": 100, "reverb": 10})
    for bar in range(form.bars):
        s = g.section_at(sections, bar)
        if s.name == "intro" and not form.loop:
            continue
        beats = form.bar_length(bar) / PPQ
        pattern = ".R.R.R.R" if s.energy >= 0.9 else "R---R---"
        g.bass_bar(
            bass,
            bar * form.bar_ticks,
            beats,
            chart.at(bar * 4),
            chart.next_after(bar * 4),
            pattern[: round(8 * beats / 4)],
            brief.velocity(10),
            low=31,
        )
    final_chord(bass, form, [bass_pitch(chart.chords[-1][0], 31)], brief.velocity(8))
    return bass


def _arp(brief: Brief, form: Form, sections: list[Section], chart: g.Chart) -> PartBuilder:
    arp = PartBuilder("arpeggio", 2, 81, {"volume": 70, "reverb": 50, "pan": 40, "chorus": 40})
    per_beat = 4 if brief.energy >= 0.6 else 2
    for bar in range(form.bars):
        s = g.section_at(sections, bar)
        beats = form.bar_length(bar) / PPQ
        g.arpeggio(
            arp,
            bar * form.bar_ticks,
            beats,
            chart.at(bar * 4),
            per_beat,
            60,
            brief.velocity(-14) * (0.7 + 0.3 * s.energy),
        )
    return arp


def _pumping_pad(brief: Brief, form: Form, sections: list[Section], chart: g.Chart) -> PartBuilder:
    """Held chords; expression dips on each beat and swells back (side-chain feel)."""
    pad = PartBuilder(
        "pad", 3, 90 if brief.energy >= 0.6 else 89, {"volume": 84, "reverb": 70, "pan": 88}
    )
    voicing: tuple[int, ...] | None = None
    for bar in range(form.bars):
        voicing = voice_chord(chart.at(bar * 4), voicing, 53, 77, 4)
        pad.chord(bar * form.bar_ticks, form.bar_length(bar), voicing, brief.velocity(-10))
    depth = 0.55 * brief.energy
    for beat in range(form.beats):
        for k, frac in enumerate((0.0, 0.12, 0.25, 0.45, 0.7)):
            level = 1.0 - depth * (1.0 - k / 4) if k < 4 else 1.0
            pad.cc((beat + frac) * PPQ, 11, 127 * level)
    final_chord(pad, form, voice_chord(chart.chords[-1], voicing, 53, 77, 4), brief.velocity(-6))
    if not form.loop:
        pad.cc(form.end, 11, 127)
    return pad


def _hook(brief: Brief, form: Form, sections: list[Section], chart: g.Chart) -> PartBuilder:
    lead = PartBuilder("lead", 4, 80, {"volume": 80, "reverb": 55, "pan": 64})
    rng = brief.rng("hook")
    scale = SCALES["minor_pentatonic" if brief.minor else "major_pentatonic"]
    ladder = Ladder.for_scale(brief.tonic, scale, 64, 84)
    motif = g.make_motif(8, (0.5, 0.5, 0.75, 0.25, 1.0), 0.2, rng)
    pitch = ladder.all[len(ladder.all) // 2]
    for s in sections:
        if s.name != "drop":
            continue
        for bar in range(s.first, s.end, 2):
            if bar * 4 + motif.span > form.beats + 1e-9:
                break
            for beat, length, p in g.realize(motif, bar * 4, chart, ladder, pitch):
                lead.note(beat * PPQ, length * PPQ * 0.8, p, brief.velocity(-2))
    return lead


def arrange_ambient(brief: Brief) -> Arrangement:
    form = plan_form(brief.duration_s, brief.bpm, 4, brief.loop, nudge=brief.nudge)
    sections = split(form.bars, [("a", 1, 0.5), ("b", 1, 0.7)])
    progs = AMBIENT_MINOR if brief.minor else AMBIENT_MAJOR
    chart = g.make_chart(
        form,
        sections,
        progs,
        brief.tonic,
        8,
        ("iv7",) if brief.minor else ("IVmaj7",),
        "iadd9" if brief.minor else "Iadd9",
    )
    parts = [
        _pads(brief, form, chart, 89, 0, (52, 76), 0).build(form),
        _pads(brief, form, chart, 94 if not brief.minor else 92, 1, (60, 84), 4).build(form),
        _drone(brief, form).build(form),
        _bells(brief, form, chart).build(form, brief.rng("feel"), 20, 10),
    ]
    mode = "minor" if brief.minor else "major"
    title = f"ambient in {note_name(brief.tonic)} {mode}"
    return Arrangement(score(form, parts, title, 0.9), mode, note_name(brief.tonic), form.bpm)


def _pads(
    brief: Brief,
    form: Form,
    chart: g.Chart,
    program: int,
    channel: int,
    span: tuple[int, int],
    offset: int,
) -> PartBuilder:
    """Chords held for their whole slot (two bars), the second layer entering late."""
    pad = PartBuilder(
        f"pad {channel + 1}",
        channel,
        program,
        {"volume": 90, "reverb": 110, "pan": 40 + 48 * channel},
    )
    voicing: tuple[int, ...] | None = None
    for start in range(0, form.beats, chart.slot):
        voicing = voice_chord(chart.at(start), voicing, *span, 4)
        at = start + (offset if start + offset < form.beats else 0)
        pad.chord(at * PPQ, (start + chart.slot - at) * PPQ + PPQ, voicing, brief.velocity(-6))
    final_chord(pad, form, voice_chord(chart.chords[-1], voicing, *span, 4), brief.velocity(-6))
    return pad


def _drone(brief: Brief, form: Form) -> PartBuilder:
    drone = PartBuilder(
        "drone", 2, 95 if brief.mood.name != "tense" else 92, {"volume": 80, "reverb": 100}
    )
    root = bass_pitch(brief.tonic, 36)
    for start in range(0, form.beats, 16):
        drone.note(start * PPQ, min(16, form.beats - start) * PPQ + PPQ, root, brief.velocity(-10))
    final_chord(drone, form, [root], brief.velocity(-10))
    return drone


def _bells(brief: Brief, form: Form, chart: g.Chart) -> PartBuilder:
    """A bell now and then, on a chord tone of the pentatonic scale."""
    bells = PartBuilder(
        "bells", 3, 8 if brief.energy < 0.6 else 98, {"volume": 124, "reverb": 120, "pan": 70}
    )
    rng = brief.rng("bells")
    scale = SCALES["minor_pentatonic" if brief.minor else "major_pentatonic"]
    ladder = Ladder.for_scale(brief.tonic, scale, 72, 96)
    beat = float(rng.choice((1.0, 2.0)))
    pitch = ladder.all[len(ladder.all) // 2]
    while beat < form.beats - 1:
        pitch = ladder.step(pitch, 1 if rng.random() < 0.5 else -1, int(rng.integers(1, 3)))
        pitch = nearest(pitch, [p for p in ladder.all if p % 12 in chart.at(beat)] or [pitch])
        bells.note(beat * PPQ, 2 * PPQ, pitch, brief.velocity(-12 + int(rng.integers(-6, 7))))
        beat += float(rng.choice((1.5, 2.0, 3.0, 4.0, 6.0)) * (1.5 - brief.energy))
    return bells
