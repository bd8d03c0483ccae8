"""The API foundation through FastAPI's TestClient: service info, health, error
mapping, and the authentication dependency (API keys, access tokens, roles)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.unit.service.servicedb import add_user

from persona import __version__
from persona.errors import EncodeError, InputError
from persona.service.api.deps import AdminUser, CurrentUser
from persona.service.api.errors import status_for
from persona.service.app import create_app
from persona.service.auth import create_api_key, issue_token, revoke_api_key
from persona.service.db.base import utcnow
from persona.service.db.engine import Database
from persona.service.db.models import Role, User
from persona.service.errors import (
    AuthError,
    IllegalTransitionError,
    NotFoundError,
    QuotaExceededError,
    StorageError,
    StorageKeyError,
)
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage

PASSWORD = "a long password"


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    app = create_app(settings, database=database)

    @app.get("/v1/admin-only")
    def admin_only(user: AdminUser) -> dict[str, str]:
        return {"admin": user.email}

    @app.get("/v1/missing")
    def missing(_user: CurrentUser) -> None:
        raise NotFoundError("no job 'job_x'")

    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def keys(database: Database) -> dict[str, str]:
    """An active key of a user, a revoked one, and an admin's key."""
    with database.transaction() as session:
        ann = add_user(session, password=PASSWORD)
        root = add_user(session, "root@example.com", role=Role.ADMIN)
        active = create_api_key(session, ann).secret
        revoked = create_api_key(session, ann)
        revoke_api_key(session, revoked.record.id)
        return {
            "ann": active,
            "revoked": revoked.secret,
            "root": create_api_key(session, root).secret,
        }


def test_root_describes_the_service(client: TestClient) -> None:
    body = client.get("/").json()
    assert body == {
        "name": "Persona Studio",
        "version": __version__,
        "links": {"docs": "/docs", "openapi": "/openapi.json", "health": "/health"},
    }
    assert client.get("/docs").status_code == 200
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    assert schemes["APIKeyHeader"]["name"] == "X-Api-Key"


def test_health_reports_database_storage_and_versions(client: TestClient) -> None:
    response = client.get("/health")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["database"] == {"ok": True, "detail": "sqlite reachable"}
    assert body["storage"] == {"ok": True, "detail": "local writable"}
    assert body["versions"]["schema"] == "0005" and body["versions"]["persona"] == __version__
    assert {"python", "fastapi", "sqlalchemy", "database"} <= set(body["versions"])


def test_health_is_503_when_storage_is_not_writable(settings: Settings, database: Database) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "blocked").write_text("a file where a folder should be")
    app = create_app(
        settings, database=database, storage=LocalStorage(settings.data_dir / "blocked")
    )
    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"
    assert response.json()["storage"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_health_is_503_before_the_database_is_migrated(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert "run `persona db upgrade`" in response.json()["database"]["detail"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic YW5uOnB3"}, {"Authorization": "Bearer "}, {"X-Api-Key": ""}],
)
def test_no_credentials_is_401(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/v1/users/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"
    assert response.json()["detail"].startswith("missing credentials")


def test_api_keys_authenticate_in_either_header(client: TestClient, keys: dict[str, str]) -> None:
    for headers in ({"Authorization": f"Bearer {keys['ann']}"}, {"X-Api-Key": keys["ann"]}):
        response = client.get("/v1/users/me", headers=headers)
        assert response.status_code == 200
        me = response.json()
        assert me["email"] == "ann@example.com" and me["role"] == "user"
        assert set(me) == {"id", "email", "display_name", "role", "quota_bytes", "created_at"}


@pytest.mark.parametrize(
    ("which", "message"),
    [("revoked", "this API key was revoked"), ("bogus", "unknown API key"), ("short", "malformed")],
)
def test_bad_api_keys_are_401(
    client: TestClient, keys: dict[str, str], which: str, message: str
) -> None:
    key = {"bogus": "ps_" + "A" * 43, "short": "ps_abc"}.get(which) or keys[which]
    response = client.get("/v1/users/me", headers={"X-Api-Key": key})
    assert response.status_code == 401 and message in response.json()["detail"]


def test_password_login_gives_a_working_token(client: TestClient, keys: dict[str, str]) -> None:
    form = {"username": "Ann@example.com", "password": PASSWORD}
    response = client.post("/v1/auth/token", data=form)
    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "bearer" and token["expires_in"] == 24 * 3600
    me = client.get("/v1/users/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 200 and me.json()["email"] == "ann@example.com"
    wrong = client.post("/v1/auth/token", data={**form, "password": "not it at all"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == "wrong email or password"


def test_expired_or_garbled_tokens_are_401(
    client: TestClient, settings: Settings, database: Database, keys: dict[str, str]
) -> None:
    with database.session() as session:
        ann = session.query(User).filter_by(email="ann@example.com").one()
    old = issue_token(ann, settings, expires_in_s=60, now=utcnow() - timedelta(minutes=5))
    for token, message in ((old, "expired"), ("abc.def.ghi", "invalid access token")):
        response = client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401 and message in response.json()["detail"]


def test_admin_routes_need_the_admin_role(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get("/v1/admin-only", headers={"X-Api-Key": keys["ann"]}).status_code == 403
    ok = client.get("/v1/admin-only", headers={"X-Api-Key": keys["root"]})
    assert ok.status_code == 200 and ok.json() == {"admin": "root@example.com"}
    assert client.get("/v1/admin-only").status_code == 401


def test_service_errors_map_to_statuses(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/v1/missing", headers={"X-Api-Key": keys["ann"]})
    assert response.status_code == 404
    assert response.json() == {"detail": "no job 'job_x'", "code": "not_found"}
    assert status_for(AuthError("x")) == (401, "unauthorized")
    assert status_for(IllegalTransitionError("x")) == (409, "illegal_transition")
    assert status_for(QuotaExceededError("x")) == (413, "quota_exceeded")
    assert status_for(StorageKeyError("x")) == (400, "bad_key")
    assert status_for(InputError("x")) == (422, "invalid_input")
    assert status_for(StorageError("x")) == (503, "storage_unavailable")
    assert status_for(EncodeError("x")) == (500, "engine_error")
