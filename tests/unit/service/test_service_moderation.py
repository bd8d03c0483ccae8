"""Moderation in the service: every job-accepting endpoint screens its text; ``block``
refuses (422, in each API's own error shape), ``review`` holds jobs for an admin, ``off``
lets everything through; the admin review queue approves or rejects; held jobs are never
claimed by workers; avatars named after public figures are flagged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.unit.service.moderated import client_for, user_and_admin_keys
from tests.unit.service.resources import auth
from tests.unit.service.servicedb import add_user, sqlite_settings

from persona.service import reviews
from persona.service.db.engine import Database
from persona.service.db.models import (
    AuditEvent,
    FlaggedResource,
    Job,
    JobReview,
    ResourceKind,
    WebhookDelivery,
)
from persona.service.errors import ConflictError
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import JobState
from persona.service.settings import Settings

THREAT = "Good morning. I will kill you."
CLEAN = "Good morning. Welcome to the tour."
VIDEO = {"size": "256x256", "preset": "ultrafast"}
SCENE = {
    "character": {"type": "avatar", "avatar_id": "template:maya"},
    "voice": {"type": "text", "voice_id": "espeak-en", "input_text": THREAT},
}


@pytest.fixture
def keys(database: Database) -> dict[str, str]:
    return user_and_admin_keys(database)


@pytest.fixture
def block(settings: Settings, database: Database) -> Iterator[TestClient]:
    with client_for(settings, database, "block") as client:
        yield client


@pytest.fixture
def review(settings: Settings, database: Database) -> Iterator[TestClient]:
    with client_for(settings, database, "review") as client:
        yield client


def generate(client: TestClient, key: str, script: str = THREAT, **extra: Any) -> Any:
    body = {"script": script, "avatar": "template:maya", "voice": "espeak-en", "options": VIDEO}
    return client.post("/api/v1/generate", json={**body, **extra}, headers=auth(key))


def job_count(database: Database) -> int:
    with database.session() as session:
        return len(session.scalars(select(Job)).all())


# ------------------------------------------------------------------------------ block


def test_block_refuses_generate_naming_category_and_span(
    block: TestClient, keys: dict[str, str], database: Database
) -> None:
    refused = generate(block, keys["ann"])
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "content_blocked"
    assert "the job's script" in body["detail"]
    assert 'threat "I will kill you" at characters 14–29 (high)' in body["detail"]
    assert job_count(database) == 0


def test_block_covers_jobs_and_batch(
    block: TestClient, keys: dict[str, str], database: Database
) -> None:
    speech = {"type": "voice_synthesis", "params": {"text": "You are a b!tch."}}
    refused = block.post("/api/v1/jobs", json=speech, headers=auth(keys["ann"]))
    assert refused.status_code == 422 and "profanity" in refused.json()["detail"]
    podcast = {"type": "podcast_video", "params": {"dialogue": "A: Hi.\nB: Go kill yourself."}}
    refused = block.post("/api/v1/jobs", json=podcast, headers=auth(keys["ann"]))
    assert refused.status_code == 422 and "the job's dialogue" in refused.json()["detail"]
    good = {"script": CLEAN, "avatar": "template:maya", "options": VIDEO}
    batch = {"requests": [good, {**good, "script": "f*ck off"}]}
    refused = block.post("/api/v1/batch", json=batch, headers=auth(keys["ann"]))
    assert refused.status_code == 422
    assert job_count(database) == 0  # all or none


def test_block_in_heygens_shape(block: TestClient, keys: dict[str, str]) -> None:
    refused = block.post("/v2/video/generate", json={"video_inputs": [SCENE]},
                         headers={"X-Api-Key": keys["ann"]})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["data"] is None
    assert refused.json()["error"]["code"] == "content_blocked"
    assert "threat" in refused.json()["error"]["message"]


@pytest.mark.parametrize("mode", ["block", "review"])
def test_synchronous_speech_is_refused_when_held_too(
    settings: Settings, database: Database, keys: dict[str, str], mode: str
) -> None:
    with client_for(settings, database, mode) as client:
        openai = client.post(
            "/v1/audio/speech",
            json={"model": "tts-1", "input": THREAT, "voice": "alloy"},
            headers=auth(keys["ann"]),
        )
        assert openai.status_code == 422
        error = openai.json()["error"]
        assert error["code"] == "content_blocked" and error["type"] == "invalid_request_error"
        assert "I will kill you" in error["message"]
        tts = client.post("/api/v1/tts", json={"text": "Sh1t happens."},
                          headers=auth(keys["ann"]))  # fmt: skip
        assert tts.status_code == 422 and tts.json()["code"] == "content_blocked"


def test_clean_and_low_severity_texts_are_queued_with_findings_kept(
    block: TestClient, keys: dict[str, str], database: Database
) -> None:
    accepted = generate(block, keys["ann"], "Damn, what a day.")
    assert accepted.status_code == 202 and accepted.json()["state"] == "queued"
    with database.session() as session:
        kept = session.get(JobReview, accepted.json()["job_id"])
        assert kept is not None and kept.decision is None
        assert kept.findings[0]["term"] == "damn" and kept.findings[0]["field"] == "script"
    clean = generate(block, keys["ann"], CLEAN)
    assert clean.json()["state"] == "queued"
    with database.session() as session:
        assert session.get(JobReview, clean.json()["job_id"]) is None


def test_off_lets_everything_through(
    settings: Settings, database: Database, keys: dict[str, str]
) -> None:
    with client_for(settings, database, "off") as client:
        accepted = generate(client, keys["ann"])
        assert accepted.status_code == 202 and accepted.json()["state"] == "queued"


# ----------------------------------------------------------------------------- review


def test_review_holds_the_job_and_workers_do_not_claim_it(
    review: TestClient, keys: dict[str, str], database: Database
) -> None:
    accepted = generate(review, keys["ann"])
    assert accepted.status_code == 202
    job_id = accepted.json()["job_id"]
    assert accepted.json()["state"] == "held"
    status = review.get(f"/api/v1/status/{job_id}", headers=auth(keys["ann"]))
    assert status.json()["state"] == "held"
    with database.transaction() as session:
        assert jobs.claim_next(session, "w1", lease_s=30) is None
        assert jobs.claim_job(session, job_id, "w1", lease_s=30) is None
    heygen = review.post("/v2/video/generate", json={"video_inputs": [SCENE]},
                         headers={"X-Api-Key": keys["ann"]})  # fmt: skip
    assert heygen.status_code == 200
    video_id = heygen.json()["data"]["video_id"]
    state = review.get(f"/v1/video_status.get?video_id={video_id}", headers=auth(keys["ann"]))
    assert state.json()["data"]["status"] == "pending"


def test_the_review_queue_is_for_admins_only(review: TestClient, keys: dict[str, str]) -> None:
    job_id = generate(review, keys["ann"]).json()["job_id"]
    assert review.get("/api/v1/admin/reviews", headers=auth(keys["ann"])).status_code == 403
    decided = review.post(f"/api/v1/admin/reviews/{job_id}", json={"decision": "approve"},
                          headers=auth(keys["ann"]))  # fmt: skip
    assert decided.status_code == 403
    assert review.get("/api/v1/admin/reviews").status_code == 401
    queue = review.get("/api/v1/admin/reviews", headers=auth(keys["root"]))
    assert queue.status_code == 200
    [held] = queue.json()["jobs"]
    assert held["job"]["id"] == job_id and held["job"]["state"] == "held"
    assert held["policy"] == "review" and held["decision"] is None
    [finding] = held["findings"]
    assert finding == {
        "field": "script", "category": "threat", "term": "i will kill you",
        "severity": "high", "start": 14, "end": 29, "text": "I will kill you",
    }  # fmt: skip


def test_approve_queues_the_job_and_records_the_reviewer(
    review: TestClient, keys: dict[str, str], database: Database
) -> None:
    job_id = generate(review, keys["ann"]).json()["job_id"]
    decided = review.post(
        f"/api/v1/admin/reviews/{job_id}",
        json={"decision": "approve", "note": "a line from a play"},
        headers=auth(keys["root"]),
    )
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert body["job"]["state"] == "queued" and body["decision"] == "approve"
    assert body["note"] == "a line from a play" and body["reviewed_at"] is not None
    with database.transaction() as session:
        root = session.scalar(select(JobReview)).reviewer_id  # type: ignore[union-attr]
        assert root is not None and root == body["reviewer_id"]
        claimed = jobs.claim_next(session, "w1", lease_s=30)
        assert claimed is not None and claimed.id == job_id
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "job.review"))
        assert event is not None and event.details == {"decision": "approve"}
        assert event.actor_id == body["reviewer_id"]
    again = review.post(f"/api/v1/admin/reviews/{job_id}", json={"decision": "reject"},
                        headers=auth(keys["root"]))  # fmt: skip
    assert again.status_code == 409 and "not held" in again.json()["detail"]
    assert review.get("/api/v1/admin/reviews", headers=auth(keys["root"])).json()["jobs"] == []


def test_reject_fails_the_job_with_the_note_and_its_fail_webhook(
    review: TestClient, keys: dict[str, str], database: Database
) -> None:
    made = generate(review, keys["ann"], callback_url="https://hooks.example.com/persona")
    job_id = made.json()["job_id"]
    decided = review.post(
        f"/api/v1/admin/reviews/{job_id}",
        json={"decision": "reject", "note": "threatens a real person"},
        headers=auth(keys["root"]),
    )
    assert decided.status_code == 200
    assert decided.json()["job"]["state"] == "failed"
    status = review.get(f"/api/v1/status/{job_id}", headers=auth(keys["ann"])).json()
    assert status["state"] == "failed" and status["error"] == "threatens a real person"
    with database.session() as session:
        [delivery] = session.scalars(select(WebhookDelivery)).all()
        assert (delivery.job_id, delivery.event) == (job_id, "avatar_video.fail")


def test_bad_review_requests(review: TestClient, keys: dict[str, str]) -> None:
    missing = review.post("/api/v1/admin/reviews/job_nothing", json={"decision": "approve"},
                          headers=auth(keys["root"]))  # fmt: skip
    assert missing.status_code == 404
    job_id = generate(review, keys["ann"]).json()["job_id"]
    odd = review.post(f"/api/v1/admin/reviews/{job_id}", json={"decision": "maybe"},
                      headers=auth(keys["root"]))  # fmt: skip
    assert odd.status_code == 422
    cancelled = review.delete(f"/api/v1/jobs/{job_id}", headers=auth(keys["ann"]))
    assert cancelled.json()["state"] == "cancelled"  # the owner may withdraw a held job


# ----------------------------------------------------------------------- public figures


def test_an_avatar_named_after_a_public_figure_is_flagged(
    review: TestClient, keys: dict[str, str]
) -> None:
    made = review.post("/api/v1/avatars/train", json={"template": "maya", "name": "Barack 0bama"},
                       headers=auth(keys["ann"]))  # fmt: skip
    assert made.status_code == 201, made.text
    [warning] = made.json()["warnings"]
    assert "Barack Obama" in warning and "flagged" in warning
    plain = review.post("/api/v1/avatars/train", json={"template": "maya", "name": "Tour guide"},
                        headers=auth(keys["ann"]))  # fmt: skip
    assert plain.json()["warnings"] == []
    [flag] = review.get("/api/v1/admin/reviews", headers=auth(keys["root"])).json()["resources"]
    assert flag["kind"] == "avatar" and flag["figure"] == "Barack Obama"
    assert flag["resource_id"] == made.json()["avatar"]["id"] and flag["name"] == "Barack 0bama"


def test_voices_are_flagged_and_off_flags_nothing(settings: Settings, database: Database) -> None:
    with database.transaction() as session:
        user = add_user(session)
        warning = reviews.flag_name(
            session, settings, user, ResourceKind.VOICE, "voice_1", "Morgan Freeman narrator"
        )
        assert warning is not None and "voice name" in warning
        off = sqlite_settings(settings.data_dir, moderation="off")
        assert reviews.flag_name(session, off, user, ResourceKind.VOICE, "v2", "Obama") is None
    with database.session() as session:
        [flag] = session.scalars(select(FlaggedResource)).all()
        assert (flag.kind, flag.resource_id, flag.figure) == ("voice", "voice_1", "Morgan Freeman")


def test_held_jobs_in_the_repository(database: Database) -> None:
    with database.transaction() as session:
        user = add_user(session)
        job = jobs.create_job(session, user_id=user.id, job_type="voice_synthesis",
                              params={"text": "hi"})  # fmt: skip
        held = jobs.hold(session, job.id)
        assert held.state == JobState.HELD
        with pytest.raises(ConflictError, match="not held"):
            jobs.reject(session, jobs.enqueue(session, job.id).id, "no")


def test_a_video_avatar_in_training_is_flagged_under_its_reserved_id(
    review: TestClient, keys: dict[str, str], tmp_path
) -> None:
    from tests.unit.service.test_service_avatar_routes import _blank_clip

    clip = _blank_clip(tmp_path / "clip.mp4")
    files = {"video": (clip.name, clip.read_bytes(), "video/mp4")}
    accepted = review.post("/api/v1/avatars/train", files=files, data={"name": "Greta Thunberg"},
                           headers=auth(keys["ann"]))  # fmt: skip
    assert accepted.status_code == 202, accepted.text
    [warning] = accepted.json()["warnings"]
    assert "Greta Thunberg" in warning
    [flag] = review.get("/api/v1/admin/reviews", headers=auth(keys["root"])).json()["resources"]
    assert flag["resource_id"] == accepted.json()["avatar_id"]
