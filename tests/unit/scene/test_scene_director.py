"""The director: shots follow the active speaker with a cut lead, never too short;
reaction shots; lower thirds at a speaker's first turn."""

from __future__ import annotations

import itertools

import pytest
from tests.unit.scene.scenes import FPS, SPEAKERS, fake_conversation, frames

from persona.compose.layouts import FULL, INSET, PANEL, wide_regions
from persona.scene.director import (
    CUT_LEAD_MS,
    MIN_SHOT_MS,
    active_spans,
    plan_banners,
    plan_shots,
)
from persona.scene.model import CLOSEUP, FOCUS, REACTION, WIDE, Conversation, Shot

SIZE = (640, 360)
TALK = (
    "Alex: Welcome to the show. Today we talk about farm robots with a guest. "
    "She has built them for years.\n"
    "Sam: Thanks for having me. It is a pleasure to be here and talk about our robots.\n"
    "Alex: Yes.\n"
    "Sam: So we started in a garage. Can you believe that? Three of us and one old tractor. "
    "It took a long time to get anything working at all.\n"
    "Alex: That is a great story and I am glad you told it to us today.\n"
)


def shots_for(conv: Conversation, layout: str) -> tuple[Shot, ...]:
    return plan_shots(conv, layout, SIZE, frames(conv.duration_ms), FPS)


@pytest.mark.parametrize("layout", ["split", "split-60-40", "split-70-30"])
def test_layouts_without_cuts_are_one_wide_shot(layout: str) -> None:
    conv = fake_conversation(TALK)
    shots = shots_for(conv, layout)
    assert len(shots) == 1 and shots[0].kind == WIDE
    assert (shots[0].start, shots[0].end) == (0, frames(conv.duration_ms))
    assert shots[0].regions == wide_regions(layout, 2, *SIZE)


def check_tiling(shots: tuple[Shot, ...], n_frames: int) -> None:
    assert shots[0].start == 0 and shots[-1].end == n_frames
    assert all(a.end == b.start for a, b in itertools.pairwise(shots))
    assert all(s.end - s.start >= frames(MIN_SHOT_MS) for s in shots[:-1])
    assert all(a.regions != b.regions for a, b in itertools.pairwise(shots))


def test_closeups_cut_to_the_active_speaker_just_before_they_speak() -> None:
    conv = fake_conversation(TALK)
    shots = shots_for(conv, "closeups")
    check_tiling(shots, frames(conv.duration_ms))
    assert shots[0].kind == WIDE  # the opening wide shot
    lead = frames(CUT_LEAD_MS)
    for turn in conv.turns:
        first = frames(turn.start_ms)
        # the cut comes just before the first word, or, when the shot before has not
        # lasted MIN_SHOT_MS by then, as soon as it has
        cut = next(
            (
                b
                for a, b in itertools.pairwise(shots)
                if b.focus == turn.speaker
                and (abs(b.start - (first - lead)) <= 1 or b.start - a.start == frames(MIN_SHOT_MS))
                and first - lead - 1 <= b.start < first + frames(MIN_SHOT_MS)
            ),
            None,
        )
        if turn.duration_ms >= 4000:
            on = sum(
                max(0, min(s.end, frames(turn.end_ms)) - max(s.start, first))
                for s in shots
                if s.focus == turn.speaker
            )
            assert on >= 0.7 * (frames(turn.end_ms) - first)  # mostly on the speaker
            if turn.index > 0:
                assert cut is not None and cut.kind == CLOSEUP  # cut lead before the first word
        for shot in shots:
            if shot.focus is not None:
                assert shot.regions[0].style == FULL and shot.regions[0].rect.w == SIZE[0]


