"""The job routes end to end on SQLite with a real embedded worker thread: submit,
follow, fetch with HTTP ranges, list, cancel, batch, idempotency; and the rules around
them (other users' jobs are not found, bad requests fail at submission)."""

from __future__ import annotations

import io
from pathlib import Path

import av
import pytest
from fastapi.testclient import TestClient
from tests.unit.service.jobclient import (
    TINY_VIDEO,
    headers,
    make_keys,
    service,
    wait_state,
)

from persona.service.api.ranges import RangeNotSatisfiable, parse_range
from persona.service.db.engine import Database
from persona.service.db.models import Asset
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage
from persona.service.tasks import output_key

SCRIPT = "Hello there. This is a short test."
LONG_SCRIPT = " ".join(["This sentence is here to make the video last a while."] * 30)


def generate(client: TestClient, key: str, script: str = SCRIPT, **extra: object) -> str:
    body = {"script": script, "avatar": "template:maya", "voice": "espeak-en"}
    body["options"] = {**TINY_VIDEO, **extra.pop("options", {})}  # type: ignore[dict-item]
    body.update(extra)  # type: ignore[arg-type]
    response = client.post("/api/v1/generate", json=body, headers=headers(key))
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status_url"] == f"/api/v1/status/{accepted['job_id']}"
    return str(accepted["job_id"])


# ---------------------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-99", (0, 100)),
        ("bytes=100-", (100, 1000)),
        ("bytes=-10", (990, 1000)),
        ("bytes=990-5000", (990, 1000)),
        ("bytes=0-0", (0, 1)),
        ("bytes=0-1,5-9", None),  # several ranges: the whole object
    ],
)
def test_parse_range_reads_single_ranges(
    header: str | None, expected: tuple[int, int] | None
) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize(
    "header", ["bytes=1000-", "bytes=5-2", "bytes=-0", "bytes=x-1", "items=0-1"]
)
def test_parse_range_refuses_bad_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


# ---------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_generate_renders_a_video_and_serves_it_with_ranges(
    settings: Settings, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    with service(settings, database, storage) as (client, _pool):
        job_id = generate(client, keys["ann"])
        done = wait_state(client, keys["ann"], job_id, {"completed", "failed"})
        assert done["state"] == "completed", done["error"]
        assert done["progress"] == 100 and done["attempts"] == 1
        assert done["started_at"] and done["finished_at"] and done["error"] is None
        assert done["video_url"] == f"/api/v1/video/{job_id}"
        output = done["result"]["outputs"]["video.mp4"]
        assert output["key"] == output_key(_owner(database, job_id), job_id, "video.mp4")
        assert done["result"]["width"] == 256 and done["result"]["duration_s"] > 1.0

        whole = client.get(done["video_url"], headers=headers(keys["ann"]))
        assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
        assert whole.headers["content-type"] == "video/mp4"
        size = len(whole.content)
        assert size == output["size"] == int(whole.headers["content-length"])
        with av.open(io.BytesIO(whole.content)) as container:
            stream = container.streams.video[0]
            assert (stream.width, stream.height) == (256, 256)
            assert container.streams.audio

        part = client.get(
            done["video_url"], headers={**headers(keys["ann"]), "Range": "bytes=0-99"}
        )
        assert part.status_code == 206 and part.content == whole.content[:100]
        assert part.headers["content-range"] == f"bytes 0-99/{size}"
        tail = client.get(done["video_url"], headers={**headers(keys["ann"]), "Range": "bytes=-10"})
        assert tail.status_code == 206 and tail.content == whole.content[-10:]
        past = client.get(
            done["video_url"], headers={**headers(keys["ann"]), "Range": f"bytes={size}-"}
        )
        assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{size}"

        # another user sees nothing of it
        for path in (f"/api/v1/status/{job_id}", done["video_url"]):
            assert client.get(path, headers=headers(keys["bob"])).status_code == 404
        assert (
            client.delete(f"/api/v1/jobs/{job_id}", headers=headers(keys["bob"])).status_code == 404
        )
        assert client.get("/api/v1/jobs", headers=headers(keys["bob"])).json()["total"] == 0

        # deleting a finished job deletes its outputs
        gone = client.delete(f"/api/v1/jobs/{job_id}", headers=headers(keys["ann"]))
        assert gone.status_code == 200 and gone.json()["result"]["outputs"] == {}
        assert not storage.exists(output["key"])
        assert client.get(done["video_url"], headers=headers(keys["ann"])).status_code == 404


