"""The studio's finishing touches through the API: sentiment hints in the script
estimate, pictures as backgrounds, and job titles."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from tests.unit.service.jobclient import TINY_VIDEO, headers, make_keys, service, wait_state

from persona.service.db.engine import Database
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage
from persona.service.titles import MAX_TITLE, shorten, spoken_words

VOICE = "espeak-en"
SCENE = {
    "size": "256x256",
    "layout": "split",
    "lower_thirds": False,
    "speakers": {
        "host": {"avatar": "template:maya", "voice": VOICE},
        "guest": {"avatar": "template:arjun", "voice": VOICE},
    },
}
ORANGE = (230, 120, 20)


def _png(size: tuple[int, int] = (64, 64), colour: tuple[int, int, int] = ORANGE) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _wav() -> bytes:
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 1600)
    return out.getvalue()


def _upload(client: TestClient, key: str, name: str, data: bytes, kind: str) -> str:
    up = client.post("/api/v1/assets", files={"file": (name, data, kind)}, headers=headers(key))
    assert up.status_code == 201, up.text
    return str(up.json()["id"])


def _picture(asset_id: str) -> dict[str, str]:
    return {"type": "image", "asset_id": asset_id}


# ---------------------------------------------------------------------------- sentiment hints


def test_estimate_gives_a_hint_beside_the_applied_emotion(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    script = "I love this wonderful day. I am so sad, I miss her. The bus leaves at six."
    body = {"script": script, "voice": VOICE}
    found = api_client.post("/api/v1/script/estimate", json=body, headers=headers(user_keys["ann"]))
    assert found.status_code == 200, found.text
    sentences = found.json()["sentences"]
    assert [s["emotion"] for s in sentences] == ["neutral"] * 3  # what is applied
    assert [s["hint"]["emotion"] for s in sentences] == ["happy", "sad", "neutral"]
    assert sentences[0]["hint"]["score"] > 0.5 > -0.5 > sentences[1]["hint"]["score"]


def test_estimate_hint_reads_negation(api_client: TestClient, user_keys: dict[str, str]) -> None:
    body = {"script": "That was not bad. That was not good.", "voice": VOICE}
    found = api_client.post("/api/v1/script/estimate", json=body, headers=headers(user_keys["ann"]))
    hints = [s["hint"] for s in found.json()["sentences"]]
    assert hints[0]["score"] > 0 > hints[1]["score"]


# ---------------------------------------------------------------------------- picture backgrounds


def _generate(client: TestClient, key: str, background: Any) -> Any:
    body = {"script": "Hello.", "options": {**TINY_VIDEO, "background": background}}
    return client.post("/api/v1/generate", json=body, headers=headers(key))


def _podcast(client: TestClient, key: str, background: Any) -> Any:
    params = {
        "dialogue": "HOST: Welcome.\nGUEST: Thanks.",
        "scene": {**SCENE, "background": background},
        "preset": "ultrafast",
    }
    body = {"type": "podcast_video", "params": params}
    return client.post("/api/v1/jobs", json=body, headers=headers(key))


@pytest.mark.parametrize("submit", [_generate, _podcast])
def test_own_picture_is_accepted_and_others_refused(
    settings: Settings, database: Database, storage: LocalStorage, submit: Any
) -> None:
    keys = make_keys(database)
    with service(settings, database, storage, workers=0) as (client, _):
        picture = _upload(client, keys["ann"], "sky.png", _png(), "image/png")
        sound = _upload(client, keys["ann"], "hum.wav", _wav(), "audio/wav")
        accepted = submit(client, keys["ann"], _picture(picture))
        assert accepted.status_code == 202, accepted.text
        assert submit(client, keys["bob"], _picture(picture)).status_code == 404
        assert submit(client, keys["ann"], _picture("asset_nothere")).status_code == 404
        not_image = submit(client, keys["ann"], _picture(sound))
        assert not_image.status_code == 422 and "not a picture" in not_image.text
        for bad in (
            {"type": "image"},
            {"type": "image", "asset_id": 7},
            {"type": "image", "asset_id": picture, "fit": "tile"},
        ):
            assert submit(client, keys["ann"], bad).status_code == 422, bad
        if submit is _generate:  # a scene's other backgrounds are checked when rendered
            video = submit(client, keys["ann"], {"type": "video", "asset_id": picture})
            assert video.status_code == 422


def _first_frame(data: bytes) -> np.ndarray:
    with av.open(io.BytesIO(data)) as container:
        frame = next(container.decode(video=0))
        return np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.int16)


@pytest.mark.slow
@pytest.mark.parametrize("submit", [_generate, _podcast])
def test_picture_background_fills_the_frame_corner(
    settings: Settings, database: Database, storage: LocalStorage, tmp_path: Path, submit: Any
) -> None:
    keys = make_keys(database)
    with service(settings, database, storage) as (client, _):
        picture = _upload(client, keys["ann"], "wall.png", _png((320, 180)), "image/png")
        made = submit(client, keys["ann"], _picture(picture))
        assert made.status_code == 202, made.text
        job_id = made.json()["job_id"]
        done = wait_state(client, keys["ann"], job_id, {"completed", "failed"})
        assert done["state"] == "completed", done["error"]
        video = client.get(done["video_url"], headers=headers(keys["ann"]))
        frame = _first_frame(video.content)
    corner = frame[:8, :8].reshape(-1, 3).mean(axis=0)
    assert np.abs(corner - np.array(ORANGE)).max() < 14, corner  # the picture, not the default


# ---------------------------------------------------------------------------- job titles


def test_titles_come_from_project_then_words_then_type(
    settings: Settings, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    ann = headers(keys["ann"])
    long_script = "Welcome back to the channel, " + "today we talk about gardens " * 5
    with service(settings, database, storage, workers=0) as (client, _):
        project = client.post(
            "/api/v1/projects", json={"name": "Spring launch", "script": "Hi."}, headers=ann
        ).json()
        made = {
            "project": client.post(
                "/api/v1/generate",
                json={"script": "Hello.", "project_id": project["id"], "options": TINY_VIDEO},
                headers=ann,
            ),
            "script": client.post(
                "/api/v1/generate",
                json={"script": f"<speak>{long_script}</speak>", "options": TINY_VIDEO},
                headers=ann,
            ),
            "dialogue": _podcast(client, keys["ann"], "#102030"),
            "type": client.post(
                "/api/v1/jobs",
                json={"type": "music_generation", "params": {"style": "ambient"}},
                headers=ann,
            ),
        }
        titles = {}
        for name, response in made.items():
            assert response.status_code == 202, (name, response.text)
            job = client.get(f"/api/v1/status/{response.json()['job_id']}", headers=ann).json()
            titles[name] = job["title"]
        listed = client.get("/api/v1/jobs", headers=ann).json()["items"]
        client.put(
            f"/api/v1/projects/{project['id']}",
            json={"name": "Summer launch", "script": "Hi.", "settings": {}},
            headers=ann,
        )
        renamed = client.get(f"/api/v1/status/{made['project'].json()['job_id']}", headers=ann)
    assert titles["project"] == "Spring launch"
    assert titles["script"].startswith("Welcome back to the channel, today we talk")
    assert len(titles["script"]) <= MAX_TITLE and titles["script"].endswith("…")
    assert "<" not in titles["script"]
    assert titles["dialogue"] == "Welcome. Thanks."
    assert titles["type"] == "Music generation"
    assert {j["title"] for j in listed} == set(titles.values())
    assert renamed.json()["title"] == "Summer launch"


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("short title") == "short title"
    cut = shorten("word " * 30)
    assert len(cut) <= MAX_TITLE and cut.endswith("word…")
    assert len(shorten("x" * 100)) == MAX_TITLE
    assert spoken_words('Hi <break time="1s"/> there [pause] now') == "Hi there now"
    assert spoken_words("HOST: Hi.\nGuest 2: Hello.", dialogue=True) == "Hi. Hello."


def test_heygen_image_background_is_an_uploaded_picture(
    settings: Settings, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    scene = {
        "character": {"type": "avatar", "avatar_id": "template:maya"},
        "voice": {"type": "text", "voice_id": VOICE, "input_text": "Hello there!"},
    }
    with service(settings, database, storage, workers=0) as (client, _):
        picture = _upload(client, keys["ann"], "sky.png", _png(), "image/png")

        def generate(key: str, background: dict[str, str]) -> Any:
            body = {"video_inputs": [{**scene, "background": background}]}
            return client.post("/v2/video/generate", json=body, headers={"X-Api-Key": key})

        made = generate(keys["ann"], {"type": "image", "image_asset_id": picture})
        assert made.status_code == 200, made.text
        job = client.get(
            f"/api/v1/status/{made.json()['data']['video_id']}", headers=headers(keys["ann"])
        )
        assert job.status_code == 200
        stolen = generate(keys["bob"], {"type": "image", "image_asset_id": picture})
        assert stolen.status_code == 404
        by_url = generate(keys["ann"], {"type": "image", "url": "http://example.com/a.png"})
        assert by_url.status_code == 400
