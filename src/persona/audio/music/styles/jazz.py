"""Jazz: a swing quartet (or ballad trio) over ii–V–I changes.

The changes are eight-bar choruses of ii–V–I progressions with turnarounds (minor keys
use iiø7–V7♭9–i7). Everything swings: off-beat eighths fall two thirds into the beat.
The walking bass plays one note per beat: the root on beat one, chord tones or scale
steps in between, and a chromatic approach into the next chord's root on beat four. The
piano comps rootless voicings (3rd, 7th, 9th) on syncopated off-beats; the drums ride the
classic ``ding, ding-a, ding`` pattern with the hi-hat pedal on two and four; a lead
(vibraphone, trumpet, tenor sax) improvises on chord tones in swung eighths. The ending
is a held tonic sixth-ninth chord with a cymbal swell.
"""

from __future__ import annotations

from persona.audio.music.brief import Arrangement, Brief
from persona.audio.music.build import PartBuilder, final_chord, score
from persona.audio.music.form import Form, plan_form
from persona.audio.music.ragas import Ladder
from persona.audio.music.styles import groove as g
from persona.audio.music.theory import SCALES, bass_pitch, chord, nearest, note_name
from persona.audio.music.types import DRUM_CHANNEL, PPQ

TEMPO = {"calm": (92, 112), "uplifting": (150, 184), "tense": (170, 200), "sad": (60, 72)}
SWING = 1.0 / 6.0
"""Off-beat eighths are played at 2/3 of the beat: 1/6 of a beat late."""
MAJOR_CHORUSES = (
    ("ii7", "V7", "Imaj7", "VI7", "ii7", "V7", "Imaj7", "Imaj7"),
    ("Imaj7", "vi7", "ii7", "V7", "iii7", "VI7", "ii7", "V7"),
    ("IVmaj7", "iv7", "iii7", "VI7", "ii7", "V7", "Imaj7", "V7"),
)
MINOR_CHORUSES = (
    ("iiø7", "V7b9", "i7", "i7", "iv7", "bVII7", "bIIImaj7", "V7b9"),
    ("i7", "iv7", "iiø7", "V7b9", "i7", "bVI7", "iiø7", "V7b9"),
)
LEADS = {"calm": 11, "uplifting": 56, "tense": 66, "sad": 66}


def arrange_jazz(brief: Brief) -> Arrangement:
    form = plan_form(brief.duration_s, brief.bpm, 4, brief.loop, nudge=brief.nudge)
    rng = brief.rng("changes")
    choruses = MINOR_CHORUSES if brief.minor else MAJOR_CHORUSES
    numerals: list[str] = []
    while len(numerals) < form.bars:
        numerals += list(choruses[int(rng.integers(len(choruses)))])
    numerals = numerals[: form.bars]
    if not brief.loop and form.bars >= 3:
        numerals[-2:] = ["iiø7", "V7b9"] if brief.minor else ["ii7", "V7"]
    numerals.append("i7" if brief.minor else "I6")
    chart = g.Chart(tuple(chord(n, brief.tonic) for n in numerals), 4)
    parts = [
        _bass(brief, form, chart).build(form, brief.rng("feel"), 4, 6),
        _piano(brief, form, chart).build(form, brief.rng("feel"), 6, 8),
        _drums(brief, form).build(form, brief.rng("feel"), 4, 8),
        _lead(brief, form, chart).build(form, brief.rng("feel"), 6, 8),
    ]
    mode = "minor" if brief.minor else "major"
    title = f"jazz in {note_name(brief.tonic)} {mode}"
    return Arrangement(score(form, parts, title, 0.35), mode, note_name(brief.tonic), form.bpm)


def _bass(brief: Brief, form: Form, chart: g.Chart) -> PartBuilder:
    """Walking quarters: root, chord tone or scale step, chord tone, approach."""
    bass = PartBuilder("bass", 1, 32, {"volume": 92, "reverb": 20, "pan": 58})
    rng = brief.rng("walk")
    previous = bass_pitch(chart.chords[0][0], 36)
    for beat in range(form.beats):
        pcs = chart.at(beat)
        root = nearest(previous, [bass_pitch(pcs[0], 31), bass_pitch(pcs[0], 31) + 12])
        position = beat % 4
        if position == 0:
            pitch = root
        elif position == 3:
            target = bass_pitch(chart.next_after(beat)[0], 31)
            target = nearest(previous, [target, target + 12])
            pitch = target + (1 if rng.random() < 0.5 else -1)
        else:
            options = [p for p in range(root - 5, root + 13) if p % 12 in pcs and p != previous]
            pitch = nearest(previous + float(rng.choice((-4, -2, 2, 4))), options or [root])
        bass.note(
            beat * PPQ, PPQ * 0.9, max(28, min(60, pitch)), brief.velocity(12) - 6 * (position % 2)
        )
        previous = pitch
    final_chord(bass, form, [bass_pitch(chart.chords[-1][0], 31)], brief.velocity(10))
    return bass


