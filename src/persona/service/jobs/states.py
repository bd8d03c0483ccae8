"""The job state machine, priorities and per-type limits. Pure: no database here.

    submitted → queued → processing → rendering → post_processing → uploading → completed
         ↘ held ↗                                                  (any of them) → failed
                                                                   (any of them) → cancelled

A worker holds a job while it is *running* (processing … uploading); it may skip stages a
job type does not have, but never go back, except to ``queued`` when the job is retried
(the worker failed, or its lease expired). A job whose script moderation flagged waits
``held`` until an admin approves it (``queued``) or rejects it (``failed``); workers
never claim a held job. ``completed``, ``failed`` and ``cancelled`` are
final. Priorities order the queue: critical first, then high, medium, low; within one
priority the oldest job goes first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import TypeVar

from persona.errors import InputError
from persona.service.errors import IllegalTransitionError

_E = TypeVar("_E", bound=StrEnum)


class JobState(StrEnum):
    SUBMITTED = "submitted"
    HELD = "held"
    QUEUED = "queued"
    PROCESSING = "processing"
    RENDERING = "rendering"
    POST_PROCESSING = "post_processing"
    UPLOADING = "uploading"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobType(StrEnum):
    VIDEO_GENERATION = "video_generation"
    VOICE_SYNTHESIS = "voice_synthesis"
    LIPSYNC_ANIMATION = "lipsync_animation"
    PODCAST_VIDEO = "podcast_video"
    SUBTITLE_GENERATION = "subtitle_generation"
    MUSIC_GENERATION = "music_generation"
    AVATAR_TRAINING = "avatar_training"


class Priority(IntEnum):
    """Lower value, served sooner. Stored as the number; named at the edges."""

    CRITICAL = 0
    HIGH = 1
    MEDIUM = 2
    LOW = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class JobLimits:
    time_limit_s: int
    max_attempts: int


JOB_LIMITS: Mapping[JobType, JobLimits] = {
    JobType.VIDEO_GENERATION: JobLimits(time_limit_s=600, max_attempts=3),
    JobType.VOICE_SYNTHESIS: JobLimits(time_limit_s=120, max_attempts=3),
    JobType.LIPSYNC_ANIMATION: JobLimits(time_limit_s=300, max_attempts=2),
    JobType.PODCAST_VIDEO: JobLimits(time_limit_s=900, max_attempts=2),
    JobType.SUBTITLE_GENERATION: JobLimits(time_limit_s=180, max_attempts=3),
    JobType.MUSIC_GENERATION: JobLimits(time_limit_s=240, max_attempts=2),
    JobType.AVATAR_TRAINING: JobLimits(time_limit_s=900, max_attempts=2),
}

S = JobState
RUNNING: tuple[JobState, ...] = (S.PROCESSING, S.RENDERING, S.POST_PROCESSING, S.UPLOADING)
"""States in which a worker holds the job under a lease."""
TERMINAL = frozenset({S.COMPLETED, S.FAILED, S.CANCELLED})
CANCELLABLE = frozenset(set(JobState) - TERMINAL)
"""A cancel may come from any state that is not final; a running job's worker notices at
its next progress report (checked once a second) or heartbeat."""
_END = frozenset({S.FAILED, S.CANCELLED})
_RETRY = frozenset({S.QUEUED}) | _END

TRANSITIONS: Mapping[JobState, frozenset[JobState]] = {
    S.SUBMITTED: frozenset({S.QUEUED, S.HELD}) | _END,
    S.HELD: frozenset({S.QUEUED}) | _END,
    S.QUEUED: frozenset({S.PROCESSING}) | _END,
    S.PROCESSING: frozenset({S.RENDERING, S.POST_PROCESSING, S.UPLOADING, S.COMPLETED}) | _RETRY,
    S.RENDERING: frozenset({S.POST_PROCESSING, S.UPLOADING, S.COMPLETED}) | _RETRY,
    S.POST_PROCESSING: frozenset({S.UPLOADING, S.COMPLETED}) | _RETRY,
    S.UPLOADING: frozenset({S.COMPLETED}) | _RETRY,
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}


def check_transition(current: JobState | str, target: JobState | str) -> JobState:
    """``target`` when ``current → target`` is allowed; else :class:`IllegalTransitionError`."""
    src, dst = parse_state(current), parse_state(target)
    if dst in TRANSITIONS[src]:
        return dst
    if src in TERMINAL:
        raise IllegalTransitionError(f"the job is already {src}; it cannot become {dst}")
    allowed = ", ".join(sorted(TRANSITIONS[src]))
    raise IllegalTransitionError(f"a {src} job cannot become {dst} (it can become: {allowed})")


def transition_values(
    current: JobState | str, target: JobState | str, now: datetime
) -> dict[str, object]:
    """The column values that move a job from ``current`` to ``target`` at ``now``:
    the new state and the timestamps and lease fields that go with it."""
    dst = check_transition(current, target)
    values: dict[str, object] = {"state": dst, "updated_at": now}
    if dst == S.QUEUED:
        values.update(
            queued_at=now, worker_id=None, lease_until=None, heartbeat_at=None, not_before=None
        )
    elif dst == S.PROCESSING:
        values.update(started_at=now, heartbeat_at=now)
    elif dst in TERMINAL:
        values.update(finished_at=now, lease_until=None)
        if dst == S.COMPLETED:
            values["progress"] = 100
    return values


def after_failure(attempts: int, max_attempts: int, *, retryable: bool = True) -> JobState:
    """Where a job goes when its attempt number ``attempts`` fails: back to the queue
    while attempts remain (and the error is worth retrying), else ``failed``."""
    return S.QUEUED if retryable and attempts < max_attempts else S.FAILED


def _parse(enum: type[_E], what: str, value: object) -> _E:
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        names = ", ".join(member.value for member in enum)
        raise InputError(f"unknown {what} {value!r}: one of {names}") from None


def parse_state(value: object) -> JobState:
    return value if isinstance(value, JobState) else _parse(JobState, "job state", value)


def parse_job_type(value: object) -> JobType:
    return value if isinstance(value, JobType) else _parse(JobType, "job type", value)


def parse_priority(value: object) -> Priority:
    """``"high"``, ``Priority.HIGH`` or ``1`` → ``Priority.HIGH``."""
    if isinstance(value, Priority):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value in set(Priority):
        return Priority(value)
    text = str(value).strip().upper()
    if text in Priority.__members__:
        return Priority[text]
    names = ", ".join(p.label for p in Priority)
    raise InputError(f"unknown priority {value!r}: one of {names}")
