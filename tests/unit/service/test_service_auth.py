"""Users, passwords, API keys and access tokens against a real (SQLite) database."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select
from tests.unit.service.servicedb import add_user

from persona.errors import InputError
from persona.service.auth import (
    API_KEY_PREFIX_LENGTH,
    authenticate,
    authenticate_password,
    create_api_key,
    create_user,
    get_user_by_email,
    hash_password,
    issue_token,
    list_api_keys,
    require_admin,
    revoke_api_key,
    verify_api_key,
    verify_password,
    verify_token,
)
from persona.service.db.base import utcnow
from persona.service.db.engine import Database
from persona.service.db.models import ApiKey, Role, User
from persona.service.errors import AuthError, ConflictError, NotFoundError, PermissionDeniedError
from persona.service.settings import Settings


def test_password_hashes_are_salted_scrypt() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("scrypt$16384$8$1$") and first != second
    assert verify_password("correct horse", first) and verify_password("correct horse", second)
    assert not verify_password("correct horsE", first)
    assert not verify_password("correct horse", None)
    assert not verify_password("correct horse", "md5$abc")
    assert not verify_password("correct horse", "scrypt$x$y$z$not-base64$!")
    with pytest.raises(InputError, match="at least 8 characters"):
        hash_password("short")


def test_create_user_normalizes_and_refuses_duplicates(database: Database) -> None:
    with database.transaction() as session:
        user = create_user(session, "  Ann@Example.COM ", quota_bytes=10, password="pw-123456")
        assert user.email == "ann@example.com" and user.display_name == "ann"
        assert user.role == Role.USER and user.id.startswith("usr_")
    with database.transaction() as session, pytest.raises(ConflictError, match="already exists"):
        create_user(session, "ANN@example.com", quota_bytes=10)
    with database.transaction() as session:
        for bad in ("no-at-sign", "two@@signs", "a b@c.d", ""):
            with pytest.raises(InputError, match="not an email address"):
                create_user(session, bad, quota_bytes=10)
        with pytest.raises(InputError, match="unknown role 'root'"):
            create_user(session, "root@example.com", quota_bytes=10, role="root")
        with pytest.raises(InputError, match="cannot be negative"):
            create_user(session, "neg@example.com", quota_bytes=-1)
        assert session.scalar(select(User.id).where(User.email == "root@example.com")) is None


def test_password_sign_in(database: Database) -> None:
    with database.transaction() as session:
        add_user(session, password="open sesame")
    with database.session() as session:
        assert authenticate_password(session, "ANN@example.com", "open sesame").email == (
            "ann@example.com"
        )
        for email, password in (("ann@example.com", "open sesamE"), ("bob@example.com", "x")):
            with pytest.raises(AuthError, match=r"^wrong email or password$"):
                authenticate_password(session, email, password)


def test_api_keys_are_shown_once_and_stored_hashed(database: Database) -> None:
    with database.transaction() as session:
        made = create_api_key(session, add_user(session), name=" laptop ")
    assert made.secret.startswith("ps_") and len(made.secret) == 46
    with database.session() as session:
        stored = session.scalars(select(ApiKey)).one()
        assert stored.prefix == made.secret[:API_KEY_PREFIX_LENGTH] and stored.name == "laptop"
        assert stored.secret_hash == hashlib.sha256(made.secret.encode()).hexdigest()
        assert made.secret not in {stored.prefix, stored.secret_hash, stored.id}
        assert verify_api_key(session, made.secret).email == "ann@example.com"


def test_bad_keys_are_refused(database: Database) -> None:
    with database.transaction() as session:
        secret = create_api_key(session, add_user(session)).secret
    twin = secret[:-1] + ("A" if secret[-1] != "A" else "B")  # same prefix, other secret
    with database.session() as session:
        with pytest.raises(AuthError, match="unknown API key"):
            verify_api_key(session, twin)
        with pytest.raises(AuthError, match="malformed API key"):
            verify_api_key(session, "ps_short")
        with pytest.raises(AuthError, match="malformed API key"):
            verify_api_key(session, secret + " ")


def test_revoked_keys_stop_working(database: Database) -> None:
    with database.transaction() as session:
        made = create_api_key(session, add_user(session))
    with database.transaction() as session:
        revoked = revoke_api_key(session, made.record.prefix)
        first = revoked.revoked_at
        assert first is not None
        assert revoke_api_key(session, made.record.id).revoked_at == first  # idempotent
    with database.session() as session, pytest.raises(AuthError, match="was revoked"):
        verify_api_key(session, made.secret)


def test_revoking_names_one_key_of_the_caller(database: Database) -> None:
    with database.transaction() as session:
        ann, bob = add_user(session), add_user(session, "bob@example.com")
        bobs = create_api_key(session, bob).record
        create_api_key(session, ann)
    with database.transaction() as session:
        with pytest.raises(NotFoundError, match="no API key 'key_nope'"):
            revoke_api_key(session, "key_nope")
        with pytest.raises(NotFoundError):
            revoke_api_key(session, bobs.id, user_id=ann.id)
        assert [k.user_id for k in list_api_keys(session, user_id=bob.id)] == [bob.id]
        assert len(list_api_keys(session)) == 2


def test_unknown_user_for_a_key(database: Database) -> None:
    with database.session() as session, pytest.raises(NotFoundError, match="no user with email"):
        get_user_by_email(session, "ghost@example.com")


def test_last_used_is_recorded_at_most_once_a_minute(database: Database) -> None:
    with database.transaction() as session:
        made = create_api_key(session, add_user(session))
    start = utcnow()
    with database.transaction() as session:
        verify_api_key(session, made.secret, now=start)
        verify_api_key(session, made.secret, now=start + timedelta(seconds=30))
        assert session.get(ApiKey, made.record.id).last_used_at == start  # type: ignore[union-attr]
        verify_api_key(session, made.secret, now=start + timedelta(seconds=61))
        record = session.get(ApiKey, made.record.id)
        assert record is not None and record.last_used_at == start + timedelta(seconds=61)


def test_access_tokens(database: Database, settings: Settings) -> None:
    with database.transaction() as session:
        user = add_user(session)
    token = issue_token(user, settings)
    claims = jwt.decode(token, settings.signing_key(), algorithms=["HS256"])
    assert claims["sub"] == user.id and claims["exp"] - claims["iat"] == 24 * 3600
    with database.session() as session:
        assert verify_token(session, token, settings).id == user.id
        assert authenticate(session, f" {token} ", settings).id == user.id


def test_expired_and_forged_tokens_are_refused(database: Database, settings: Settings) -> None:
    with database.transaction() as session:
        user = add_user(session)
    expired = issue_token(user, settings, expires_in_s=60, now=utcnow() - timedelta(hours=1))
    other = Settings(data_dir=settings.data_dir, secret_key="another-secret-" * 3)
    forged = issue_token(user, other)
    head, body, _sig = issue_token(user, settings).split(".")
    tampered = jwt.encode(
        {"sub": "usr_else", "exp": 9e9, "iat": 0},
        "a-guessed-key-that-is-long-enough-x",
        algorithm="HS256",
    )
    with database.session() as session:
        with pytest.raises(AuthError, match="expired"):
            verify_token(session, expired, settings)
        for bad in (forged, tampered, f"{head}.{body}.", "not-a-token"):
            with pytest.raises(AuthError, match="invalid access token"):
                verify_token(session, bad, settings)
        with pytest.raises(AuthError, match="empty credentials"):
            authenticate(session, "  ", settings)


def test_tokens_die_with_their_user(database: Database, settings: Settings) -> None:
    with database.transaction() as session:
        user = add_user(session)
        key = create_api_key(session, user).secret
    token = issue_token(user, settings)
    with database.transaction() as session:
        session.delete(session.get(User, user.id))
    with database.session() as session:
        with pytest.raises(AuthError, match="no longer exists"):
            verify_token(session, token, settings)
        with pytest.raises(AuthError, match="unknown API key"):  # keys cascade away
            verify_api_key(session, key)


def test_admin_role(database: Database) -> None:
    with database.transaction() as session:
        admin = add_user(session, "root@example.com", role=Role.ADMIN)
        plain = add_user(session)
    assert require_admin(admin) is admin and admin.is_admin
    with pytest.raises(PermissionDeniedError, match="admin"):
        require_admin(plain)
