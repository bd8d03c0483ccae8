"""The video avatar's choice among several mouth samples per viseme: context, continuity,
cross-fades, and frame-to-frame flicker against a library of one sample per viseme."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
from tests.unit.avatar.videomodels import Sample, grey_model, shown

from persona.avatar.video import choose
from persona.avatar.video.render import VideoAvatar
from persona.avatar.video.sheet import mouth_flicker
from persona.lipsync.visemes import VISEMES
from persona.types import FaceState, MouthTrack

MBP, OO, X = (VISEMES[v].target for v in ("MBP", "OO", "X"))
AA = VISEMES["AA"].target
BASE = (Sample("X", (90, 90, 90)), Sample("MBP", (30, 200, 60)), Sample("OO", (200, 40, 60)))


def _track(runs: Sequence[tuple[str, int]]) -> MouthTrack:
    """Each viseme held at its target for the given number of frames."""
    visemes = [v for v, n in runs for _ in range(n)]
    params = np.array([VISEMES[v].target for v in visemes], np.float32)
    return MouthTrack(fps=25.0, params=params, visemes=tuple(visemes))


def _play(avatar: VideoAvatar, mouth: MouthTrack, *, prepare: bool = True) -> list[int | None]:
    """The sample shown on every frame of ``mouth``, drawn in order."""
    if prepare:
        avatar.prepare(mouth)
    chosen = []
    for k in range(mouth.n_frames):
        state = FaceState(mouth=tuple(mouth.params[k]), frame=k, viseme=mouth.visemes[k])
        avatar.render(state)
        chosen.append(avatar.shown_sample)
    return chosen


def _aa_samples(avatar: VideoAvatar, chosen: list[int | None]) -> set[int | None]:
    return {j for j in chosen if j is not None and avatar.model.samples.visemes[j] == "AA"}


@pytest.fixture
def context_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Samples differ only by context here: how they look and their rank do not count."""
    monkeypatch.setattr(choose, "LOOK_WEIGHT", 0.0)
    monkeypatch.setattr(choose, "ALTERNATE", 0.0)


@pytest.mark.usefixtures("context_only")
def test_different_contexts_pick_different_samples() -> None:
    """Three mouths of ɑ from the clip, equal in shape, said between b and u, b and b,
    u and u: a new ɑ takes the one whose neighbours match its own — the viseme before
    from the frames already drawn, the one after from the prepared track."""
    rows = (
        *BASE,
        Sample("AA", (60, 60, 220), before="MBP", after="OO"),
        Sample("AA", (220, 60, 220), before="MBP", after="MBP"),
        Sample("AA", (60, 220, 220), before="OO", after="OO"),
    )
    model = grey_model("replaced", rows)
    b_aa_u = _track([("X", 3), ("MBP", 3), ("AA", 5), ("OO", 4), ("X", 3)])
    b_aa_b = _track([("X", 3), ("MBP", 3), ("AA", 5), ("MBP", 4), ("X", 3)])
    u_aa_u = _track([("X", 3), ("OO", 3), ("AA", 5), ("OO", 4), ("X", 3)])
    cases = {b_aa_u: {3}, b_aa_b: {4}, u_aa_u: {5}}
    for mouth, expected in cases.items():
        avatar = VideoAvatar(model, 192, 108)
        assert _aa_samples(avatar, _play(avatar, mouth)) == expected
    # Without the track only the viseme before is known: b-ɑ-b cannot tell 3 from 4.
    avatar = VideoAvatar(model, 192, 108)
    assert _aa_samples(avatar, _play(avatar, u_aa_u, prepare=False)) == {5}
    avatar = VideoAvatar(model, 192, 108)
    assert len(_aa_samples(avatar, _play(avatar, b_aa_b, prepare=False)) & {3, 4}) == 1
    # A model without contexts (an older file) still renders every frame.
    plain = replace(model, samples=replace(model.samples, before=(), after=()))
    chosen = _play(VideoAvatar(plain, 192, 108), b_aa_b)
    assert all(j is not None for j in chosen)


@pytest.mark.usefixtures("context_only")
def test_a_sample_that_followed_the_previous_one_in_the_clip_is_preferred() -> None:
    """Two mouths of ɑ, the second a little nearer in shape; the first followed the b
    mouth within a few frames in the clip, so after that b it wins."""

    def opened(jaw: float) -> tuple[float, ...]:
        return (jaw, *AA[1:])

    rows = (
        Sample("X", (90, 90, 90)),
        Sample("MBP", (30, 200, 60), frame=100),
        Sample("AA", (60, 60, 220), params=opened(AA[0] - 0.005), frame=104),
        Sample("AA", (220, 60, 220), params=opened(AA[0]), frame=400),
    )
    mouth = _track([("MBP", 3), ("AA", 4), ("X", 2)])
    avatar = VideoAvatar(grey_model("replaced", rows), 192, 108)
    assert _aa_samples(avatar, _play(avatar, mouth)) == {2}
    far = (*rows[:2], replace(rows[2], frame=700), rows[3])
    avatar = VideoAvatar(grey_model("replaced", far), 192, 108)
    assert _aa_samples(avatar, _play(avatar, mouth)) == {3}