@pytest.mark.slow
def test_cancel_a_running_job_stops_its_render(
    settings: Settings, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    with service(settings, database, storage) as (client, _pool):
        job_id = generate(client, keys["ann"], LONG_SCRIPT, options={"size": "512x512"})
        wait_state(client, keys["ann"], job_id, {"rendering"})
        cancelled = client.delete(f"/api/v1/jobs/{job_id}", headers=headers(keys["ann"]))
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
        # the worker lets go of it and takes the next job
        nxt = generate(client, keys["ann"])
        assert wait_state(client, keys["ann"], nxt, {"completed", "failed"})["state"] == "completed"
        final = client.get(f"/api/v1/status/{job_id}", headers=headers(keys["ann"])).json()
        assert final["state"] == "cancelled" and final["result"] is None
        assert not storage.exists(output_key(_owner(database, job_id), job_id, "video.mp4"))


def _owner(database: Database, job_id: str) -> str:
    from persona.service.jobs.repository import get_job

    with database.session() as session:
        return get_job(session, job_id).user_id


def test_cancel_a_queued_job(settings: Settings, database: Database, storage: LocalStorage) -> None:
    keys = make_keys(database)
    with service(settings, database, storage, workers=0) as (client, _pool):
        job_id = generate(client, keys["ann"])
        assert (
            client.get(f"/api/v1/status/{job_id}", headers=headers(keys["ann"])).json()["state"]
            == "queued"
        )
        response = client.delete(f"/api/v1/jobs/{job_id}", headers=headers(keys["ann"]))
        assert response.status_code == 200 and response.json()["state"] == "cancelled"
        assert response.json()["finished_at"] is not None
    # a worker started now finds nothing to do
    from tests.unit.service.jobclient import FAST

    from persona.service.worker import Worker

    assert Worker(database, storage, FAST).run_once() is False


# ---------------------------------------------------------------------------- submission


def test_bad_requests_fail_at_submission(
    settings: Settings, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    ann = headers(keys["ann"])
    with service(settings, database, storage, workers=0) as (client, _pool):
        cases = [
            ({"avatar": "template:maya"}, "either 'script'"),
            ({"script": "Hi", "audio": "asset_x"}, "either 'script'"),
            ({"script": "Hi", "options": {"size": "10x10"}}, "size 10x10"),
            ({"script": "Hi", "options": {"colour": "red"}}, "unknown options colour"),
            ({"script": "Hi", "options": {"captions": ["smoke"]}}, "captions must be"),
            ({"script": "Hi", "options": {"music": "polka-dub"}}, "unknown music style"),
            ({"script": "Hi", "options": {"background": "/etc/passwd"}}, "background must be"),
            ({"script": "Hi", "voice": "nobody"}, "nobody"),
        ]
        for body, message in cases:
            response = client.post("/api/v1/generate", json=body, headers=ann)
            assert response.status_code == 422, body
            assert message in response.json()["detail"], response.json()
        missing = client.post(
            "/api/v1/generate",
            json={"script": "Hi", "avatar": "asset_0123456789abcdef"},
            headers=ann,
        )
        assert missing.status_code == 404
        assert client.post("/api/v1/generate", json={"script": "Hi"}).status_code == 401
        assert client.get("/api/v1/jobs", headers=ann).json()["total"] == 0


def test_idempotency_key_returns_the_same_job(
    settings: Settings, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    with service(settings, database, storage, workers=0) as (client, _pool):
        same = {**headers(keys["ann"]), "Idempotency-Key": "order-17"}
        body = {"script": SCRIPT, "options": TINY_VIDEO}
        first = client.post("/api/v1/generate", json=body, headers=same).json()
        again = client.post("/api/v1/generate", json=body, headers=same).json()
        assert first["job_id"] == again["job_id"]
        other = client.post("/api/v1/generate", json={**body, "script": "Else."}, headers=same)
        assert other.status_code == 409
        bob = client.post(
            "/api/v1/generate",
            json=body,
            headers={**headers(keys["bob"]), "Idempotency-Key": "order-17"},
        ).json()
        assert bob["job_id"] != first["job_id"]


def test_batch_list_paging_and_filters(
    settings: Settings, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    ann = headers(keys["ann"])
    with service(settings, database, storage, workers=0) as (client, _pool):
        requests = [{"script": f"Number {k}.", "options": TINY_VIDEO} for k in range(3)]
        made = client.post("/api/v1/batch", json={"requests": requests}, headers=ann)
        assert made.status_code == 202 and len(made.json()["jobs"]) == 3
        bad = client.post(
            "/api/v1/batch",
            json={"requests": [*requests, {"avatar": "template:maya"}]},
            headers=ann,
        )
        assert bad.status_code == 422 and bad.json()["detail"].startswith("request 4:")
        music = client.post(
            "/api/v1/jobs",
            json={"type": "music_generation", "params": {"style": "ambient"}},
            headers=ann,
        )
        assert music.status_code == 202
        page = client.get("/api/v1/jobs?limit=2&offset=0", headers=ann).json()
        assert page["total"] == 4 and len(page["items"]) == 2
        rest = client.get("/api/v1/jobs?limit=2&offset=2", headers=ann).json()
        ids = {j["id"] for j in page["items"]} | {j["id"] for j in rest["items"]}
        assert len(ids) == 4
        videos = client.get("/api/v1/jobs?type=video_generation&state=queued", headers=ann).json()
        assert videos["total"] == 3
        assert client.get("/api/v1/jobs?state=sleeping", headers=ann).status_code == 422
        assert client.get("/api/v1/jobs", headers=headers(keys["bob"])).json()["items"] == []


# ---------------------------------------------------------------------------- uploads


def _wav_bytes(tmp_path: Path) -> bytes:
    from persona.voice.commands import preview

    return preview("espeak-en", "Good morning to you.", tmp_path / "hi.wav").read_bytes()


@pytest.mark.slow
def test_upload_then_lipsync_cues_of_it(
    settings: Settings, database: Database, storage: LocalStorage, tmp_path: Path
) -> None:
    keys = make_keys(database)
    ann = headers(keys["ann"])
    with service(settings, database, storage) as (client, _pool):
        wav = _wav_bytes(tmp_path)
        up = client.post(
            "/api/v1/assets", files={"file": ("hi.wav", wav, "audio/wav")}, headers=ann
        )
        assert up.status_code == 201, up.text
        asset = up.json()
        assert asset["kind"] == "audio" and asset["size_bytes"] == len(wav)
        refused = client.post(
            "/api/v1/assets", files={"file": ("x.txt", b"hello", "text/plain")}, headers=ann
        )
        assert refused.status_code == 422
        made = client.post(
            "/api/v1/jobs",
            json={
                "type": "lipsync_animation",
                "params": {"audio": asset["id"], "transcript": "Good morning to you."},
            },
            headers=ann,
        )
        job_id = made.json()["job_id"]
        done = wait_state(client, keys["ann"], job_id, {"completed", "failed"})
        assert done["state"] == "completed", done["error"]
        cues = client.get(f"/api/v1/jobs/{job_id}/files/cues.json", headers=ann)
        body = cues.json()
        shapes = {c["value"] for c in body["mouthCues"]}
        assert len(shapes) >= 3 and done["result"]["cues"] == len(body["mouthCues"])
        # bob cannot use ann's upload
        stolen = client.post(
            "/api/v1/jobs",
            json={"type": "lipsync_animation", "params": {"audio": asset["id"]}},
            headers=headers(keys["bob"]),
        )
        assert stolen.status_code == 404
    with database.session() as session:
        results = [a for a in session.query(Asset).all() if a.kind == "result"]
        assert [a.storage_key for a in results] == [
            output_key(results[0].user_id, job_id, "cues.json")
        ]


@pytest.mark.slow
def test_every_job_type_runs_through_the_api(
    settings: Settings, database: Database, storage: LocalStorage, tmp_path: Path
) -> None:
    import numpy as np
    from scipy.io import wavfile

    keys = make_keys(database)
    ann = headers(keys["ann"])
    with service(settings, database, storage, workers=2) as (client, _pool):
        wav = _wav_bytes(tmp_path)
        files = {"file": ("hi.wav", wav, "audio/wav")}
        asset = client.post("/api/v1/assets", files=files, headers=ann).json()
        scene = {
            "size": "512x288",
            "layout": "split",
            "lower_thirds": False,
            "speakers": {
                "host": {"avatar": "template:maya", "voice": "espeak-en"},
                "guest": {"avatar": "template:arjun", "voice": "espeak-en"},
            },
        }
        requests = {
            "voice_synthesis": {"text": "Good evening.", "voice": "espeak-en"},
            "music_generation": {"style": "ambient", "duration_s": 2.0, "seed": 3},
            "subtitle_generation": {
                "media": asset["id"],
                "format": "vtt",
                "transcript": "Good morning to you.",
            },
            "podcast_video": {
                "dialogue": "HOST: Welcome to the show.\nGUEST: Thank you.",
                "scene": scene,
                "preset": "ultrafast",
            },
        }
        ids = {}
        for job_type, params in requests.items():
            made = client.post(
                "/api/v1/jobs", json={"type": job_type, "params": params}, headers=ann
            )
            assert made.status_code == 202, made.text
            ids[job_type] = made.json()["job_id"]
        done = {
            t: wait_state(client, keys["ann"], i, {"completed", "failed"}) for t, i in ids.items()
        }
        for job_type, body in done.items():
            assert body["state"] == "completed", (job_type, body["error"])

        def fetch(job_type: str, name: str) -> bytes:
            response = client.get(f"/api/v1/jobs/{ids[job_type]}/files/{name}", headers=ann)
            assert response.status_code == 200, response.text
            return response.content

        rate, speech = wavfile.read(io.BytesIO(fetch("voice_synthesis", "speech.wav")))
        assert len(speech) / rate > 0.4 and np.abs(speech).max() > 1000
        rate, music = wavfile.read(io.BytesIO(fetch("music_generation", "music.wav")))
        assert len(music) == 2 * rate and done["music_generation"]["result"]["style"] == "ambient"
        vtt = fetch("subtitle_generation", "captions.vtt").decode()
        assert vtt.startswith("WEBVTT") and "Good morning to you." in vtt
        video = client.get(f"/api/v1/video/{ids['podcast_video']}", headers=ann)
        with av.open(io.BytesIO(video.content)) as container:
            stream = container.streams.video[0]
            assert (stream.width, stream.height) == (512, 288)


def test_podcast_scene_cannot_name_server_files(
    settings: Settings, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    ann = headers(keys["ann"])
    with service(settings, database, storage) as (client, _pool):
        scenes = [
            {"speakers": {"a": "/etc/passwd", "b": "template:maya"}},
            {"speakers": {"a": "template:maya", "b": "template:arjun"}, "logo": "/etc/hosts"},
            {"speakers": {"a": "template:maya", "b": "template:arjun"}, "background": "/x.png"},
        ]
        for scene in scenes:
            params = {"dialogue": "A: Hi.\nB: Hello.", "scene": scene}
            job_id = client.post(
                "/api/v1/jobs", json={"type": "podcast_video", "params": params}, headers=ann
            ).json()["job_id"]
            failed = wait_state(client, keys["ann"], job_id, {"completed", "failed"})
            assert failed["state"] == "failed" and failed["attempts"] == 1, failed
            assert "avatar" in failed["error"] or "scene:" in failed["error"]
