"""Service settings: defaults for one machine, PERSONA_* variables, and production
refusing insecure values with a message that names every variable to set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from persona.service.errors import SettingsError
from persona.service.settings import (
    DEV_SECRET_KEY,
    GIB,
    Settings,
    get_settings,
    load_settings,
)

GOOD_SECRET = "x" * 48
PG = "postgresql://persona:pw@db.internal:5432/persona"


def test_defaults_run_on_one_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONA_DATA_DIR", str(tmp_path / "d"))
    settings = load_settings()
    assert settings.environment == "development"
    assert settings.db_url == f"sqlite:///{(tmp_path / 'd' / 'persona.db').absolute()}"
    assert settings.is_sqlite and settings.embedded_worker
    assert settings.storage_backend == "local"
    assert settings.storage_root == tmp_path / "d" / "media"
    assert settings.default_quota_bytes == GIB
    assert settings.rate_limit_per_minute == 100
    assert settings.http_webhooks_allowed
    assert settings.signing_key() == DEV_SECRET_KEY


def test_environment_variables_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONA_DATABASE_URL", PG)
    monkeypatch.setenv("PERSONA_BROKER_URL", "redis://localhost:6379/0")
    monkeypatch.setenv("PERSONA_RATE_LIMIT_PER_MINUTE", "250")
    monkeypatch.setenv("PERSONA_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("PERSONA_S3_BUCKET", "media")
    settings = load_settings()
    assert settings.db_url == "postgresql+psycopg://persona:pw@db.internal:5432/persona"
    assert not settings.is_sqlite and not settings.embedded_worker
    assert settings.rate_limit_per_minute == 250
    assert settings.s3_bucket == "media"


def test_secrets_do_not_show_in_repr() -> None:
    settings = Settings(secret_key=GOOD_SECRET, s3_access_key_id="a", s3_secret_access_key="b" * 9)
    assert GOOD_SECRET not in repr(settings)
    assert "b" * 9 not in repr(settings)
    assert settings.signing_key() == GOOD_SECRET


def test_production_refuses_the_insecure_defaults_listing_each() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings(environment="production", allow_http_webhooks=True)
    message = str(caught.value)
    assert "production" in message
    assert "PERSONA_SECRET_KEY (it is missing" in message
    assert "PERSONA_ALLOW_SQLITE_IN_PRODUCTION=true" in message
    assert "PERSONA_ALLOW_HTTP_WEBHOOKS=false" in message
    assert message.count("\n  - ") == 3


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("short-secret", "at least 32 characters (it has 12)"),
        (DEV_SECRET_KEY, "well-known default"),
        ("changethis", "well-known default"),
    ],
)
def test_production_refuses_weak_secret_keys(secret: str, expected: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(expected)):
        Settings(environment="production", secret_key=secret, database_url=PG)


def test_production_accepts_secure_settings() -> None:
    settings = Settings(environment="production", secret_key=GOOD_SECRET, database_url=PG)
    assert settings.is_production and not settings.http_webhooks_allowed
    lone = Settings(
        environment="production", secret_key=GOOD_SECRET, allow_sqlite_in_production=True
    )
    assert lone.is_sqlite


def test_production_is_checked_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONA_ENVIRONMENT", "production")
    monkeypatch.setenv("PERSONA_SECRET_KEY", "too-short")
    with pytest.raises(SettingsError, match="PERSONA_SECRET_KEY to at least 32"):
        get_settings()


def test_backend_problems_are_refused_in_development_too() -> None:
    with pytest.raises(SettingsError, match="PERSONA_S3_BUCKET"):
        Settings(storage_backend="s3")
    with pytest.raises(SettingsError, match="PERSONA_S3_SECRET_ACCESS_KEY, or neither"):
        Settings(s3_access_key_id="only-the-id")
    with pytest.raises(SettingsError, match="sqlite:/// or postgresql://"):
        Settings(database_url="mysql://root@localhost/persona")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("PERSONA_ENVIRONMENT", "prod", "PERSONA_ENVIRONMENT: Input should be 'development'"),
        ("PERSONA_RATE_LIMIT_PER_MINUTE", "0", "PERSONA_RATE_LIMIT_PER_MINUTE: Input should be"),
        ("PERSONA_UPLOAD_MAX_BYTES", "lots", "PERSONA_UPLOAD_MAX_BYTES: Input should be"),
        ("PERSONA_STORAGE_BACKEND", "ftp", "PERSONA_STORAGE_BACKEND: Input should be 'local'"),
    ],
)
def test_bad_values_name_their_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=expected):
        load_settings()


def test_get_settings_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONA_RATE_LIMIT_PER_MINUTE", "7")
    first = get_settings()
    monkeypatch.setenv("PERSONA_RATE_LIMIT_PER_MINUTE", "8")
    assert get_settings() is first and first.rate_limit_per_minute == 7
    get_settings.cache_clear()
    assert get_settings().rate_limit_per_minute == 8


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.rate_limit_per_minute = 5  # type: ignore[misc]
