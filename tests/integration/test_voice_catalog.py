"""The catalog's voices across ages and genders, measured on the audio they make.

One short script is spoken by the base voice (``joe``) once per speaking rate the
catalog uses; each voice's transform is then applied to the base speech of its rate,
exactly as synthesis does after the engine. Pitch is measured on the result, and the
timing is checked twice: the silences found in the audio agree with the SILENCE phones
(:mod:`tests.alignment`), and the loudness contour has not moved.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from persona.media import read_audio_file
from persona.script import parse_script
from persona.types import SILENCE, Speech
from persona.voice import AGE_GROUPS, f0_band, get_voice, list_voices, synthesize_script
from persona.voice.catalog import BASE_MODEL, VOICE_SPECS
from persona.voice.commands import preview
from persona.voice.pitch import median_f0
from tests.alignment import TOLERANCE_MS, boundary_errors

CATALOG = [
    *(f"baby_{g}_{n}" for g in ("boy", "girl") for n in (1, 2)),
    *(f"toddler_{g}_{n}" for g in ("boy", "girl") for n in (1, 2)),
    *(f"child_{g}_{n}" for g in ("boy", "girl") for n in (1, 2)),
    *(f"preteen_{g}_{n}" for g in ("boy", "girl") for n in (1, 2)),
    *(f"teen_{g}_{n}" for g in ("boy", "girl") for n in (1, 2)),
    *(f"young_adult_{g}_{n}" for g in ("male", "female") for n in (1, 2)),
    *(f"adult_{g}_{n}" for g in ("male", "female") for n in (1, 2, 3)),
    *(f"mature_{g}_{n}" for g in ("male", "female") for n in (1, 2)),
]
SCRIPT = "Hello there, my friend. [pause 500ms] Look at the bright moon tonight."


@pytest.fixture(scope="module")
def base_speech() -> Callable[[float], Speech]:
    """The base voice speaking :data:`SCRIPT` at a given rate, made once per rate."""
    joe = get_voice("joe", "en")
    script = parse_script(SCRIPT)

    @cache
    def speak(rate: float) -> Speech:
        return synthesize_script(script, replace(joe, rate=rate))

    return speak


def test_the_catalog_has_exactly_these_voices_with_complete_metadata() -> None:
    made = [v for v in list_voices() if v.transform is not None]
    assert [v.id for v in made] == CATALOG and len(CATALOG) == 34
    for voice in made:
        assert voice.name and voice.name[0].isupper()
        assert voice.gender in ("male", "female") and voice.age_group in AGE_GROUPS
        assert voice.id.startswith(voice.age_group)
        assert (voice.engine, voice.model, voice.lang) == ("piper", BASE_MODEL, "en")
        assert "joe" in voice.description and "WORLD" in voice.description
        assert 0.8 <= voice.rate <= 1.1
        low, high = f0_band(voice)
        assert 50 < low < high < 600
    assert {v.age_group for v in made} == set(AGE_GROUPS)


def test_voices_of_one_group_differ_and_groups_follow_age() -> None:
    groups = itertools.groupby(VOICE_SPECS, key=lambda s: (s.age_group, s.gender))
    for _, members in groups:
        for a, b in itertools.combinations(list(members), 2):
            assert abs(a.f0_hz / b.f0_hz - 1) >= 0.05, (a.id, b.id)
            assert abs(a.formant_ratio - b.formant_ratio) >= 0.029, (a.id, b.id)
    mean_formant = {
        age: np.mean([s.formant_ratio for s in VOICE_SPECS if s.age_group == age])
        for age in AGE_GROUPS
    }
    young_to_old = [mean_formant[age] for age in AGE_GROUPS[:5]]
    assert young_to_old == sorted(young_to_old, reverse=True)
    for age in ("teen", "young_adult", "adult", "mature"):
        men = [s.f0_hz for s in VOICE_SPECS if (s.age_group, s.gender) == (age, "male")]
        women = [s.f0_hz for s in VOICE_SPECS if (s.age_group, s.gender) == (age, "female")]
        assert max(men) < min(women)


def spoken_ms(speech: Speech) -> int:
    return sum(p.duration_ms for p in speech.phones if p.symbol != SILENCE)


def level_contour(audio: np.ndarray, rate: int) -> np.ndarray:
    """Level of every 10 ms frame in dB below the speech level (90th percentile), floored
    at -60 dB."""
    count = len(audio) * 100 // rate
    edges = (np.arange(count + 1) * rate) // 100
    squared = np.square(audio[: edges[-1]].astype(np.float64))
    level = 10 * np.log10(np.add.reduceat(squared, edges[:-1]) / np.diff(edges) + 1e-12)
    return np.asarray(np.maximum(level - np.percentile(level, 90), -60.0))


def contour_lag_ms(before: np.ndarray, after: np.ndarray) -> tuple[int, float]:
    """(shift in ms that best aligns ``after``'s level contour with ``before``'s, within
    ±50 ms; correlation of the two without shift)."""
    inner = slice(5, len(before) - 5)
    scores = {
        lag: float(np.corrcoef(before[5 + lag : len(before) - 5 + lag], after[inner])[0, 1])
        for lag in range(-5, 6)
    }
    return 10 * max(scores, key=lambda lag: scores[lag]), scores[0]


@pytest.mark.slow
@pytest.mark.parametrize("voice_id", CATALOG)
def test_every_voice_speaks_in_its_band_on_time(
    voice_id: str, base_speech: Callable[[float], Speech]
) -> None:
    voice = get_voice(voice_id, "en")
    assert voice.transform is not None
    base = base_speech(voice.rate)
    speech = voice.transform.apply(base)
    assert speech.sample_rate == base.sample_rate and len(speech.audio) == len(base.audio)
    phones = speech.phones
    assert phones[0].start_ms == 0 and phones[-1].end_ms == speech.duration_ms
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(phones))
    low, high = f0_band(voice)
    assert low <= median_f0(speech.audio, speech.sample_rate) <= high
    errors = boundary_errors(speech)
    assert len(errors) >= 4 and max(errors) <= TOLERANCE_MS, errors
    # the loudness contour is the base's, not shifted: every sound stays where it was
    lag_ms, correlation = contour_lag_ms(
        level_contour(base.audio, base.sample_rate), level_contour(speech.audio, base.sample_rate)
    )
    assert lag_ms == 0 and correlation > 0.98


@pytest.mark.slow
def test_voices_of_a_group_sound_measurably_different(
    base_speech: Callable[[float], Speech],
) -> None:
    pitches = []
    for voice_id in ("adult_male_1", "adult_male_3"):  # the same rate: the same base speech
        voice = get_voice(voice_id, "en")
        assert voice.transform is not None
        speech = voice.transform.apply(base_speech(voice.rate))
        pitches.append(median_f0(speech.audio, speech.sample_rate))
    assert pitches[1] > 1.2 * pitches[0]


@pytest.mark.slow
def test_a_catalog_voice_through_script_synthesis(
    base_speech: Callable[[float], Speech],
) -> None:
    voice = get_voice("baby_girl_1", "en")
    speech = synthesize_script(parse_script(SCRIPT), voice)
    slower = base_speech(voice.rate)
    # the engine itself speaks slower (Piper's durations are whole 11.6 ms frames and
    # drawn with noise, so the speech is not exactly 1/rate as long)
    assert spoken_ms(speech) > spoken_ms(base_speech(1.0))
    assert spoken_ms(speech) == pytest.approx(spoken_ms(slower), rel=0.1)
    assert [w.text for w in speech.words] == [w.text for w in slower.words]
    low, high = f0_band(voice)
    assert low <= median_f0(speech.audio, speech.sample_rate) <= high
    assert max(boundary_errors(speech)) <= TOLERANCE_MS


@pytest.mark.slow
def test_preview_writes_a_wav_of_the_voice(tmp_path: Path) -> None:
    out = preview("child_boy_1", "", tmp_path / "child.wav")
    audio, rate = read_audio_file(out)
    assert rate == 22050 and len(audio) > rate
    low, high = f0_band(get_voice("child_boy_1", None))
    assert low <= median_f0(audio, rate) <= high
    assert [p.name for p in tmp_path.iterdir()] == ["child.wav"]
