"""Storage helpers and per-user quota accounting (local storage, SQLite)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from tests.unit.service.servicedb import add_user

from persona.errors import InputError
from persona.service.db.engine import Database
from persona.service.db.models import Asset, User
from persona.service.errors import (
    NotFoundError,
    QuotaExceededError,
    SettingsError,
    StorageKeyError,
    TooLargeError,
)
from persona.service.settings import Settings
from persona.service.storage import BACKENDS, make_storage, read_bytes
from persona.service.storage.base import Metered, check_key, check_range
from persona.service.storage.local import LocalStorage
from persona.service.storage.usage import (
    delete_asset,
    format_bytes,
    remaining_bytes,
    store_asset,
    usage_bytes,
)

KIB = 1024


@pytest.mark.parametrize(
    "key", ["a", "users/usr_1/asset_2", "_health/probe-1", "a.b-c_d/E.F", "x" * 512]
)
def test_safe_keys_pass(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "cannot be empty"),
        ("x" * 513, "at most 512"),
        ("../up", "not allowed"),
        ("a/../../b", "not allowed"),
        ("/abs", "not allowed"),
        ("C:\\windows", "not allowed"),
        ("a/.git/config", "not allowed"),
        ("ü", "not allowed"),
    ],
)
def test_unsafe_keys_fail_with_a_reason(key: str, reason: str) -> None:
    with pytest.raises(StorageKeyError, match=reason):
        check_key(key)


def test_ranges_must_be_ordered() -> None:
    check_range(0, None)
    check_range(5, 5)
    for start, stop in ((-1, None), (5, 4)):
        with pytest.raises(InputError, match="bad byte range"):
            check_range(start, stop)


def test_metered_counts_hashes_and_stops_at_the_limit() -> None:
    metered = Metered(io.BytesIO(b"abc" * 1000))
    assert b"".join(metered) == b"abc" * 1000 and metered.size == 3000
    assert metered.sha256 == hashlib.sha256(b"abc" * 1000).hexdigest()
    pulled = []

    def endless() -> Iterator[bytes]:
        while True:
            pulled.append(1)
            yield b"x" * KIB

    with pytest.raises(TooLargeError):
        list(Metered(endless(), max_bytes=10 * KIB))
    assert len(pulled) == 11  # stopped right after the limit: never read the rest


def test_format_bytes() -> None:
    assert [format_bytes(n) for n in (0, 1023, 1536, 5 << 20, 3 << 30, 5 << 40)] == [
        "0 bytes",
        "1023 bytes",
        "1.5 KiB",
        "5.0 MiB",
        "3.0 GiB",
        "5120.0 GiB",
    ]


def test_the_registry_builds_the_configured_backend(settings: Settings) -> None:
    assert set(BACKENDS) == {"local", "s3"}
    local = make_storage(settings)
    assert isinstance(local, LocalStorage) and local.root == settings.data_dir / "media"
    with pytest.raises(SettingsError, match="PERSONA_S3_BUCKET"):
        make_storage(Settings(data_dir=settings.data_dir, storage_backend="s3"))


def _user(database: Database, quota: int, email: str = "ann@example.com") -> User:
    with database.transaction() as session:
        return add_user(session, email, quota_bytes=quota)


def test_store_asset_records_what_it_stored(database: Database, storage: LocalStorage) -> None:
    user = _user(database, quota=64 * KIB)
    data = bytes(range(256)) * 40
    with database.transaction() as session:
        asset = store_asset(
            session,
            storage,
            user,
            io.BytesIO(data),
            kind="upload",
            max_bytes=32 * KIB,
            content_type="image/png",
        )
    assert asset.storage_key == f"users/{user.id}/{asset.id}" and asset.size_bytes == len(data)
    assert read_bytes(storage, asset.storage_key) == data
    with database.session() as session:
        assert usage_bytes(session, user.id) == len(data)
        assert remaining_bytes(session, user) == 64 * KIB - len(data)
        assert session.scalars(select(Asset)).one().content_type == "image/png"


def test_uploads_over_the_limit_or_the_quota_are_refused(
    database: Database, storage: LocalStorage
) -> None:
    user = _user(database, quota=20 * KIB)
    with database.transaction() as session:
        with pytest.raises(TooLargeError, match=r"larger than the limit of 8\.0 KiB") as caught:
            store_asset(session, storage, user, b"x" * (9 * KIB), kind="upload", max_bytes=8 * KIB)
        assert not isinstance(caught.value, QuotaExceededError)
        store_asset(session, storage, user, b"x" * (15 * KIB), kind="upload", max_bytes=16 * KIB)
        with pytest.raises(QuotaExceededError, match=r"quota of 20.0 KiB \(5.0 KiB left\)"):
            store_asset(session, storage, user, b"y" * (6 * KIB), kind="upload", max_bytes=16 * KIB)
        assert usage_bytes(session, user.id) == 15 * KIB
    assert len([p for p in storage.root.rglob("*") if p.is_file()]) == 1


def test_deleting_an_asset_frees_its_space(database: Database, storage: LocalStorage) -> None:
    ann, bob = _user(database, 10 * KIB), _user(database, 10 * KIB, "bob@example.com")
    with database.transaction() as session:
        asset = store_asset(session, storage, ann, b"z" * KIB, kind="render", max_bytes=KIB)
    with database.transaction() as session:
        with pytest.raises(NotFoundError):
            delete_asset(session, storage, asset.id, user_id=bob.id)
        delete_asset(session, storage, asset.id, user_id=ann.id)
        assert usage_bytes(session, ann.id) == 0
    assert not storage.exists(asset.storage_key)


def test_a_record_that_cannot_be_written_takes_its_object_along(
    database: Database, storage: LocalStorage
) -> None:
    user = _user(database, 10 * KIB)
    with database.transaction() as session, pytest.raises(IntegrityError, match="FOREIGN KEY"):
        store_asset(
            session, storage, user, b"data", kind="render", max_bytes=KIB, job_id="job_missing"
        )
    assert not [p for p in storage.root.rglob("*") if p.is_file()]
