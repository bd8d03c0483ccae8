"""Helpers of the consent, audit and data-rights tests: give a user things to own
(uploads, avatars, consents, finished jobs) through the API, and read an export ZIP."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from fastapi.testclient import TestClient
from tests.unit.service.jobclient import headers, wait_state

CONSENT = {
    "kind": "avatar",
    "subject": "Eileen Collins",
    "statement": "I agree that my portrait is animated for the training videos.",
    "purpose": "internal training videos",
}


def png_bytes(seed: int, size: int = 64) -> bytes:
    """A small random PNG (a different one for each seed)."""
    image = np.random.default_rng(seed).integers(0, 255, (size, size, 3), dtype=np.uint8)
    ok, data = cv2.imencode(".png", image)
    assert ok
    return data.tobytes()


def upload(client: TestClient, key: str, data: bytes, name: str = "photo.png") -> dict[str, Any]:
    response = client.post(
        "/api/v1/assets", files={"file": (name, data, "image/png")}, headers=headers(key)
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def add_consent(client: TestClient, key: str, **changes: str) -> dict[str, Any]:
    response = client.post("/api/v1/consents", json={**CONSENT, **changes}, headers=headers(key))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def template_avatar(client: TestClient, key: str) -> str:
    body = {"template": "maya", "name": "Maya"}
    response = client.post("/api/v1/avatars/train", json=body, headers=headers(key))
    assert response.status_code == 201, response.text
    return str(response.json()["avatar"]["id"])


def photo_avatar(client: TestClient, key: str, portrait: Path, **form: str) -> dict[str, Any]:
    """A photo avatar of the bundled portrait, made with the form fields given."""
    files = {"photo": ("eileen.jpg", portrait.read_bytes(), "image/jpeg")}
    response = client.post(
        "/api/v1/avatars/train", files=files, data={"name": "Eileen", **form}, headers=headers(key)
    )
    assert response.status_code == 201, response.text
    return response.json()["avatar"]  # type: ignore[no-any-return]


def finished_speech_job(client: TestClient, key: str, text: str) -> dict[str, Any]:
    """A voice_synthesis job run to completion by the embedded worker."""
    body = {"type": "voice_synthesis", "params": {"text": text, "voice": "espeak-en"}}
    response = client.post("/api/v1/jobs", json=body, headers=headers(key))
    assert response.status_code == 202, response.text
    done = wait_state(client, key, response.json()["job_id"], {"completed", "failed"})
    assert done["state"] == "completed", done["error"]
    return done


def read_zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked_manifest(entries: dict[str, bytes]) -> dict[str, Any]:
    """The manifest, after checking it lists every other entry with its size and hash."""
    manifest: dict[str, Any] = json.loads(entries["manifest.json"])
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(entries) - {"manifest.json"}
    for path, item in listed.items():
        assert item["size"] == len(entries[path]) and item["sha256"] == sha256(entries[path])
    return manifest
