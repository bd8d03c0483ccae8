"""Band styles: pop, rock and Bollywood film-song pop.

One arranger, three specs. The piece is cut into sections (intro, verse, chorus,
bridge...) with an energy each; the chord chart cycles a progression per section and ends
on a cadence into the tonic. Drums play the section's pattern with a fill into the next
section and a crash on its first beat; the bass and the chords follow the chart; a lead
plays a two-bar motif (a different one for the chorus) fitted to each chord, so the hook
comes back recognizably. Bollywood adds a dholak-like tabla groove in keherwa, a string
section and an Indian lead (sitar, bansuri, shehnai).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from persona.audio.music.brief import Arrangement, Brief
from persona.audio.music.build import PartBuilder, final_chord, score
from persona.audio.music.form import Form, Section, plan_form, split
from persona.audio.music.ragas import Ladder
from persona.audio.music.styles import groove as g
from persona.audio.music.talas import accents, cycle_groups, get_tala, strokes
from persona.audio.music.theory import SCALES, bass_pitch, nearest, note_name, voice_chord
from persona.audio.music.types import DRUM_CHANNEL, PPQ

POP_TEMPO = {"calm": (76, 90), "uplifting": (112, 126), "tense": (96, 110), "sad": (66, 78)}
ROCK_TEMPO = {"calm": (84, 96), "uplifting": (126, 144), "tense": (112, 130), "sad": (72, 84)}
BOLLYWOOD_TEMPO = {"calm": (80, 92), "uplifting": (104, 118), "tense": (96, 110), "sad": (68, 80)}

SECTIONS = [
    ("intro", 1, 0.45),
    ("verse", 4, 0.65),
    ("chorus", 4, 1.0),
    ("verse", 4, 0.7),
    ("bridge", 2, 0.6),
    ("chorus", 4, 1.0),
    ("outro", 1, 0.5),
]
LOOP_SECTIONS = [("verse", 1, 0.75), ("chorus", 1, 1.0)]


@dataclass(frozen=True)
class BandSpec:
    """What makes a band style: progressions (major and minor), drum kit and patterns
    (soft and full), bass and comping patterns, programs, lead per mood."""

    name: str
    major: Mapping[str, tuple[str, ...]]
    minor: Mapping[str, tuple[str, ...]]
    kit: int
    soft: Mapping[int, str]
    full: Mapping[int, str]
    bass: tuple[str, str]
    comp_program: int
    comp: tuple[str, str]
    pad_program: int
    leads: Mapping[str, int]
    lead_range: tuple[int, int] = (62, 84)
    power_chords: bool = False
    tabla: bool = False


POP = BandSpec(
    "pop",
    major={
        "verse": ("I", "V", "vi", "IV"),
        "chorus": ("IV", "I", "V", "vi"),
        "bridge": ("ii", "IV", "vi", "V"),
    },
    minor={
        "verse": ("i", "bVI", "bIII", "bVII"),
        "chorus": ("bVI", "bVII", "i", "i"),
        "bridge": ("iv", "bVI", "bVII", "V"),
    },
    kit=0,
    soft={g.KICK: "x.......x.x.....", g.RIM: "....x.......x...", g.CLOSED_HAT: "x.x.x.x.x.x.x.x."},
    full={
        g.KICK: "X.....x.x.x.....",
        g.SNARE: "....X.......X...",
        g.CLOSED_HAT: "xoxoxoxoxoxoxoxo",
        g.CLAP: "....x.......x...",
    },
    bass=("R-------R---5---", "R-R-R-R-R-R-5-A-"),
    comp_program=0,
    comp=("x-------x-------", "x-..x-..x-..x-.."),
    pad_program=89,
    leads={"calm": 73, "uplifting": 80, "tense": 81, "sad": 11},
)
ROCK = BandSpec(
    "rock",
    major={
        "verse": ("I", "bVII", "IV", "I"),
        "chorus": ("IV", "V", "I", "I"),
        "bridge": ("vi", "IV", "V", "V"),
    },
    minor={
        "verse": ("i", "bVI", "bVII", "i"),
        "chorus": ("bVI", "bVII", "i", "i"),
        "bridge": ("iv", "bVI", "bVII", "V"),
    },
    kit=16,
    soft={g.KICK: "x.......x.......", g.SNARE: "....x.......x...", g.RIDE: "x.x.x.x.x.x.x.x."},
    full={
        g.KICK: "X.x.....X.x.....",
        g.SNARE: "....X.......X...",
        g.CLOSED_HAT: "xxxxxxxxxxxxxxxx",
    },
    bass=("R---R---R---R---", "RRRRRRRRRRRRRRRR"),
    comp_program=30,
    comp=("x-------x-------", "x-x-x-x-x-x-x-x-"),
    pad_program=49,
    leads={"calm": 27, "uplifting": 29, "tense": 30, "sad": 27},
    lead_range=(57, 79),
    power_chords=True,
)
BOLLYWOOD = BandSpec(
    "bollywood",
    major={
        "verse": ("I", "I", "IV", "V"),
        "chorus": ("I", "vi", "IV", "V"),
        "bridge": ("vi", "IV", "I", "V"),
    },
    minor={
        "verse": ("i", "i", "bVII", "bVII"),
        "chorus": ("bVI", "bVII", "i", "i"),
        "bridge": ("iv", "iv", "bVII", "i"),
    },
    kit=0,
    soft={g.KICK: "x.......x.......", g.RIM: "....x.......x...", g.SHAKER: "x.o.x.o.x.o.x.o."},
    full={g.KICK: "X.....x.X.......", g.CLAP: "....x.......x...", g.SHAKER: "xoxoxoxoxoxoxoxo"},
    bass=("R---R---5---R---", "R--R--R-5--5--A-"),
    comp_program=24,
    comp=("x-.x-.x-x-.x-.x-", "x.xx.xx.x.xx.xx."),
    pad_program=48,
    leads={"calm": 73, "uplifting": 104, "tense": 104, "sad": 111},
    tabla=True,
)


def arrange_pop(brief: Brief) -> Arrangement:
    return _arrange(brief, POP)


def arrange_rock(brief: Brief) -> Arrangement:
    return _arrange(brief, ROCK)


def arrange_bollywood(brief: Brief) -> Arrangement:
    return _arrange(brief, BOLLYWOOD)


def _arrange(brief: Brief, spec: BandSpec) -> Arrangement:
    form = plan_form(brief.duration_s, brief.bpm, 4, brief.loop, nudge=brief.nudge)
    sections = split(form.bars, LOOP_SECTIONS if brief.loop else SECTIONS)
    progs = spec.minor if brief.minor else spec.major
    cadence = ("iv", "V") if brief.minor else ("IV", "V")
    chart = g.make_chart(
        form, sections, progs, brief.tonic, 4, cadence, "i" if brief.minor else "I"
    )
    parts = [
        _drums(brief, spec, form, sections).build(form, brief.rng("feel"), 6, 6),
        _bass(brief, spec, form, sections, chart).build(form),
        _comp(brief, spec, form, sections, chart).build(form, brief.rng("feel"), 5, 6),
        _pad(brief, spec, form, sections, chart).build(form),
        _lead(brief, spec, form, sections, chart).build(form, brief.rng("feel"), 6, 8),
    ]
    if spec.tabla:
        parts.append(_dholak(brief, form, sections).build(form, brief.rng("feel"), 4, 5))
    mode = "minor" if brief.minor else "major"
    title = f"{spec.name} in {note_name(brief.tonic)} {mode}"
    return Arrangement(score(form, parts, title, 0.45), mode, note_name(brief.tonic), form.bpm)


def _drums(brief: Brief, spec: BandSpec, form: Form, sections: list[Section]) -> PartBuilder:
    kit = PartBuilder("drums", DRUM_CHANNEL, spec.kit, {"volume": 105, "reverb": 30})
    for bar in range(form.bars):
        s = g.section_at(sections, bar)
        pattern = dict(spec.full if s.energy * (0.6 + brief.energy) >= 0.6 else spec.soft)
        last = bar == s.end - 1 and bar < form.bars - 1 and s.bars > 1
        if last:
            pattern[g.SNARE] = pattern.get(g.SNARE, "")[:12].ljust(12, ".") + "xxXX"
            pattern[g.MID_TOM] = "............" + "..x."
        velocity = brief.velocity(5) * (0.75 + 0.25 * s.energy)
        g.drum_bar(
            kit,
            bar * form.bar_ticks,
            form.bar_length(bar) // PPQ,
            _cut(pattern, form, bar),
            velocity,
        )
        if bar == s.first and s.energy >= 0.9 and bar > 0:
            kit.note(bar * form.bar_ticks, PPQ, g.CRASH, velocity)
    if not form.loop:
        kit.chord(form.end, PPQ, (g.CRASH, g.KICK), brief.velocity(15))
    return kit


def _cut(pattern: Mapping[int, str], form: Form, bar: int) -> dict[int, str]:
    """The pattern for a bar that may be cut short at the end of the piece."""
    beats = form.bar_length(bar) // PPQ
    return {k: v[: len(v) * beats // form.beats_per_bar] for k, v in pattern.items()}


def _bass(
    brief: Brief, spec: BandSpec, form: Form, sections: list[Section], chart: g.Chart
) -> PartBuilder:
    bass = PartBuilder("bass", 1, 34 if spec.power_chords else 33, {"volume": 100, "reverb": 10})
    for bar in range(form.bars):
        s = g.section_at(sections, bar)
        beats = form.bar_length(bar) / PPQ
        pattern = spec.bass[1 if s.energy >= 0.7 else 0]
        pattern = pattern[: round(len(pattern) * beats / 4)]
        g.bass_bar(
            bass,
            bar * form.bar_ticks,
            beats,
            chart.at(bar * 4),
            chart.next_after(bar * 4),
            pattern,
            brief.velocity(8),
        )
    final_chord(bass, form, [bass_pitch(chart.chords[-1][0], 33)], brief.velocity(10))
    return bass


def _comp(
    brief: Brief, spec: BandSpec, form: Form, sections: list[Section], chart: g.Chart
) -> PartBuilder:
    comp = PartBuilder("chords", 2, spec.comp_program, {"volume": 88, "reverb": 40, "pan": 44})
    voicing: tuple[int, ...] | None = None
    for bar in range(form.bars):
        s = g.section_at(sections, bar)
        beats = form.bar_length(bar) / PPQ
        pattern = spec.comp[1 if s.energy >= 0.7 else 0]
        pattern = pattern[: round(len(pattern) * beats / 4)]
        pcs = chart.at(bar * 4)
        if spec.power_chords:
            pcs = (pcs[0], (pcs[0] + 7) % 12)
        voicing = g.comp_bar(
            comp,
            bar * form.bar_ticks,
            beats,
            pcs,
            voicing,
            pattern,
            brief.velocity(-4) * (0.8 + 0.2 * s.energy),
            low=40 if spec.power_chords else 52,
            high=64 if spec.power_chords else 76,
            size=3,
        )
    last = voice_chord(chart.chords[-1], voicing, 52, 76, 4)
    final_chord(comp, form, last, brief.velocity())
    return comp


def _pad(
    brief: Brief, spec: BandSpec, form: Form, sections: list[Section], chart: g.Chart
) -> PartBuilder:
    pad = PartBuilder("pad", 3, spec.pad_program, {"volume": 72, "reverb": 70, "pan": 84})
    voicing: tuple[int, ...] | None = None
    for bar in range(form.bars):
        s = g.section_at(sections, bar)
        voicing = voice_chord(chart.at(bar * 4), voicing, 55, 79, 4)
        pad.chord(
            bar * form.bar_ticks,
            form.bar_length(bar) * 0.98,
            voicing,
            brief.velocity(-18) * (0.7 + 0.3 * s.energy),
        )
    final_chord(pad, form, voice_chord(chart.chords[-1], voicing, 55, 79, 4), brief.velocity(-12))
    return pad


def _lead(
    brief: Brief, spec: BandSpec, form: Form, sections: list[Section], chart: g.Chart
) -> PartBuilder:
    program = spec.leads[brief.mood.name]
    lead = PartBuilder(
        "lead", 4, program, {"volume": 88 if spec.name == "pop" else 112, "reverb": 50, "pan": 64}
    )
    rng = brief.rng("lead")
    scale = SCALES["minor" if brief.minor else "major"]
    low, high = spec.lead_range
    ladder = Ladder.for_scale(brief.tonic, scale, low, high)
    cells = (0.5, 0.5, 1.0, 1.0, 1.5) if brief.energy > 0.5 else (1.0, 1.0, 1.5, 2.0, 0.5)
    motifs = {name: g.make_motif(8, cells, 0.15, rng) for name in ("verse", "chorus", "bridge")}
    pitch = ladder.all[len(ladder.all) // 2]
    for s in sections:
        motif = motifs.get(s.name)
        if motif is None or (s.name == "intro" and not brief.loop):
            continue
        lift = 2 if s.name == "chorus" else 0
        for bar in range(s.first, s.end, 2):
            if bar * 4 + motif.span > form.beats + 1e-9:
                break
            final = brief.tonic if bar + 2 >= s.end else None
            notes = g.realize(
                motif, bar * 4, chart, ladder, ladder.step(pitch, 1, lift) if lift else pitch, final
            )
            for beat, length, p in notes:
                lead.note(beat * PPQ, length * PPQ * 0.92, p, brief.velocity(2 + 4 * lift))
            pitch = notes[-1][2] if notes else pitch
    if not form.loop:
        options = [p for p in ladder.all if p % 12 == brief.tonic]
        final_chord(lead, form, [nearest(pitch, options)], brief.velocity())
    return lead


def _dholak(brief: Brief, form: Form, sections: list[Section]) -> PartBuilder:
    """Keherwa on the tabla (two cycles of eight matras make a bar pair)."""
    tala = get_tala("keherwa")
    sa = 60 + brief.tonic if brief.tonic <= 6 else 48 + brief.tonic
    drum = PartBuilder("dholak", DRUM_CHANNEL, 0, {"engine": "tabla", "tuning": sa, "pan": 50})
    rng = brief.rng("dholak")
    for cycle in range(0, form.beats, tala.beats):
        s = g.section_at(sections, cycle // 4)
        if s.name == "intro" and not form.loop:
            continue
        groups = cycle_groups(tala, s.energy * (0.2 + brief.energy), rng)[: form.beats - cycle]
        drum.notes += strokes(groups, cycle * PPQ, accents(tala, s.energy * 0.8))
    if not form.loop:
        drum.notes += strokes(["dha"], form.end, [1.0])
    return drum
