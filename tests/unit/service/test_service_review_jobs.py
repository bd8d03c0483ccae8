"""Job lifecycle corners: the broker's sweep ends jobs whose last lease ran out as the
embedded worker does (webhook scheduled) and publishes requeued jobs at once; an avatar
training is not rerendered (a second job would share, and on cancel delete, its avatar)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.unit.service.jobclient import headers
from tests.unit.service.servicedb import add_user

from persona.service.app import create_app
from persona.service.auth import create_api_key
from persona.service.broker import sweep
from persona.service.db.base import utcnow
from persona.service.db.engine import Database
from persona.service.db.models import Job, WebhookDelivery
from persona.service.jobs import repository as jobs
from persona.service.settings import Settings


def _running_job(database: Database, user_id: str, *, last_attempt: bool) -> str:
    with database.transaction() as session:
        job = jobs.create_job(
            session, user_id=user_id, job_type="voice_synthesis",
            params={"text": "Hi.", "voice": "espeak-en"},
            webhook_url="https://hooks.example.com/persona",
        )  # fmt: skip
        jobs.enqueue(session, job.id)
        claimed = jobs.claim_job(session, job.id, "gone-worker", lease_s=1)
        assert claimed is not None
        values = {"lease_until": utcnow() - timedelta(seconds=5)}
        if last_attempt:
            values["attempts"] = claimed.max_attempts
        session.execute(update(Job).where(Job.id == job.id).values(**values))
        return job.id


def test_the_sweep_fails_a_lost_last_attempt_with_its_webhook_and_publishes_requeued(
    database: Database,
) -> None:
    with database.transaction() as session:
        user_id = add_user(session).id
    lost = _running_job(database, user_id, last_attempt=True)
    again = _running_job(database, user_id, last_attempt=False)
    published: list[tuple[str, int]] = []
    ids = sweep(database, published.extend, lease_s=60)
    assert ids == [again] and [p[0] for p in published] == [again]
    with database.session() as session:
        assert jobs.get_job(session, lost).state == "failed"
        assert jobs.get_job(session, again).state == "queued"
        rows = session.execute(select(WebhookDelivery.job_id, WebhookDelivery.event)).all()
    assert [tuple(r) for r in rows] == [(lost, "job.fail")]


def test_an_avatar_training_is_not_rerendered(settings: Settings, database: Database) -> None:
    with database.transaction() as session:
        ann = add_user(session)
        key = create_api_key(session, ann).secret
        job = jobs.create_job(
            session, user_id=ann.id, job_type="avatar_training",
            params={"video": "asset_x", "avatar_id": "av_0123456789ab", "name": "me"},
        )  # fmt: skip
        job_id = job.id
    with TestClient(create_app(settings, database=database)) as client:
        answer = client.post(f"/api/v1/jobs/{job_id}/rerender", headers=headers(key))
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "invalid_input"
    with database.session() as session:
        assert session.query(Job).count() == 1
