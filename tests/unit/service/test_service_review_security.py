"""Isolation and limits across every route: another user's things are 404, admin routes
are 403 to others, a disabled account is refused by every credential (and its open event
stream ends), oversized request bodies are refused before they are read, requests that
authenticate with ``?access_token=`` count against their user's rate limit, a user over
their quota cannot queue more work, and unknown routes answer the one error shape."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.unit.service.jobclient import headers
from tests.unit.service.servicedb import add_user

from persona.service.app import create_app
from persona.service.auth import create_api_key, issue_token
from persona.service.db.base import utcnow
from persona.service.db.engine import Database
from persona.service.db.models import Job, Project, ResourceKind, Role, User
from persona.service.jobs import repository as jobs
from persona.service.ownership import record_owner
from persona.service.settings import MIB, Settings
from persona.service.storage.local import LocalStorage
from persona.service.tasks import output_key


@pytest.fixture
def app(settings: Settings, database: Database, storage: LocalStorage) -> FastAPI:
    return create_app(settings, database=database, storage=storage)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def people(database: Database) -> dict[str, Any]:
    """ann (with a finished video job, a project, an upload and a consent), bob, and
    root (an admin), each with an API key."""
    with database.transaction() as session:
        ann, bob = add_user(session), add_user(session, "bob@example.com")
        root = add_user(session, "root@example.com", role=Role.ADMIN)
        made = {name: create_api_key(session, u).secret for name, u in
                (("ann", ann), ("bob", bob), ("root", root))}  # fmt: skip
        made["ann_id"] = ann.id
        record_owner(session, ann, ResourceKind.CONSENT, "cons_0123456789ab")
        record_owner(session, ann, ResourceKind.AVATAR, "av_0123456789ab")
        record_owner(session, ann, ResourceKind.VOICE, "anna-0a1b")
        now = utcnow()
        session.add(Project(id="prj_ann", user_id=ann.id, name="mine", script="Hi.",
                            settings={}, created_at=now, updated_at=now))  # fmt: skip
    return made


def _finished_job(database: Database, storage: LocalStorage, user_id: str) -> str:
    outputs = {}
    for name, kind, data in (
        ("video.mp4", "video/mp4", b"\x00\x00\x00\x18ftypmp42 not really a video"),
        ("thumbnail.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 not really a jpeg"),
    ):
        key = output_key(user_id, "job_ann0000000001", name)
        stored = storage.put(key, _Bytes(data), content_type=kind)
        outputs[name] = {"key": key, "size": stored.size, "sha256": stored.sha256,
                         "content_type": kind}  # fmt: skip
    with database.transaction() as session:
        job = jobs.create_job(session, user_id=user_id, job_type="voice_synthesis",
                              params={"text": "Hi.", "voice": "espeak-en"})  # fmt: skip
        session.execute(
            Job.__table__.update()
            .where(Job.id == job.id)
            .values(id="job_ann0000000001", state="completed", result={"outputs": outputs})
        )
    return "job_ann0000000001"


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        chunk, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return chunk


def test_another_users_things_are_not_found_on_every_route(
    client: TestClient, database: Database, storage: LocalStorage, people: dict[str, Any]
) -> None:
    job_id = _finished_job(database, storage, people["ann_id"])
    calls = [
        ("GET", f"/api/v1/status/{job_id}", None),
        ("GET", f"/api/v1/video/{job_id}", None),
        ("GET", f"/api/v1/jobs/{job_id}/files/video.mp4", None),
        ("GET", f"/api/v1/jobs/{job_id}/thumbnail", None),
        ("POST", f"/api/v1/jobs/{job_id}/rerender", None),
        ("DELETE", f"/api/v1/jobs/{job_id}", None),
        ("GET", "/api/v1/projects/prj_ann", None),
        ("PUT", "/api/v1/projects/prj_ann", {"name": "theirs"}),
        ("DELETE", "/api/v1/projects/prj_ann", None),
        ("GET", "/api/v1/consents/cons_0123456789ab", None),
        ("POST", "/api/v1/consents/cons_0123456789ab/revoke", None),
        ("GET", f"/v1/video_status.get?video_id={job_id}", None),
        ("GET", "/api/v1/avatars/av_0123456789ab", None),
        ("DELETE", "/api/v1/avatars/av_0123456789ab", None),
        ("GET", "/api/v1/voices/anna-0a1b/preview", None),
        ("POST", "/api/v1/script/estimate", {"script": "Hi.", "voice": "anna-0a1b"}),
    ]
    for method, url, body in calls:
        answer = client.request(method, url, json=body, headers=headers(people["bob"]))
        assert answer.status_code == 404, (method, url, answer.text)
    # a synchronous speech request answers for her voice exactly as for no voice at all
    said = [
        client.post("/api/v1/tts", json={"text": "Hi.", "voice": v}, headers=headers(people["bob"]))
        for v in ("anna-0a1b", "anna-ffff")
    ]
    assert [r.status_code for r in said] == [422, 422]
    assert said[0].json()["detail"].replace("0a1b", "ffff") == said[1].json()["detail"]
    # ann herself reads them (the setup is real)
    for url in (f"/api/v1/status/{job_id}", f"/api/v1/jobs/{job_id}/thumbnail",
                "/api/v1/projects/prj_ann"):  # fmt: skip
        assert client.get(url, headers=headers(people["ann"])).status_code == 200, url
    thumb = client.get(f"/api/v1/jobs/{job_id}/thumbnail?access_token={people['bob']}")
    assert thumb.status_code == 404


def test_every_admin_route_refuses_other_users(
    app: FastAPI, client: TestClient, people: dict[str, Any]
) -> None:
    admin_ops = [
        (method.upper(), path)
        for path, ops in app.openapi()["paths"].items()
        if path.startswith("/api/v1/admin")
        for method in ops
    ]
    assert len(admin_ops) >= 6
    for method, path in admin_ops:
        url = path.replace("{user_id}", people["ann_id"]).replace("{job_id}", "job_x")
        answer = client.request(method, url, json={}, headers=headers(people["bob"]))
        assert answer.status_code == 403, (method, url, answer.text)
        assert answer.json()["code"] == "forbidden"
    assert client.get("/api/v1/admin/users", headers=headers(people["root"])).status_code == 200


def test_a_disabled_account_is_refused_with_every_credential(
    client: TestClient, database: Database, settings: Settings, people: dict[str, Any]
) -> None:
    with database.transaction() as session:
        ann = session.get(User, people["ann_id"])
        assert ann is not None
        token = issue_token(ann, settings)
        ann.disabled_at = utcnow()
    for credential in (people["ann"], token):
        for answer in (
            client.get("/api/v1/users/me", headers=headers(credential)),
            client.get("/api/v1/users/me", headers={"X-Api-Key": credential}),
            client.get(f"/api/v1/events?timeout_s=0.1&access_token={credential}"),
            client.get(f"/api/v1/voices/espeak-en/preview?access_token={credential}"),
        ):
            assert answer.status_code == 403, answer.text
            assert answer.json()["code"] == "forbidden"


def test_an_open_event_stream_ends_when_the_account_is_disabled(
    app: FastAPI, client: TestClient, database: Database, people: dict[str, Any]
) -> None:
    app.state.events_poll_s = 0.05

    def disable_soon() -> None:
        time.sleep(0.5)
        with database.transaction() as session:
            ann = session.get(User, people["ann_id"])
            assert ann is not None
            ann.disabled_at = utcnow()

    threading.Thread(target=disable_soon, daemon=True).start()
    started = time.monotonic()
    stream = client.get(f"/api/v1/events?timeout_s=60&access_token={people['ann']}")
    assert stream.status_code == 200
    assert time.monotonic() - started < 30, "the stream outlived the account"


def test_a_body_declared_over_the_upload_limit_is_refused_unread(
    app: FastAPI, settings: Settings, people: dict[str, Any]
) -> None:
    declared = settings.upload_max_bytes + 64 * MIB
    status, reads = _drive(app, people["ann"], chunks=40, chunk_bytes=MIB, declared=declared)
    assert status == 413
    assert reads == 0


@pytest.mark.parametrize(
    "path",
    ["/api/v1/assets", "/api/v1/avatars/train", "/api/v1/voices/clone", "/v1/audio/speech"],
)
def test_a_streamed_body_over_the_upload_limit_stops_being_read(
    app: FastAPI, settings: Settings, people: dict[str, Any], path: str
) -> None:
    chunks = settings.upload_max_bytes // MIB + 30
    status, reads = _drive(app, people["ann"], chunks=chunks, chunk_bytes=MIB, path=path)
    assert status == 413
    assert reads <= settings.upload_max_bytes // MIB + 3  # not the whole body


def _drive(
    app: FastAPI,
    key: str,
    *,
    chunks: int,
    chunk_bytes: int,
    declared: int | None = None,
    path: str = "/api/v1/assets",
) -> tuple[int, int]:
    """Send a multipart upload of ``chunks`` chunks straight to the ASGI app; the
    response status and how many chunks the app read."""
    boundary = "persona-review-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n'
    ).encode()
    body_headers = [
        (b"authorization", f"Bearer {key}".encode()),
        (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
    ]
    if declared is not None:
        body_headers.append((b"content-length", str(declared).encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": body_headers, "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80), "app": app,
    }  # fmt: skip
    reads = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal reads
        if reads >= chunks:
            return {"type": "http.disconnect"}
        reads += 1
        data = (head if reads == 1 else b"") + b"\x00" * chunk_bytes
        return {"type": "http.request", "body": data, "more_body": reads < chunks}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    async def run() -> None:
        async with app.router.lifespan_context(app):
            await app(scope, receive, send)  # type: ignore[arg-type]

    # A thread of its own: a session-wide browser (the e2e tests) may hold this thread's
    # event loop, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()
    return status, reads


def test_query_token_requests_count_against_their_user(
    settings: Settings, database: Database, storage: LocalStorage, people: dict[str, Any]
) -> None:
    limited = settings.model_copy(update={"rate_limit_per_minute": 5})
    app = create_app(limited, database=database, storage=storage)
    with TestClient(app) as client:
        first = client.get("/api/v1/users/me", headers=headers(people["ann"]))
        second = client.get(f"/api/v1/avatars/preview?size=64&access_token={people['ann']}")
        third = client.get("/api/v1/users/me", headers=headers(people["ann"]))
    remaining = [int(r.headers["X-RateLimit-Remaining"]) for r in (first, second, third)]
    assert remaining == [4, 3, 2], remaining


def test_a_user_over_quota_cannot_queue_more_work(
    client: TestClient, database: Database, storage: LocalStorage, people: dict[str, Any]
) -> None:
    job_id = _finished_job(database, storage, people["ann_id"])
    with database.transaction() as session:
        from persona.service.storage.usage import store_asset

        ann = session.get(User, people["ann_id"])
        assert ann is not None
        store_asset(session, storage, ann, _Bytes(b"x" * 100), kind="image", max_bytes=MIB)
        ann.quota_bytes = 100  # everything she may store is used
    body = {"type": "voice_synthesis", "params": {"text": "More.", "voice": "espeak-en"}}
    for answer in (
        client.post("/api/v1/jobs", json=body, headers=headers(people["ann"])),
        client.post(f"/api/v1/jobs/{job_id}/rerender", headers=headers(people["ann"])),
    ):
        assert answer.status_code == 413, answer.text
        assert answer.json()["code"] == "quota_exceeded"
    with database.session() as session:
        assert session.query(Job).count() == 1  # nothing was queued


def test_unknown_routes_and_methods_answer_the_error_shape(client: TestClient) -> None:
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found", "code": "not_found"}
    wrong = client.put("/health")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"
    assert "allow" in {k.lower() for k in wrong.headers}


def test_free_form_request_fields_have_a_size(client: TestClient, people: dict[str, Any]) -> None:
    """Project settings and job parameters are kept in the database, outside the quota."""
    ann = headers(people["ann"])
    big = {"notes": "x" * (70 * 1024)}
    made = client.post("/api/v1/projects", json={"name": "P", "settings": big}, headers=ann)
    assert made.status_code == 422
    put = client.put("/api/v1/projects/prj_ann", json={"settings": big}, headers=ann)
    assert put.status_code == 422
    assert client.put(
        "/api/v1/projects/prj_ann", json={"settings": {"a": 1}}, headers=ann
    ).is_success
    long_script = {"script": "Hello. " * 20_000}
    assert client.post("/api/v1/generate", json=long_script, headers=ann).status_code == 422
    huge = {"type": "voice_synthesis", "params": {"text": "x" * 500_000}}
    assert client.post("/api/v1/jobs", json=huge, headers=ann).status_code == 422


def test_an_admin_quota_beyond_the_column_is_refused(
    client: TestClient, people: dict[str, Any]
) -> None:
    url = f"/api/v1/admin/users/{people['ann_id']}"
    root = headers(people["root"])
    assert client.patch(url, json={"quota_bytes": 2**64}, headers=root).status_code == 422
    assert (
        client.patch(url, json={"quota_bytes": 2**40}, headers=root).json()["quota_bytes"] == 2**40
    )


def test_a_job_cannot_speak_with_another_users_matched_voice(
    client: TestClient, database: Database, people: dict[str, Any]
) -> None:
    from dataclasses import replace

    from persona.consent import create_consent
    from persona.voice.catalog import get_voice
    from persona.voice.store import SavedVoice, save_voice

    consent = create_consent("voice", "Bo B", "I agree.", "tests", "bob@example.com")
    voice = replace(get_voice("espeak-en", None), id="bobs-voice", name="Bob")
    save_voice(SavedVoice(voice, consent.id, "test", "espeak-en", "2026-01-01T00:00:00Z"))
    with database.transaction() as session:
        bob = session.scalar(select(User).where(User.email == "bob@example.com"))
        assert bob is not None
        record_owner(session, bob, ResourceKind.VOICE, "bobs-voice")
    scene = {"speakers": {"a": {"avatar": "template:maya", "voice": "bobs-voice"}}}
    requests = [
        (
            "/api/v1/jobs",
            {"type": "voice_synthesis", "params": {"text": "Hi.", "voice": "bobs-voice"}},
        ),
        ("/api/v1/generate", {"script": "Hi.", "voice": "bobs-voice"}),
        ("/api/v1/generate", {"script": '<speak>Hi <voice name="bobs-voice">you</voice></speak>'}),
        (
            "/api/v1/jobs",
            {"type": "podcast_video", "params": {"dialogue": "A: Hi.", "scene": scene}},
        ),
    ]
    for url, body in requests:
        answer = client.post(url, json=body, headers=headers(people["ann"]))
        assert answer.status_code == 422, (url, answer.text)
        assert "unknown voice 'bobs-voice'" in answer.json()["detail"]
    mine = client.post(url="/api/v1/jobs", json=requests[0][1], headers=headers(people["bob"]))
    assert mine.status_code == 202, mine.text


def test_an_admin_renders_only_with_their_own_avatars_and_voices(
    client: TestClient, database: Database, people: dict[str, Any]
) -> None:
    """Admins see and manage everyone's things, but a face or a voice is its owner's."""
    root = headers(people["root"])
    body = {"script": "Hi.", "avatar": "av_0123456789ab@1"}
    refused = client.post("/api/v1/generate", json=body, headers=root)
    assert refused.status_code == 404, refused.text
    with database.session() as session:
        assert session.query(Job).count() == 0
