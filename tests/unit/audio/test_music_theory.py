"""Music theory, ragas, talas and form planning: the parts that need no rendering."""

from __future__ import annotations

import math

import pytest

from persona.audio.music.build import PartBuilder
from persona.audio.music.form import min_ring, plan_form, split
from persona.audio.music.ragas import RAGAS, Ladder, get_raga, phrase_offsets, swara_offset
from persona.audio.music.talas import BOLS, TALAS, tihai_groups
from persona.audio.music.theory import chord, parse_key, parse_tonic, voice_chord
from persona.audio.music.types import PPQ, Score
from persona.errors import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D", (2, None)),
        ("F#m", (6, True)),
        ("Bb minor", (10, True)),
        ("Eb major", (3, False)),
        ("c#", (1, None)),
        ("A♭", (8, None)),
    ],
)
def test_keys_parse_to_pitch_class_and_mode(text: str, expected: tuple[int, bool | None]) -> None:
    assert parse_key(text) == expected


@pytest.mark.parametrize("bad", ["H", "", "C##", "Dorian", "12"])
def test_unknown_keys_list_the_choices(bad: str) -> None:
    with pytest.raises(InputError, match="C, C#/Db, D"):
        parse_key(bad)


def test_tonic_defaults_to_the_third_octave() -> None:
    assert parse_tonic("C#") == 49
    assert parse_tonic("C#4") == 61
    assert parse_tonic(50) == 50
    with pytest.raises(InputError):
        parse_tonic(200)


@pytest.mark.parametrize(
    ("numeral", "tonic", "pcs"),
    [
        ("I", 0, (0, 4, 7)),
        ("vi", 0, (9, 0, 4)),
        ("V7", 0, (7, 11, 2, 5)),
        ("ii7", 2, (4, 7, 11, 2)),
        ("iiø7", 0, (2, 5, 8, 0)),
        ("vii°7", 0, (11, 2, 5, 8)),
        ("bVII", 0, (10, 2, 5)),
        ("Imaj7", 5, (5, 9, 0, 4)),
        ("V7b9", 0, (7, 11, 2, 5, 8)),
        ("Iadd9", 0, (0, 4, 7, 2)),
    ],
)
def test_roman_numerals_spell_their_chords(numeral: str, tonic: int, pcs: tuple[int, ...]) -> None:
    assert chord(numeral, tonic) == pcs


def test_voice_leading_moves_little() -> None:
    c = voice_chord(chord("I", 0), None, 55, 76)
    f = voice_chord(chord("IV", 0), c, 55, 76)
    assert {p % 12 for p in f} == {5, 9, 0}
    assert sum(abs(a - b) for a, b in zip(sorted(c), sorted(f), strict=False)) <= 6


def test_yaman_and_bhairav_use_their_own_swaras() -> None:
    yaman, bhairav = get_raga("yaman"), get_raga("Bhairav")
    assert yaman.pitch_classes == {0, 2, 4, 6, 7, 9, 11}  # tivra Ma (6), no shuddha Ma (5)
    assert bhairav.pitch_classes == {0, 1, 4, 5, 7, 8, 11}  # komal Re (1), komal Dha (8)
    assert yaman.pitch_classes != bhairav.pitch_classes
    assert (yaman.vadi_pc, yaman.samvadi_pc) == (4, 11)  # Ga, Ni
    assert (bhairav.vadi_pc, bhairav.samvadi_pc) == (8, 1)  # komal Dha, komal Re
    assert bhairav.andolan_pcs == {1, 8}


@pytest.mark.parametrize("name", sorted(RAGAS))
def test_every_raga_phrase_stays_in_its_swaras(name: str) -> None:
    raga = RAGAS[name]
    for text in (raga.aroha, raga.avaroha, raga.pakad):
        for phrase in phrase_offsets(text):
            assert {off % 12 for off in phrase} <= raga.pitch_classes, text
    assert raga.vadi_pc in raga.pitch_classes and raga.samvadi_pc in raga.pitch_classes
    assert raga.up <= raga.pitch_classes and raga.down <= raga.pitch_classes


