"""Hindustani classical: a raga over a tanpura drone with tabla in a tala.

The piece follows a short concert's shape: an *alap* (slow, unmetred-feeling melody over
the drone alone, opening with the raga's pakad), a *gat* in the tala (the melody's phrases
come to rest on sam, the first beat of the cycle, on Sa, the vadi or the samvadi), a
faster *drut* part in double time with *taans* (quick runs up the aroha and down the
avaroha), and a *tihai* (a phrase played three times, the third landing on sam) that ends
on Sa. A swarmandal (harp) strum of the raga's notes opens the alap and the gat.
Loops have neither the alap nor the tihai: the gat's cycles wrap around.

Mood picks the tempo (laya), the tala and the melody instrument (see ``docs/music.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from persona.audio.music.brief import Arrangement, Brief
from persona.audio.music.build import PartBuilder, final_chord, score, tanpura_notes
from persona.audio.music.form import Form, plan_form
from persona.audio.music.melody import (
    Tone,
    approach,
    choose_target,
    ornament,
    phrase,
    rhythm,
    write_tones,
)
from persona.audio.music.ragas import Ladder, Raga, phrase_offsets
from persona.audio.music.talas import Tala, accents, cycle_groups, get_tala, strokes, tihai_groups
from persona.audio.music.tanpura import FIRST_STRINGS
from persona.audio.music.theory import note_name
from persona.audio.music.types import DRUM_CHANNEL, PPQ, Note

TEMPO = {"calm": (66, 80), "uplifting": (100, 126), "tense": (132, 156), "sad": (54, 66)}
TALAS = {
    "calm": ("keherwa", "teentaal"),
    "uplifting": ("teentaal",),
    "tense": ("teentaal", "keherwa"),
    "sad": ("dadra", "rupak"),
}
VOICES = {
    "calm": (77, 73),  # shakuhachi as bansuri, flute
    "uplifting": (104, 15),  # sitar, dulcimer as santoor
    "tense": (104, 111),  # sitar, shehnai
    "sad": (111, 110),  # shehnai, fiddle as sarangi
}
SUSTAINED = {73, 77, 110, 111}
"""Instruments that hold their notes: pitch bends (meend, andolan) suit them."""
GAT_CELLS = (1.0, 0.5, 0.5, 1.5, 1.0)
DRUT_CELLS = (0.5, 0.25, 0.25, 0.5, 1.0)
ALAP_CELLS = (1.0, 1.5, 2.0, 3.0)


@dataclass(frozen=True)
class RagaPiece:
    """Everything the parts of one raga piece share."""

    raga: Raga
    tala: Tala
    form: Form
    sa: int
    ladder: Ladder
    brief: Brief

    @property
    def cycle(self) -> int:
        return self.tala.beats

    def targets(self) -> list[tuple[int, float]]:
        """Resting swaras (semitones above Sa) and how often phrases end on them."""
        pcs = [(0, 3.0), (self.raga.vadi_pc, 3.0), (self.raga.samvadi_pc, 2.0)]
        if 7 in self.raga.pitch_classes:
            pcs.append((7, 1.0))
        return pcs


def arrange_raga(brief: Brief, raga: Raga) -> Arrangement:
    tala = _choose_tala(brief)
    form = plan_form(
        brief.duration_s, brief.bpm, tala.beats, brief.loop, tala.vibhags[0], nudge=brief.nudge
    )
    sa = 60 + brief.tonic if brief.tonic <= 6 else 48 + brief.tonic
    ctx = RagaPiece(raga, tala, form, sa, Ladder.for_raga(raga, sa, sa - 7, sa + 16), brief)
    alap, drut, end = _sections(ctx)
    program = int(brief.rng("voice").choice(VOICES[brief.mood.name]))
    tones = _melody(ctx, alap, drut, end)
    lead = PartBuilder("melody", 0, program, {"volume": 110, "reverb": 55, "pan": 70})
    write_tones(lead, tones, brief.velocity(10), legato=0.98 if program in SUSTAINED else 0.9)
    if program in SUSTAINED:
        ornament(lead, tones, brief.rng("meend"), raga.andolan_pcs, sa)
    final_chord(lead, form, [sa], brief.velocity(5))
    drone = PartBuilder("tanpura", 1, 104, {"engine": "tanpura", "volume": 80, "pan": 64})
    tanpura_notes(drone, form, sa - 12, FIRST_STRINGS[raga.tanpura], 90)
    tabla = PartBuilder("tabla", DRUM_CHANNEL, 0, {"engine": "tabla", "tuning": sa, "pan": 60})
    tabla.notes += _tabla(ctx, alap, drut, brief.rng("tabla"))
    harp = PartBuilder("swarmandal", 2, 46, {"volume": 70, "reverb": 80, "pan": 40})
    for beat in sorted({0, alap}):
        _strum(harp, ctx, beat)
    rng_h = brief.rng("humanize")
    parts = [
        drone.build(form),
        lead.build(form, rng_h, timing=8, dynamics=6),
        tabla.build(form, rng_h, timing=4, dynamics=5),
        harp.build(form),
    ]
    text = (f"raga {raga.name}", f"tala {tala.name}", f"Sa {note_name(sa)}")
    return Arrangement(
        score(form, parts, f"Raga {raga.name}", 0.6, *text),
        raga.name.lower(),
        note_name(brief.tonic),
        form.bpm,
    )


def _choose_tala(brief: Brief) -> Tala:
    """A tala for the mood, drawn with the seed among those that fit at least three
    cycles in the piece (the shortest when none does)."""
    talas = [get_tala(name) for name in TALAS[brief.mood.name]]
    beats = brief.duration_s * brief.bpm / 60.0
    fitting = [t for t in talas if beats >= 3 * t.beats] or [min(talas, key=lambda t: t.beats)]
    return fitting[int(brief.rng("tala").integers(len(fitting)))]


def _sections(ctx: RagaPiece) -> tuple[int, int, int]:
    """Beat where the alap ends (the gat begins), where the drut begins, and the end.
    The alap (30 s pieces and longer) holds the pakad and a phrase, and takes at most
    40 % of the cycles."""
    cycles = ctx.form.bars
    end = ctx.form.beats
    if ctx.form.loop:
        drut = (cycles // 2) * ctx.cycle if cycles >= 4 else end
        return 0, drut, end
    pakad = _pakad(ctx, 0.0)
    needed = -(-(pakad[-1].start + pakad[-1].length + 6) // ctx.cycle)  # pakad and a phrase
    alap_cycles = max(round(0.2 * cycles), int(needed))
    long_enough = ctx.brief.duration_s >= 30 and alap_cycles <= 0.4 * cycles
    alap = alap_cycles * ctx.cycle if long_enough else 0
    drut = alap + max(1, round(0.55 * (cycles - alap // ctx.cycle))) * ctx.cycle
    return alap, min(drut, end), end


def _melody(ctx: RagaPiece, alap: int, drut: int, end: int) -> list[Tone]:
    rng = ctx.brief.rng("melody")
    tones = _alap(ctx, alap, rng) if alap else []
    tihai = not ctx.form.loop and end >= 8
    stop = end - 7 if tihai else end
    tones += _gat(ctx, alap, min(drut, stop), GAT_CELLS, rng, pakad=True)
    if drut < stop:
        tones += _gat(ctx, drut, stop, DRUT_CELLS, rng, pakad=False, taans=True)
    if tihai:
        tones += _tihai(ctx, end - 7)
    return [t for t in tones if t.start < end or not ctx.form.loop]


def _pakad(ctx: RagaPiece, beat: float) -> list[Tone]:
    """The pakad phrase by phrase, a beat per swara and two on each phrase's last."""
    tones: list[Tone] = []
    for offsets in phrase_offsets(ctx.raga.pakad):
        for i, off in enumerate(offsets):
            length = 2.0 if i == len(offsets) - 1 else 1.0
            tones.append(Tone(beat, length, ctx.sa + off, 8 if i == 0 else 0))
            beat += length
    return tones


