"""The job state machine, priorities and per-type limits (pure functions)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from persona.errors import InputError
from persona.service.errors import IllegalTransitionError
from persona.service.jobs.states import (
    CANCELLABLE,
    JOB_LIMITS,
    RUNNING,
    TERMINAL,
    TRANSITIONS,
    JobState,
    JobType,
    Priority,
    after_failure,
    check_transition,
    parse_job_type,
    parse_priority,
    parse_state,
    transition_values,
)

S = JobState
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
HAPPY_PATH = [
    S.SUBMITTED,
    S.QUEUED,
    S.PROCESSING,
    S.RENDERING,
    S.POST_PROCESSING,
    S.UPLOADING,
    S.COMPLETED,
]


def test_the_happy_path_is_allowed_step_by_step() -> None:
    for current, target in itertools.pairwise(HAPPY_PATH):
        assert check_transition(current, target) is target


def test_every_state_has_a_rule_and_only_final_states_are_final() -> None:
    assert set(TRANSITIONS) == set(JobState)
    assert {s for s, targets in TRANSITIONS.items() if not targets} == TERMINAL
    assert {S.COMPLETED, S.FAILED, S.CANCELLED} == TERMINAL


def test_cancel_comes_from_every_state_that_is_not_final() -> None:
    assert set(JobState) - TERMINAL == CANCELLABLE
    for state in CANCELLABLE:
        check_transition(state, S.CANCELLED)
    for state in TERMINAL:
        with pytest.raises(IllegalTransitionError, match=f"already {state}"):
            check_transition(state, S.CANCELLED)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.SUBMITTED, S.PROCESSING),  # must be queued first
        (S.QUEUED, S.COMPLETED),  # must be claimed by a worker
        (S.RENDERING, S.PROCESSING),  # stages never go back
        (S.UPLOADING, S.RENDERING),
        (S.COMPLETED, S.QUEUED),  # final
        (S.FAILED, S.QUEUED),
    ],
)
def test_illegal_transitions_say_what_is_allowed(current: JobState, target: JobState) -> None:
    with pytest.raises(IllegalTransitionError, match=f"cannot become {target}"):
        check_transition(current, target)


def test_running_stages_may_skip_forward_or_go_back_to_the_queue() -> None:
    assert RUNNING == (S.PROCESSING, S.RENDERING, S.POST_PROCESSING, S.UPLOADING)
    check_transition(S.PROCESSING, S.COMPLETED)  # e.g. subtitles: no rendering stage
    check_transition(S.PROCESSING, S.UPLOADING)
    for state in RUNNING:
        assert {S.QUEUED, S.FAILED, S.CANCELLED, S.COMPLETED} <= TRANSITIONS[state]


def test_transition_values_set_the_matching_timestamps() -> None:
    queued = transition_values(S.SUBMITTED, S.QUEUED, NOW)
    assert queued["state"] == S.QUEUED and queued["queued_at"] == NOW
    assert queued["worker_id"] is None and queued["lease_until"] is None
    claimed = transition_values(S.QUEUED, S.PROCESSING, NOW)
    assert claimed["started_at"] == NOW and claimed["heartbeat_at"] == NOW
    done = transition_values(S.UPLOADING, S.COMPLETED, NOW)
    assert done["finished_at"] == NOW and done["progress"] == 100
    assert done["lease_until"] is None
    cancelled = transition_values(S.RENDERING, S.CANCELLED, NOW)
    assert cancelled["finished_at"] == NOW and "progress" not in cancelled
    with pytest.raises(IllegalTransitionError):
        transition_values(S.COMPLETED, S.FAILED, NOW)


def test_limits_table_per_job_type() -> None:
    table = {t.value: (v.time_limit_s, v.max_attempts) for t, v in JOB_LIMITS.items()}
    assert table == {
        "video_generation": (600, 3),
        "voice_synthesis": (120, 3),
        "lipsync_animation": (300, 2),
        "podcast_video": (900, 2),
        "subtitle_generation": (180, 3),
        "music_generation": (240, 2),
        "avatar_training": (900, 2),
    }
    assert set(JOB_LIMITS) == set(JobType)


def test_priorities_order_critical_first() -> None:
    ordered = sorted([Priority.LOW, Priority.CRITICAL, Priority.MEDIUM, Priority.HIGH])
    assert [p.label for p in ordered] == ["critical", "high", "medium", "low"]


def test_after_failure_retries_while_attempts_remain() -> None:
    assert after_failure(1, 3) is S.QUEUED
    assert after_failure(2, 3) is S.QUEUED
    assert after_failure(3, 3) is S.FAILED
    assert after_failure(1, 3, retryable=False) is S.FAILED


def test_parsers_accept_names_and_refuse_unknowns() -> None:
    assert parse_priority("High") is Priority.HIGH
    assert parse_priority(0) is Priority.CRITICAL
    assert parse_job_type(" VOICE_SYNTHESIS ") is JobType.VOICE_SYNTHESIS
    assert parse_state("post_processing") is S.POST_PROCESSING
    with pytest.raises(InputError, match="unknown priority 'urgent': one of critical, high"):
        parse_priority("urgent")
    with pytest.raises(InputError, match="unknown priority 7"):
        parse_priority(7)
    with pytest.raises(InputError, match="unknown priority True"):
        parse_priority(True)
    with pytest.raises(InputError, match="unknown job type 'gif'"):
        parse_job_type("gif")
    with pytest.raises(InputError, match="unknown job state 'paused'"):
        check_transition("paused", S.QUEUED)
