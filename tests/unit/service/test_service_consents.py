"""``/api/v1/consents``: each user's own consent records; revoking one stops every new
video with the avatars and voices made under it (in the API at submission, and in the
renderer for the CLI), while videos made before stay downloadable."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.unit.service.jobclient import TINY_VIDEO, headers, make_keys, service, wait_state
from tests.unit.service.resources import auth
from tests.unit.service.rightsdata import CONSENT, add_consent, photo_avatar

from persona.errors import ConsentError
from persona.service.db.engine import Database
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage

URL = "/api/v1/consents"


def test_consents_are_made_listed_read_and_revoked(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    ann = auth(user_keys["ann"])
    made = add_consent(api_client, user_keys["ann"])
    assert made["id"].startswith("cs_") and made["uploader"] == "ann@example.com"
    assert made["subject"] == CONSENT["subject"] and made["purpose"] == CONSENT["purpose"]
    assert made["revoked"] is False and made["revoked_at"] is None
    voice = add_consent(api_client, user_keys["ann"], kind="voice", subject="Anna Smith")
    listed = api_client.get(URL, headers=ann).json()["consents"]
    assert [c["id"] for c in listed] == [made["id"], voice["id"]]
    assert (
        api_client.get(f"{URL}/{made['id']}", headers=ann).json()["statement"]
        == (CONSENT["statement"])
    )

    revoked = api_client.post(f"{URL}/{made['id']}/revoke", headers=ann)
    assert revoked.status_code == 200, revoked.text
    first = revoked.json()["revoked_at"]
    assert revoked.json()["revoked"] is True and first
    again = api_client.post(f"{URL}/{made['id']}/revoke", headers=ann).json()
    assert again["revoked_at"] == first  # revoking twice keeps the first time
    still = api_client.get(f"{URL}/{voice['id']}", headers=ann).json()
    assert still["revoked"] is False


def test_another_users_consent_is_not_found(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    made = add_consent(api_client, user_keys["ann"])
    bob = auth(user_keys["bob"])
    assert api_client.get(URL, headers=bob).json()["consents"] == []
    for method, path in (("GET", ""), ("POST", "/revoke")):
        response = api_client.request(method, f"{URL}/{made['id']}{path}", headers=bob)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    ann = auth(user_keys["ann"])
    assert api_client.get(f"{URL}/{made['id']}", headers=ann).json()["revoked"] is False
    assert api_client.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"kind": "face"}, "kind"),
        ({"subject": ""}, "subject"),
        ({"statement": "x" * 2001}, "statement"),
        ({"purpose": None}, "purpose"),
    ],
)
def test_bad_consents_are_refused(
    api_client: TestClient, user_keys: dict[str, str], change: dict[str, object], word: str
) -> None:
    response = api_client.post(URL, json={**CONSENT, **change}, headers=auth(user_keys["ann"]))
    assert response.status_code == 422 and word in response.text
    assert api_client.get(URL, headers=auth(user_keys["ann"])).json()["consents"] == []


def test_whitespace_only_fields_are_refused(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    response = api_client.post(
        URL, json={**CONSENT, "subject": "   "}, headers=auth(user_keys["ann"])
    )
    assert response.status_code == 422 and "subject" in response.json()["detail"]


@pytest.mark.parametrize("consent_id", ["cs_000000000000", "nonsense", "cs_../../etc"])
def test_unknown_consents_are_not_found(
    api_client: TestClient, user_keys: dict[str, str], consent_id: str
) -> None:
    response = api_client.get(f"{URL}/{consent_id}", headers=auth(user_keys["ann"]))
    assert response.status_code == 404


def test_the_renderer_refuses_an_avatar_whose_consent_was_revoked(portrait_path: Path) -> None:
    """The check lives in persona core: the CLI's renders obey it too."""
    from persona.avatar.library import check_avatar_consent, open_saved_avatar
    from persona.avatar.store import AvatarStore
    from persona.consent import create_consent, revoke_consent

    consent = create_consent("avatar", "Eileen", "I agree", "tests", uploader="ann")
    store = AvatarStore()
    record = store.create(
        name="Eileen", kind="photo", source={}, files={"photo": portrait_path},
        consent_id=consent.id,
    )  # fmt: skip
    check_avatar_consent(record)  # holds: no error
    revoked = revoke_consent(consent.id)
    with pytest.raises(ConsentError) as refused:
        open_saved_avatar(record.id, 128, 128, store=store)
    message = str(refused.value)
    assert f"the consent for avatar {record.id}" in message
    assert f"was revoked on {revoked.revoked_at}" in message
    gone = store.create(name="Lost", kind="photo", source={}, files={"photo": portrait_path},
                        consent_id="cs_0123456789ab")  # fmt: skip
    with pytest.raises(ConsentError, match="no consent record"):
        open_saved_avatar(gone.id, 128, 128, store=store)


