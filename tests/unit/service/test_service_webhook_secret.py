"""``/api/v1/users/me/webhook-secret``: a user's own webhook signing secret, shown once,
rotated and dropped; the secret that then signs their jobs' webhooks."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.unit.service.resources import auth

from persona.service.db.engine import Database
from persona.service.db.models import Job, User
from persona.service.jobs.repository import create_job
from persona.service.settings import Settings
from persona.service.webhooks import secret_for, webhook_secret

ROUTE = "/api/v1/users/me/webhook-secret"


def _owner_secret(database: Database, settings: Settings, email: str) -> str:
    """The secret that would sign a webhook of a job of the user ``email`` now."""
    with database.transaction() as session:
        user = session.query(User).filter(User.email == email).one()
        job = create_job(session, user_id=user.id, job_type="music_generation")
        return secret_for(session, session.get(Job, job.id), settings)  # type: ignore[arg-type]


def test_a_secret_is_shown_once_rotated_and_dropped(
    api_client: TestClient, user_keys: dict[str, str], database: Database, settings: Settings
) -> None:
    service_secret = webhook_secret(settings)
    assert _owner_secret(database, settings, "ann@example.com") == service_secret
    made = api_client.post(ROUTE, headers=auth(user_keys["ann"]))
    assert made.status_code == 201, made.text
    first = made.json()["webhook_secret"]
    assert first.startswith("whsec_") and "once" in made.json()["note"]
    assert _owner_secret(database, settings, "ann@example.com") == first
    assert _owner_secret(database, settings, "bob@example.com") == service_secret
    me = api_client.get("/v1/users/me", headers=auth(user_keys["ann"])).json()
    assert first not in str(me)  # never shown again
    second = api_client.post(ROUTE, headers=auth(user_keys["ann"])).json()["webhook_secret"]
    assert second != first
    assert _owner_secret(database, settings, "ann@example.com") == second
    assert api_client.delete(ROUTE, headers=auth(user_keys["ann"])).status_code == 204
    assert _owner_secret(database, settings, "ann@example.com") == service_secret


def test_the_secret_routes_need_credentials(api_client: TestClient) -> None:
    assert api_client.post(ROUTE).status_code == 401
    assert api_client.delete(ROUTE).status_code == 401
