"""Avatars and voices named after public figures: under ``review`` they are flagged and
new jobs naming them are refused (422) until an admin approves them; under ``block``
they are not made at all; under ``off`` nothing is flagged or checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.unit.service.moderated import client_for, user_and_admin_keys
from tests.unit.service.resources import auth
from tests.unit.service.servicedb import add_user, sqlite_settings

from persona.avatar.store import AvatarStore
from persona.consent import list_consents
from persona.moderation import ModerationError
from persona.service import reviews
from persona.service.db.engine import Database
from persona.service.db.models import AuditEvent, FlaggedResource, Job, ResourceKind
from persona.service.settings import Settings

CLEAN = "Good morning. Welcome to the tour."
VIDEO = {"size": "256x256", "preset": "ultrafast"}


@pytest.fixture
def keys(database: Database) -> dict[str, str]:
    return user_and_admin_keys(database)


@pytest.fixture
def review(settings: Settings, database: Database) -> Iterator[TestClient]:
    with client_for(settings, database, "review") as client:
        yield client


@pytest.fixture
def block(settings: Settings, database: Database) -> Iterator[TestClient]:
    with client_for(settings, database, "block") as client:
        yield client


def _avatar(client: TestClient, key: str, name: str) -> Any:
    return client.post("/api/v1/avatars/train", json={"template": "maya", "name": name},
                       headers=auth(key))  # fmt: skip


def _generate(client: TestClient, key: str, avatar: str) -> Any:
    body = {"script": CLEAN, "avatar": avatar, "voice": "espeak-en", "options": VIDEO}
    return client.post("/api/v1/generate", json=body, headers=auth(key))


def _decide(client: TestClient, key: str, path: str, **body: Any) -> Any:
    return client.post(f"/api/v1/admin/reviews/resources/{path}", json=body, headers=auth(key))


def test_a_flagged_avatar_waits_for_an_admin(
    review: TestClient, keys: dict[str, str], database: Database
) -> None:
    made = _avatar(review, keys["ann"], "Barack Obama")
    assert made.status_code == 201, made.text
    [warning] = made.json()["warnings"]
    assert "until an admin approves it" in warning
    avatar_id = made.json()["avatar"]["id"]
    refused = _generate(review, keys["ann"], avatar_id)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "content_blocked"
    assert f"the avatar {avatar_id} ('Barack Obama')" in refused.json()["detail"]
    assert "awaits an admin's review" in refused.json()["detail"]
    versioned = _generate(review, keys["ann"], f"{avatar_id}@1")
    assert versioned.status_code == 422  # a version is the same avatar
    with database.session() as session:
        assert session.scalars(select(Job)).all() == []

    assert (
        _decide(review, keys["ann"], f"avatar/{avatar_id}", decision="approve").status_code == 403
    )
    approved = _decide(review, keys["root"], f"avatar/{avatar_id}", decision="approve",
                       note="the user's own name")  # fmt: skip
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["decision"] == "approve" and body["note"] == "the user's own name"
    assert body["reviewer_id"] is not None and body["reviewed_at"] is not None
    assert _generate(review, keys["ann"], avatar_id).status_code == 202
    queue = review.get("/api/v1/admin/reviews", headers=auth(keys["root"])).json()
    assert queue["resources"] == []  # decided: no longer waiting
    with database.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "avatar.review"))
        assert event is not None and event.details == {"decision": "approve"}

    rejected = _decide(review, keys["root"], f"avatar/{avatar_id}", decision="reject")
    assert rejected.status_code == 200 and rejected.json()["decision"] == "reject"
    again = _generate(review, keys["ann"], avatar_id)
    assert again.status_code == 422 and "was rejected in review" in again.json()["detail"]


def test_unflagged_avatars_and_templates_are_not_held_up(
    review: TestClient, keys: dict[str, str]
) -> None:
    plain = _avatar(review, keys["ann"], "Tour guide").json()["avatar"]["id"]
    assert _generate(review, keys["ann"], plain).status_code == 202
    assert _generate(review, keys["ann"], "template:maya").status_code == 202


def test_podcast_speakers_and_heygen_are_checked(review: TestClient, keys: dict[str, str]) -> None:
    flagged = _avatar(review, keys["ann"], "Greta Thunberg").json()["avatar"]["id"]
    scene = {"speakers": {"A": {"avatar": "template:maya"}, "B": {"avatar": flagged}}}
    podcast = {"type": "podcast_video", "params": {"dialogue": "A: Hi.\nB: Hello.", "scene": scene}}
    refused = review.post("/api/v1/jobs", json=podcast, headers=auth(keys["ann"]))
    assert refused.status_code == 422 and "Greta Thunberg" in refused.json()["detail"]
    heygen = {"video_inputs": [{
        "character": {"type": "avatar", "avatar_id": flagged},
        "voice": {"type": "text", "voice_id": "espeak-en", "input_text": CLEAN},
    }]}  # fmt: skip
    refused = review.post("/v2/video/generate", json=heygen, headers={"X-Api-Key": keys["ann"]})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "content_blocked"


def test_bad_flag_decisions(review: TestClient, keys: dict[str, str]) -> None:
    avatar_id = _avatar(review, keys["ann"], "Obama").json()["avatar"]["id"]
    root = keys["root"]
    assert _decide(review, root, "avatar/av_000000000000", decision="approve").status_code == 404
    assert _decide(review, root, f"voice/{avatar_id}", decision="approve").status_code == 404
    assert _decide(review, root, f"face/{avatar_id}", decision="approve").status_code == 422
    assert _decide(review, root, f"avatar/{avatar_id}", decision="maybe").status_code == 422
    long_note = _decide(review, root, f"avatar/{avatar_id}", decision="reject", note="x" * 2001)
    assert long_note.status_code == 422
    assert review.post(f"/api/v1/admin/reviews/resources/avatar/{avatar_id}").status_code == 401
    [flag] = review.get("/api/v1/admin/reviews", headers=auth(root)).json()["resources"]
    assert flag["decision"] is None  # nothing was decided by the bad requests


def test_block_refuses_to_make_a_public_figure(
    block: TestClient, keys: dict[str, str], portrait_path: Any, database: Database
) -> None:
    refused = _avatar(block, keys["ann"], "B4rack 0bama")
    assert refused.status_code == 422 and refused.json()["code"] == "content_blocked"
    assert "Barack Obama" in refused.json()["detail"]
    photo = {"photo": ("obama.jpg", portrait_path.read_bytes(), "image/jpeg")}
    consent = {"consent_subject": "Someone", "consent_statement": "I agree.",
               "consent_purpose": "tests"}  # fmt: skip
    refused = block.post("/api/v1/avatars/train", files=photo, data=consent,
                         headers=auth(keys["ann"]))  # fmt: skip
    assert refused.status_code == 422 and "Barack Obama" in refused.json()["detail"]
    sample = {"sample": ("s.wav", b"RIFF not really", "audio/wav")}
    voice = {"name": "Morgan Freeman", "subject": "M", "statement": "Yes.", "purpose": "tests"}
    refused = block.post("/api/v1/voices/clone", files=sample, data=voice,
                         headers=auth(keys["ann"]))  # fmt: skip
    assert refused.status_code == 422 and "Morgan Freeman" in refused.json()["detail"]
    assert AvatarStore().ids() == [] and list_consents() == ()
    assert _avatar(block, keys["ann"], "Tour guide").status_code == 201
    with database.session() as session:
        assert session.scalars(select(FlaggedResource)).all() == []


def test_check_job_resources_by_policy(settings: Settings, database: Database) -> None:
    review = sqlite_settings(settings.data_dir, moderation="review")
    off = sqlite_settings(settings.data_dir, moderation="off")
    with database.transaction() as session:
        user = add_user(session)
        assert reviews.flag_name(session, review, user, ResourceKind.VOICE, "anna", "Obama")
        session.flush()
        with pytest.raises(ModerationError, match="voice anna"):
            reviews.check_job_resources(session, review, {"voice": " Anna "})
        reviews.check_job_resources(session, off, {"voice": "anna"})  # off checks nothing
        reviews.check_job_resources(session, review, {"voice": "espeak-en"})
        scene = {"speakers": [{"avatar": "template:maya", "voice": "anna"}, "av_0123456789ab"]}
        assert reviews.job_resources({"scene": scene}) == [
            (ResourceKind.VOICE, "anna"),
            (ResourceKind.AVATAR, "av_0123456789ab"),
        ]
        assert reviews.job_resources({"avatar": 3, "voice": None, "scene": "x"}) == []
