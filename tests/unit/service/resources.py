"""Fixtures of the resource and compatibility route tests: an app on SQLite with two
users (ann and bob) and their API keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.unit.service.servicedb import add_user

from persona.service.app import create_app
from persona.service.auth import create_api_key
from persona.service.db.engine import Database
from persona.service.settings import Settings


@pytest.fixture
def api_client(settings: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


@pytest.fixture
def user_keys(database: Database) -> dict[str, str]:
    with database.transaction() as session:
        ann, bob = add_user(session), add_user(session, "bob@example.com")
        return {
            "ann": create_api_key(session, ann).secret,
            "bob": create_api_key(session, bob).secret,
        }


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
