"""``/api/v1/voices``, ``/api/v1/tts`` and the HeyGen-compatible routes through the API."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.unit.service.resources import auth

from persona.media.audio import decode_audio, write_wav


def _wav_samples(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
        return pcm.astype(np.float32) / 32767, w.getframerate()


def test_voice_catalog_is_listed(api_client: TestClient, user_keys: dict[str, str]) -> None:
    voices = api_client.get("/api/v1/voices", headers=auth(user_keys["ann"])).json()["voices"]
    ids = [v["id"] for v in voices]
    assert ids[0] == "joe" and "child_girl_1" in ids and "espeak-hi" in ids
    hindi = api_client.get("/api/v1/voices?lang=hi", headers=auth(user_keys["ann"])).json()[
        "voices"
    ]
    assert {v["lang"] for v in hindi} == {"hi"}
    assert (
        api_client.get("/api/v1/voices?lang=xx", headers=auth(user_keys["ann"])).status_code == 422
    )
    assert api_client.get("/api/v1/voices").status_code == 401


def test_tts_speaks_short_text_as_wav(api_client: TestClient, user_keys: dict[str, str]) -> None:
    body = {"text": "Hello there, this is a test.", "voice": "espeak-en", "format": "wav"}
    response = api_client.post("/api/v1/tts", json=body, headers=auth(user_keys["ann"]))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "audio/wav"
    audio, rate = _wav_samples(response.content)
    assert 0.8 < len(audio) / rate < 5.0
    assert float(np.sqrt(np.mean(audio**2))) > 0.02
    assert int(response.headers["x-audio-duration-ms"]) == round(1000 * len(audio) / rate)


@pytest.mark.parametrize("fmt", ["mp3", "opus", "flac"])
def test_tts_encodes_other_formats(
    api_client: TestClient, user_keys: dict[str, str], fmt: str
) -> None:
    body = {"text": "One, two, three.", "voice": "espeak-en", "format": fmt}
    response = api_client.post("/api/v1/tts", json=body, headers=auth(user_keys["ann"]))
    assert response.status_code == 200, response.text
    with av.open(io.BytesIO(response.content)) as container:
        audio, rate = decode_audio(container)
    assert len(audio) / rate > 0.5 and float(np.sqrt(np.mean(audio**2))) > 0.02


def test_tts_refuses_bad_input(api_client: TestClient, user_keys: dict[str, str]) -> None:
    cases = {
        "empty": ({"text": "   ", "voice": "espeak-en"}, "empty"),
        "long": ({"text": "word " * 500, "voice": "espeak-en"}, "2000"),
        "voice": ({"text": "Hi", "voice": "nobody"}, "unknown voice"),
    }
    for body, words in cases.values():
        response = api_client.post("/api/v1/tts", json=body, headers=auth(user_keys["ann"]))
        assert response.status_code == 422 and words in response.json()["detail"], response.text
    fast = {"text": "Hi", "voice": "espeak-en", "speed": 9}
    assert (
        api_client.post("/api/v1/tts", json=fast, headers=auth(user_keys["ann"])).status_code == 422
    )
    odd = {"text": "Hi", "voice": "espeak-en", "format": "wma"}
    assert (
        api_client.post("/api/v1/tts", json=odd, headers=auth(user_keys["ann"])).status_code == 422
    )
    assert api_client.post("/api/v1/tts", json={"text": "Hi"}).status_code == 401


def _wav_bytes(audio: np.ndarray, rate: int, folder: Path) -> bytes:
    path = folder / "sample.wav"
    write_wav(path, audio, rate)
    return path.read_bytes()


def test_voice_clone_needs_consent_and_a_real_sample(
    api_client: TestClient, user_keys: dict[str, str], tmp_path: Path
) -> None:
    data = {"name": "Anna", "subject": "Anna", "statement": "I agree", "purpose": "tests"}
    missing = api_client.post(
        "/api/v1/voices/clone", data={"name": "Anna"},
        files={"sample": ("a.wav", b"RIFF", "audio/wav")}, headers=auth(user_keys["ann"]),
    )  # fmt: skip
    assert missing.status_code == 422
    bogus = api_client.post(
        "/api/v1/voices/clone", data=data,
        files={"sample": ("a.wav", b"%PDF-1.4" + bytes(64), "audio/wav")},
        headers=auth(user_keys["ann"]),
    )  # fmt: skip
    assert bogus.status_code == 415, bogus.text
    short = _wav_bytes(np.full(22050, 0.1, np.float32), 22050, tmp_path)
    too_short = api_client.post(
        "/api/v1/voices/clone", data=data,
        files={"sample": ("a.wav", short, "audio/wav")}, headers=auth(user_keys["ann"]),
    )  # fmt: skip
    assert too_short.status_code == 422 and "too short" in too_short.json()["detail"]


@pytest.mark.slow
def test_cloned_voice_belongs_to_its_maker(
    api_client: TestClient, user_keys: dict[str, str], tmp_path: Path
) -> None:
    from persona.script import parse_script
    from persona.voice import get_voice, synthesize_script

    text = "The quick brown fox jumps over the lazy dog. " * 4
    speech = synthesize_script(parse_script(text), get_voice("espeak-en", None))
    sample = _wav_bytes(speech.audio, speech.sample_rate, tmp_path)
    assert len(speech.audio) / speech.sample_rate > 10
    data = {"name": "Anna", "subject": "Anna Smith", "statement": "I agree", "purpose": "tests"}
    made = api_client.post(
        "/api/v1/voices/clone", data=data,
        files={"sample": ("anna.wav", sample, "audio/wav")}, headers=auth(user_keys["ann"]),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    voice_id = made.json()["id"]
    assert made.json()["matched"] and made.json()["consent_id"].startswith("cs_")
    mine = api_client.get("/api/v1/voices", headers=auth(user_keys["ann"])).json()["voices"]
    assert voice_id in [v["id"] for v in mine if v["matched"]]
    theirs = api_client.get("/api/v1/voices", headers=auth(user_keys["bob"])).json()["voices"]
    assert voice_id not in [v["id"] for v in theirs]
    body = {"text": "Hello.", "voice": voice_id}
    refused = api_client.post("/api/v1/tts", json=body, headers=auth(user_keys["bob"]))
    assert refused.status_code == 422 and "unknown voice" in refused.json()["detail"]
