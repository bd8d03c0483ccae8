"""The web studio's routes through FastAPI's TestClient on SQLite: the built app's files,
job events, projects, rerender, previews, the script estimate, quick previews,
thumbnails and the admin pages."""

from __future__ import annotations

import io
import itertools
import json
import threading
import time
import wave
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.unit.service.jobclient import TINY_VIDEO, headers, make_keys, service, wait_state
from tests.unit.service.servicedb import add_user

from persona.service.app import create_app
from persona.service.auth import create_api_key
from persona.service.db.engine import Database
from persona.service.db.models import Job, Role
from persona.service.estimate import estimate_script, preview_script
from persona.service.jobs import repository as jobs
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage
from persona.service.studio import CSP, DIST_ENV
from persona.service.thumbnails import make_thumbnail, preview_size, thumbnail_frame_index

VOICE = "espeak-en"
SCRIPT = "Hello there. This is the second sentence! And here is a third one, a little longer."


@pytest.fixture
def client(settings: Settings, database: Database) -> Any:
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


@pytest.fixture
def keys(database: Database) -> dict[str, str]:
    """ann and bob (users) and root (an admin)."""
    made = make_keys(database)
    with database.transaction() as session:
        root = add_user(session, "root@example.com", role=Role.ADMIN)
        made["root"] = create_api_key(session, root).secret
    return made


def _events(text: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block in text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            out.append((lines["event"], json.loads(lines["data"])))
    return out


# ---------------------------------------------------------------------------- static files


@pytest.fixture
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "icons").mkdir()
    (root / "index.html").write_text("<!doctype html><title>Persona Studio</title>")
    (root / "assets" / "index-3f2a9c.js").write_text("console.log('studio')")
    (root / "assets" / "index-77aa01.css").write_text("body{}")
    (root / "icons" / "icon-192.png").write_bytes(cv2.imencode(".png", np.zeros((4, 4, 3)))[1])
    (root / "manifest.webmanifest").write_text('{"name": "Persona Studio"}')
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    (tmp_path / "secret.txt").write_text("not for the web")
    monkeypatch.setenv(DIST_ENV, str(root))
    return root


def test_root_serves_the_studio_to_browsers_and_json_to_others(
    client: TestClient, dist: Path
) -> None:
    page = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and "Persona Studio" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CSP
    assert "img-src 'self' blob: data:" in CSP and "media-src 'self' blob: data:" in CSP
    assert page.headers["cache-control"] == "no-cache"
    info = client.get("/", headers={"Accept": "application/json"})
    assert info.json()["name"] == "Persona Studio"
    assert client.get("/").json()["links"]["openapi"] == "/openapi.json"


