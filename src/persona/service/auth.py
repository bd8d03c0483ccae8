"""Users, API keys, passwords, access tokens and roles.

* Passwords: ``hashlib.scrypt`` with a random 16-byte salt per user, stored as
  ``scrypt$n$r$p$salt$hash`` (base64) so the cost can rise later without breaking old
  hashes.
* API keys: ``ps_`` + 43 URL-safe characters, shown once. The database keeps the first
  12 characters (the *prefix*, shown to people to tell keys apart) and the SHA-256 of the
  whole key; checking a key looks up its prefix and compares digests in constant time.
* Access tokens: JWT, HS256, signed with the settings' secret key, ``sub`` = user id,
  with an expiry.

Bad credentials raise :class:`~persona.service.errors.AuthError`; every function works in
the caller's session and never commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from persona.errors import InputError
from persona.service.db.base import utcnow
from persona.service.db.models import ApiKey, Role, User
from persona.service.errors import AuthError, ConflictError, NotFoundError, PermissionDeniedError
from persona.service.settings import Settings

API_KEY_MARK = "ps_"
API_KEY_PREFIX_LENGTH = 12
_API_KEY = re.compile(r"^ps_[A-Za-z0-9_-]{43}$")
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_SALT_BYTES, SCRYPT_DKLEN = 2**14, 8, 1, 16, 32
MIN_PASSWORD_LENGTH = 8
JWT_ALGORITHM = "HS256"
LAST_USED_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per key (not on every request)."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True)
class NewApiKey:
    """A key just made: ``secret`` is the only copy of the full key; show it once."""

    record: ApiKey
    secret: str


# Passwords ------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    salt = secrets.token_bytes(SCRYPT_SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_DKLEN
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches the ``stored`` hash (``False`` for no hash)."""
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(bytes(16))}${_b64(bytes(32))}"
"""Checked against when the email is unknown, so a wrong email costs as long as a wrong
password and timing does not tell which accounts exist."""


# Users ----------------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    clean = email.strip().lower()
    if not _EMAIL.match(clean) or len(clean) > 320:
        raise InputError(f"not an email address: {email!r}")
    return clean


