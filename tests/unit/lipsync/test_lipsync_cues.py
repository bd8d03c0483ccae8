"""Rhubarb mouth cues: phones → shapes, shape subsets, timing, and the four file formats."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest

from persona.errors import InputError
from persona.lipsync.cue_formats import (
    FORMATS,
    PRESTON_BLAIR,
    CueSheet,
    dat_frame,
    format_cues,
    format_for_path,
    frame_ms,
    parse_cues,
)
from persona.lipsync.cue_passes import MIN_CUE_MS, MIN_TWEEN_MS, SQUEEZED_MS
from persona.lipsync.cues import Cue, cues_from_speech, parse_shapes, rest_shape, sample_cues
from persona.lipsync.shapes import closest
from persona.types import Speech

MakeSpeech = Callable[..., Speech]

SYMBOLS = [*"pbmtdkgfvszlnrwjh", "ʃ", "θ", "ɑ", "æ", "ɛ", "i", "ɪ", "u", "ʊ", "ɔ", "ə", "ʌ"]
SYMBOLS += ["ɚ", "aɪ", "oʊ", "eɪ"]


def shape_at(cues: tuple[Cue, ...], ms: int) -> str:
    return next(c.shape for c in cues if c.start_ms <= ms < c.end_ms)


def random_specs(seed: int, shortest: int = 30, n: int = 30) -> list[tuple[str, int]]:
    rng = np.random.default_rng(seed)
    body = [
        (SYMBOLS[rng.integers(len(SYMBOLS))], int(rng.integers(shortest, 140))) for _ in range(n)
    ]
    return [("_", 200), *body, ("_", 200)]


# ---------------------------------------------------------------------------- mapping


@pytest.mark.parametrize(
    ("symbol", "duration", "shape"),
    [
        ("ɑ", 120, "D"),  # father
        ("ʌ", 250, "D"),  # long uh opens wide
        ("ʌ", 120, "C"),  # short uh
        ("ɛ", 150, "C"),
        ("æ", 150, "C"),
        ("i", 150, "B"),
        ("ɪ", 150, "B"),
        ("ɔ", 150, "E"),
        ("ɚ", 150, "E"),
        ("u", 150, "F"),
        ("ʊ", 150, "F"),
    ],
)
def test_vowel_shapes(make_speech: MakeSpeech, symbol: str, duration: int, shape: str) -> None:
    cues = cues_from_speech(make_speech([("_", 300), (symbol, duration), ("_", 300)]), lead_ms=0)
    assert shape_at(cues, 300 + duration // 2) == shape


@pytest.mark.parametrize(
    ("symbol", "duration", "shape"),
    [("m", 120, "A"), ("f", 120, "G"), ("v", 120, "G"), ("l", 250, "H"), ("s", 120, "B")],
)
def test_consonant_shapes(make_speech: MakeSpeech, symbol: str, duration: int, shape: str) -> None:
    speech = make_speech([("_", 300), ("ɛ", 150), (symbol, duration), ("ɛ", 150), ("_", 300)])
    cues = cues_from_speech(speech, lead_ms=0)
    assert shape_at(cues, 450 + duration // 2) == shape


def test_p_closes_the_lips_before_its_burst(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 300), ("ɑ", 200), ("p", 80), ("ɑ", 200), ("_", 300)])
    cues = cues_from_speech(speech, lead_ms=0)
    closure = next(c for c in cues if c.shape == "A")
    assert closure.start_ms < 500  # closed before the p's own span
    assert shape_at(cues, 620) == "D"  # the vowel after it is wide open again


def test_a_vowel_spreads_back_over_the_consonant_before_it(make_speech: MakeSpeech) -> None:
    # t may show B or F; before an oo it anticipates the pucker.
    speech = make_speech([("_", 300), ("t", 80), ("u", 200), ("_", 300)])
    cues = cues_from_speech(speech, lead_ms=0)
    assert shape_at(cues, 340) == "F"


def test_silence_is_idle_or_closed_without_x(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 500)])
    assert cues_from_speech(speech) == (Cue(0, 500, "X"),)
    assert cues_from_speech(speech, "ABCDEF") == (Cue(0, 500, "A"),)
    talk = make_speech([("_", 400), ("ɑ", 200), ("_", 400)])
    cues = cues_from_speech(talk, "ABCDEFGH")
    assert cues[0].shape == cues[-1].shape == "A"
    assert "X" not in {c.shape for c in cues}


def test_the_track_starts_and_ends_at_rest(make_speech: MakeSpeech) -> None:
    # Speech 60 ms after the start: the idle mouth still gets a visible first cue.
    cues = cues_from_speech(make_speech([("_", 60), ("h", 40), ("ɑ", 200), ("_", 40)]))
    assert cues[0].shape == cues[-1].shape == "X"
    assert cues[0].duration_ms >= MIN_CUE_MS and cues[-1].duration_ms >= MIN_CUE_MS


def test_empty_speech_has_no_cues(make_speech: MakeSpeech) -> None:
    assert cues_from_speech(make_speech([])) == ()


def test_lead_moves_the_mouth_earlier(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 300), ("ɑ", 200), ("_", 300)])
    on_time = next(c for c in cues_from_speech(speech, lead_ms=0) if c.shape == "D")
    early = next(c for c in cues_from_speech(speech, lead_ms=20) if c.shape == "D")
    assert early.start_ms == on_time.start_ms - 20


# ---------------------------------------------------------------------------- shape sets


def test_parse_shapes_full_and_rhubarb_forms() -> None:
    assert parse_shapes("ABCDEFGHX") == "ABCDEFGHX"
    assert parse_shapes("GHX") == "ABCDEFGHX"  # Rhubarb's --extendedShapes form
    assert parse_shapes("") == "ABCDEF"
    assert parse_shapes("x, g") == "ABCDEFGX"
    assert parse_shapes("ABCDEFH") == "ABCDEFH"
    assert rest_shape("ABCDEFGH") == "A"
    assert rest_shape("ABCDEFX") == "X"


@pytest.mark.parametrize("bad", ["ABCZ", "ABCX", "Q", "ABCDEFGHXY"])
def test_parse_shapes_rejects(bad: str) -> None:
    with pytest.raises(InputError):
        parse_shapes(bad)


@pytest.mark.parametrize(
    ("shapes", "symbol", "duration", "shape"),
    [
        ("ABCDEFHX", "f", 120, "A"),  # no G: f v close the lips (Rhubarb's fallback)
        ("ABCDEFGX", "l", 250, "C"),  # no H: a long l opens to C
        ("ABCDEF", "f", 120, "A"),
        ("ABCDEF", "l", 250, "C"),
    ],
)
def test_missing_shapes_fall_back(
    make_speech: MakeSpeech, shapes: str, symbol: str, duration: int, shape: str
) -> None:
    speech = make_speech([("_", 300), ("ɛ", 150), (symbol, duration), ("ɛ", 150), ("_", 300)])
    cues = cues_from_speech(speech, shapes, lead_ms=0)
    assert shape_at(cues, 450 + duration // 2) == shape
    assert {c.shape for c in cues} <= set(parse_shapes(shapes))


def test_closest_shape_moves_least() -> None:
    assert closest("C", "BF") == "B"
    assert closest("F", "BF") == "F"
    assert closest("A", "ABCDEFGHX") == "A"
    assert closest("D", "BCEFH") == "C"


# ---------------------------------------------------------------------------- timing


@pytest.mark.parametrize("seed", range(40))
def test_cues_tile_the_track_on_the_centisecond_grid(make_speech: MakeSpeech, seed: int) -> None:
    speech = make_speech(random_specs(seed, shortest=5))
    cues = cues_from_speech(speech)
    assert cues[0].start_ms == 0
    assert cues[-1].end_ms == speech.duration_ms // 10 * 10
    for a, b in itertools.pairwise(cues):
        assert a.end_ms == b.start_ms
        assert a.shape != b.shape
    assert all(c.start_ms % 10 == 0 and c.end_ms % 10 == 0 for c in cues)


@pytest.mark.parametrize("seed", range(40))
def test_cues_are_long_enough_to_see(make_speech: MakeSpeech, seed: int) -> None:
    cues = cues_from_speech(make_speech(random_specs(seed, shortest=40)))
    inner = cues[1:-1]
    assert min(c.duration_ms for c in inner) >= SQUEEZED_MS
    shorter = [c for c in inner if c.duration_ms < MIN_CUE_MS]
    assert len(shorter) <= len(inner) // 3  # only tweens and squeezed neighbours
    assert MIN_TWEEN_MS >= 1000 / 24  # every cue lands in its own frame at 24 fps


@pytest.mark.parametrize("seed", range(60))
def test_every_closure_shows(make_speech: MakeSpeech, seed: int) -> None:
    specs = random_specs(seed, shortest=5)
    cues = cues_from_speech(make_speech(specs))
    t = 0
    for symbol, duration in specs:
        if symbol in "pbm":
            assert any(
                c.shape == "A" and c.start_ms < t + duration and c.end_ms > t - 150 for c in cues
            ), (symbol, t)
        t += duration


def test_a_short_pause_holds_the_shape(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 300), ("ɑ", 200), ("_", 60), ("ɑ", 200), ("_", 300)])
    cues = cues_from_speech(speech, lead_ms=0)
    assert shape_at(cues, 530) == "D"
    long_pause = make_speech([("_", 300), ("ɑ", 200), ("_", 500), ("ɑ", 200), ("_", 300)])
    assert shape_at(cues_from_speech(long_pause, lead_ms=0), 750) == "X"


def test_wide_open_closes_through_c(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 300), ("ɑ", 300), ("m", 150), ("_", 300)])
    shapes = [c.shape for c in cues_from_speech(speech, lead_ms=0)]
    assert "".join(shapes).find("DCA") >= 0


# ---------------------------------------------------------------------------- sampling


def test_sample_cues() -> None:
    cues = (Cue(0, 30, "X"), Cue(30, 55, "D"), Cue(70, 90, "A"))
    assert sample_cues(cues) == ["X", "X", "X", "D", "D", "D", "X", "A", "A"]
    assert sample_cues(cues, step_ms=40) == ["X", "D", "A"]  # 0, 40, 80 ms
    assert sample_cues(()) == []
    with pytest.raises(ValueError):
        sample_cues(cues, step_ms=0)


def test_cue_validates() -> None:
    with pytest.raises(ValueError):
        Cue(0, 10, "Z")
    with pytest.raises(ValueError):
        Cue(20, 10, "A")


# ---------------------------------------------------------------------------- formats

HI = (
    Cue(0, 50, "X"),
    Cue(50, 270, "D"),
    Cue(270, 310, "C"),
    Cue(310, 430, "B"),
    Cue(430, 470, "X"),
)
HI_SHEET = CueSheet(HI, 470, "C:\\Users\\Daniel\\Desktop\\av\\hi\\hi.wav")


def test_tsv_matches_rhubarb() -> None:
    expected = "0.00\tX\n0.05\tD\n0.27\tC\n0.31\tB\n0.43\tX\n0.47\tX\n"
    assert format_cues(HI_SHEET, "tsv") == expected


def test_json_matches_rhubarb() -> None:
    expected = (
        "{\n"
        '  "metadata": {\n'
        '    "soundFile": "C:\\\\Users\\\\Daniel\\\\Desktop\\\\av\\\\hi\\\\hi.wav",\n'
        '    "duration": 0.47\n'
        "  },\n"
        '  "mouthCues": [\n'
        '    { "start": 0.00, "end": 0.05, "value": "X" },\n'
        '    { "start": 0.05, "end": 0.27, "value": "D" },\n'
        '    { "start": 0.27, "end": 0.31, "value": "C" },\n'
        '    { "start": 0.31, "end": 0.43, "value": "B" },\n'
        '    { "start": 0.43, "end": 0.47, "value": "X" }\n'
        "  ]\n"
        "}\n"
    )
    assert format_cues(HI_SHEET, "json") == expected


def test_xml_matches_rhubarb() -> None:
    expected = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<rhubarbResult>\n"
        "  <metadata>\n"
        "    <soundFile>C:\\Users\\Daniel\\Desktop\\av\\hi\\hi.wav</soundFile>\n"
        "    <duration>0.47</duration>\n"
        "  </metadata>\n"
        "  <mouthCues>\n"
        '    <mouthCue start="0.00" end="0.05">X</mouthCue>\n'
        '    <mouthCue start="0.05" end="0.27">D</mouthCue>\n'
        '    <mouthCue start="0.27" end="0.31">C</mouthCue>\n'
        '    <mouthCue start="0.31" end="0.43">B</mouthCue>\n'
        '    <mouthCue start="0.43" end="0.47">X</mouthCue>\n'
        "  </mouthCues>\n"
        "</rhubarbResult>\n"
    )
    assert format_cues(HI_SHEET, "xml") == expected


def test_dat_frames_at_24_and_30_fps() -> None:
    # Frame = 1 + floor(fps * seconds), as Rhubarb counts.
    assert format_cues(HI_SHEET, "dat") == "MohoSwitch1\n1 X\n2 D\n7 C\n8 B\n11 X\n12 X\n"
    assert format_cues(HI_SHEET, "dat", dat_fps=30) == (
        "MohoSwitch1\n1 X\n2 D\n9 C\n10 B\n13 X\n15 X\n"
    )


def test_dat_drops_a_cue_that_starts_in_the_same_frame() -> None:
    sheet = CueSheet((Cue(0, 20, "X"), Cue(20, 100, "D"), Cue(100, 130, "A")), 130)
    # At 24 fps, 0.02 s is still frame 1; the end (0.13 s = frame 4) follows.
    assert format_cues(sheet, "dat") == "MohoSwitch1\n1 X\n3 A\n4 X\n"
    # The closing frame moves one on when it would repeat the last cue's frame.
    late = CueSheet((Cue(0, 100, "X"), Cue(100, 110, "D")), 110)
    assert format_cues(late, "dat") == "MohoSwitch1\n1 X\n3 D\n4 X\n"


def test_dat_preston_blair_names() -> None:
    cues = tuple(Cue(k * 100, k * 100 + 100, s) for k, s in enumerate("ABCDEFGHX"))
    sheet = CueSheet(cues, 900)
    text = format_cues(sheet, "dat", preston_blair=True)
    names = [line.split()[1] for line in text.splitlines()[1:]]
    assert names == ["MBP", "etc", "E", "AI", "O", "U", "FV", "L", "rest", "rest"]
    assert names[:9] == [PRESTON_BLAIR[s] for s in "ABCDEFGHX"]
    back = parse_cues(text, "dat")  # names told apart by themselves
    assert [c.shape for c in back.cues] == list("ABCDEFGHX")
    assert format_cues(back, "dat", preston_blair=True) == text


@pytest.mark.parametrize("fps", [24.0, 25.0, 29.97, 30.0, 48.0, 60.0, 100.0])
def test_dat_frame_times_invert(fps: float) -> None:
    for ms in range(0, 120_000, 10):
        frame = dat_frame(ms, fps)
        start = frame_ms(frame, fps)
        assert start % 10 == 0
        assert start <= ms
        assert dat_frame(start, fps) == frame


def random_sheet(seed: int, rest: str = "X") -> CueSheet:
    rng = np.random.default_rng(seed)
    bounds = np.cumsum(rng.integers(1, 40, size=int(rng.integers(1, 60)))) * 10
    starts = np.concatenate(([0], bounds[:-1]))
    shapes = rng.choice(list("ABCDEFGHX"), size=len(bounds))
    cues = tuple(
        Cue(int(a), int(b), str(s)) for a, b, s in zip(starts, bounds, shapes, strict=True)
    )
    return CueSheet(cues, int(bounds[-1]), f"/tmp/take {seed} – ünïcode 🎤.wav", rest)


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("fmt", ["tsv", "json", "xml"])
def test_text_formats_round_trip_exactly(seed: int, fmt: str) -> None:
    sheet = random_sheet(seed, rest="A" if seed % 2 else "X")
    text = format_cues(sheet, fmt)
    back = parse_cues(text, fmt)
    assert back.cues == sheet.cues
    assert back.duration_ms == sheet.duration_ms
    if fmt == "tsv":
        assert back.rest == sheet.rest
    else:
        assert back.sound_file == sheet.sound_file
    assert format_cues(back, fmt) == text


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("fps", [24.0, 30.0])
@pytest.mark.parametrize("preston_blair", [False, True])
def test_dat_round_trips_exactly(seed: int, fps: float, preston_blair: bool) -> None:
    text = format_cues(random_sheet(seed), "dat", dat_fps=fps, preston_blair=preston_blair)
    back = parse_cues(text, "dat", dat_fps=fps)
    assert format_cues(back, "dat", dat_fps=fps, preston_blair=preston_blair) == text
    assert parse_cues(format_cues(back, "tsv"), "tsv") == back  # frame times stay exact


def test_empty_sheet_round_trips() -> None:
    empty = CueSheet((), 0, "a.wav")
    assert format_cues(empty, "tsv") == "0.00\tX\n"
    assert '{ "start": 0.00, "end": 0.00, "value": "X" }' in format_cues(empty, "json")
    for fmt in FORMATS:
        text = format_cues(empty, fmt)
        assert format_cues(parse_cues(text, fmt), fmt) == text


def test_json_escapes_like_rhubarb() -> None:
    sheet = CueSheet(HI, 470, 'a "b"\\c\té🎤\x7f')
    text = format_cues(sheet, "json")
    assert '"soundFile": "a \\"b\\"\\\\c\\t\\u00e9\\ud83c\\udfa4\x7f"' in text
    assert text.isascii()
    assert parse_cues(text, "json").sound_file == sheet.sound_file


def test_xml_escapes_text() -> None:
    sheet = CueSheet(HI, 470, "<a & 'b'>")
    text = format_cues(sheet, "xml")
    assert "<soundFile>&lt;a &amp; &apos;b&apos;&gt;</soundFile>" in text
    assert parse_cues(text, "xml").sound_file == "<a & 'b'>"


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("tsv", "0.00 X\n"),
        ("tsv", "0.00\tQ\n0.10\tX\n"),
        ("tsv", "0.50\tA\n0.10\tX\n"),
        ("tsv", ""),
        ("json", "{"),
        ("json", '{"metadata": {"duration": 1}, "mouthCues": [{"start": 0}]}'),
        ("xml", "<rhubarb/>"),
        ("xml", "<rhubarbResult><metadata>"),
        ("dat", "1 X\n2 A\n"),
        ("dat", "MohoSwitch1\n3 X\n2 A\n"),
        ("dat", "MohoSwitch1\n1 Z\n2 A\n"),
        ("yaml", "a: 1"),
    ],
)
def test_bad_files_are_input_errors(fmt: str, text: str) -> None:
    with pytest.raises(InputError):
        parse_cues(text, fmt)


@pytest.mark.parametrize("fps", [10.0, 23.9, 100.5, float("nan")])
def test_dat_frame_rate_bounds(fps: float) -> None:
    with pytest.raises(InputError, match="frame rate"):
        format_cues(HI_SHEET, "dat", dat_fps=fps)


def test_format_for_path() -> None:
    assert format_for_path("a/b.JSON") == "json"
    assert format_for_path("cues.txt") == "tsv"
    assert format_for_path("cues.xml") == "xml"
    assert format_for_path("cues.dat") == "dat"
    assert format_for_path("cues.csv") == "tsv"
    assert format_for_path("cues", default="json") == "json"