def test_a_quick_reply_is_shown_in_the_wide_shot() -> None:
    conv = fake_conversation(TALK)
    shots = shots_for(conv, "closeups")
    yes = conv.turns[2]  # "Yes."
    middle = frames((yes.start_ms + yes.end_ms) // 2)
    shot = next(s for s in shots if s.start <= middle < s.end)
    assert shot.kind == WIDE and {r.speaker for r in shot.regions} == {0, 1}


def test_a_question_mid_turn_cuts_to_the_listener() -> None:
    conv = fake_conversation(TALK)
    shots = shots_for(conv, "closeups")
    reactions = [s for s in shots if s.kind == REACTION]
    assert len(reactions) == 1
    question = next(m for m in conv.moments if m.kind == "question")
    assert question.speaker == 1 and reactions[0].focus == 0  # Alex reacts to Sam's question
    assert abs(reactions[0].start - frames(question.time_ms)) <= frames(MIN_SHOT_MS)
    after = next(s for s in shots if s.start == reactions[0].end)
    assert after.focus == 1  # and back to Sam, who goes on


def test_pip_keeps_the_active_speaker_big_and_the_others_inset() -> None:
    speakers = SPEAKERS
    conv = fake_conversation(
        TALK + "Mei: I have one more thing to add about this whole story.\n", speakers
    )
    shots = shots_for(conv, "pip")
    check_tiling(shots, frames(conv.duration_ms))
    assert all(s.kind == FOCUS for s in shots)
    for shot in shots:
        full, *insets = shot.regions
        assert full.speaker == shot.focus and full.style == FULL
        assert sorted(r.speaker for r in insets) == sorted({0, 1, 2} - {shot.focus})
        assert all(r.style == INSET and r.rect.x + r.rect.w <= SIZE[0] for r in insets)
    last = conv.turns[-1]
    assert shots[-1].focus == 2 and shots[-1].start == frames(last.start_ms - CUT_LEAD_MS)


def test_lower_thirds_at_each_speakers_first_turn() -> None:
    conv = fake_conversation(TALK)
    for layout in ("split", "closeups", "pip"):
        shots = shots_for(conv, layout)
        banners = plan_banners(conv.turns, shots, FPS)
        assert [b.speaker for b in banners] == [0, 1]
        for banner in banners:
            turn = next(t for t in conv.turns if t.speaker == banner.speaker)
            shot = next(s for s in shots if s.start <= banner.start < s.end)
            assert banner.start == max(frames(turn.start_ms), shot.start)
            assert banner.region == shot.region_of(banner.speaker) and banner.region.style != INSET
            assert banner.end <= shot.end and banner.end - banner.start >= frames(1500)


def test_a_lower_third_returns_after_a_long_absence() -> None:
    long_turn = "Sam: " + " ".join(["Words and more words."] * 50) + "\n"  # about 70 s
    conv = fake_conversation(
        "Alex: Hello there, everyone, welcome.\n" + long_turn + "Alex: Thanks, that was great.\n"
    )
    banners = plan_banners(conv.turns, shots_for(conv, "split"), FPS)
    assert [b.speaker for b in banners] == [0, 1, 0]


def test_the_speaking_ring_follows_turns_in_panels_only() -> None:
    conv = fake_conversation(TALK)
    spans = active_spans(conv.turns, shots_for(conv, "split"), FPS)
    assert [s[2] for s in spans] == [t.speaker for t in conv.turns]
    regions = wide_regions("split", 2, *SIZE)
    assert all(
        rect == regions[who].rect and regions[who].style == PANEL for _, _, who, rect in spans
    )
    closeup_spans = active_spans(conv.turns, shots_for(conv, "closeups"), FPS)
    shots = shots_for(conv, "closeups")
    for start, _, _, _ in closeup_spans:  # only inside wide shots
        assert next(s for s in shots if s.start <= start < s.end).kind == WIDE


def test_lower_thirds_keep_clear_of_insets_in_a_portrait_frame() -> None:
    conv = fake_conversation(TALK, SPEAKERS)
    size = (720, 1280)
    shots = plan_shots(conv, "pip", size, frames(conv.duration_ms), FPS)
    banners = plan_banners(conv.turns, shots, FPS)
    assert banners
    for banner in banners:
        shot = next(s for s in shots if s.start <= banner.start < s.end)
        insets = [r.rect for r in shot.regions if r.style == INSET]
        assert banner.region.rect.y + banner.region.rect.h <= min(r.y for r in insets)
        assert banner.region.rect.h > size[1] / 2
