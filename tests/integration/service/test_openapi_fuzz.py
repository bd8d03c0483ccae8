"""Property-based tests of the whole API from its own OpenAPI document (schemathesis):
every operation the app has when the test runs gets ``MAX_EXAMPLES`` generated requests,
authenticated with a real API key; none may answer 5xx, and every documented response
must match its schema. Derandomized, so a run is repeatable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from persona.service.app import create_app
from persona.service.auth import create_api_key
from persona.service.db.engine import Database
from persona.service.settings import Settings
from tests.unit.service.servicedb import add_user

MAX_EXAMPLES = 25
STREAMS = {"GET /api/v1/events"}
"""Operations whose response never ends by itself (tested over a real server instead)."""


@pytest.fixture
def fuzz_app(tmp_path: Path, settings: Settings, database: Database) -> Iterator[FastAPI]:
    unlimited = settings.model_copy(update={"rate_limit_per_minute": 1_000_000})
    yield create_app(unlimited, database=database)


@pytest.fixture
def api_key(database: Database) -> str:
    with database.transaction() as session:
        return create_api_key(session, add_user(session, password="a long password")).secret


def _fuzz(schema: schemathesis.BaseSchema, api_key: str) -> list[str]:
    """Run every operation; return one line per failing operation."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in STREAMS:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers={"X-Api-Key": api_key},
                checks=[not_a_server_error, response_schema_conformance],
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises a group
            failures.append(f"{operation.label}: {exc}")
    return failures


@pytest.mark.slow
def test_no_operation_fails_with_a_server_error(fuzz_app: FastAPI, api_key: str) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operations = [result.ok().label for result in schema.get_all_operations()]
    assert "GET /v1/users/me" in operations
    failures = _fuzz(schema, api_key)
    assert not failures, "\n\n".join(failures)
