"""Head pose, brows and smile, and the FaceTrack that bundles them with blinks."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from persona.errors import InputError
from persona.motion import HEAD_LIMITS, animate_face
from persona.motion.envelope import activity
from persona.motion.head import accents, loudness_accents, speech_motion
from persona.types import HEAD_CHANNELS, FaceTrack, Speech

MakeSpeech = Callable[..., Speech]
MakeTalk = Callable[..., Speech]
YAW, PITCH, ROLL, TX, TY = range(len(HEAD_CHANNELS))


def frames_for(speech: Speech, fps: float) -> int:
    return math.ceil(speech.duration_ms * fps / 1000)


def face(speech: Speech, fps: float = 25, seed: int = 0) -> FaceTrack:
    return animate_face(speech, frames_for(speech, fps), fps, seed=seed)


def test_track_shapes_dtypes_and_ranges(make_talk: MakeTalk) -> None:
    speech = make_talk(90.0)
    track = face(speech, 30)
    n = frames_for(speech, 30)
    assert track.n_frames == n and track.fps == 30
    assert track.head.shape == (n, len(HEAD_CHANNELS))
    for values in (track.blink, track.head, track.brow, track.smile):
        assert values.dtype == np.float32
        assert np.all(np.isfinite(values))
    assert np.all(np.abs(track.head) <= HEAD_LIMITS)
    assert np.all((track.blink >= 0) & (track.blink <= 1))
    assert np.all((track.brow >= 0) & (track.brow <= 1))
    assert np.all((track.smile >= 0) & (track.smile <= 1))
    assert 0.05 < float(track.smile.mean()) < 0.15, "a small resting smile"


def test_head_uses_a_fair_part_of_its_range(make_talk: MakeTalk) -> None:
    track = face(make_talk(120.0), seed=3)
    reach = np.abs(track.head).max(axis=0) / HEAD_LIMITS
    assert np.all(reach > 0.25), reach
    assert np.all(reach <= 1.0)


def test_same_seed_same_track_other_seed_other_track(make_talk: MakeTalk) -> None:
    speech = make_talk(30.0)
    a, b, c = face(speech, seed=7), face(speech, seed=7), face(speech, seed=8)
    for name in ("blink", "head", "brow", "smile"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert not np.array_equal(a.blink, c.blink)
    assert not np.allclose(a.head, c.head)
    assert not np.allclose(a.smile, c.smile)


@pytest.mark.parametrize("fps", [24, 25, 30, 60])
def test_motion_is_smooth(make_talk: MakeTalk, fps: int) -> None:
    track = face(make_talk(60.0, seed=fps), fps, seed=fps)
    step = np.abs(np.diff(track.head, axis=0)).max(axis=0) * fps / 25
    assert np.all(step[[YAW, PITCH, ROLL]] < 0.5), step
    assert np.all(step[[TX, TY]] < 0.004), step
    assert np.abs(np.diff(track.brow)).max() * fps / 25 < 0.15
    assert np.abs(np.diff(track.smile)).max() < 0.01


def test_never_frozen_even_in_long_silence(make_speech: MakeSpeech, make_talk: MakeTalk) -> None:
    talk = make_talk(20.0)
    silence = make_speech([("_", 30_000, 0)])
    for speech in (talk, silence):
        track = face(speech, 25, seed=11)
        for start in range(0, track.n_frames - 50, 25):
            window = track.head[start : start + 50]
            assert np.all(window.std(axis=0)[[YAW, PITCH, ROLL]] > 0.005), start
            assert np.all(window.std(axis=0)[[TX, TY]] > 1e-5), start


def test_stressed_loud_vowel_nods_and_raises_the_brows(make_speech: MakeSpeech) -> None:
    speech = make_speech(
        [("_", 1000, 0), ("t", 80, 0), ("ɑː", 240, 1), ("_", 2000, 0), ("t", 80, 0),
         ("ə", 120, 0), ("_", 1500, 0)]
    )  # fmt: skip
    fps = 25
    n = frames_for(speech, fps)
    head, brow = speech_motion(speech, n, fps, np.random.default_rng(0))
    centre = round((1080 + 120) * fps / 1000)
    assert abs(int(np.argmax(head[:, PITCH])) - centre) <= 1
    assert head[centre, PITCH] > 0.8
    assert brow[centre] > 0.3
    quiet = round((3320 + 60) * fps / 1000)
    assert head[quiet - 5 : quiet + 5, PITCH].max() < 0.05, "a quiet schwa is no accent"
    assert brow[quiet - 5 : quiet + 5].max() == 0.0


def test_accents_weigh_stress_and_loudness(make_speech: MakeSpeech) -> None:
    speech = make_speech(
        [("_", 500, 0), ("ɑː", 200, 1), ("_", 500, 0), ("ɑː", 200, 2), ("_", 500, 0),
         ("ɑː", 200, 0), ("_", 500, 0)]
    )  # fmt: skip
    times, strength = accents(speech)
    assert times.tolist() == [600.0]
    assert strength[0] == pytest.approx(1.0)


def test_loudness_gives_accents_when_there_are_no_phones() -> None:
    rng = np.random.default_rng(0)
    audio = np.zeros(8000 * 4, np.float32)
    for centre_s in (0.5, 1.7, 3.1):
        lo = int((centre_s - 0.1) * 8000)
        audio[lo : lo + 1600] = rng.uniform(-0.5, 0.5, 1600)
    speech = Speech(audio=audio, sample_rate=8000, phones=())
    times, strength = loudness_accents(speech)
    assert np.allclose(times, [500, 1700, 3100], atol=40)
    assert np.all(strength > 0.8)
    track = face(speech, 25)
    assert track.head[:, PITCH].max() > 0.3


def test_activity_is_low_only_in_long_pauses(make_speech: MakeSpeech) -> None:
    speech = make_speech(
        [("a", 1000, 1), ("_", 120, 0), ("a", 1000, 1), ("_", 3000, 0), ("a", 1000, 1)]
    )
    level = activity(speech, frames_for(speech, 25), 25)
    assert level[25:30].min() > 0.95  # short pause inside speech
    assert level[round(3620 * 25 / 1000)] < 0.01  # middle of the long pause
    assert level[10] > 0.95


def test_zero_frames_and_bad_arguments(make_talk: MakeTalk) -> None:
    speech = make_talk(2.0)
    empty = animate_face(speech, 0, 25)
    assert empty.n_frames == 0 and empty.head.shape == (0, len(HEAD_CHANNELS))
    with pytest.raises(InputError, match="frame rate"):
        animate_face(speech, 10, 0)
    with pytest.raises(InputError, match="frame count"):
        animate_face(speech, -1, 25)


@pytest.mark.parametrize("n_frames", [1, 2, 5])
def test_very_short_tracks(make_talk: MakeTalk, n_frames: int) -> None:
    track = animate_face(make_talk(3.0), n_frames, 25)
    assert track.n_frames == n_frames
    assert track.head.shape == (n_frames, len(HEAD_CHANNELS))
    assert track.brow.shape == track.smile.shape == (n_frames,)


def test_more_frames_than_speech_still_move(make_talk: MakeTalk) -> None:
    speech = make_talk(3.0)
    track = animate_face(speech, 500, 25)
    tail = track.head[300:]
    assert np.all(tail.std(axis=0) > 0)