def test_static_files_have_their_types_and_cache_rules(client: TestClient, dist: Path) -> None:
    script = client.get("/assets/index-3f2a9c.js")
    assert script.status_code == 200 and "studio" in script.text
    assert "javascript" in script.headers["content-type"]
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/assets/index-77aa01.css").headers["content-type"].startswith("text/css")
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"] == "application/manifest+json"
    worker = client.get("/sw.js")
    assert worker.headers["service-worker-allowed"] == "/"
    assert worker.headers["cache-control"] == "no-cache"
    assert "javascript" in worker.headers["content-type"]
    icon = client.get("/icons/icon-192.png")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "/assets/missing.js",
        "/assets/..%2F..%2Fsecret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/icons/../../secret.txt",
        "/favicon.ico",
        "/secret.txt",
        "/index.html.bak",
    ],
)
def test_files_outside_the_build_or_missing_are_not_found(
    client: TestClient, dist: Path, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "not for the web" not in response.text


def test_a_missing_build_says_how_to_make_it(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DIST_ENV, str(tmp_path / "nowhere"))
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 503 and "make web" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert client.get("/sw.js").status_code == 404
    assert client.get("/health").status_code == 200  # the API itself is unaffected


# ---------------------------------------------------------------------------- events


def _queued_job(client: TestClient, key: str, **extra: Any) -> str:
    body = {"script": "Hello.", "voice": VOICE, "options": TINY_VIDEO, **extra}
    made = client.post("/api/v1/generate", json=body, headers=headers(key))
    assert made.status_code == 202, made.text
    return str(made.json()["job_id"])


def _work_on(database: Database, job_id: str, delay_s: float) -> threading.Thread:
    """What a worker in another process does to a job, from another thread."""

    def run() -> None:
        time.sleep(delay_s)
        with database.transaction() as session:
            jobs.claim_job(session, job_id, "worker-x", lease_s=30)
        time.sleep(0.3)
        with database.transaction() as session:
            jobs.heartbeat(session, job_id, "worker-x", lease_s=30, progress=40)
        time.sleep(0.3)
        with database.transaction() as session:  # a heartbeat that changes nothing
            jobs.heartbeat(session, job_id, "worker-x", lease_s=30, progress=40)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_events_stream_job_changes_with_a_query_token(
    client: TestClient, database: Database, keys: dict[str, str]
) -> None:
    client.app.state.events_poll_s = 0.05  # type: ignore[attr-defined]
    client.app.state.events_ping_s = 0.5  # type: ignore[attr-defined]
    job_id = _queued_job(client, keys["ann"])
    other = _queued_job(client, keys["bob"])
    workers = [_work_on(database, job_id, 0.3), _work_on(database, other, 0.2)]
    stream = client.get(f"/api/v1/events?timeout_s=1.6&access_token={keys['ann']}")
    for worker in workers:
        worker.join()
    assert stream.status_code == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.text.startswith("retry: 2000\n\n") and ": ping\n\n" in stream.text
    events = _events(stream.text)
    assert {e[1]["id"] for e in events} == {job_id}  # bob's job is not ann's business
    seen = [(e["state"], e["progress"]) for _name, e in events]
    assert seen == [("processing", 0), ("processing", 40)]  # no repeat for the same state
    assert all(name == "job" for name, _e in events)
    assert events[0][1]["status_url"] == f"/api/v1/status/{job_id}"
    assert events[0][1]["thumbnail_url"] is None


@pytest.mark.parametrize("query", ["", "?access_token=", "?access_token=ps_nope"])
def test_events_need_credentials(client: TestClient, query: str) -> None:
    assert client.get(f"/api/v1/events{query}").status_code == 401


def test_events_accept_the_header(client: TestClient, keys: dict[str, str]) -> None:
    stream = client.get("/api/v1/events?timeout_s=0.2", headers=headers(keys["ann"]))
    assert stream.status_code == 200 and _events(stream.text) == []


# ---------------------------------------------------------------------------- projects


def test_projects_crud_and_their_jobs(client: TestClient, keys: dict[str, str]) -> None:
    ann, bob = headers(keys["ann"]), headers(keys["bob"])
    body = {"name": "Launch video", "script": "Hello!", "settings": {"avatar": "template:mei"}}
    made = client.post("/api/v1/projects", json=body, headers=ann)
    assert made.status_code == 201
    project = made.json()
    assert project["id"].startswith("prj_") and project["settings"] == {"avatar": "template:mei"}
    assert set(project) == {"id", "name", "script", "settings", "created_at", "updated_at"}
    pid = project["id"]
    changed = client.put(f"/api/v1/projects/{pid}", json={"script": "Hi again."}, headers=ann)
    assert changed.json()["script"] == "Hi again." and changed.json()["name"] == "Launch video"
    assert changed.json()["updated_at"] >= project["updated_at"]
    listed = client.get("/api/v1/projects", headers=ann).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == pid
    assert client.get("/api/v1/projects", headers=bob).json()["total"] == 0
    for method in ("get", "delete"):
        assert getattr(client, method)(f"/api/v1/projects/{pid}", headers=bob).status_code == 404
    assert client.put(f"/api/v1/projects/{pid}", json={}, headers=bob).status_code == 404

    in_project = _queued_job(client, keys["ann"], project_id=pid)
    _queued_job(client, keys["ann"])
    found = client.get(f"/api/v1/jobs?project_id={pid}", headers=ann).json()
    assert [j["id"] for j in found["items"]] == [in_project] and found["total"] == 1
    assert client.get("/api/v1/jobs", headers=ann).json()["total"] == 2
    refused = client.post(
        "/api/v1/generate", json={"script": "Hi.", "project_id": pid}, headers=bob
    )
    assert refused.status_code == 404  # not bob's project

    assert client.delete(f"/api/v1/projects/{pid}", headers=ann).status_code == 204
    assert client.get(f"/api/v1/projects/{pid}", headers=ann).status_code == 404
    assert client.get(f"/api/v1/status/{in_project}", headers=ann).status_code == 200


@pytest.mark.parametrize(
    "body", [{}, {"name": ""}, {"name": "x", "settings": []}, {"name": "x", "owner": "bob"}]
)
def test_bad_projects_are_refused(client: TestClient, keys: dict[str, str], body: Any) -> None:
    assert (
        client.post("/api/v1/projects", json=body, headers=headers(keys["ann"])).status_code == 422
    )


# ---------------------------------------------------------------------------- rerender, preview


def test_rerender_queues_a_copy(client: TestClient, keys: dict[str, str]) -> None:
    ann = headers(keys["ann"])
    first = _queued_job(client, keys["ann"], priority="low")
    again = client.post(f"/api/v1/jobs/{first}/rerender", headers=ann)
    assert again.status_code == 202
    new_id = again.json()["job_id"]
    assert new_id != first and again.json()["state"] == "queued"
    old, new = (client.get(f"/api/v1/status/{j}", headers=ann).json() for j in (first, new_id))
    assert new["priority"] == old["priority"] == "low" and new["type"] == old["type"]
    assert (
        client.post(f"/api/v1/jobs/{first}/rerender", headers=headers(keys["bob"])).status_code
        == 404
    )


def test_a_quick_preview_is_high_priority_and_checked(
    client: TestClient, database: Database, keys: dict[str, str]
) -> None:
    job_id = _queued_job(client, keys["ann"], preview_seconds=5)
    status = client.get(f"/api/v1/status/{job_id}", headers=headers(keys["ann"])).json()
    assert status["priority"] == "high"
    with database.session() as session:
        assert session.get(Job, job_id).params["preview_seconds"] == 5  # type: ignore[union-attr]
    for bad in (0, -1, 31, "soon"):
        body = {"script": "Hi.", "preview_seconds": bad}
        refused = client.post("/api/v1/generate", json=body, headers=headers(keys["ann"]))
        assert refused.status_code == 422
    raw = {"type": "video_generation", "params": {"script": "Hi.", "preview_seconds": 99}}
    assert client.post("/api/v1/jobs", json=raw, headers=headers(keys["ann"])).status_code == 422


def test_preview_script_keeps_the_first_sentences() -> None:
    text = " ".join(f"This is sentence number {n} of the script." for n in range(1, 9))
    short = preview_script(text, 4.0, VOICE)
    assert text.startswith(short) and 0 < len(short) < len(text)
    assert short.endswith("script.")
    timing = estimate_script(short, VOICE)
    assert timing.duration_ms >= 4000 > timing.duration_ms - timing.sentences[-1].duration_ms
    assert preview_script("Just one.", 10, VOICE) == "Just one."


def test_preview_size_fits_360_keeps_even_sides_and_a_renderable_short_side() -> None:
    assert preview_size(1280, 720) == (456, 256)
    assert preview_size(720, 1280) == (256, 456)
    assert preview_size(1920, 1080) == (456, 256)
    assert preview_size(256, 256) == (256, 256)
    assert preview_size(1080, 1080) == (360, 360)


# ---------------------------------------------------------------------------- thumbnails


def _tiny_video(path: Path, frames: int, fps: int = 10) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 128, 96, "yuv420p"
        for index in range(frames):
            image = np.full((96, 128, 3), index * 255 // max(frames - 1, 1), np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def test_thumbnail_frame_is_a_second_in_or_the_middle() -> None:
    assert thumbnail_frame_index(250, 25) == 25
    assert thumbnail_frame_index(30, 25) == 15
    assert thumbnail_frame_index(1, 25) == 0 and thumbnail_frame_index(0, 25) == 0


def test_make_thumbnail_writes_a_320_px_jpeg_of_the_chosen_frame(tmp_path: Path) -> None:
    video = _tiny_video(tmp_path / "v.mp4", frames=40)
    out = make_thumbnail(video, tmp_path / "t.jpg", 40, 10)
    image = cv2.imread(str(out))
    assert image.shape == (240, 320, 3)
    assert abs(int(image.mean()) - 10 * 255 // 39) <= 6  # frame 10: 1 s in at 10 fps


def test_thumbnail_of_a_file_that_is_no_video_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(Exception, match="cannot read"):
        make_thumbnail(bad, tmp_path / "t.jpg", 10, 10)


def test_a_finished_preview_has_a_thumbnail_and_can_be_rerendered(
    settings: Settings, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    ann = headers(keys["ann"])
    body = {
        "script": "First sentence here. Second sentence there. Third one. Fourth one too.",
        "voice": VOICE,
        "options": {**TINY_VIDEO, "size": "640x360"},
        "preview_seconds": 1,
    }
    with service(settings, database, storage) as (client, _pool):
        job_id = client.post("/api/v1/generate", json=body, headers=ann).json()["job_id"]
        done = wait_state(client, keys["ann"], job_id, {"completed", "failed"})
        assert done["state"] == "completed", done["error"]
        # 16:9 scaled to fit 360 px would be 360×202, under the encoder's 256 px short side
        assert (done["result"]["width"], done["result"]["height"]) == (456, 256)
        assert done["result"]["duration_s"] < 3.0 and done["result"]["preview_seconds"] == 1
        assert done["thumbnail_url"] == f"/api/v1/jobs/{job_id}/thumbnail"
        still = client.get(done["thumbnail_url"], headers=ann)
        assert still.status_code == 200 and still.headers["content-type"] == "image/jpeg"
        image = cv2.imdecode(np.frombuffer(still.content, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape[1] == 320 and abs(image.shape[0] - 180) <= 1
        by_query = client.get(f"{done['thumbnail_url']}?access_token={keys['ann']}")
        assert by_query.content == still.content
        assert client.get(done["thumbnail_url"], headers=headers(keys["bob"])).status_code == 404
        listed = client.get("/api/v1/jobs", headers=ann).json()["items"][0]
        assert listed["thumbnail_url"] == done["thumbnail_url"]
        client.delete(f"/api/v1/jobs/{job_id}", headers=ann)  # outputs go, the still too
        assert client.get(done["thumbnail_url"], headers=ann).status_code == 404


def test_a_job_without_a_thumbnail_is_404(client: TestClient, keys: dict[str, str]) -> None:
    job_id = _queued_job(client, keys["ann"])
    path = f"/api/v1/jobs/{job_id}/thumbnail"
    assert client.get(path, headers=headers(keys["ann"])).status_code == 404
    assert (
        client.get("/api/v1/jobs/job_nope/thumbnail", headers=headers(keys["ann"])).status_code
        == 404
    )
    assert client.get(path).status_code == 401


# ---------------------------------------------------------------------------- avatars


def test_avatar_templates_list_every_option_with_defaults(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = client.get("/api/v1/avatars/templates", headers=headers(keys["ann"])).json()
    names = [t["name"] for t in body["templates"]]
    assert "maya" in names and len(names) >= 20
    maya = body["templates"][names.index("maya")]
    assert maya["id"] == "template:maya" and maya["spec"]["hair"]["style"]
    options = {o["name"]: o for o in body["options"]}
    assert options["hair.style"]["kind"] == "choice" and "afro" in options["hair.style"]["values"]
    assert options["hair.style"]["default"] == "short"
    assert (
        options["face.skin"]["values"][0] == "monk1" and options["face.skin"]["default"] == "monk4"
    )
    assert options["face.blush"] == {**options["face.blush"], "kind": "number", "maximum": 1.0}
    assert options["face.freckles"]["kind"] == "flag"
    assert options["accessories.bindi"]["kind"] == "optional_colour"
    assert options["background.colours"]["kind"] == "colours"
    assert {"accessories.hat", "accessories.headscarf", "clothing.accent"} <= set(options)
    assert any("headscarf" in rule for rule in body["rules"])
    assert client.get("/api/v1/avatars/templates").status_code == 401


def test_avatar_preview_draws_the_changes(client: TestClient, keys: dict[str, str]) -> None:
    ann = headers(keys["ann"])
    plain = client.post("/api/v1/avatars/preview", json={"template": "maya"}, headers=ann)
    assert plain.status_code == 200 and plain.headers["content-type"] == "image/png"
    image = cv2.imdecode(np.frombuffer(plain.content, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (384, 384, 3)
    changed_body = {"template": "maya", "options": {"clothing.colour": "#ff0000"}, "size": 128}
    red = client.post("/api/v1/avatars/preview", json=changed_body, headers=ann)
    nested = {"template": "maya", "options": {"clothing": {"colour": "#ff0000"}}, "size": 128}
    assert client.post("/api/v1/avatars/preview", json=nested, headers=ann).content == red.content
    small = cv2.imdecode(np.frombuffer(red.content, np.uint8), cv2.IMREAD_COLOR)
    bottom = small[-10:, 54:74].reshape(-1, 3).mean(axis=0)  # the shirt, in BGR
    assert bottom[2] > 200 and bottom[1] < 60
    via_get = client.get(f"/api/v1/avatars/preview?template=maya&access_token={keys['ann']}")
    assert via_get.content == plain.content


@pytest.mark.parametrize(
    "body",
    [
        {"template": "nobody"},
        {"template": "maya", "options": {"hair.style": "mohawk"}},
        {"template": "maya", "options": {"hair.nope": "x"}},
        {"template": "maya", "options": {"nope.style": "x"}},
        {
            "template": "maya",
            "options": {"accessories.hat": "cap", "accessories.headscarf": "hijab"},
        },
        {"template": "maya", "size": 5000},
    ],
)
def test_bad_avatar_previews_are_refused(
    client: TestClient, keys: dict[str, str], body: Any
) -> None:
    response = client.post("/api/v1/avatars/preview", json=body, headers=headers(keys["ann"]))
    assert response.status_code == 422


# ---------------------------------------------------------------------------- voices, script


def test_voice_preview_is_a_wav_of_that_voice(client: TestClient, keys: dict[str, str]) -> None:
    spoken = client.get(f"/api/v1/voices/{VOICE}/preview", headers=headers(keys["ann"]))
    assert spoken.status_code == 200 and spoken.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(spoken.content)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert wav.getnchannels() == 1 and 1.0 < seconds < 8.0
    again = client.get(f"/api/v1/voices/{VOICE}/preview?access_token={keys['ann']}")
    assert again.content == spoken.content
    for voice in ("nobody", "voice_0123456789abcdef"):
        missing = client.get(f"/api/v1/voices/{voice}/preview", headers=headers(keys["ann"]))
        assert missing.status_code == 404
    assert client.get(f"/api/v1/voices/{VOICE}/preview").status_code == 401


def test_script_estimate_times_each_sentence(client: TestClient, keys: dict[str, str]) -> None:
    body = {"script": SCRIPT, "voice": VOICE, "speed": 1.0}
    found = client.post("/api/v1/script/estimate", json=body, headers=headers(keys["ann"]))
    assert found.status_code == 200, found.text
    result = found.json()
    assert result["words"] == 16 and result["method"] == "tts" and result["voice"] == VOICE
    sentences = result["sentences"]
    assert [s["text"] for s in sentences] == [
        "Hello there.",
        "This is the second sentence!",
        "And here is a third one, a little longer.",
    ]
    for one, two in itertools.pairwise(sentences):
        assert two["start_s"] == pytest.approx(
            one["start_s"] + one["duration_s"] + one["pause_after_s"]
        )
    assert sentences[2]["duration_s"] > sentences[0]["duration_s"] > 0.3
    last = sentences[-1]
    assert result["duration_s"] == pytest.approx(last["start_s"] + last["duration_s"])
    assert {s["emotion"] for s in sentences} == {"neutral"}
    faster = client.post(
        "/api/v1/script/estimate", json={**body, "speed": 2.0}, headers=headers(keys["ann"])
    ).json()
    assert faster["duration_s"] < 0.75 * result["duration_s"]


def test_script_estimate_reads_ssml_emotions(client: TestClient, keys: dict[str, str]) -> None:
    ssml = (
        '<speak>Good morning. <emotion name="happy">We won the award!</emotion> '
        "See you soon.</speak>"
    )
    body = {"script": ssml, "voice": VOICE, "emotion": "calm"}
    result = client.post("/api/v1/script/estimate", json=body, headers=headers(keys["ann"])).json()
    assert [s["emotion"] for s in result["sentences"]] == ["calm", "happy", "calm"]


def test_long_scripts_are_calibrated_on_their_first_sentences() -> None:
    text = " ".join(f"Sentence {n} is about the same length as the others." for n in range(12))
    spoken = estimate_script(text, VOICE, budget_chars=10_000)
    quick = estimate_script(text + " One more.", VOICE, budget_chars=1)
    assert spoken.method == "tts"
    assert quick.method == "calibrated" or quick.method == "tts"  # cached ones need no TTS
    run = time.time_ns() % 1000
    unique = " ".join(f"Entirely new words, {run} and {n}." for n in range(6))  # not cached
    fresh = estimate_script(unique, VOICE, budget_chars=40)
    assert fresh.method == "calibrated" and len(fresh.sentences) == 6
    spoken_ms = [s.duration_ms for s in fresh.sentences]
    assert 0.5 < max(spoken_ms) / min(spoken_ms) < 2.0  # the rest at the measured pace


@pytest.mark.parametrize(
    "body",
    [
        {"script": ""},
        {"script": "Hi.", "speed": 3},
        {"script": "Hi.", "voice": "nobody"},
        {"script": "Hi.", "emotion": "smug"},
        {"script": "[pause 99s] Hi."},
    ],
)
def test_bad_estimates_are_refused(client: TestClient, keys: dict[str, str], body: Any) -> None:
    response = client.post("/api/v1/script/estimate", json=body, headers=headers(keys["ann"]))
    assert response.status_code in (404, 422), response.text


# ---------------------------------------------------------------------------- admin


def test_admin_routes_need_an_admin(client: TestClient, keys: dict[str, str]) -> None:
    for method, path in (
        ("get", "/api/v1/admin/users"),
        ("get", "/api/v1/admin/jobs"),
        ("patch", "/api/v1/admin/users/usr_x"),
    ):
        kwargs: dict[str, Any] = {"json": {}} if method == "patch" else {}
        response = getattr(client, method)(path, headers=headers(keys["ann"]), **kwargs)
        assert response.status_code == 403, path
        assert getattr(client, method)(path, **kwargs).status_code == 401


def test_admin_sees_users_and_changes_them(
    client: TestClient, database: Database, keys: dict[str, str]
) -> None:
    root = headers(keys["root"])
    _queued_job(client, keys["ann"])
    users = client.get("/api/v1/admin/users", headers=root).json()
    by_email = {u["email"]: u for u in users["items"]}
    assert set(by_email) == {"ann@example.com", "bob@example.com", "root@example.com"}
    ann = by_email["ann@example.com"]
    assert ann["jobs"] == 1 and ann["usage_bytes"] == 0 and ann["disabled"] is False
    assert ann["quota_bytes"] > 0 and ann["role"] == "user"

    path = f"/api/v1/admin/users/{ann['id']}"
    changed = client.patch(path, json={"quota_bytes": 1234, "role": "admin"}, headers=root).json()
    assert changed["quota_bytes"] == 1234 and changed["role"] == "admin"
    off = client.patch(path, json={"disabled": True}, headers=root).json()
    assert off["disabled"] is True and off["disabled_at"]
    refused = client.get("/api/v1/jobs", headers=headers(keys["ann"]))
    assert refused.status_code == 403 and "disabled" in refused.json()["detail"]
    assert client.get(f"/api/v1/events?access_token={keys['ann']}").status_code == 403
    client.patch(path, json={"disabled": False}, headers=root)
    assert client.get("/api/v1/jobs", headers=headers(keys["ann"])).status_code == 200

    root_id = by_email["root@example.com"]["id"]
    for body in ({"disabled": True}, {"role": "user"}):
        mine = client.patch(f"/api/v1/admin/users/{root_id}", json=body, headers=root)
        assert mine.status_code == 422
    for body in ({"quota_bytes": -1}, {"role": "owner"}, {"banned": True}):
        assert client.patch(path, json=body, headers=root).status_code == 422
    assert client.patch("/api/v1/admin/users/usr_nope", json={}, headers=root).status_code == 404


def test_a_disabled_user_cannot_sign_in(client: TestClient, database: Database) -> None:
    from persona.service.db.base import utcnow

    with database.transaction() as session:
        user = add_user(session, "cat@example.com", password="a long password")
        user.disabled_at = utcnow()
    form = {"username": "cat@example.com", "password": "a long password"}
    assert client.post("/api/v1/auth/token", data=form).status_code == 403
    assert client.post("/v1/auth/token", data={**form, "password": "wrong one!"}).status_code == 401


def test_admin_lists_every_users_jobs(client: TestClient, keys: dict[str, str]) -> None:
    first = _queued_job(client, keys["ann"])
    second = _queued_job(client, keys["bob"])
    listed = client.get("/api/v1/admin/jobs", headers=headers(keys["root"])).json()
    assert [j["id"] for j in listed["items"]] == [second, first] and listed["total"] == 2
    assert listed["items"][0]["user_email"] == "bob@example.com"
    only_ann = client.get(
        "/api/v1/admin/jobs", params={"user_id": listed["items"][1]["user_id"]},
        headers=headers(keys["root"]),
    ).json()  # fmt: skip
    assert [j["id"] for j in only_ann["items"]] == [first]
    bad = client.get("/api/v1/admin/jobs?state=exploded", headers=headers(keys["root"]))
    assert bad.status_code == 422


# ---------------------------------------------------------------------------- the contract


def test_openapi_describes_the_studio_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in (
        ("/api/v1/events", "get"),
        ("/api/v1/projects", "post"),
        ("/api/v1/projects/{project_id}", "put"),
        ("/api/v1/jobs/{job_id}/thumbnail", "get"),
        ("/api/v1/jobs/{job_id}/rerender", "post"),
        ("/api/v1/avatars/templates", "get"),
        ("/api/v1/avatars/preview", "post"),
        ("/api/v1/voices/{voice_id}/preview", "get"),
        ("/api/v1/script/estimate", "post"),
        ("/api/v1/admin/users", "get"),
        ("/api/v1/admin/users/{user_id}", "patch"),
        ("/api/v1/admin/jobs", "get"),
        ("/api/v1/auth/token", "post"),
    ):
        assert method in paths[path], path
    schemas = spec["components"]["schemas"]
    assert "thumbnail_url" in schemas["JobPublic"]["properties"]
    assert {"preview_seconds", "project_id"} <= set(schemas["GenerateRequest"]["properties"])
    assert {"duration_s", "words", "sentences"} <= set(schemas["ScriptEstimate"]["properties"])
    assert "text/event-stream" in paths["/api/v1/events"]["get"]["responses"]["200"]["content"]
    assert not any(p.startswith("/assets") for p in paths)
