"""``/api/v1/avatars``: photo and template avatars through the API, each user's own."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.unit.service.resources import auth

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


@pytest.mark.slow
def test_video_avatar_is_trained_in_the_request(
    api_client: TestClient, user_keys: dict[str, str], tmp_path: Path
) -> None:
    from tests.videoclips import make_talking_clip

    clip = make_talking_clip(tmp_path / "me.mp4")
    files = {"video": ("me.mp4", clip.path.read_bytes(), "video/mp4")}
    response = api_client.post(
        TRAIN, files=files, data={"name": "Me"}, headers=auth(user_keys["ann"])
    )
    assert response.status_code == 201, response.text
    avatar = response.json()["avatar"]
    assert avatar["kind"] == "video" and "mouth shapes" in response.json()["note"]
    detail = api_client.get(f"/api/v1/avatars/{avatar['id']}", headers=auth(user_keys["ann"]))
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
