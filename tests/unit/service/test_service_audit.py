"""The audit log: each accounted action leaves one event with its actor, resource,
request id and client address; admins read all of it with filters and pages, users
their own; events outlive the account they name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.unit.service.resources import auth
from tests.unit.service.rightsdata import add_consent, template_avatar
from tests.unit.service.servicedb import add_user

from persona.service import audit
from persona.service.auth import create_api_key
from persona.service.db.engine import Database
from persona.service.db.models import AuditEvent, Role

PASSWORD = "correct horse battery"


@pytest.fixture
def admin_key(database: Database) -> str:
    with database.transaction() as session:
        admin = add_user(session, "root@example.com", role=Role.ADMIN, password=PASSWORD)
        return create_api_key(session, admin).secret


def _events(database: Database, action: str) -> list[AuditEvent]:
    with database.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.scalars(query))


def _user_id(client: TestClient, key: str) -> str:
    return str(client.get("/api/v1/users/me", headers=auth(key)).json()["id"])


def test_each_action_leaves_one_event(
    api_client: TestClient, user_keys: dict[str, str], database: Database, admin_key: str
) -> None:
    ann = auth(user_keys["ann"])
    ann_id = _user_id(api_client, user_keys["ann"])
    avatar = template_avatar(api_client, user_keys["ann"])
    consent = add_consent(api_client, user_keys["ann"])
    api_client.post(f"/api/v1/consents/{consent['id']}/revoke", headers=ann)
    api_client.post(f"/api/v1/consents/{consent['id']}/revoke", headers=ann)  # no second event
    job = api_client.post(
        "/api/v1/generate", json={"script": "Hi.", "avatar": avatar, "voice": "espeak-en"},
        headers={**ann, "X-Request-ID": "req-audit-1"},
    )  # fmt: skip
    assert job.status_code == 202, job.text
    deleted = api_client.delete(f"/api/v1/avatars/{avatar}", headers=ann)
    assert deleted.status_code == 204
    api_client.get("/api/v1/me/export", headers=ann)
    login = api_client.post(
        "/api/v1/auth/token", data={"username": "root@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200, login.text

    expected = {
        "avatar.create": ("avatar", avatar, ann_id),
        "consent.create": ("consent", consent["id"], ann_id),
        "consent.revoke": ("consent", consent["id"], ann_id),
        "job.create": ("job", job.json()["job_id"], ann_id),
        "avatar.delete": ("avatar", avatar, ann_id),
        "user.export": ("user", ann_id, ann_id),
    }
    for action, (kind, resource_id, actor) in expected.items():
        (event,) = _events(database, action)
        assert (event.resource_kind, event.resource_id, event.actor_id) == (
            kind, resource_id, actor,
        ), action  # fmt: skip
        assert event.client_ip == "testclient" and event.request_id
        assert event.time.tzinfo is not None
    assert _events(database, "job.create")[0].request_id == "req-audit-1"
    assert _events(database, "job.create")[0].details == {"type": "video_generation"}
    (signed_in,) = _events(database, "login")
    assert signed_in.actor_id == signed_in.resource_id != ann_id


def test_cli_key_commands_are_audited(
    database: Database, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from persona.cli import main
    from persona.service.settings import get_settings

    monkeypatch.setenv("PERSONA_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    with database.transaction() as session:
        user = add_user(session, "cli@example.com")
    assert main(["keys", "create", "--user", "cli@example.com"]) == 0
    (made,) = _events(database, "key.create")
    assert made.actor_id is None and made.details == {"user_id": user.id}
    assert main(["keys", "revoke", str(made.resource_id)]) == 0
    (revoked,) = _events(database, "key.revoke")
    assert revoked.resource_id == made.resource_id and revoked.resource_kind == "api_key"


def _seed(database: Database) -> dict[str, str]:
    """Events of two users at known times: ann 3 (one an hour ago), bob 2."""
    now = datetime.now(UTC)
    with database.transaction() as session:
        ann, bob = add_user(session, "a@example.com"), add_user(session, "b@example.com")
        done = [(ann, "consent.create"), (ann, "consent.revoke"), (ann, "job.create")]
        for actor, action in [*done, (bob, "job.create"), (bob, "login")]:
            audit.record(session, actor, action, ("thing", "x"))
        old = audit.record(session, ann, "avatar.create", ("avatar", "av_000000000000"))
        old.time = now - timedelta(hours=1)
        return {"ann": ann.id, "bob": bob.id, "cut": (now - timedelta(minutes=30)).isoformat()}


def test_admin_reads_the_log_with_filters_and_pages(
    api_client: TestClient, database: Database, admin_key: str, user_keys: dict[str, str]
) -> None:
    seeded = _seed(database)
    admin = auth(admin_key)

    def page(**query: Any) -> dict[str, Any]:
        response = api_client.get("/api/v1/admin/audit", params=query, headers=admin)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    assert page(user_id=seeded["ann"])["total"] == 4
    assert {e["actor_id"] for e in page(action="job.create")["items"]} == {
        seeded["ann"], seeded["bob"],
    }  # fmt: skip
    assert [e["action"] for e in page(action="consent.")["items"]] == [
        "consent.revoke", "consent.create",
    ]  # newest first  # fmt: skip
    assert page(user_id=seeded["ann"], since=seeded["cut"])["total"] == 3
    assert [e["action"] for e in page(user_id=seeded["ann"], until=seeded["cut"])["items"]] == [
        "avatar.create"
    ]
    naive = seeded["cut"].split("+")[0]  # a time without a zone is UTC
    assert page(user_id=seeded["ann"], since=naive)["total"] == 3
    first, second = page(limit=2, offset=0), page(limit=2, offset=2)
    assert first["total"] == second["total"] >= 6 and len(first["items"]) == 2
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in second["items"]}

    patched = api_client.patch(
        f"/api/v1/admin/users/{seeded['bob']}", json={"quota_bytes": 1 << 20}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    (update,) = page(action="admin.user.update")["items"]
    assert update["resource_id"] == seeded["bob"] and update["details"] == {"quota_bytes": 1 << 20}
    assert update["actor_id"] == _user_id(api_client, admin_key)
    forbidden = api_client.get("/api/v1/admin/audit", headers=auth(user_keys["ann"]))
    assert forbidden.status_code == 403
    assert api_client.get("/api/v1/admin/audit").status_code == 401
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"since": "yesterday"}):
        assert api_client.get("/api/v1/admin/audit", params=bad, headers=admin).status_code == 422


def test_users_read_only_their_own_events(
    api_client: TestClient, user_keys: dict[str, str]
) -> None:
    add_consent(api_client, user_keys["ann"])
    template_avatar(api_client, user_keys["bob"])
    ann_id = _user_id(api_client, user_keys["ann"])
    mine = api_client.get("/api/v1/me/audit", headers=auth(user_keys["ann"])).json()
    assert [e["action"] for e in mine["items"]] == ["consent.create"]
    assert {e["actor_id"] for e in mine["items"]} == {ann_id}
    theirs = api_client.get(
        "/api/v1/me/audit", params={"action": "avatar.create"}, headers=auth(user_keys["bob"])
    ).json()
    assert theirs["total"] == 1


def test_events_outlive_the_account(
    api_client: TestClient, user_keys: dict[str, str], database: Database
) -> None:
    ann_id = _user_id(api_client, user_keys["ann"])
    add_consent(api_client, user_keys["ann"])
    gone = api_client.request(
        "DELETE", "/api/v1/me", json={"confirm": "ann@example.com"},
        headers=auth(user_keys["ann"]),
    )  # fmt: skip
    assert gone.status_code == 200, gone.text
    with database.session() as session:
        kept = list(session.scalars(audit.events_query(user_id=ann_id)))
    assert [e.action for e in kept] == ["user.delete", "consent.create"]
    assert kept[0].details["consents_revoked"] == 1


def test_details_are_stored_as_json(database: Database) -> None:
    with database.transaction() as session:
        event = audit.record(
            session, None, "admin.user.update", ("user", "usr_x"),
            when=datetime(2026, 1, 2, tzinfo=UTC), sizes=(1, 2), note="x" * 10,
        )  # fmt: skip
        assert event.details == {
            "when": "2026-01-02 00:00:00+00:00", "sizes": [1, 2], "note": "x" * 10,
        }  # fmt: skip
        long = audit.record(session, None, "login", None, note="y" * 10_000)
        assert set(long.details) == {"truncated"}
        assert long.resource_kind is None and long.actor_id is None