def _alap(ctx: RagaPiece, end: int, rng: np.random.Generator) -> list[Tone]:
    """Slow phrases with rests and a little rubato, opening with the pakad."""
    tones = _pakad(ctx, 0.5)
    beat = tones[-1].start + tones[-1].length + 1.0
    pitch = tones[-1].pitch
    while beat < end - 4:
        durations = rhythm(min(float(rng.integers(4, 9)), end - 2 - beat), ALAP_CELLS, rng)
        target = choose_target(ctx.targets(), ctx.sa, ctx.sa + 2, ctx.ladder, rng)
        for d, p in zip(durations, phrase(ctx.ladder, pitch, target, durations, rng), strict=True):
            jitter = float(rng.uniform(-0.15, 0.15)) if beat > 0.5 else 0.0
            tones.append(Tone(beat + jitter, d, p, 6 if _emphasis(ctx, p) else 0))
            beat += d
        pitch = tones[-1].pitch
        beat += float(rng.choice((1.0, 1.5, 2.0)))
    return [t for t in tones if t.start + t.length <= end]


def _emphasis(ctx: RagaPiece, pitch: int) -> bool:
    return (pitch - ctx.sa) % 12 in (ctx.raga.vadi_pc, ctx.raga.samvadi_pc)


def _gat(
    ctx: RagaPiece,
    first: int,
    stop: int,
    cells: tuple[float, ...],
    rng: np.random.Generator,
    pakad: bool,
    taans: bool = False,
) -> list[Tone]:
    """Phrases that land on each sam from ``first`` to ``stop`` (beats), then one into
    ``stop`` if beats are left; in a loop the last landing is the loop's first beat."""
    tones: list[Tone] = []
    free = float(first)
    pitch = ctx.sa
    if pakad:
        intro = _pakad(ctx, 0.0)
        span = intro[-1].start + intro[-1].length
        shift = first + max(0.0, min(ctx.cycle, stop - first) - span)
        tones += [Tone(t.start + shift, t.length, t.pitch, t.accent) for t in intro]
        free, pitch = shift + span, intro[-1].pitch
    sam = (int(free) // ctx.cycle + 1) * ctx.cycle
    while True:
        tail = sam > stop  # the beats after the last sam: a phrase into what follows
        if tail and (ctx.form.loop or stop - free < 2.5):
            break
        end = stop if tail else sam
        target = (
            ctx.sa if tail else choose_target(ctx.targets(), ctx.sa, ctx.sa + 4, ctx.ladder, rng)
        )
        begin = free + float(rng.choice((0.5, 1.0)))
        if taans and end - begin >= 5 and rng.random() < 0.4 + 0.5 * ctx.brief.energy:
            tones += _taan(ctx, pitch, target, begin, end)
        else:
            tones += _phrase_to(ctx, pitch, target, begin, end, cells, rng)
        if tail:
            break
        landing = float(rng.choice((1.0, 1.5, 2.0)))
        at = 0.0 if ctx.form.loop and sam >= ctx.form.beats else float(sam)
        tones.append(Tone(at, landing, target, 10))
        free, pitch = sam + landing, target
        sam += ctx.cycle
    return tones


def _phrase_to(
    ctx: RagaPiece,
    pitch: int,
    target: int,
    begin: float,
    sam: float,
    cells: tuple[float, ...],
    rng: np.random.Generator,
) -> list[Tone]:
    if sam - begin < 0.5:
        return []
    durations = rhythm(sam - begin, cells, rng)
    pitches = phrase(ctx.ladder, pitch, target, [*durations, 0.0], rng)
    tones, beat = [], begin
    for d, p in zip(durations, pitches, strict=False):
        tones.append(Tone(beat, d, p, 6 if _emphasis(ctx, p) else 0))
        beat += d
    return tones


def _taan(ctx: RagaPiece, pitch: int, target: int, begin: float, sam: float) -> list[Tone]:
    """Sixteenths up the aroha, then down the avaroha to just above ``target``."""
    count = int((sam - begin) / 0.25)
    up = count // 2
    pitches = [pitch]
    for _ in range(up):
        pitches.append(ctx.ladder.step(pitches[-1], 1))
    down = approach(ctx.ladder, pitches[-1], target, limit=count - up)
    pitches = (pitches + down)[: count + 1]
    start = sam - 0.25 * (len(pitches) - 1)
    return [
        Tone(start + 0.25 * i, 0.25, p, 4 if i % 4 == 0 else -4) for i, p in enumerate(pitches[:-1])
    ]


def _tihai(ctx: RagaPiece, start: int) -> list[Tone]:
    """Three times four sixteenths down to a landing, the last on sam (the final Sa,
    held by the final chord)."""
    landing = ctx.sa
    run = approach(ctx.ladder, ctx.ladder.step(landing, 1, 4), landing)[-5:-1]
    tones = []
    for rep in range(3):
        beat = start + 3 * rep
        tones += [Tone(beat + 0.25 * i, 0.25, p, 6) for i, p in enumerate(run)]
        if rep < 2:
            tones.append(Tone(beat + 1, 1.5, landing, 12))
    return tones


def _tabla(ctx: RagaPiece, alap: int, drut: int, rng: np.random.Generator) -> list[Note]:
    """The theka cycle by cycle from the gat on, denser in the drut, a fill every fourth
    cycle, the tihai into the final sam and one last *dha* on it."""
    tala, form = ctx.tala, ctx.form
    notes: list[Note] = []
    cycles = form.bars
    for c in range(alap // tala.beats, cycles):
        first = c * tala.beats
        length = min(tala.beats, form.beats - first)
        energy = ctx.brief.energy if first < drut else min(1.0, ctx.brief.energy + 0.3)
        fill = (c + 1) % 4 == 0 and c + 1 < cycles
        groups = cycle_groups(tala, energy, rng, fill)[:length]
        if not form.loop and c == cycles - 1 and form.beats >= 8:
            tail = tihai_groups()[:7]
            groups = (groups[: max(0, length - 7)] + tail)[-length:]
        notes += strokes(groups, first * PPQ, accents(tala, energy))
    if not form.loop:
        notes += strokes(["dha"], form.end, [1.0])
    return notes


def _strum(harp: PartBuilder, ctx: RagaPiece, beat: int) -> None:
    """A quick upward sweep over the raga's notes, as on a swarmandal."""
    pitches = [
        p for p in range(ctx.sa - 12, ctx.sa + 13) if (p - ctx.sa) % 12 in ctx.raga.pitch_classes
    ]
    for i, p in enumerate(pitches):
        harp.note(beat * PPQ + i * PPQ / 16, PPQ * 4, p, 45 + i)
