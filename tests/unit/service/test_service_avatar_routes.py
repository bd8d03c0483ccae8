"""``/api/v1/avatars``: photo and template avatars through the API, each user's own;
video avatars trained by ``avatar_training`` jobs."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.unit.service.jobclient import make_keys, service, wait_for, wait_state
from tests.unit.service.resources import auth

from persona.service.db.engine import Database
from persona.service.db.models import Asset, Job
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage

TRAIN = "/api/v1/avatars/train"


def _png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    assert ok
    return data.tobytes()


def _template(api_client: TestClient, key: str, name: str = "maya") -> dict[str, object]:
    response = api_client.post(TRAIN, json={"template": name, "name": "Maya"}, headers=auth(key))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_template_avatar_is_created_listed_and_owned(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    made = _template(api_client, user_keys["ann"])
    avatar = made["avatar"]
    assert isinstance(avatar, dict) and avatar["kind"] == "creator" and avatar["name"] == "Maya"
    listing = api_client.get("/api/v1/avatars", headers=auth(user_keys["ann"])).json()
    assert [a["id"] for a in listing["avatars"]] == [avatar["id"]]
    assert "template:maya" in [t["id"] for t in listing["templates"]]
    detail = api_client.get(
        f"/api/v1/avatars/{avatar['id']}", headers=auth(user_keys["ann"])
    ).json()
    assert detail["versions"][0]["version"] == 1
    # bob sees neither the avatar in his list nor the avatar itself, and cannot delete it
    assert api_client.get("/api/v1/avatars", headers=auth(user_keys["bob"])).json()["avatars"] == []
    for method in ("GET", "DELETE"):
        other = api_client.request(
            method, f"/api/v1/avatars/{avatar['id']}", headers=auth(user_keys["bob"])
        )
        assert other.status_code == 404 and other.json()["code"] == "not_found"
    gone = api_client.delete(f"/api/v1/avatars/{avatar['id']}", headers=auth(user_keys["ann"]))
    assert gone.status_code == 204
    assert (
        api_client.get(
            f"/api/v1/avatars/{avatar['id']}", headers=auth(user_keys["ann"])
        ).status_code
        == 404
    )


def test_routes_need_credentials(api_client: TestClient) -> None:
    assert api_client.get("/api/v1/avatars").status_code == 401
    assert api_client.post(TRAIN, json={"template": "maya"}).status_code == 401


def test_unknown_template_and_bad_bodies_are_refused(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    unknown = api_client.post(TRAIN, json={"template": "nobody"}, headers=auth(user_keys["ann"]))
    assert unknown.status_code == 422 and "nobody" in unknown.json()["detail"]
    empty = api_client.post(TRAIN, json={}, headers=auth(user_keys["ann"]))
    assert empty.status_code == 422 and "template" in empty.json()["detail"]
    text = api_client.post(
        TRAIN, content=b"hi", headers={**auth(user_keys["ann"]), "Content-Type": "text/plain"}
    )
    assert text.status_code == 422 and "multipart" in text.json()["detail"]


def test_upload_with_the_wrong_content_type_is_refused(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    files = {"photo": ("me.jpg", b"GIF89a" + bytes(64), "image/jpeg")}
    response = api_client.post(TRAIN, files=files, headers=auth(user_keys["ann"]))
    assert response.status_code == 415, response.text
    assert "JPEG" in response.json()["detail"]
    both = {"photo": ("a.png", b"x", "image/png"), "video": ("a.mp4", b"x", "video/mp4")}
    assert api_client.post(TRAIN, files=both, headers=auth(user_keys["ann"])).status_code == 422


def test_too_large_upload_is_refused_and_nothing_kept(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    big = b"\x89PNG\r\n\x1a\n" + bytes(3 << 20)  # the test settings allow 2 MiB uploads
    response = api_client.post(
        TRAIN, files={"photo": ("big.png", big, "image/png")}, headers=auth(user_keys["ann"])
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert api_client.get("/api/v1/avatars", headers=auth(user_keys["ann"])).json()["avatars"] == []


@pytest.mark.slow
def test_photo_without_a_face_is_refused_with_its_report(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    wall = np.random.default_rng(0).integers(90, 110, (480, 640, 3), dtype=np.uint8)
    files = {"photo": ("wall.png", _png(wall), "image/png")}
    response = api_client.post(TRAIN, files=files, headers=auth(user_keys["ann"]))
    assert response.status_code == 422
    body = response.json()
    assert "no face" in body["detail"] and body["report"]["status"] == "fail"
    faces = next(c for c in body["report"]["checks"] if c["name"] == "faces")
    assert faces["value"] == 0


@pytest.mark.slow
def test_photo_avatar_is_graded_and_saved(
    api_client: TestClient, user_keys: dict[str, str], portrait_path: Path
) -> None:
    files = {"photo": ("eileen.jpg", portrait_path.read_bytes(), "image/jpeg")}
    data = {"name": "Eileen", "background": "blur"}
    response = api_client.post(TRAIN, files=files, data=data, headers=auth(user_keys["ann"]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["avatar"]["kind"] == "photo" and body["avatar"]["name"] == "Eileen"
    assert body["report"]["status"] in ("pass", "warn") and body["asset_id"].startswith("asset_")
    detail = api_client.get(
        f"/api/v1/avatars/{body['avatar']['id']}", headers=auth(user_keys["ann"])
    )
    assert detail.json()["report"]["status"] == body["report"]["status"]


def test_video_without_sound_is_refused(
    api_client: TestClient, user_keys: dict[str, str], tmp_path: Path
) -> None:
    clip = tmp_path / "short.mp4"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"mp4v"), 10, (64, 64))
    for _ in range(20):
        writer.write(np.zeros((64, 64, 3), np.uint8))
    writer.release()
    files = {"video": ("short.mp4", clip.read_bytes(), "video/mp4")}
    response = api_client.post(TRAIN, files=files, headers=auth(user_keys["ann"]))
    assert response.status_code == 422, response.text
    assert "no audio track" in response.json()["detail"]


def _blank_clip(path: Path, seconds: float = 16.0) -> Path:
    """A clip that passes the quick checks (length, sound) but shows no one."""
    import av

    fps, rate = 5, 16000
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width = video.height = 64
        video.pix_fmt = "yuv420p"
        sound = out.add_stream("aac", rate=rate)
        for k in range(int(seconds * fps)):
            picture = np.full((64, 64, 3), 40 + k % 20, np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            out.mux(video.encode(frame))
        tone = (0.1 * np.sin(np.arange(int(seconds * rate)) * 0.05)).astype(np.float32)
        for start in range(0, tone.size, 1024):
            chunk = av.AudioFrame.from_ndarray(
                tone[None, start : start + 1024], format="flt", layout="mono"
            )
            chunk.sample_rate = rate
            out.mux(sound.encode(chunk))
        out.mux(video.encode(None))
        out.mux(sound.encode(None))
    return path


def _train_video(client: TestClient, key: str, clip: Path, **data: str) -> dict[str, str]:
    files = {"video": (clip.name, clip.read_bytes(), "video/mp4")}
    response = client.post(TRAIN, files=files, data=data, headers=auth(key))
    assert response.status_code == 202, response.text
    body: dict[str, str] = response.json()
    assert {"avatar_id", "job_id", "state", "status_url"} <= set(body)
    assert body["avatar_id"].startswith("av_") and body["state"] == "queued"
    return body


def test_a_video_is_queued_as_a_training_job_and_not_listed_yet(
    settings: Settings, database: Database, storage: LocalStorage, tmp_path: Path
) -> None:
    keys = make_keys(database)
    with service(settings, database, storage, workers=0) as (client, _pool):
        body = _train_video(client, keys["ann"], _blank_clip(tmp_path / "me.mp4"), name="Me")
        job = client.get(body["status_url"], headers=auth(keys["ann"])).json()
        assert job["type"] == "avatar_training" and job["state"] == "queued"
        assert job["time_limit_s"] == 900 and job["max_attempts"] == 2
        listing = client.get("/api/v1/avatars", headers=auth(keys["ann"])).json()
        assert listing["avatars"] == []
        detail = client.get(f"/api/v1/avatars/{body['avatar_id']}", headers=auth(keys["ann"]))
        assert detail.status_code == 404
        # bob cannot follow ann's training
        assert client.get(body["status_url"], headers=auth(keys["bob"])).status_code == 404


def test_training_jobs_are_made_only_by_the_train_route(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    body = {"type": "avatar_training", "params": {"video": "asset_x", "avatar_id": "av_x"}}
    response = api_client.post("/api/v1/jobs", json=body, headers=auth(user_keys["ann"]))
    assert response.status_code == 422 and "/api/v1/avatars/train" in response.json()["detail"]


def test_a_clip_without_a_face_fails_its_job_once_and_its_upload_goes(
    settings: Settings, database: Database, storage: LocalStorage, tmp_path: Path
) -> None:
    keys = make_keys(database)
    with service(settings, database, storage, workers=1) as (client, _pool):
        body = _train_video(client, keys["ann"], _blank_clip(tmp_path / "wall.mp4"))
        job = wait_state(client, keys["ann"], body["job_id"], {"completed", "failed"})
        assert job["state"] == "failed" and job["attempts"] == 1
        assert "face" in job["error"]
        with database.session() as session:
            uploads = session.scalars(select(Asset).where(Asset.kind == "avatar_video")).all()
            assert uploads == []
        assert client.get("/api/v1/avatars", headers=auth(keys["ann"])).json()["avatars"] == []


def test_a_consent_revoked_before_training_fails_the_job(
    settings: Settings, database: Database, storage: LocalStorage, tmp_path: Path
) -> None:
    from persona.consent import revoke_consent

    keys = make_keys(database)
    given = {
        "consent_subject": "Ann Example",
        "consent_statement": "I agree that my recording trains an avatar of me.",
        "consent_purpose": "product demos",
    }
    clip = _blank_clip(tmp_path / "me.mp4")
    with service(settings, database, storage, workers=0) as (client, _pool):
        body = _train_video(client, keys["ann"], clip, **given)
    with database.session() as session:
        job = session.get(Job, body["job_id"])
        assert job is not None and job.params["consent_id"]
        revoke_consent(job.params["consent_id"])
    with service(settings, database, storage, workers=1) as (client, _pool):
        ended = wait_state(client, keys["ann"], body["job_id"], {"completed", "failed"})
    assert ended["state"] == "failed" and ended["attempts"] == 1
    assert "revoked" in ended["error"]


def test_training_progress_maps_to_job_states() -> None:
    from persona.service.jobs.states import JobState
    from persona.service.tasks.avatar import TRAIN_SPAN, training_sink

    reports: list[tuple[JobState, float]] = []

    class Recorder:
        def report(self, state: JobState, fraction: float) -> None:
            reports.append((state, fraction))

    sink = training_sink(Recorder())
    for stage, overall in [("read", 0.0), ("track", 0.4), ("speech", 0.7), ("harvest", 0.9),
                           ("cutout", 1.0)]:  # fmt: skip
        sink(stage, 1.0, overall)
    assert [s for s, _ in reports] == [JobState.PROCESSING] * 3 + [JobState.RENDERING] * 2
    assert reports[0][1] == pytest.approx(TRAIN_SPAN[0])
    assert reports[-1][1] == pytest.approx(TRAIN_SPAN[1])
    assert [f for _, f in reports] == sorted(f for _, f in reports)


def _saved_by_an_earlier_attempt(database: Database, job_id: str) -> str:
    """Save an avatar under the job's reserved id, as an attempt whose worker died
    right after saving would have left it."""
    from persona.avatar.store import AvatarStore

    with database.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        avatar_id, owner = job.params["avatar_id"], job.user_id
    AvatarStore().create(
        name="Me", kind="creator", source={"template": "maya"}, owner=owner, avatar_id=avatar_id
    )
    return str(avatar_id)


def test_training_delivered_again_keeps_the_same_avatar(
    settings: Settings, database: Database, storage: LocalStorage, tmp_path: Path
) -> None:
    keys = make_keys(database)
    with service(settings, database, storage, workers=0) as (client, _pool):
        body = _train_video(client, keys["ann"], _blank_clip(tmp_path / "me.mp4"))
    avatar_id = _saved_by_an_earlier_attempt(database, body["job_id"])
    assert avatar_id == body["avatar_id"]
    with service(settings, database, storage, workers=1) as (client, _pool):
        job = wait_state(client, keys["ann"], body["job_id"], {"completed", "failed"})
        assert job["state"] == "completed", job["error"]
        assert job["result"]["avatar_id"] == avatar_id and job["result"]["outputs"] == {}
        listing = client.get("/api/v1/avatars", headers=auth(keys["ann"])).json()
        assert [a["id"] for a in listing["avatars"]] == [avatar_id]


def test_a_cancelled_training_leaves_no_avatar(
    settings: Settings, database: Database, storage: LocalStorage, tmp_path: Path
) -> None:
    from persona.avatar.store import AvatarNotFoundError, AvatarStore
    from persona.service.tasks import discard_outputs

    keys = make_keys(database)
    with service(settings, database, storage, workers=0) as (client, _pool):
        body = _train_video(client, keys["ann"], _blank_clip(tmp_path / "me.mp4"))
        cancelled = client.delete(f"/api/v1/jobs/{body['job_id']}", headers=auth(keys["ann"]))
        assert cancelled.json()["state"] == "cancelled"
    avatar_id = _saved_by_an_earlier_attempt(database, body["job_id"])
    with database.session() as session:
        job = session.get(Job, body["job_id"])
        assert job is not None
        discard_outputs(database, storage, job)
    with pytest.raises(AvatarNotFoundError):
        AvatarStore().get(avatar_id)


@pytest.mark.slow
def test_video_avatar_is_trained_by_a_job(
    settings: Settings, database: Database, storage: LocalStorage, tmp_path: Path
) -> None:
    from tests.videoclips import make_talking_clip

    keys = make_keys(database)
    clip = make_talking_clip(tmp_path / "me.mp4")
    unlimited = settings.model_copy(update={"rate_limit_per_minute": 100_000})  # it polls
    with service(unlimited, database, storage, workers=1) as (client, _pool):
        body = _train_video(client, keys["ann"], clip.path, name="Me")
        seen: set[str] = set()

        def progressed() -> dict[str, object] | None:
            job = client.get(body["status_url"], headers=auth(keys["ann"])).json()
            seen.add(job["state"])
            return job if job["state"] in ("completed", "failed") else None

        job = wait_for(progressed, "the training to end")
        assert job["state"] == "completed", job["error"]
        assert {"processing", "rendering"} & seen  # stages reported on the way
        assert job["result"]["avatar_id"] == body["avatar_id"]
        assert "mouth shapes" in job["result"]["note"]
        listing = client.get("/api/v1/avatars", headers=auth(keys["ann"])).json()
        assert [a["id"] for a in listing["avatars"]] == [body["avatar_id"]]
        avatar = listing["avatars"][0]
        assert avatar["kind"] == "video" and avatar["name"] == "Me"
        detail = client.get(f"/api/v1/avatars/{avatar['id']}", headers=auth(keys["ann"]))
        assert detail.json()["video"]["samples"] > 0


@pytest.mark.slow
def test_a_consent_record_belongs_to_the_user_who_made_it(
    api_client: TestClient, user_keys: dict[str, str], portrait_path: Path
) -> None:
    photo = {"photo": ("eileen.jpg", portrait_path.read_bytes(), "image/jpeg")}
    given = {
        "consent_subject": "Eileen Collins",
        "consent_statement": "I agree that my photo is animated for this channel.",
        "consent_purpose": "channel intros",
    }
    made = api_client.post(TRAIN, files=photo, data=given, headers=auth(user_keys["ann"]))
    assert made.status_code == 201, made.text
    consent_id = made.json()["avatar"]["consent_id"]
    assert consent_id
    # Bob cannot put Ann's consent record on an avatar of his own: it reads as unknown.
    other = api_client.post(
        TRAIN, files=photo, data={"consent_id": consent_id}, headers=auth(user_keys["bob"])
    )
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    again = api_client.post(
        TRAIN, files=photo, data={"consent_id": consent_id}, headers=auth(user_keys["ann"])
    )
    assert again.status_code == 201, again.text


def test_template_avatar_keeps_its_customizations(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    from persona.avatar.store import AvatarStore

    key = user_keys["ann"]
    catalog = api_client.get("/api/v1/avatars/templates", headers=auth(key)).json()
    maya = next(t for t in catalog["templates"] if t["name"] == "maya")
    hair = next(o for o in catalog["options"] if o["name"] == "hair.style")
    other = next(v for v in hair["values"] if v != maya["spec"]["hair"]["style"])
    body = {"template": "maya", "name": "Maya", "options": {"hair.style": other}}
    made = api_client.post(TRAIN, json=body, headers=auth(key))
    assert made.status_code == 201, made.text
    record = AvatarStore().get(made.json()["avatar"]["id"])
    source = record.latest.source
    assert source["spec"]["hair"]["style"] == other
    assert source["origin"] == "template:maya (customized)"
    bad = {"template": "maya", "options": {"hair.style": "no-such-style"}}
    refused = api_client.post(TRAIN, json=bad, headers=auth(key))
    assert refused.status_code == 422 and "hair.style" in refused.json()["detail"]
    unknown = {"template": "maya", "options": {"nose.wings.size": 1}}
    assert api_client.post(TRAIN, json=unknown, headers=auth(key)).status_code == 422
