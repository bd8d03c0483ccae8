"""Shared set-up for the moderation tests: a user and an admin, and a client of an app
whose moderation policy is ``block``, ``review`` or ``off``."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.unit.service.servicedb import add_user, sqlite_settings

from persona.service.app import create_app
from persona.service.auth import create_api_key
from persona.service.db.engine import Database
from persona.service.db.models import Role
from persona.service.settings import Settings


def user_and_admin_keys(database: Database) -> dict[str, str]:
    """API keys of ``ann`` (a user) and ``root`` (an admin)."""
    with database.transaction() as session:
        ann = add_user(session)
        root = add_user(session, "root@example.com", role=Role.ADMIN)
        made = {"ann": create_api_key(session, ann), "root": create_api_key(session, root)}
        return {name: key.secret for name, key in made.items()}


def client_for(settings: Settings, database: Database, mode: str) -> TestClient:
    """A client of an app like ``settings`` with the moderation policy ``mode``."""
    changed = sqlite_settings(settings.data_dir, moderation=mode)
    return TestClient(create_app(changed, database=database))
