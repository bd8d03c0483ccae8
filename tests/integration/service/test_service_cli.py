"""``persona users``, ``persona keys`` and ``persona db``: run through ``persona.cli.main``
against a database in a private data directory (and PostgreSQL once)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Protocol

import pytest

from persona.cli import main
from persona.service.auth import verify_api_key
from persona.service.db.engine import Database
from persona.service.settings import get_settings

Run = tuple[int, str, str]


class Persona(Protocol):
    def __call__(self, *argv: str, stdin: str | None = None) -> Run: ...


@pytest.fixture
def persona(capsys: pytest.CaptureFixture[str]) -> Persona:
    """``persona(*argv, stdin=None)`` → (exit code, stdout, stderr)."""

    def run(*argv: str, stdin: str | None = None) -> Run:
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            code = main(list(argv))
        finally:
            sys.stdin = sys.__stdin__
            get_settings.cache_clear()
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_users_create_and_list(persona: Persona) -> None:
    code, out, _ = persona("users", "create", "Ann@Example.com", "--admin")
    assert code == 0 and out.startswith("created admin ann@example.com (usr_")
    code, out, _ = persona("users", "create", "bob@example.com", "--quota", "2GiB", "--json")
    bob = json.loads(out)
    assert code == 0 and bob["quota_bytes"] == 2 << 30 and bob["role"] == "user"
    code, out, _ = persona("users", "list")
    assert code == 0 and "ann@example.com" in out and "0 bytes of 1.0 GiB" in out
    listed = json.loads(persona("users", "list", "--json")[1])
    assert [u["email"] for u in listed] == ["ann@example.com", "bob@example.com"]
    assert listed[1]["used_bytes"] == 0


def test_users_create_refuses_bad_input(persona: Persona) -> None:
    persona("users", "create", "ann@example.com")
    code, _, err = persona("users", "create", "ANN@example.com")
    assert code == 2 and "error: a user with email ann@example.com already exists" in err
    code, _, err = persona("users", "create", "not-an-email")
    assert code == 2 and "not an email address" in err
    code, _, err = persona("users", "create", "c@example.com", "--password-stdin", stdin="")
    assert code == 2 and "no password on standard input" in err
    code, _, err = persona("users", "create", "c@example.com", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 8 characters" in err
    with pytest.raises(SystemExit):
        persona("users", "create", "c@example.com", "--quota", "lots")


def test_password_from_stdin_signs_in(persona) -> None:
    code, *_ = persona(
        "users", "create", "ann@example.com", "--password-stdin", stdin="pa ss word\n"
    )
    assert code == 0
    from persona.service.auth import authenticate_password

    database = Database.from_settings(get_settings())
    with database.session() as session:
        assert authenticate_password(session, "ann@example.com", "pa ss word").email
    database.dispose()


def test_keys_are_printed_once_and_work(persona: Persona) -> None:
    persona("users", "create", "ann@example.com")
    code, out, err = persona("keys", "create", "--name", "laptop")  # the only user
    key = out.strip()
    assert code == 0 and key.startswith("ps_") and "only time the key is shown" in err
    database = Database.from_settings(get_settings())
    with database.transaction() as session:
        assert verify_api_key(session, key).email == "ann@example.com"
    database.dispose()
    listing = persona("keys", "list")[1]
    assert key[:12] in listing and key not in listing and "laptop" in listing
    made = json.loads(persona("keys", "create", "--user", "ann@example.com", "--json")[1])
    assert made["key"].startswith(made["prefix"]) and made["user"] == "ann@example.com"
    assert all("key" not in k for k in json.loads(persona("keys", "list", "--json")[1]))


def test_keys_revoke(persona: Persona) -> None:
    persona("users", "create", "ann@example.com")
    key = persona("keys", "create")[1].strip()
    code, out, _ = persona("keys", "revoke", key[:12])
    assert code == 0 and out.startswith("revoked key_")
    assert "revoked" in persona("keys", "list")[1]
    code, _, err = persona("keys", "revoke", "key_doesnotexist")
    assert code == 2 and "no API key 'key_doesnotexist'" in err


def test_keys_create_needs_a_known_owner(persona: Persona) -> None:
    code, _, err = persona("keys", "create")
    assert code == 2 and "no users yet" in err
    persona("users", "create", "ann@example.com")
    persona("users", "create", "bob@example.com")
    code, _, err = persona("keys", "create")
    assert code == 2 and "there are 2 users" in err
    code, _, err = persona("keys", "create", "--user", "ghost@example.com")
    assert code == 2 and "no user with email ghost@example.com" in err


def test_db_upgrade_and_current(persona: Persona) -> None:
    code, out, _ = persona("db", "current")
    assert code == 0 and "none (empty database)" in out and "newest is 0005" in out
    code, out, _ = persona("db", "upgrade")
    assert code == 0 and "schema revision 0005 (newest)" in out


def test_insecure_production_settings_stop_every_command(
    persona: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONA_ENVIRONMENT", "production")
    code, _, err = persona("users", "list")
    assert code == 2 and "refusing these settings (production)" in err
    assert "PERSONA_SECRET_KEY" in err and "PERSONA_ALLOW_SQLITE_IN_PRODUCTION" in err


def test_an_unreachable_database_is_one_line(
    persona: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONA_DATABASE_URL", "postgresql://persona:secret@127.0.0.1:1/none")
    code, _, err = persona("users", "list")
    assert (
        code == 1 and "cannot use the database postgresql+psycopg://persona:***@127.0.0.1:1" in err
    )
    assert "secret" not in err


@pytest.mark.postgres
def test_admin_commands_on_postgres(
    persona: Persona, pg_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PERSONA_DATABASE_URL", url)
    assert "schema revision 0005 (newest)" in persona("db", "upgrade")[1]
    assert persona("users", "create", "ann@example.com", "--admin")[0] == 0
    key = persona("keys", "create")[1].strip()
    with pg_database.session() as session:
        assert verify_api_key(session, key).email == "ann@example.com"


def test_persona_starts_without_importing_the_service() -> None:
    probe = (
        "import sys, persona.cli; heavy = ('sqlalchemy', 'fastapi', 'alembic', 'boto3', 'jwt',"
        " 'pydantic_settings'); print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)),"
        " sorted(m for m in sys.modules if m.startswith('persona.service')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[] ['persona.service', 'persona.service.commands']"
