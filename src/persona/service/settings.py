"""The service's settings, read from ``PERSONA_*`` environment variables.

Defaults run one process on one machine: SQLite and media files in the data directory
(``PERSONA_DATA_DIR``, default ``./persona-data``), the job worker embedded in the API
process. The same code scales out by settings alone: ``PERSONA_DATABASE_URL`` names a
PostgreSQL server, ``PERSONA_BROKER_URL`` a Redis broker for separate workers, and
``PERSONA_STORAGE_BACKEND=s3`` any S3-compatible object store.

With ``PERSONA_ENVIRONMENT=production`` insecure choices are refused with one
:class:`~persona.service.errors.SettingsError` that lists every variable to set: a missing,
short or well-known secret key, SQLite without an explicit opt-in, plain-http webhooks.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from persona import paths
from persona.service.errors import SettingsError

ENV_PREFIX = "PERSONA_"
MIN_SECRET_LENGTH = 32
DEV_SECRET_KEY = "persona-development-secret-key-do-not-use-in-production"
"""Signs tokens in development when no key is set; refused in production."""
KNOWN_DEFAULT_SECRETS = frozenset(
    {DEV_SECRET_KEY, "changethis", "change-me", "changeme", "secret", "secret-key", "dev"}
)
GIB = 1 << 30
MIB = 1 << 20
NEW_SECRET_HINT = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


class Settings(BaseSettings):
    """Every knob of the service. Frozen: build a new one to change a value."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Field(default_factory=paths.data_dir)
    database_url: str | None = None
    """``None``: SQLite in ``data_dir/persona.db``. ``postgresql://…`` for PostgreSQL."""
    allow_sqlite_in_production: bool = False
    broker_url: str | None = None
    """``None``: the worker runs inside ``persona serve``. ``redis://…`` for Celery."""

    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path | None = None
    """Local backend root; ``None``: ``data_dir/media``."""
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_prefix: str = ""

    secret_key: SecretStr | None = None
    access_token_expire_s: int = Field(default=24 * 3600, ge=60)
    default_quota_bytes: int = Field(default=GIB, ge=0)
    rate_limit_per_minute: int = Field(default=100, ge=1)
    upload_max_bytes: int = Field(default=512 * MIB, ge=1)
    allow_http_webhooks: bool = False
    allow_private_webhooks: bool = False
    """Let production webhooks reach loopback and private networks (development always may)."""
    webhook_secret: SecretStr | None = None
    """Signs webhook callbacks; ``None``: a key derived from the secret key."""
    log_format: Literal["text", "json"] = "text"
    """``json``: one JSON object per log line (request id, user id, job id included)."""
    job_lease_s: int = Field(default=60, ge=5)
    """How long a worker's claim on a job lasts without a heartbeat."""
    moderation: Literal["block", "review", "off"] = "block"
    """What a flagged script does: refused (422), held for an admin's review, or nothing."""
    moderation_min_severity: Literal["low", "medium", "high"] = "medium"
    """Findings below this severity are not acted on."""

    @model_validator(mode="after")
    def _refuse_unusable(self) -> Settings:
        problems = self.problems()
        if problems:
            where = "production" if self.is_production else self.environment
            lines = "\n".join(f"  - {p}" for p in problems)
            raise SettingsError(f"refusing these settings ({where}); set:\n{lines}")
        return self

    def problems(self) -> list[str]:
        """What must change before these settings can be used, one line each."""
        found = self._backend_problems()
        if self.is_production:
            found += self._production_problems()
        return found

    def _backend_problems(self) -> list[str]:
        found: list[str] = []
        url = self.db_url
        if not (url.startswith("sqlite") or url.startswith("postgresql+psycopg://")):
            found.append("PERSONA_DATABASE_URL to a sqlite:/// or postgresql:// URL")
        if self.storage_backend == "s3" and not self.s3_bucket:
            found.append("PERSONA_S3_BUCKET (PERSONA_STORAGE_BACKEND is s3)")
        if (self.s3_access_key_id is None) != (self.s3_secret_access_key is None):
            found.append(
                "both PERSONA_S3_ACCESS_KEY_ID and PERSONA_S3_SECRET_ACCESS_KEY, or neither"
            )
        return found

    def _production_problems(self) -> list[str]:
        found: list[str] = []
        secret = self.secret_key.get_secret_value() if self.secret_key else ""
        if not secret:
            found.append(f"PERSONA_SECRET_KEY (it is missing; make one with {NEW_SECRET_HINT})")
        elif secret in KNOWN_DEFAULT_SECRETS:
            found.append("PERSONA_SECRET_KEY to a value of your own (it is a well-known default)")
        elif len(secret) < MIN_SECRET_LENGTH:
            found.append(
                f"PERSONA_SECRET_KEY to at least {MIN_SECRET_LENGTH} characters "
                f"(it has {len(secret)})"
            )
        if self.is_sqlite and not self.allow_sqlite_in_production:
            found.append(
                "PERSONA_DATABASE_URL to a postgresql:// URL, or "
                "PERSONA_ALLOW_SQLITE_IN_PRODUCTION=true for a single-machine install"
            )
        if self.allow_http_webhooks:
            found.append("PERSONA_ALLOW_HTTP_WEBHOOKS=false (webhooks must use https://)")
        return found

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL: SQLite by default; ``postgresql://`` uses psycopg 3."""
        if not self.database_url:
            return f"sqlite:///{(self.data_dir / 'persona.db').absolute()}"
        url = self.database_url
        for plain in ("postgres://", "postgresql://"):
            if url.startswith(plain):
                return "postgresql+psycopg://" + url[len(plain) :]
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    @property
    def storage_root(self) -> Path:
        return self.storage_dir or self.data_dir / "media"

    @property
    def embedded_worker(self) -> bool:
        return self.broker_url is None

    @property
    def http_webhooks_allowed(self) -> bool:
        return self.allow_http_webhooks or not self.is_production

    def signing_key(self) -> str:
        """The key that signs access tokens (the development key when none is set)."""
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        return DEV_SECRET_KEY


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with ``overrides`` on top; bad values raise
    :class:`SettingsError` naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ENV_PREFIX + "_".join(str(part) for part in error["loc"]).upper()
            lines.append(f"  - {name}: {error['msg']}")
        raise SettingsError("invalid settings:\n" + "\n".join(lines)) from None


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once (``get_settings.cache_clear()`` to re-read)."""
    return load_settings()
