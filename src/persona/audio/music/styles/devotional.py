"""Devotional: bhajan and kirtan, call and response over harmonium, tabla and tanpura.

A short refrain (two cycles of keherwa or dadra) is sung by a lead voice doubled on
harmonium (the *call*), then answered by the chorus with the same line (the
*response*), the answer's last cycle varied to come home to Sa. The harmonium holds a
Sa–Pa drone under it all; manjira (small cymbals) mark the beats. The scale follows the
mood: Bilawal (major) when calm, Khamaj (flat seventh) when uplifting, Kafi (flat third
and seventh) when sad, Bhairav (flat second and sixth) when tense.

A kirtan is livelier: the chorus carries the response, kartals (jingles) play every
half beat, and the tempo speeds up by about a quarter over the piece (an accelerando,
except in loops, which must keep one tempo to join up).
"""

from __future__ import annotations

from persona.audio.music.brief import Arrangement, Brief
from persona.audio.music.build import PartBuilder, final_chord, score, tanpura_notes
from persona.audio.music.form import Form, plan_form
from persona.audio.music.melody import Tone, phrase, rhythm, write_tones
from persona.audio.music.ragas import Ladder, Raga, get_raga
from persona.audio.music.styles import groove as g
from persona.audio.music.talas import Tala, accents, cycle_groups, get_tala, strokes
from persona.audio.music.theory import note_name
from persona.audio.music.types import DRUM_CHANNEL, PPQ

BHAJAN_TEMPO = {"calm": (72, 88), "uplifting": (92, 108), "tense": (88, 100), "sad": (60, 72)}
KIRTAN_TEMPO = {"calm": (84, 96), "uplifting": (104, 120), "tense": (100, 112), "sad": (76, 88)}
ACCELERANDO = 0.25
SCALES = {
    "calm": Raga(
        "Bilawal",
        "Bilawal",
        "S R G m P D N",
        "S R G m P D N S'",
        "S' N D P m G R S",
        "D",
        "G",
        "G R G P, D P m G R S",
        "morning",
        "calm",
    ),
    "uplifting": Raga(
        "Khamaj",
        "Khamaj",
        "S R G m P D n N",
        "S G m P D N S'",
        "S' n D P m G R S",
        "G",
        "n",
        "n D m P D, m G",
        "night",
        "joyful",
    ),
    "sad": get_raga("kafi"),
    "tense": get_raga("bhairav"),
}
"""The scale a bhajan uses for each mood (Khamaj ascends with shuddha Ni and descends
with komal Ni, so it has both)."""


def arrange_bhajan(brief: Brief) -> Arrangement:
    return _arrange(brief, kirtan=False)


def arrange_kirtan(brief: Brief) -> Arrangement:
    return _arrange(brief, kirtan=True)


def _arrange(brief: Brief, kirtan: bool) -> Arrangement:
    tala = get_tala("dadra" if brief.mood.name == "sad" and not kirtan else "keherwa")
    accel = ACCELERANDO if kirtan and not brief.loop else 0.0
    form = plan_form(
        brief.duration_s,
        brief.bpm,
        tala.beats,
        brief.loop,
        tala.vibhags[0],
        accelerando=accel,
        nudge=brief.nudge,
    )
    raga = SCALES[brief.mood.name]
    sa = 60 + brief.tonic if brief.tonic <= 6 else 48 + brief.tonic
    calls, answers = _call_and_response(brief, form, tala, raga, sa)
    lead = PartBuilder(
        "lead voice", 0, 53 if not kirtan else 52, {"volume": 100, "reverb": 60, "pan": 60}
    )
    write_tones(lead, calls, brief.velocity(6), legato=1.0)
    chorus = PartBuilder("chorus", 1, 52, {"volume": 127, "reverb": 70, "pan": 70})
    write_tones(chorus, answers, brief.velocity(10), legato=1.0)
    harmonium = PartBuilder("harmonium", 2, 20, {"volume": 88, "reverb": 45, "pan": 50})
    write_tones(harmonium, calls + answers, brief.velocity(-6), legato=0.97)
    _bellows_drone(harmonium, form, sa, brief.velocity(-24))
    for part in (lead, chorus, harmonium):
        final_chord(part, form, [sa], brief.velocity())
    drone = PartBuilder("tanpura", 3, 104, {"engine": "tanpura", "volume": 80})
    tanpura_notes(drone, form, sa - 12, 7 - 12, 80)
    feel = brief.rng("feel")
    parts = [
        lead.build(form, feel, 6, 5),
        chorus.build(form, feel, 10, 6),
        harmonium.build(form),
        drone.build(form),
        _tabla(brief, form, tala, sa).build(form, feel, 4, 5),
        _cymbals(brief, form, kirtan).build(form, feel, 3, 6),
    ]
    name = "kirtan" if kirtan else "bhajan"
    text = (f"scale {raga.name}", f"tala {tala.name}", f"Sa {note_name(sa)}")
    return Arrangement(
        score(form, parts, f"{name} in {raga.name}", 0.5, *text),
        raga.name.lower(),
        note_name(brief.tonic),
        form.bpm,
    )