def _rootless(pcs: tuple[int, ...], previous: tuple[int, ...] | None) -> tuple[int, ...]:
    """3rd, 7th (or 6th) and 9th of a chord, voiced near the previous voicing."""
    third, seventh = pcs[1], pcs[3] if len(pcs) > 3 else pcs[2]
    ninth = (pcs[0] + 2) % 12
    return g.voice_chord((third, seventh, ninth), previous, 50, 72, 3)


def _piano(brief: Brief, form: Form, chart: g.Chart) -> PartBuilder:
    piano = PartBuilder(
        "piano", 2, 0 if brief.mood.name != "calm" else 4, {"volume": 84, "reverb": 35, "pan": 44}
    )
    rng = brief.rng("comp")
    rhythms = (
        (0.0, 1.5),
        (1.5 + SWING, 2.0 + SWING),
        (0.0, 2.5 + SWING),
        (1.0, 3.0),
        (0.5 + SWING, 2.5 + SWING),
    )
    voicing: tuple[int, ...] | None = None
    for bar in range(form.bars):
        voicing = _rootless(chart.at(bar * 4), voicing)
        for at in rhythms[int(rng.integers(len(rhythms)))]:
            if bar * 4 + at < form.beats:
                piano.chord((bar * 4 + at) * PPQ, PPQ * 0.6, voicing, brief.velocity(-8))
    final = chart.chords[-1]
    final_chord(
        piano,
        form,
        g.voice_chord((*final, (final[0] + 2) % 12), voicing, 52, 76, 5),
        brief.velocity(-2),
    )
    return piano


def _drums(brief: Brief, form: Form) -> PartBuilder:
    kit = PartBuilder(
        "drums", DRUM_CHANNEL, 40 if brief.energy < 0.5 else 32, {"volume": 124, "reverb": 35}
    )
    for bar in range(form.bars):
        beats = form.bar_length(bar) // PPQ
        tick = bar * form.bar_ticks
        v = brief.velocity(-10)
        for beat in range(beats):
            kit.note(tick + beat * PPQ, PPQ / 3, g.RIDE, v * (0.85 if beat % 2 == 0 else 1.0))
            if beat % 2 == 1:
                kit.note(tick + (beat + 2 / 3) * PPQ, PPQ / 3, g.RIDE, v * 0.65)
                kit.note(tick + beat * PPQ, PPQ / 3, g.PEDAL_HAT, v * 0.8)
            kit.note(tick + beat * PPQ, PPQ / 3, g.KICK, v * 0.35)
    if not form.loop:
        kit.chord(form.end, PPQ, (g.CRASH, g.KICK), brief.velocity())
    return kit


def _lead(brief: Brief, form: Form, chart: g.Chart) -> PartBuilder:
    lead = PartBuilder("lead", 3, LEADS[brief.mood.name], {"volume": 120, "reverb": 45, "pan": 72})
    rng = brief.rng("solo")
    low, high = (56, 80) if LEADS[brief.mood.name] == 66 else (64, 88)  # sax lower
    ladder = Ladder.for_scale(brief.tonic, SCALES["dorian" if brief.minor else "major"], low, high)
    pitch = ladder.all[len(ladder.all) // 2]
    beat = 1.0 if not form.loop else 0.0
    end = form.beats - (0 if form.loop else 1)
    while beat < end:
        count = int(rng.integers(3, 9))
        for _ in range(count):
            if beat >= end:
                break
            length = float(rng.choice((0.5, 0.5, 1.0, 1.5)))
            on_beat = abs(beat % 1.0) < 1e-9
            pitch = ladder.step(pitch, 1 if rng.random() < 0.5 else -1, int(rng.integers(1, 3)))
            if on_beat:
                pitch = nearest(
                    pitch, [p for p in ladder.all if p % 12 in chart.at(beat)] or [pitch]
                )
            at = beat + (SWING if not on_beat and abs(beat % 1.0 - 0.5) < 1e-9 else 0.0)
            lead.note(at * PPQ, length * PPQ * 0.85, pitch, brief.velocity(4 if on_beat else -4))
            beat += length
        beat += float(rng.choice((1.0, 1.5, 2.0)))
    final_chord(
        lead,
        form,
        [nearest(pitch, [p for p in ladder.all if p % 12 == chart.chords[-1][1]])],
        brief.velocity(),
    )
    return lead
