"""The HeyGen v2 subset and OpenAI's ``/v1/audio/speech``: their request and response
shapes, their error shapes, and each user's isolation. The OpenAI route is driven by the
official ``openai`` client against a real server."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator

import av
import numpy as np
import pytest
import uvicorn
from fastapi.testclient import TestClient
from tests.unit.service.resources import auth

from persona.media.audio import decode_audio
from persona.service.app import create_app
from persona.service.db.engine import Database
from persona.service.jobs.repository import get_job
from persona.service.settings import Settings

SCENE = {
    "character": {"type": "avatar", "avatar_id": "template:maya"},
    "voice": {"type": "text", "voice_id": "espeak-en", "input_text": "Hello there!"},
    "background": {"type": "color", "value": "#203040"},
}


def test_heygen_generate_makes_a_job_and_reports_its_status(
    api_client: TestClient, user_keys: dict[str, str], database: Database
) -> None:
    body = {"video_inputs": [SCENE], "dimension": {"width": 640, "height": 360}, "caption": True}
    made = api_client.post("/v2/video/generate", json=body, headers={"X-Api-Key": user_keys["ann"]})
    assert made.status_code == 200, made.text
    assert made.json()["error"] is None
    video_id = made.json()["data"]["video_id"]
    status = api_client.get(
        f"/v1/video_status.get?video_id={video_id}", headers=auth(user_keys["ann"])
    )
    assert status.status_code == 200
    body = status.json()
    assert body["code"] == 100 and body["message"] == "Success"
    assert body["data"]["id"] == video_id and body["data"]["status"] == "pending"
    assert body["data"]["video_url"] is None
    with database.session() as session:
        params = get_job(session, video_id).params
    assert params["size"] == "640x360" and params["background"] == "#203040"
    assert params["script"] == "Hello there!" and params["avatar"] == "template:maya"
    assert params["voice"] == "espeak-en" and params["captions"] == ["srt"]
    other = api_client.get(
        f"/v1/video_status.get?video_id={video_id}", headers=auth(user_keys["bob"])
    )
    assert other.status_code == 404 and other.json()["data"] is None


def test_heygen_errors_have_heygens_shape(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    anonymous = api_client.post("/v2/video/generate", json={"video_inputs": [SCENE]})
    assert anonymous.status_code == 401
    assert anonymous.json() == {"error": anonymous.json()["error"], "data": None}
    assert anonymous.json()["error"]["code"] == "unauthorized"
    no_text = {**SCENE, "voice": {"type": "text", "voice_id": "espeak-en", "input_text": ""}}
    bad = api_client.post(
        "/v2/video/generate", json={"video_inputs": [no_text]}, headers=auth(user_keys["ann"])
    )
    assert bad.status_code == 400 and "input_text" in bad.json()["error"]["message"]
    voice = {**SCENE, "voice": {"type": "text", "voice_id": "nobody", "input_text": "Hi"}}
    unknown = api_client.post(
        "/v2/video/generate", json={"video_inputs": [voice]}, headers=auth(user_keys["ann"])
    )
    assert unknown.status_code == 400 and "unknown voice" in unknown.json()["error"]["message"]
    shape = api_client.post(
        "/v2/video/generate", json={"video_inputs": []}, headers=auth(user_keys["ann"])
    )
    assert shape.status_code == 400 and shape.json()["error"]["param"] == "video_inputs"
    for avatar, words in (("template:nobody", "nobody"), ("/etc/passwd", "unknown avatar")):
        odd = {**SCENE, "character": {"type": "avatar", "avatar_id": avatar}}
        refused = api_client.post(
            "/v2/video/generate", json={"video_inputs": [odd]}, headers=auth(user_keys["ann"])
        )
        assert refused.status_code == 400 and words in refused.json()["error"]["message"]
    someone = {
        **SCENE,
        "character": {"type": "talking_photo", "talking_photo_id": "av_0123456789ab"},
    }
    foreign = api_client.post(
        "/v2/video/generate", json={"video_inputs": [someone]}, headers=auth(user_keys["ann"])
    )
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "not_found"


def test_heygen_lists_avatars_and_voices(api_client: TestClient, user_keys: dict[str, str]) -> None:
    made = api_client.post(
        "/api/v1/avatars/train", json={"template": "leo"}, headers=auth(user_keys["ann"])
    )
    assert made.status_code == 201
    mine = api_client.get("/v2/avatars", headers=auth(user_keys["ann"])).json()
    ids = [a["avatar_id"] for a in mine["data"]["avatars"]]
    assert mine["error"] is None and "template:maya" in ids and made.json()["avatar"]["id"] in ids
    theirs = api_client.get("/v2/avatars", headers=auth(user_keys["bob"])).json()["data"]["avatars"]
    assert made.json()["avatar"]["id"] not in [a["avatar_id"] for a in theirs]
    voices = api_client.get("/v2/voices", headers=auth(user_keys["ann"])).json()["data"]["voices"]
    joe = next(v for v in voices if v["voice_id"] == "joe")
    assert joe["language"] == "English" and joe["gender"] == "male"


def test_openai_errors_have_openais_shape(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    body = {"model": "tts-1", "input": "Hi", "voice": "alloy"}
    anonymous = api_client.post("/v1/audio/speech", json=body)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "invalid_api_key"
    for change, param in (
        ({"speed": 5.0}, "speed"),
        ({"response_format": "wma"}, "response_format"),
    ):
        bad = api_client.post(
            "/v1/audio/speech", json={**body, **change}, headers=auth(user_keys["ann"])
        )
        assert bad.status_code == 400 and bad.json()["error"]["param"] == param, bad.text
        assert bad.json()["error"]["type"] == "invalid_request_error"
    empty = api_client.post(
        "/v1/audio/speech", json={**body, "input": " "}, headers=auth(user_keys["ann"])
    )
    assert empty.status_code == 400 and "empty" in empty.json()["error"]["message"]
    unknown = api_client.post(
        "/v1/audio/speech", json={**body, "voice": "nobody"}, headers=auth(user_keys["ann"])
    )
    assert unknown.status_code == 400 and "unknown voice" in unknown.json()["error"]["message"]


@pytest.fixture
def server(settings: Settings, database: Database) -> Iterator[str]:
    """The app served by uvicorn on a free port in a thread; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings, database=database), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)


@pytest.mark.slow
@pytest.mark.parametrize(("voice", "fmt"), [("alloy", "mp3"), ("espeak-en", "wav")])
def test_openai_client_speaks_through_the_server(
    server: str, user_keys: dict[str, str], voice: str, fmt: str
) -> None:
    from openai import OpenAI

    openai_client = OpenAI(base_url=f"{server}/v1", api_key=user_keys["ann"], max_retries=0)
    response = openai_client.audio.speech.create(
        model="tts-1", voice=voice, input="Persona Studio speaks through the OpenAI api_client.",
        response_format=fmt,  # type: ignore[arg-type]
    )  # fmt: skip
    with av.open(io.BytesIO(response.read())) as container:
        audio, rate = decode_audio(container)
    seconds = len(audio) / rate
    rms = float(np.sqrt(np.mean(audio**2)))
    assert 1.5 < seconds < 8.0, seconds
    assert rms > 0.02, rms