def _call_and_response(
    brief: Brief, form: Form, tala: Tala, raga: Raga, sa: int
) -> tuple[list[Tone], list[Tone]]:
    """Calls (lead) and responses (chorus): a refrain of two cycles, sung then answered,
    the answer's second cycle ending on Sa."""
    rng = brief.rng("refrain")
    ladder = Ladder.for_raga(raga, sa, sa - 5, sa + 12)
    span = 2 * tala.beats
    cells = (1.0, 1.0, 0.5, 0.5, 2.0) if brief.energy < 0.5 else (0.5, 0.5, 1.0, 1.0, 0.5)
    durations = [*rhythm(span - 2, cells, rng), 2.0]
    middle = sa + 7 if 7 in raga.pitch_classes else sa + 5
    pitches = phrase(ladder, sa, middle, durations[: len(durations) // 2], rng)
    pitches += phrase(ladder, pitches[-1], sa, durations[len(durations) // 2 :], rng)
    calls: list[Tone] = []
    answers: list[Tone] = []
    for k, start in enumerate(range(0, form.beats - span + 1, span)):
        beat = float(start)
        target = calls if k % 2 == 0 else answers
        for d, p in zip(durations, pitches, strict=True):
            target.append(
                Tone(
                    beat, d, p + (12 if k % 4 == 3 and p < sa + 5 else 0), 6 if beat == start else 0
                )
            )
            beat += d
    return calls, answers


def _bellows_drone(harmonium: PartBuilder, form: Form, sa: int, velocity: int) -> None:
    """Sa and Pa held below the tune, re-pressed every cycle."""
    bar = form.bar_ticks
    for start in range(0, form.end, bar):
        harmonium.chord(start, min(bar, form.end - start), (sa - 12, sa - 5), velocity)


def _tabla(brief: Brief, form: Form, tala: Tala, sa: int) -> PartBuilder:
    tabla = PartBuilder("tabla", DRUM_CHANNEL, 0, {"engine": "tabla", "tuning": sa, "pan": 56})
    rng = brief.rng("tabla")
    for cycle, first in enumerate(range(0, form.beats, tala.beats)):
        fill = cycle % 4 == 3 and first + tala.beats < form.beats
        groups = cycle_groups(tala, min(1.0, brief.energy + 0.2), rng, fill)[: form.beats - first]
        tabla.notes += strokes(groups, first * PPQ, accents(tala, brief.energy))
    if not form.loop:
        tabla.notes += strokes(["dha"], form.end, [1.0])
    return tabla


def _cymbals(brief: Brief, form: Form, kirtan: bool) -> PartBuilder:
    """Manjira: open on the beat, closed between; kartal jingles every half beat."""
    hits = PartBuilder("manjira", DRUM_CHANNEL, 0, {"volume": 120})
    for beat in range(form.beats):
        hits.note(beat * PPQ, PPQ / 2, g.OPEN_TRIANGLE, brief.velocity(-20 + 10 * (beat % 2 == 0)))
        hits.note(beat * PPQ + PPQ / 2, PPQ / 4, g.MUTE_TRIANGLE, brief.velocity(-30))
        if kirtan:
            hits.note(beat * PPQ, PPQ / 2, g.TAMBOURINE, brief.velocity(-10))
            hits.note(beat * PPQ + PPQ / 2, PPQ / 2, g.TAMBOURINE, brief.velocity(-36))
    if not form.loop:
        hits.note(form.end, PPQ, g.OPEN_TRIANGLE, brief.velocity(-5))
    return hits
