"""Blink timing and eyelid shape."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from persona.motion import Blink, plan_blinks, render_blinks
from persona.motion.blinks import DOUBLE_GAP_MS, blink_track, pause_centres
from persona.types import Speech

HOUR_MS = 3_600_000


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last + 1) of every run of True in ``mask``."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_blink_intervals_lie_between_2_and_6_seconds(seed: int) -> None:
    blinks = plan_blinks(HOUR_MS, np.zeros(0, np.int64), np.random.default_rng(seed))
    gaps = np.diff([b.time_ms for b in blinks])
    assert gaps.min() >= 2000 and gaps.max() <= 6000
    assert 2800 < gaps.mean() < 4500
    assert gaps.std() > 400, "intervals must vary"
    assert 0 <= blinks[0].time_ms < 6000
    assert blinks[-1].time_ms < HOUR_MS


def test_some_blinks_are_double() -> None:
    blinks = plan_blinks(HOUR_MS, np.zeros(0, np.int64), np.random.default_rng(5))
    share = np.mean([b.double for b in blinks])
    assert 0.05 < share < 0.25


def test_blinks_prefer_pauses_without_breaking_the_interval_rule() -> None:
    rng = np.random.default_rng(9)
    pauses = np.cumsum(rng.integers(1500, 5000, size=1000))
    blinks = plan_blinks(int(pauses[-1]), pauses, np.random.default_rng(3))
    times = np.array([b.time_ms for b in blinks])
    gaps = np.diff(times)
    assert gaps.min() >= 2000 and gaps.max() <= 6000
    at_pause = np.isin(times, pauses).mean()
    assert at_pause > 0.4, at_pause


def test_pause_centres_come_from_long_enough_silences(
    make_speech: Callable[..., Speech],
) -> None:
    speech = make_speech(
        [("a", 200, 1), ("_", 100, 0), ("a", 200, 1), ("_", 400, 0), ("a", 100, 0)]
    )
    assert pause_centres(speech).tolist() == [700]


def test_each_blink_closes_fully_for_about_150_ms() -> None:
    blinks = plan_blinks(120_000, np.zeros(0, np.int64), np.random.default_rng(4))
    track = render_blinks(blinks, n_frames=12_000, fps=100)
    closures = runs(track > 0)
    expected = len(blinks) + sum(b.double for b in blinks)
    assert len(closures) == expected
    for first, last in closures:
        assert 120 <= (last - first) * 10 <= 200
        assert track[first:last].max() == 1.0
        peak = first + int(np.argmax(track[first:last]))
        assert 4 <= peak - first <= 7, "the lid closes fast (about 50 ms)"
        assert 8 <= last - peak <= 11, "and opens more slowly (about 90 ms)"


@pytest.mark.parametrize("fps", [24, 25, 30])
def test_every_blink_shows_a_closed_frame_at_video_rates(fps: int) -> None:
    blinks = [Blink(1013), Blink(4377, double=True), Blink(8001)]
    track = render_blinks(blinks, n_frames=int(10 * fps), fps=fps)
    peaks = np.flatnonzero(track == 1.0) * 1000 / fps
    expected = [1013, 4377, 4377 + DOUBLE_GAP_MS, 8001]
    assert len(peaks) == len(expected)
    assert np.all(np.abs(peaks - expected) <= 500 / fps)
    assert track.min() == 0.0 and track.dtype == np.float32


def test_blink_track_is_deterministic_per_seed(make_talk: Callable[..., Speech]) -> None:
    speech = make_talk(60.0)
    a = blink_track(speech, 1500, 25, np.random.default_rng(1))
    b = blink_track(speech, 1500, 25, np.random.default_rng(1))
    c = blink_track(speech, 1500, 25, np.random.default_rng(2))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert 10 <= len(runs(a > 0.5)) <= 35


def test_no_frames_no_blinks(make_talk: Callable[..., Speech]) -> None:
    assert render_blinks([Blink(100)], 0, 25).shape == (0,)
    assert blink_track(make_talk(2.0), 0, 25, np.random.default_rng(0)).shape == (0,)
