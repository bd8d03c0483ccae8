"""Phones → per-frame mouth parameters: shapes, coarticulation, closures, pauses, timing."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from persona.errors import InputError
from persona.lipsync import animate, frame_count, viseme_for
from persona.lipsync.timing import CLOSURE_LEAD_MS, VISUAL_LEAD_MS
from persona.types import MOUTH_CHANNELS, MouthTrack, Phone, Speech

MakeSpeech = Callable[..., Speech]
JAW, WIDTH, ROUND, UPPER, LOWER, TEETH, TONGUE = range(len(MOUTH_CHANNELS))
LOW = np.array([0.0, -1.0, 0.0, 0.0, -1.0, 0.0, 0.0])


def frames_in(track: MouthTrack, start_ms: float, end_ms: float) -> np.ndarray:
    """Indices of the frames whose time lies in [start_ms, end_ms)."""
    times = np.arange(track.n_frames) * 1000.0 / track.fps
    return np.flatnonzero((times >= start_ms) & (times < end_ms))


def phone_span(speech: Speech, index: int) -> tuple[int, int]:
    phone = speech.phones[index]
    return phone.start_ms, phone.end_ms


@pytest.mark.parametrize("fps", [24, 25, 29.97, 30, 60])
def test_track_shape_dtype_and_ranges(make_speech: MakeSpeech, fps: float) -> None:
    speech = make_speech(
        [("_", 130), ("h", 60), ("ə", 70), ("l", 60), ("oʊ", 220, 1), ("w", 60), ("ɝ", 150),
         ("l", 70), ("d", 60), ("_", 333)]
    )  # fmt: skip
    track = animate(speech, fps)
    assert track.n_frames == math.ceil(speech.duration_ms * fps / 1000 - 1e-9)
    assert track.params.dtype == np.float32
    assert track.params.shape == (track.n_frames, len(MOUTH_CHANNELS))
    assert len(track.visemes) == track.n_frames
    assert track.fps == fps
    assert np.all(track.params >= LOW) and np.all(track.params <= 1.0)
    assert np.all(np.isfinite(track.params))


def test_frame_count_rounds_up() -> None:
    assert frame_count(1000, 25) == 25
    assert frame_count(1001, 25) == 26
    assert frame_count(0, 30) == 0
    assert frame_count(1000, 29.97) == 30


def test_same_input_same_track(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 100), ("m", 80), ("ɑː", 200, 1), ("p", 60), ("_", 200)])
    a, b = animate(speech, 25), animate(speech, 25)
    assert np.array_equal(a.params, b.params)
    assert a.visemes == b.visemes


def test_starts_and_ends_at_rest_and_rests_in_long_pauses(make_speech: MakeSpeech) -> None:
    speech = make_speech([("ɑː", 200, 1), ("_", 700), ("iː", 200), ("s", 100)])
    track = animate(speech, 25)
    assert np.all(track.params[0] == 0) and np.all(track.params[-1] == 0)
    assert track.visemes[0] == "X" and track.visemes[-1] == "X"
    middle = frames_in(track, 400, 620)
    assert middle.size >= 5
    assert np.all(track.params[middle] == 0)
    assert {track.visemes[k] for k in middle} == {"X"}


def test_short_pause_relaxes_between_neighbours(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 300), ("ɑː", 240, 1), ("_", 100), ("ɑː", 240, 1), ("_", 300)])
    track = animate(speech, 100)
    pause = frames_in(track, 570, 610)  # the pause lasts 540-640 ms
    vowel = frames_in(track, 380, 420)
    jaw = track.channel("jaw")
    assert np.all(jaw[pause] > 0.02), "a short pause must not snap to rest"
    assert np.all(jaw[pause] < 0.5 * jaw[vowel].min()), "but the mouth relaxes toward closed"
    assert "PAUSE" in {track.visemes[k] for k in pause}


def test_ah_opens_wider_than_ee_and_oo_rounds(make_speech: MakeSpeech) -> None:
    def peak(symbol: str, channel: int) -> float:
        speech = make_speech([("_", 300), (symbol, 250, 1), ("_", 300)])
        values = animate(speech, 25).params[:, channel]
        return float(values[np.argmax(np.abs(values))])

    assert peak("ɑː", JAW) > peak("iː", JAW) + 0.4
    assert peak("ɑː", JAW) > peak("ɛ", JAW) > peak("iː", JAW)
    assert peak("uː", ROUND) > 0.8
    assert peak("ɑː", ROUND) < 0.05
    assert peak("iː", WIDTH) > 0.5
    assert peak("uː", WIDTH) < -0.5


def test_f_tucks_the_lower_lip(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 300), ("ɑː", 200), ("f", 120), ("ɑː", 200), ("_", 300)])
    track = animate(speech, 50)
    during_f = frames_in(track, 520, 600)
    assert track.channel("lower")[during_f].max() > 0.4
    assert track.channel("upper")[during_f].max() > 0.4
    assert track.channel("lower")[frames_in(track, 300, 420)].max() < 0.3
    assert "FV" in {track.visemes[k] for k in during_f}


def test_th_and_l_show_the_tongue(make_speech: MakeSpeech) -> None:
    for symbol in ("θ", "l"):
        speech = make_speech([("_", 300), ("ɛ", 150), (symbol, 120), ("ɛ", 150), ("_", 300)])
        track = animate(speech, 50)
        assert track.channel("tongue")[frames_in(track, 470, 540)].max() > 0.4, symbol


def test_stress_opens_the_jaw_and_schwa_opens_less(make_speech: MakeSpeech) -> None:
    def jaw_peak(symbol: str, stress: int) -> float:
        speech = make_speech([("_", 300), ("t", 60), (symbol, 200, stress), ("_", 300)])
        return float(animate(speech, 25).channel("jaw").max())

    assert jaw_peak("ɛ", 1) > jaw_peak("ɛ", 0) * 1.1
    assert jaw_peak("ɛ", 2) > jaw_peak("ɛ", 0)
    assert jaw_peak("ə", 0) < jaw_peak("ɛ", 0)


@pytest.mark.parametrize(("vowel", "rounded"), [("uː", True), ("u", True), ("iː", False)])
def test_lips_anticipate_the_vowel_during_a_consonant(
    make_speech: MakeSpeech, vowel: str, rounded: bool
) -> None:
    speech = make_speech([("_", 300), ("t", 80), (vowel, 200, 1), ("_", 300)])
    track = animate(speech, 50)
    during_t = frames_in(track, 320, 380)
    rounding = track.channel("round")[during_t]
    if rounded:
        assert rounding.mean() > 0.3
    else:
        assert np.abs(rounding).max() < 0.05


def test_rounding_spreads_back_through_a_consonant_cluster(make_speech: MakeSpeech) -> None:
    # "school": s k uː l — the lips round during /s/ and /k/ already
    speech = make_speech([("_", 300), ("s", 90), ("k", 70), ("uː", 200, 1), ("l", 80), ("_", 300)])
    track = animate(speech, 100)
    rounding = track.channel("round")
    assert rounding[frames_in(track, 390, 460)].mean() > 0.4  # during /k/
    assert rounding[frames_in(track, 340, 390)].mean() > 0.15  # during /s/
    # an unrounded vowel leaves the same cluster unrounded
    flat = animate(
        make_speech([("_", 300), ("s", 90), ("k", 70), ("iː", 200, 1), ("l", 80), ("_", 300)]), 100
    )
    assert flat.channel("round")[frames_in(flat, 340, 460)].max() < 0.05


def test_rounding_stops_at_a_previous_vowel(make_speech: MakeSpeech) -> None:
    # "see two": the /iː/ keeps its spread lips although /uː/ follows two consonants later
    speech = make_speech(
        [("_", 300), ("s", 100), ("iː", 200, 1), ("t", 80), ("uː", 200, 1), ("_", 300)]
    )
    track = animate(speech, 100)
    ee = frames_in(track, 420, 560)
    assert track.channel("round")[ee].max() < 0.25
    assert track.channel("width")[ee].mean() > 0.4


BILABIALS = ("p", "b", "m", "bʱ", "pʰ", "m̩")
OTHERS = ("ɑː", "iː", "uː", "ə", "ɛ", "oʊ", "aɪ", "t", "d", "s", "k", "ŋ", "l", "ɹ", "f", "h",
          "ʃ", "θ", "w", "ʔ", "_", "ã", "ʈ", "☃")  # fmt: skip


def _random_sequence(rng: np.random.Generator) -> list[tuple[str, int]]:
    n = int(rng.integers(3, 25))
    specs = []
    for _ in range(n):
        pool = BILABIALS if rng.random() < 0.3 else OTHERS
        specs.append((str(pool[rng.integers(len(pool))]), int(rng.integers(20, 201))))
    return specs


def test_every_bilabial_shows_closed_lips(make_speech: MakeSpeech) -> None:
    rng = np.random.default_rng(1234)
    checked = 0
    for trial in range(300):
        speech = make_speech(_random_sequence(rng), seed=trial)
        fps = float(rng.choice([24, 25, 30, 60]))
        track = animate(speech, fps)
        jaw = track.channel("jaw")
        period = 1000.0 / fps
        for index, phone in enumerate(speech.phones):
            if viseme_for(phone.symbol) != "MBP" or phone.symbol == "_":
                continue
            start, end = phone_span(speech, index)
            near = frames_in(track, start - CLOSURE_LEAD_MS - period, end + period)
            assert np.any(jaw[near] == 0.0), (trial, fps, index, speech.phones)
            checked += 1
    assert checked > 500


def test_closure_is_held_through_a_long_m(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 300), ("ɑː", 200), ("m", 200), ("ɑː", 200), ("_", 300)])
    track = animate(speech, 50)
    lead = VISUAL_LEAD_MS
    held = frames_in(track, 500 - CLOSURE_LEAD_MS - lead, 700 - lead)
    assert held.size == 11
    assert np.all(track.channel("jaw")[held] == 0.0)
    assert {track.visemes[k] for k in held} == {"MBP"}


def test_closure_starts_before_the_burst(make_speech: MakeSpeech) -> None:
    speech = make_speech([("_", 300), ("ɑː", 200), ("p", 60), ("ɑː", 200), ("_", 300)])
    track = animate(speech, 100)
    jaw = track.channel("jaw")
    lead = VISUAL_LEAD_MS
    assert np.all(jaw[frames_in(track, 500 - CLOSURE_LEAD_MS - lead, 560 - lead)] == 0.0)
    assert jaw[frames_in(track, 400 - lead, 440 - lead)].min() > 0.5


def test_closure_shorter_than_a_frame_still_closes(make_speech: MakeSpeech) -> None:
    # a 10 ms /b/ right after a 10 ms vowel: nothing of it lands on a 24 fps frame time
    speech = make_speech([("_", 300), ("ɑː", 113), ("ɑː", 10), ("b", 10), ("ɑː", 200), ("_", 300)])
    track = animate(speech, 24)
    jaw = track.channel("jaw")
    assert np.any(jaw[frames_in(track, 390, 480)] == 0.0)
    assert jaw[frames_in(track, 300, 380)].max() > 0.5


def test_unknown_and_diacritic_symbols_animate(make_speech: MakeSpeech) -> None:
    speech = make_speech(
        [("_", 100), ("ʈʰ", 80), ("ə̃", 120), ("ɽ", 60), ("☃", 90), ("ʔ", 40), ("a3", 150),
         ("ɯː", 120), ("", 50), ("ʰ", 40), ("_", 200)]
    )  # fmt: skip
    track = animate(speech, 25)
    assert np.all(np.isfinite(track.params))
    assert track.channel("jaw").max() > 0.2


def test_empty_and_phoneless_speech(make_speech: MakeSpeech) -> None:
    empty = animate(make_speech([]), 25)
    assert empty.params.shape == (0, len(MOUTH_CHANNELS))
    silent = Speech(audio=np.zeros(8000, np.float32), sample_rate=8000, phones=())
    track = animate(silent, 25)
    assert track.n_frames == 25
    assert np.all(track.params == 0)


def test_phones_past_the_audio_do_not_crash() -> None:
    speech = Speech(
        audio=np.zeros(800, np.float32),
        sample_rate=8000,
        phones=(Phone("ɑː", 0, 80), Phone("m", 80, 140), Phone("ɑː", 140, 300)),
    )
    track = animate(speech, 25)
    assert track.n_frames == 3
    assert track.params[-1, JAW] == 0.0


@pytest.mark.parametrize("fps", [0, -25, float("nan"), float("inf")])
def test_bad_frame_rate_is_an_input_error(make_speech: MakeSpeech, fps: float) -> None:
    with pytest.raises(InputError, match="frame rate"):
        animate(make_speech([("ɑː", 100)]), fps)


def _syllables(
    rng: np.random.Generator, seconds: float
) -> list[tuple[str, int] | tuple[str, int, int]]:
    consonants = ("t", "k", "s", "m", "p", "b", "d", "n", "l", "f", "ʃ")
    vowels = ("ɑː", "ɛ", "iː", "oʊ", "ə", "uː", "aɪ", "æ")
    specs: list[tuple[str, int] | tuple[str, int, int]] = [("_", 300)]
    total = 300
    while total < seconds * 1000:
        if rng.random() < 0.12:
            specs.append(("_", int(rng.integers(150, 500))))
        specs.append((str(rng.choice(consonants)), int(rng.integers(40, 110))))
        specs.append((str(rng.choice(vowels)), int(rng.integers(80, 260)), int(rng.integers(0, 3))))
        total = sum(s[1] for s in specs)
    specs.append(("_", 300))
    return specs


@pytest.mark.parametrize("fps", [25, 30])
def test_jaw_follows_the_audio_envelope_without_lag(
    make_speech: MakeSpeech,
    rms_per_frame: Callable[[Speech, float, int], np.ndarray],
    fps: int,
) -> None:
    rng = np.random.default_rng(fps)
    speech = make_speech(_syllables(rng, 30.0), seed=fps)
    track = animate(speech, fps)
    jaw = track.channel("jaw").astype(np.float64)
    rms = rms_per_frame(speech, fps, track.n_frames)
    a = (jaw - jaw.mean()) / jaw.std()
    b = (rms - rms.mean()) / rms.std()
    lags = range(-6, 7)
    corr = [float(np.mean(a[max(0, -k) : len(a) - max(0, k)] * b[max(0, k) : len(b) - max(0, -k)]))
            for k in lags]  # fmt: skip
    best = list(lags)[int(np.argmax(corr))]
    assert abs(best) <= 1, dict(zip(lags, np.round(corr, 3), strict=True))
    assert max(corr) > 0.5


def test_ten_minutes_animate_to_a_full_track(make_speech: MakeSpeech) -> None:
    # Speed is measured by benchmarks/engine.py, not asserted here.
    rng = np.random.default_rng(7)
    speech = make_speech(_syllables(rng, 600.0), sample_rate=1000)
    track = animate(speech, 30)
    assert track.n_frames == -(-speech.duration_ms * 30 // 1000)
    assert np.isfinite(track.params).all()
