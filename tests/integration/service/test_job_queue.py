"""The job queue repository on SQLite and PostgreSQL: creation with per-type limits,
idempotency, claiming by priority then age, leases, retries, redelivery, cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from persona.errors import InputError
from persona.service.db.engine import Database
from persona.service.errors import (
    ConflictError,
    IllegalTransitionError,
    JobLostError,
    NotFoundError,
)
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import JobState, Priority
from tests.unit.service.servicedb import add_user

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = 30


def _user(database: Database, email: str = "ann@example.com") -> str:
    with database.transaction() as session:
        return add_user(session, email).id


def _queued(database: Database, user_id: str, kind: str, priority: str, at: datetime) -> str:
    with database.transaction() as session:
        job = jobs.create_job(session, user_id=user_id, job_type=kind, priority=priority, now=at)
        return jobs.enqueue(session, job.id, now=at).id


def _claim(database: Database, worker: str, now: datetime = T0, **kw: object) -> str | None:
    with database.transaction() as session:
        job = jobs.claim_next(session, worker, lease_s=LEASE, now=now, **kw)  # type: ignore[arg-type]
        return None if job is None else job.id


def test_create_job_takes_the_limits_of_its_type(any_database: Database) -> None:
    uid = _user(any_database)
    with any_database.transaction() as session:
        job = jobs.create_job(
            session, user_id=uid, job_type="podcast_video", params={"script": "Hi"}, now=T0
        )
    with any_database.session() as session:
        stored = jobs.get_job(session, job.id, user_id=uid)
        assert stored.id.startswith("job_") and stored.state == JobState.SUBMITTED
        assert (stored.time_limit_s, stored.max_attempts) == (900, 2)
        assert stored.priority_level is Priority.MEDIUM and stored.params == {"script": "Hi"}
        assert stored.created_at == T0 and stored.created_at.tzinfo is not None
        with pytest.raises(NotFoundError):
            jobs.get_job(session, job.id, user_id="usr_someone_else")
    with any_database.transaction() as session, pytest.raises(InputError, match="job type"):
        jobs.create_job(session, user_id=uid, job_type="gif")


def test_idempotency_keys_return_the_same_job(any_database: Database) -> None:
    ann, bob = _user(any_database), _user(any_database, "bob@example.com")
    made = {}
    for user in (ann, ann, bob):
        with any_database.transaction() as session:
            job = jobs.create_job(
                session,
                user_id=user,
                job_type="voice_synthesis",
                params={"t": 1},
                idempotency_key="k-1",
            )
            made.setdefault(user, set()).add(job.id)
    assert len(made[ann]) == 1 and len(made[bob]) == 1 and made[ann] != made[bob]
    with any_database.transaction() as session, pytest.raises(ConflictError, match="k-1"):
        jobs.create_job(
            session,
            user_id=ann,
            job_type="voice_synthesis",
            params={"t": 2},
            idempotency_key="k-1",
        )


def test_webhook_urls_must_be_https_unless_allowed(any_database: Database) -> None:
    uid = _user(any_database)
    with any_database.transaction() as session:
        for bad in ("http://example.com/hook", "ftp://example.com", "https:///nohost", "hook"):
            with pytest.raises(InputError, match="webhook URL must be an absolute https URL"):
                jobs.create_job(session, user_id=uid, job_type="music_generation", webhook_url=bad)
        ok = jobs.create_job(
            session,
            user_id=uid,
            job_type="music_generation",
            webhook_url="http://10.0.0.5/hook",
            allow_http_webhooks=True,
        )
        assert ok.webhook_url == "http://10.0.0.5/hook"


def test_claims_go_by_priority_then_age(any_database: Database) -> None:
    uid = _user(any_database)
    plan = [("low", 0), ("medium", 1), ("critical", 2), ("medium", 3), ("high", 4), ("critical", 5)]
    ids = {
        (level, minute): _queued(
            any_database, uid, "voice_synthesis", level, T0 + timedelta(minutes=minute)
        )
        for level, minute in plan
    }
    with any_database.transaction() as session:  # submitted, not queued: never claimed
        jobs.create_job(session, user_id=uid, job_type="voice_synthesis", priority="critical")
    order = [_claim(any_database, "w1") for _ in range(len(plan) + 1)]
    expected = [
        ("critical", 2),
        ("critical", 5),
        ("high", 4),
        ("medium", 1),
        ("medium", 3),
        ("low", 0),
    ]
    assert order == [ids[key] for key in expected] + [None]


def test_claim_sets_the_lease_and_counts_the_attempt(any_database: Database) -> None:
    uid = _user(any_database)
    job_id = _queued(any_database, uid, "video_generation", "medium", T0)
    assert _claim(any_database, "worker-a", types=["voice_synthesis"]) is None
    assert _claim(any_database, "worker-a", types=["video_generation"]) == job_id
    with any_database.session() as session:
        job = jobs.get_job(session, job_id)
        assert job.state == JobState.PROCESSING and job.worker_id == "worker-a"
        assert job.attempts == 1 and job.started_at == T0
        assert job.lease_until == T0 + timedelta(seconds=LEASE)


def test_a_worker_moves_its_job_through_the_stages(any_database: Database) -> None:
    uid = _user(any_database)
    job_id = _queued(any_database, uid, "video_generation", "high", T0)
    _claim(any_database, "w")
    later = T0 + timedelta(seconds=20)
    with any_database.transaction() as session:
        until = jobs.heartbeat(session, job_id, "w", lease_s=LEASE, progress=40, now=later)
        assert until == later + timedelta(seconds=LEASE)
        with pytest.raises(JobLostError, match="no longer holds"):
            jobs.heartbeat(session, job_id, "intruder", lease_s=LEASE)
        with pytest.raises(InputError, match=r"0\.\.100"):
            jobs.heartbeat(session, job_id, "w", lease_s=LEASE, progress=101)
        jobs.advance(session, job_id, "w", JobState.RENDERING, progress=50)
        with pytest.raises(JobLostError):
            jobs.advance(session, job_id, "intruder", JobState.POST_PROCESSING)
        with pytest.raises(IllegalTransitionError, match="cannot become processing"):
            jobs.advance(session, job_id, "w", JobState.PROCESSING)
        jobs.advance(session, job_id, "w", JobState.UPLOADING)
        done = jobs.complete(session, job_id, "w", {"asset": "asset_1"}, now=later)
    assert done.state == JobState.COMPLETED and done.result == {"asset": "asset_1"}
    assert done.progress == 100 and done.finished_at == later and done.worker_id is None


def test_failures_retry_until_the_attempts_are_used(any_database: Database) -> None:
    uid = _user(any_database)
    job_id = _queued(any_database, uid, "music_generation", "low", T0)  # 2 attempts
    _claim(any_database, "w")
    with any_database.transaction() as session:
        again = jobs.fail(session, job_id, "w", "soundfont missing")
    assert again.state == JobState.QUEUED and again.error == "soundfont missing"
    assert _claim(any_database, "w2") == job_id
    with any_database.transaction() as session:
        final = jobs.fail(session, job_id, "w2", "still missing")
    assert final.state == JobState.FAILED and final.attempts == 2
    assert _claim(any_database, "w3") is None


def test_a_permanent_failure_is_not_retried(any_database: Database) -> None:
    uid = _user(any_database)
    job_id = _queued(any_database, uid, "video_generation", "low", T0)
    _claim(any_database, "w")
    with any_database.transaction() as session:
        failed = jobs.fail(session, job_id, "w", "no face in the photo", retryable=False)
    assert failed.state == JobState.FAILED and failed.attempts == 1


def test_expired_leases_are_redelivered_then_failed(any_database: Database) -> None:
    uid = _user(any_database)
    lost = _queued(any_database, uid, "lipsync_animation", "medium", T0)  # 2 attempts
    alive = _queued(any_database, uid, "voice_synthesis", "medium", T0 + timedelta(seconds=1))
    assert _claim(any_database, "dead-worker") == lost
    assert _claim(any_database, "live-worker", now=T0 + timedelta(seconds=25)) == alive
    after = T0 + timedelta(seconds=LEASE + 1)
    with any_database.transaction() as session:
        report = jobs.requeue_expired(session, now=after)
    assert report == jobs.RequeueReport(requeued=(lost,), failed=())
    with any_database.transaction() as session, pytest.raises(JobLostError):
        jobs.heartbeat(session, lost, "dead-worker", lease_s=LEASE)
    assert _claim(any_database, "w2", now=after) == lost
    with any_database.transaction() as session:
        report = jobs.requeue_expired(session, now=after + timedelta(seconds=LEASE + 1))
        job = jobs.get_job(session, lost)
    assert lost in report.failed and job.state == JobState.FAILED and job.attempts == 2
    assert job.error == jobs.LOST_WORKER_ERROR and job.finished_at is not None


def test_cancelling(any_database: Database) -> None:
    uid = _user(any_database)
    waiting = _queued(any_database, uid, "voice_synthesis", "medium", T0)
    running = _queued(any_database, uid, "voice_synthesis", "medium", T0 + timedelta(seconds=1))
    with any_database.transaction() as session:
        assert jobs.cancel(session, waiting).state == JobState.CANCELLED
    assert _claim(any_database, "w") == running
    with any_database.transaction() as session:
        jobs.cancel(session, running)
    with any_database.transaction() as session:
        with pytest.raises(JobLostError):
            jobs.heartbeat(session, running, "w", lease_s=LEASE)
        with pytest.raises(JobLostError):
            jobs.complete(session, running, "w", {})
        with pytest.raises(IllegalTransitionError, match="already cancelled"):
            jobs.cancel(session, running)
        with pytest.raises(NotFoundError):
            jobs.cancel(session, "job_missing")
