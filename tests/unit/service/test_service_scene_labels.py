"""What a podcast scene shows is screened like its dialogue, and the AI-generated label
is chosen per request for podcast jobs and HeyGen's ``/v2/video/generate`` (an
extension field; HeyGen clients get the default label)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.unit.service.servicedb import add_user, sqlite_settings

from persona.service.app import create_app
from persona.service.auth import create_api_key
from persona.service.db.engine import Database
from persona.service.db.models import Job, JobReview
from persona.service.settings import Settings
from persona.service.storage.base import Storage
from persona.service.tasks.context import TaskContext
from persona.service.tasks.video import _podcast_finishing
from persona.watermark.policy import LabelRemovalError

DIALOGUE = "A: Welcome to the show.\nB: Thanks for having me."


def _scene(b_title: str = "Guest", **extra: Any) -> dict[str, Any]:
    speakers = {
        "A": {"avatar": "template:maya", "voice": "espeak-en", "name": "Ann", "title": "Host"},
        "B": {"avatar": "template:kwame", "voice": "espeak-en", "name": "Bo", "title": b_title},
    }
    return {"speakers": speakers, "size": "256x256", **extra}


@pytest.fixture
def key(database: Database) -> str:
    with database.transaction() as session:
        return create_api_key(session, add_user(session)).secret


def _client(settings: Settings, database: Database, mode: str) -> TestClient:
    return TestClient(
        create_app(sqlite_settings(settings.data_dir, moderation=mode), database=database)
    )


@pytest.fixture
def block(settings: Settings, database: Database) -> Iterator[TestClient]:
    with _client(settings, database, "block") as client:
        yield client


@pytest.fixture
def review(settings: Settings, database: Database) -> Iterator[TestClient]:
    with _client(settings, database, "review") as client:
        yield client


def _podcast(client: TestClient, key: str, scene: dict[str, Any], **params: Any) -> Any:
    body = {"type": "podcast_video", "params": {"dialogue": DIALOGUE, "scene": scene, **params}}
    return client.post("/api/v1/jobs", json=body, headers={"Authorization": f"Bearer {key}"})


def test_block_refuses_a_flagged_lower_third_or_title(
    block: TestClient, key: str, database: Database
) -> None:
    refused = _podcast(block, key, _scene("I will kill you"))
    assert refused.status_code == 422 and refused.json()["code"] == "content_blocked"
    assert "the job's scene.speakers.B.title" in refused.json()["detail"]
    refused = _podcast(block, key, _scene(title={"text": "Sh1t show", "subtitle": "pilot"}))
    assert refused.status_code == 422 and "scene.title" in refused.json()["detail"]
    named = _scene()
    named["speakers"]["B"]["name"] = "F.U.C.K."
    assert _podcast(block, key, named).status_code == 422
    with database.session() as session:
        assert session.scalars(select(Job)).all() == []
    assert _podcast(block, key, _scene(title="The Show")).status_code == 202


def test_review_holds_the_job_with_the_field_named(
    review: TestClient, key: str, database: Database
) -> None:
    held = _podcast(review, key, _scene(subtitle="I will kill you all"))
    assert held.status_code == 202 and held.json()["state"] == "held"
    with database.session() as session:
        [found] = session.scalars(select(JobReview)).one().findings
    assert found["field"] == "scene.subtitle" and found["category"] == "threat"


def test_podcast_ai_label_is_checked_when_submitted(block: TestClient, key: str) -> None:
    good = _podcast(block, key, _scene(), ai_label={"position": "top-left", "opacity": 0.5})
    assert good.status_code == 202, good.text
    for bad in ({"position": "middle"}, {"opacity": 3}, {"enabled": "no"}, {"size": 2}, "top"):
        refused = _podcast(block, key, _scene(), ai_label=bad)
        assert refused.status_code == 422, (bad, refused.text)


def test_podcast_finishing_follows_ai_label(
    database: Database, storage: Storage, tmp_path: Path
) -> None:
    with database.transaction() as session:
        user_id = add_user(session).id

    def finishing(ai_label: Any) -> Any:
        ctx = TaskContext("job_1", user_id, {"ai_label": ai_label}, tmp_path, storage,
                          database, None)  # type: ignore[arg-type]  # fmt: skip
        return _podcast_finishing(ctx, _scene())

    label = finishing({"position": "top-left", "opacity": 0.5}).marks.label
    assert (label.position, label.opacity) == ("top-left", 0.5)
    assert finishing(None).marks.label.position == "bottom-right"
    with pytest.raises(LabelRemovalError, match="template:maya"):
        finishing({"enabled": False})  # templates are nobody's own likeness


def test_heygen_takes_ai_label_as_an_extension(
    block: TestClient, key: str, database: Database
) -> None:
    scene = {
        "character": {"type": "avatar", "avatar_id": "template:maya"},
        "voice": {"type": "text", "voice_id": "espeak-en", "input_text": "Hello there."},
    }
    headers = {"X-Api-Key": key}
    plain = block.post("/v2/video/generate", json={"video_inputs": [scene]}, headers=headers)
    assert plain.status_code == 200, plain.text
    moved = block.post("/v2/video/generate", headers=headers, json={
        "video_inputs": [scene], "ai_label": {"position": "top-left", "opacity": 0.6},
    })  # fmt: skip
    assert moved.status_code == 200, moved.text
    with database.session() as session:
        params = {j.id: j.params for j in session.scalars(select(Job))}
    assert "ai_label" not in params[plain.json()["data"]["video_id"]]  # the default label
    assert params[moved.json()["data"]["video_id"]]["ai_label"] == {
        "position": "top-left", "opacity": 0.6, "enabled": True,
    }  # fmt: skip
    bad = block.post("/v2/video/generate", headers=headers, json={
        "video_inputs": [scene], "ai_label": {"position": "centre"},
    })  # fmt: skip
    assert bad.status_code in (400, 422) and bad.json()["data"] is None


def test_a_podcast_without_label_fails_for_templates(
    settings: Settings, database: Database, storage: Storage
) -> None:
    from tests.unit.service.jobclient import headers, make_keys, service, wait_state

    keys = make_keys(database)
    with service(settings, database, storage) as (client, _pool):
        params = {"dialogue": DIALOGUE, "scene": _scene(), "ai_label": {"enabled": False}}
        made = client.post("/api/v1/jobs", json={"type": "podcast_video", "params": params},
                           headers=headers(keys["ann"]))  # fmt: skip
        assert made.status_code == 202, made.text
        done = wait_state(client, keys["ann"], made.json()["job_id"], {"completed", "failed"})
    assert done["state"] == "failed"
    assert "AI-generated label cannot be turned off" in done["error"]