def create_user(
    session: Session,
    email: str,
    *,
    quota_bytes: int,
    display_name: str = "",
    role: Role | str = Role.USER,
    password: str | None = None,
) -> User:
    """A new user; :class:`ConflictError` when the email is taken."""
    address = normalize_email(email)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise ConflictError(f"a user with email {address} already exists")
    try:
        level = Role(role)
    except ValueError:
        raise InputError(f"unknown role {role!r}: user or admin") from None
    if quota_bytes < 0:
        raise InputError(f"a storage quota cannot be negative ({quota_bytes})")
    user = User(
        email=address,
        display_name=display_name.strip() or address.split("@")[0],
        role=level,
        password_hash=hash_password(password) if password is not None else None,
        quota_bytes=quota_bytes,
        created_at=utcnow(),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # created by someone else since the check above
        raise ConflictError(f"a user with email {address} already exists") from exc
    return user


def get_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFoundError(f"no user with email {email.strip()}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.created_at, User.email)))


def authenticate_password(session: Session, email: str, password: str) -> User:
    """The user with this email and password; one :class:`AuthError` for either mistake."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    stored = user.password_hash if user is not None else _DUMMY_HASH
    if not verify_password(password, stored) or user is None:
        raise AuthError("wrong email or password")
    return require_active(user)


def require_active(user: User) -> User:
    """``user``, unless an admin disabled the account (:class:`PermissionDeniedError`)."""
    if user.disabled_at is not None:
        raise PermissionDeniedError("this account is disabled: ask an admin to enable it")
    return user


def require_admin(user: User) -> User:
    if user.role != Role.ADMIN:
        raise PermissionDeniedError("this needs an admin account")
    return user


# API keys -------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(session: Session, user: User, *, name: str = "") -> NewApiKey:
    secret = API_KEY_MARK + secrets.token_urlsafe(32)
    record = ApiKey(
        user_id=user.id,
        prefix=secret[:API_KEY_PREFIX_LENGTH],
        secret_hash=_digest(secret),
        name=name.strip()[:100],
        created_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return NewApiKey(record=record, secret=secret)


def list_api_keys(session: Session, *, user_id: str | None = None) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
    if user_id is not None:
        query = query.where(ApiKey.user_id == user_id)
    return list(session.scalars(query))


def revoke_api_key(
    session: Session, key: str, *, user_id: str | None = None, now: datetime | None = None
) -> ApiKey:
    """Revoke a key named by its id (``key_…``) or its prefix (``ps_…``); revoking twice
    keeps the first time. Another user's key is not found."""
    query = select(ApiKey).where(or_(ApiKey.id == key, ApiKey.prefix == key))
    if user_id is not None:
        query = query.where(ApiKey.user_id == user_id)
    found = list(session.scalars(query))
    if not found:
        raise NotFoundError(f"no API key {key!r} (give its id key_… or its prefix ps_…)")
    if len(found) > 1:
        raise ConflictError(f"{key!r} names {len(found)} keys: give the key id instead")
    record = found[0]
    if record.revoked_at is None:
        record.revoked_at = now or utcnow()
        session.flush()
    return record


def verify_api_key(session: Session, secret: str, *, now: datetime | None = None) -> User:
    """The owner of a valid, unrevoked key; :class:`AuthError` otherwise."""
    if not _API_KEY.match(secret):
        raise AuthError("malformed API key (they look like ps_ followed by 43 characters)")
    digest = _digest(secret)
    candidates = session.scalars(
        select(ApiKey).where(ApiKey.prefix == secret[:API_KEY_PREFIX_LENGTH])
    )
    match = None
    for candidate in candidates:
        if hmac.compare_digest(candidate.secret_hash, digest):
            match = candidate
    if match is None:
        raise AuthError("unknown API key")
    if match.revoked_at is not None:
        raise AuthError("this API key was revoked")
    user = session.get(User, match.user_id)
    if user is None:
        raise AuthError("unknown API key")
    now = now or utcnow()
    if match.last_used_at is None or now - match.last_used_at >= LAST_USED_EVERY:
        match.last_used_at = now
        session.flush()
    return user


# Access tokens ----------------------------------------------------------------------------


def issue_token(
    user: User, settings: Settings, *, expires_in_s: int | None = None, now: datetime | None = None
) -> str:
    """A signed access token for ``user`` (default lifetime: the settings')."""
    issued = now or utcnow()
    lifetime = timedelta(seconds=expires_in_s or settings.access_token_expire_s)
    claims = {
        "sub": user.id,
        "role": str(user.role),
        "typ": "access",
        "iat": issued,
        "exp": issued + lifetime,
    }
    return jwt.encode(claims, settings.signing_key(), algorithm=JWT_ALGORITHM)


def verify_token(session: Session, token: str, settings: Settings) -> User:
    """The user of a valid, unexpired access token; :class:`AuthError` otherwise."""
    try:
        claims = jwt.decode(
            token,
            settings.signing_key(),
            algorithms=[JWT_ALGORITHM],
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("the access token has expired; sign in again") from None
    except jwt.InvalidTokenError:
        raise AuthError("invalid access token") from None
    if claims.get("typ") != "access":
        raise AuthError("invalid access token")
    user = session.get(User, str(claims["sub"]))
    if user is None:
        raise AuthError("the access token's user no longer exists")
    return user


def authenticate(session: Session, credential: str, settings: Settings) -> User:
    """An API key (``ps_…``) or an access token → its user."""
    credential = credential.strip()
    if not credential:
        raise AuthError("empty credentials")
    if credential.startswith(API_KEY_MARK):
        return require_active(verify_api_key(session, credential))
    return require_active(verify_token(session, credential, settings))