def test_swara_octave_marks() -> None:
    assert swara_offset(".N") == -1
    assert swara_offset("S'") == 12
    assert swara_offset("M") == 6 and swara_offset("m") == 5
    with pytest.raises(ValueError):
        swara_offset("X")


def test_bhimpalasi_skips_re_and_dha_going_up_only() -> None:
    raga = get_raga("bhimpalasi")
    ladder = Ladder.for_raga(raga, 60, 55, 80)
    ups = [ladder.step(p, 1) for p in ladder.all[:-3]]
    downs = [ladder.step(p, -1) for p in ladder.all[3:]]
    assert {(p - 60) % 12 for p in ups} <= {10, 0, 3, 5, 7}
    assert {2, 9} <= {(p - 60) % 12 for p in downs}


def test_unknown_raga_lists_the_ragas() -> None:
    with pytest.raises(InputError, match="yaman, bhairav"):
        get_raga("todi")


def test_talas_have_their_beats_and_known_bols() -> None:
    assert {name: t.beats for name, t in TALAS.items()} == {
        "teentaal": 16,
        "keherwa": 8,
        "dadra": 6,
        "rupak": 7,
    }
    for tala in TALAS.values():
        assert len(tala.theka) == tala.beats
        assert all(b in BOLS for group in tala.theka for b in group.split())
    assert TALAS["teentaal"].khali(8) and not TALAS["teentaal"].khali(0)
    assert len(tihai_groups()) == 8 and tihai_groups()[-1] == "dha"


@pytest.mark.parametrize("duration", [2.0, 7.3, 12.0, 60.0, 181.7])
@pytest.mark.parametrize(("bpm", "bar"), [(100.0, 4), (70.0, 16), (143.0, 6), (30.0, 4)])
def test_a_piece_leaves_a_ring_after_its_final_beat(duration: float, bpm: float, bar: int) -> None:
    form = plan_form(duration, bpm, bar, loop=False)
    final_s = Score((), form.tempo, form.end).seconds(form.end)
    assert final_s <= duration - min_ring(duration) + 1e-9
    assert form.beats >= 0 and abs(form.bpm / bpm - 1) <= 0.03 + 1e-9


@pytest.mark.parametrize("duration", [4.0, 8.0, 13.7, 60.0])
@pytest.mark.parametrize(("bpm", "bar"), [(100.0, 4), (123.0, 4), (70.0, 16), (95.0, 6)])
def test_a_loop_fills_its_duration_with_whole_beats(duration: float, bpm: float, bar: int) -> None:
    form = plan_form(duration, bpm, bar, loop=True)
    assert math.isclose(form.beats * 60.0 / form.bpm, duration, rel_tol=1e-12)
    assert form.end == form.beats * PPQ
    if duration * bpm / 60 >= 17:  # enough beats that one beat is under 3 % of the loop
        assert abs(form.bpm / bpm - 1) <= 0.03 + 1e-9


def test_accelerando_speeds_up_at_bar_lines() -> None:
    form = plan_form(60.0, 90.0, 8, loop=False, accelerando=0.25)
    tempos = [bpm for _, bpm in form.tempo]
    assert tempos == sorted(tempos) and tempos[0] == 90.0 and tempos[-1] > 105.0
    assert all(tick % (8 * PPQ) == 0 for tick, _ in form.tempo)


def test_sections_cover_every_bar_once() -> None:
    sections = split(13, [("intro", 1, 0.4), ("verse", 4, 0.6), ("chorus", 4, 1.0)])
    bars = [b for s in sections for b in range(s.first, s.end)]
    assert bars == list(range(13))
    assert [s.name for s in split(2, [("a", 1, 0), ("b", 4, 0), ("c", 4, 0)])] == ["b", "c"]


def test_a_repeated_pitch_never_overlaps_itself() -> None:
    builder = PartBuilder("lead", 0, 73)
    builder.note(0, 600, 60, 90)
    builder.note(480, 480, 60, 90)  # starts before the first one ends
    builder.note(480, 480, 64, 90)
    part = builder.build(plan_form(8.0, 120.0, 4, loop=False))
    sixties = [n for n in part.notes if n.pitch == 60]
    assert [(n.start, n.length) for n in sixties] == [(0, 480), (480, 480)]
    assert len(part.notes) == 3
