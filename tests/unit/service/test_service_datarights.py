"""``GET /api/v1/me/export`` and ``DELETE /api/v1/me`` (and the admin and CLI ways to
do the same): an export holds every file of the user and nothing of anyone else; a
deletion leaves nothing of them but revoked, blanked consent records and the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.unit.service.jobclient import headers, make_keys, service
from tests.unit.service.rightsdata import (
    add_consent,
    checked_manifest,
    finished_speech_job,
    png_bytes,
    read_zip,
    sha256,
    template_avatar,
    upload,
)
from tests.unit.service.servicedb import add_user

from persona.service.auth import create_api_key, get_user_by_email
from persona.service.db.engine import Database
from persona.service.db.models import ApiKey, Asset, AuditEvent, Job, OwnedResource, Role, User
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage
from persona.service.storage.usage import usage_bytes


@dataclass
class World:
    """Two users with uploads, an avatar, a consent and a finished job each."""

    client: TestClient
    keys: dict[str, str]
    ids: dict[str, str]
    made: dict[str, dict[str, Any]]


@pytest.fixture
def world(settings: Settings, database: Database, storage: LocalStorage) -> Iterator[World]:
    keys = make_keys(database)
    with database.transaction() as session:
        ids = {name: get_user_by_email(session, f"{name}@example.com").id for name in keys}
    with service(settings, database, storage) as (client, _pool):
        made: dict[str, dict[str, Any]] = {}
        for seed, name in enumerate(keys):
            made[name] = {
                "asset": upload(client, keys[name], png_bytes(seed)),
                "avatar": template_avatar(client, keys[name]),
                "consent": add_consent(client, keys[name], subject=f"Subject of {name}"),
                "job": finished_speech_job(client, keys[name], f"Hello from {name}."),
            }
        yield World(client, keys, ids, made)


def _export(world: World, name: str) -> dict[str, bytes]:
    response = world.client.get("/api/v1/me/export", headers=headers(world.keys[name]))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    return read_zip(response.content)


def test_export_holds_every_file_of_the_user_and_nothing_else(
    world: World, database: Database, storage: LocalStorage
) -> None:
    entries = _export(world, "ann")
    manifest = checked_manifest(entries)
    ann, bob = world.ids["ann"], world.ids["bob"]
    assert manifest["user_id"] == ann and manifest["missing"] == []
    with database.session() as session:
        mine = list(session.scalars(select(Asset).where(Asset.user_id == ann)))
        theirs = list(session.scalars(select(Asset).where(Asset.user_id == bob)))
    assert len(mine) >= 2  # the upload and the job's speech.wav
    listing = {f["id"]: f for f in json.loads(entries["files.json"])}
    assert set(listing) == {a.id for a in mine}
    for asset in mine:
        path = listing[asset.id]["path"]
        assert sha256(entries[path]) == asset.sha256 == listing[asset.id]["sha256"]
        assert entries[path] == b"".join(storage.open(asset.storage_key))
    job_id = world.made["ann"]["job"]["id"]
    assert f"files/jobs/{job_id}/speech.wav" in entries

    account = json.loads(entries["account.json"])
    assert account["user"]["email"] == "ann@example.com"
    assert account["user"]["usage_bytes"] == sum(a.size_bytes for a in mine)
    (key,) = account["api_keys"]
    assert world.keys["ann"].startswith(key["prefix"]) and "secret_hash" not in key
    assert world.keys["ann"] not in entries["account.json"].decode()  # no secret
    assert [j["id"] for j in json.loads(entries["jobs.json"])] == [job_id]
    avatar, consent = world.made["ann"]["avatar"], world.made["ann"]["consent"]["id"]
    assert json.loads(entries[f"avatars/{avatar}/avatar.json"])["id"] == avatar
    assert json.loads(entries[f"consents/{consent}.json"])["subject"] == "Subject of ann"
    actions = {e["action"] for e in json.loads(entries["audit.json"])}
    assert {"job.create", "avatar.create", "consent.create", "user.export"} <= actions

    # nothing of bob's: no file, no id, no content
    everything = b"\n".join(entries.values())
    for asset in theirs:
        assert asset.id.encode() not in everything
        assert asset.sha256 not in {sha256(data) for data in entries.values()}
    for value in (bob, "bob@example.com", world.made["bob"]["avatar"], "Subject of bob"):
        assert value.encode() not in everything


def test_export_of_a_user_with_nothing(api_client: TestClient, user_keys: dict[str, str]) -> None:
    response = api_client.get("/api/v1/me/export", headers=headers(user_keys["bob"]))
    entries = read_zip(response.content)
    checked_manifest(entries)
    assert json.loads(entries["jobs.json"]) == [] and json.loads(entries["files.json"]) == []
    assert api_client.get("/api/v1/me/export").status_code == 401


def _rows(database: Database, user_id: str) -> dict[str, int]:
    with database.session() as session:
        return {
            model.__tablename__: session.scalar(
                select(func.count()).select_from(model).where(model.user_id == user_id)
            )
            or 0
            for model in (Job, Asset, OwnedResource, ApiKey)
        }


def _files_under(storage: LocalStorage, user_id: str) -> list[Path]:
    folder = Path(storage.root) / "users" / user_id
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_wrong_confirmation_deletes_nothing(world: World, database: Database) -> None:
    ann = headers(world.keys["ann"])
    for body in ({"confirm": "bob@example.com"}, {"confirm": ""}, {}, {"confirm": 5}):
        response = world.client.request("DELETE", "/api/v1/me", json=body, headers=ann)
        assert response.status_code == 422, body
    assert world.client.get("/api/v1/users/me", headers=ann).status_code == 200
    assert _rows(database, world.ids["ann"])["jobs"] == 1


def test_deleting_me_leaves_nothing_of_mine_and_everything_of_theirs(
    world: World, database: Database, storage: LocalStorage
) -> None:
    from persona.avatar.store import AvatarStore
    from persona.consent import get_consent

    ann, bob = world.ids["ann"], world.ids["bob"]
    assert _files_under(storage, ann) and _rows(database, ann)["assets"] >= 2
    bob_before = (_rows(database, bob), sorted(_files_under(storage, bob)))
    response = world.client.request(
        "DELETE", "/api/v1/me", json={"confirm": " Ann@Example.com "},
        headers=headers(world.keys["ann"]),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["jobs"] == 1 and report["files"] >= 2 and report["avatars"] == 1
    assert report["consents_revoked"] == 1 and report["api_keys"] == 1

    assert _rows(database, ann) == {"jobs": 0, "assets": 0, "owned_resources": 0, "api_keys": 0}
    with database.session() as session:
        assert session.get(User, ann) is None
        assert usage_bytes(session, ann) == 0
        deleted = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.delete"))
        event = deleted.one()
        assert event.actor_id == ann and event.resource_id == ann
        assert session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_id == ann)
        ) > 3  # fmt: skip
    assert _files_under(storage, ann) == []
    assert world.made["ann"]["avatar"] not in AvatarStore().ids()
    consent = get_consent(world.made["ann"]["consent"]["id"])
    assert consent.revoked and consent.subject == consent.statement == consent.uploader == ""
    assert world.client.get("/api/v1/users/me", headers=headers(world.keys["ann"])).status_code == (
        401
    )

    # bob is untouched
    assert (_rows(database, bob), sorted(_files_under(storage, bob))) == bob_before
    bob_key = headers(world.keys["bob"])
    job_id = world.made["bob"]["job"]["id"]
    wav = world.client.get(f"/api/v1/jobs/{job_id}/files/speech.wav", headers=bob_key)
    assert wav.status_code == 200 and wav.content[:4] == b"RIFF"
    assert world.made["bob"]["avatar"] in AvatarStore().ids()
    bob_consent = world.client.get(
        f"/api/v1/consents/{world.made['bob']['consent']['id']}", headers=bob_key
    )
    assert bob_consent.json()["subject"] == "Subject of bob"


def test_admin_deletes_a_user(world: World, database: Database, storage: LocalStorage) -> None:
    with database.transaction() as session:
        admin = add_user(session, "root@example.com", role=Role.ADMIN)
        admin_key = create_api_key(session, admin).secret
    bob = world.ids["bob"]
    as_ann = world.client.delete(f"/api/v1/admin/users/{bob}", headers=headers(world.keys["ann"]))
    assert as_ann.status_code == 403
    unknown = world.client.delete("/api/v1/admin/users/usr_nobody", headers=headers(admin_key))
    assert unknown.status_code == 404
    done = world.client.delete(f"/api/v1/admin/users/{bob}", headers=headers(admin_key))
    assert done.status_code == 200 and done.json()["user_id"] == bob
    assert _rows(database, bob) == {"jobs": 0, "assets": 0, "owned_resources": 0, "api_keys": 0}
    assert _files_under(storage, bob) == []
    assert _rows(database, world.ids["ann"])["jobs"] == 1
    with database.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.delete")).one()
        assert event.actor_id == admin.id and event.resource_id == bob


def test_cli_exports_and_deletes_a_user(
    world: World,
    database: Database,
    storage: LocalStorage,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from persona.cli import main
    from persona.service.settings import get_settings

    monkeypatch.setenv("PERSONA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PERSONA_SECRET_KEY", settings.secret_key.get_secret_value())
    get_settings.cache_clear()
    target = tmp_path / "ann.zip"
    assert main(["users", "export", "ann@example.com", "-o", str(target)]) == 0
    entries = read_zip(target.read_bytes())
    assert checked_manifest(entries)["user_id"] == world.ids["ann"]
    assert main(["users", "export", "ann@example.com", "-o", str(tmp_path / "x.txt")]) == 2
    assert main(["users", "delete", "ann@example.com"]) == 2  # no --yes
    assert "--yes" in capsys.readouterr().err
    assert _rows(database, world.ids["ann"])["jobs"] == 1
    assert main(["users", "delete", "ann@example.com", "--yes"]) == 0
    assert _rows(database, world.ids["ann"])["jobs"] == 0
    assert _files_under(storage, world.ids["ann"]) == []
    assert main(["users", "delete", "ann@example.com", "--yes"]) == 2  # gone