def _wavering_track() -> MouthTrack:
    """b, then ɑ whose jaw wavers between two values frame by frame, then b."""
    visemes = ["MBP"] * 4 + ["AA"] * 12 + ["MBP"] * 4
    params = np.array([VISEMES[v].target for v in visemes], np.float32)
    params[4:16, 0] = [0.80, 0.85] * 6
    return MouthTrack(fps=25.0, params=params, visemes=tuple(visemes))


def test_several_samples_do_not_flicker_more_than_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two mouths of ɑ, one a little more open, in different colours (each as far from
    the b mouth's): a jaw that wavers between them must not make the mouth jump from one
    to the other, so the mouth region changes from frame to frame no more than with one
    mouth per viseme."""
    open_more = tuple(0.9 if i == 0 else x for i, x in enumerate(AA))
    open_less = tuple(0.75 if i == 0 else x for i, x in enumerate(AA))
    rows = (
        *BASE,
        Sample("AA", (60, 60, 220), params=open_more, before="MBP", after="MBP"),
        Sample("AA", (220, 60, 60), params=open_less, before="MBP", after="MBP"),
    )
    model = grey_model("replaced", rows)
    single = replace(model, samples=model.samples.limited(1))
    assert single.samples.visemes == ("X", "MBP", "OO", "AA")
    mouth = _wavering_track()
    several = mouth_flicker(VideoAvatar(model, 192, 108), mouth)
    one = mouth_flicker(VideoAvatar(single, 192, 108), mouth)
    assert several.switches == one.switches == 2  # into ɑ and out of it
    assert several.step <= one.step * 1.02, (several, one)  # equal but for rounding
    # Without the continuity costs the same library flickers: the test can tell.
    for name in ("SWITCH", "LOOK_WEIGHT", "ALTERNATE"):
        monkeypatch.setattr(choose, name, 0.0)
    jumpy = mouth_flicker(VideoAvatar(model, 192, 108), mouth)
    assert jumpy.switches > 6 and jumpy.step > several.step * 1.2


@pytest.mark.parametrize(("fps", "weights"), [(25, [0.5]), (50, [2 / 3, 1 / 3])])
def test_a_change_of_sample_is_cross_faded(fps: int, weights: list[float]) -> None:
    """From b to ɑ the old mouth fades out over 40 ms: one frame at 25 fps, two at 50."""
    rows = (*BASE, Sample("AA", (60, 60, 220)))
    avatar = VideoAvatar(grey_model("replaced", rows), 192, 108, fps=fps)
    visemes = ["MBP"] * 3 + ["AA"] * 4
    colours = []
    for k, v in enumerate(visemes):
        colours.append(shown(avatar, FaceState(mouth=VISEMES[v].target, frame=k, viseme=v)))
    b, a = np.array(rows[1].colour, float), np.array(rows[3].colour, float)
    for i, w in enumerate(weights):
        assert colours[3 + i] == pytest.approx(tuple(w * b + (1 - w) * a), abs=6)
    assert colours[3 + len(weights)] == pytest.approx(rows[3].colour, abs=6)
    # A jump in time (another take) starts afresh: no fade from what was shown before.
    colours = [
        shown(avatar, FaceState(mouth=MBP, frame=100, viseme="MBP")),
        shown(avatar, FaceState(mouth=AA, frame=200, viseme="AA")),
    ]
    assert colours[1] == pytest.approx(rows[3].colour, abs=6)


def test_limited_keeps_the_first_samples_of_each_viseme() -> None:
    rows = (*BASE, *(Sample("AA", (10 * i, 0, 0), before=f"{i}") for i in range(4)))
    samples = grey_model(rows=rows).samples
    two = samples.limited(2)
    assert two.visemes == ("X", "MBP", "OO", "AA", "AA")
    assert two.before == ("", "", "", "0", "1") and len(two.after) == 5
    assert np.array_equal(two.crops[3], samples.crops[3]) and two.frames[4] == samples.frames[4]
    plain = replace(samples, before=(), after=())
    assert plain.limited(1).before == () and plain.context(3) == ("", "")