@pytest.mark.slow
def test_revoking_stops_new_videos_and_keeps_old_ones(
    settings: Settings, database: Database, storage: LocalStorage, portrait_path: Path
) -> None:
    keys = make_keys(database)
    with service(settings, database, storage) as (client, _pool):
        ann = headers(keys["ann"])
        consent = add_consent(client, keys["ann"])
        avatar = photo_avatar(client, keys["ann"], portrait_path, consent_id=consent["id"])
        assert avatar["consent_id"] == consent["id"] and avatar["consent_revoked"] is False
        body = {"script": "Hello there.", "avatar": avatar["id"], "voice": "espeak-en",
                "options": TINY_VIDEO}  # fmt: skip
        accepted = client.post("/api/v1/generate", json=body, headers=ann)
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["job_id"]
        done = wait_state(client, keys["ann"], job_id, {"completed", "failed"})
        assert done["state"] == "completed", done["error"]
        before = client.get(f"/api/v1/video/{job_id}", headers=ann)
        assert before.status_code == 200 and len(before.content) > 1000

        revoked = client.post(f"{URL}/{consent['id']}/revoke", headers=ann).json()
        assert revoked["avatars"] == [avatar["id"]]
        listed = client.get("/api/v1/avatars", headers=ann).json()["avatars"]
        assert [(a["id"], a["consent_revoked"]) for a in listed] == [(avatar["id"], True)]
        refused = client.post("/api/v1/generate", json=body, headers=ann)
        assert refused.status_code == 422, refused.text
        assert f"the consent for avatar {avatar['id']}" in refused.json()["detail"]
        assert revoked["revoked_at"] in refused.json()["detail"]
        batch = client.post("/api/v1/batch", json={"requests": [body]}, headers=ann)
        assert batch.status_code == 422
        after = client.get(f"/api/v1/video/{job_id}", headers=ann)
        assert after.status_code == 200 and after.content == before.content
        # a new avatar cannot be made under the revoked consent either
        files = {"photo": ("e.jpg", portrait_path.read_bytes(), "image/jpeg")}
        again = client.post(
            "/api/v1/avatars/train", files=files, data={"consent_id": consent["id"]}, headers=ann
        )
        assert again.status_code == 422 and "revoked" in again.json()["detail"]


def _matched_voice(database: Database, email: str, consent_id: str) -> str:
    """A saved voice as ``/voices/clone`` leaves one (the matching itself is tested with
    the voice package), owned by ``email``."""
    from dataclasses import replace

    from persona.consent import now_iso
    from persona.service.auth import get_user_by_email
    from persona.service.db.models import ResourceKind
    from persona.service.ownership import record_owner
    from persona.voice.catalog import get_voice
    from persona.voice.store import SavedVoice, save_voice

    voice = replace(get_voice("espeak-en", None), id="anna", name="Anna")
    save_voice(SavedVoice(voice, consent_id, "test", "espeak-en", now_iso()))
    with database.transaction() as session:
        user = get_user_by_email(session, email)
        record_owner(session, user, ResourceKind.VOICE, voice.id)
    return voice.id


def test_revoking_a_voice_consent_disables_the_voice(
    api_client: TestClient, user_keys: dict[str, str], database: Database
) -> None:
    ann = auth(user_keys["ann"])
    consent = add_consent(api_client, user_keys["ann"], kind="voice", subject="Anna Smith")
    voice_id = _matched_voice(database, "ann@example.com", consent["id"])
    body = {"script": "Hello.", "avatar": "template:maya", "voice": voice_id}
    revoked = api_client.post(f"{URL}/{consent['id']}/revoke", headers=ann).json()
    assert revoked["voices"] == [voice_id] and revoked["avatars"] == []
    voices = api_client.get("/api/v1/voices", headers=ann).json()["voices"]
    mine = next(v for v in voices if v["id"] == voice_id)
    assert mine["consent_id"] == consent["id"]
    assert mine["consent_revoked"] is True and mine["usable"] is False
    refused = api_client.post("/api/v1/generate", json=body, headers=ann)
    assert refused.status_code == 422 and "revoked" in refused.json()["detail"]
    assert voice_id in refused.json()["detail"]
    speech = api_client.post("/api/v1/tts", json={"text": "Hi.", "voice": voice_id}, headers=ann)
    assert speech.status_code == 422 and "revoked" in speech.json()["detail"]
