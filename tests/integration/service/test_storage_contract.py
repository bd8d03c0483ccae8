"""One contract, every storage backend: local files and S3 (moto's S3 server, in this
process, on a free port). Then what only one backend has: multipart uploads and key
prefixes on S3, symlinks and unwritable folders on disk."""

from __future__ import annotations

import hashlib
import io
import os
import random
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from persona.service.errors import NotFoundError, StorageError, StorageKeyError, TooLargeError
from persona.service.settings import Settings
from persona.service.storage import make_storage, read_bytes
from persona.service.storage.base import Storage
from persona.service.storage.local import LocalStorage
from persona.service.storage.s3 import S3Storage, make_client

MIB = 1 << 20
BAD_KEYS = [
    "",
    "../outside",
    "users/../../etc/passwd",
    "/etc/passwd",
    "users/./x",
    "users//x",
    "users/x/",
    "users\\x",
    ".hidden",
    "users/.x.part",
    "nul\x00byte",
    "sp ace",
    "x" * 513,
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_settings(endpoint: str, bucket: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        storage_backend="s3",
        s3_bucket=bucket,
        s3_endpoint_url=endpoint,
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
        s3_prefix="persona",
    )


@pytest.fixture
def bucket(s3_endpoint: str, tmp_path: Path) -> str:
    name = f"persona-{secrets.token_hex(4)}"
    make_client(s3_settings(s3_endpoint, name, tmp_path)).create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return make_storage(Settings(data_dir=tmp_path / "data"))
    endpoint = request.getfixturevalue("s3_endpoint")
    return make_storage(s3_settings(endpoint, request.getfixturevalue("bucket"), tmp_path))


def payload(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


class TestStorageContract:
    def test_put_then_read_back(self, backend: Storage) -> None:
        data = payload(MIB + MIB // 2 + 17)  # more than one chunk
        stored = backend.put("users/u1/a.bin", data, content_type="video/mp4")
        assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
        assert backend.exists("users/u1/a.bin") and backend.size("users/u1/a.bin") == len(data)
        assert read_bytes(backend, "users/u1/a.bin") == data

    def test_put_takes_files_and_chunk_iterables(self, backend: Storage) -> None:
        data = payload(70_001)
        backend.put("f", io.BytesIO(data))
        backend.put("g", (data[i : i + 999] for i in range(0, len(data), 999)))
        assert read_bytes(backend, "f") == data == read_bytes(backend, "g")
        assert backend.put("empty", b"").size == 0 and read_bytes(backend, "empty") == b""

    def test_put_replaces(self, backend: Storage) -> None:
        backend.put("k", b"first version")
        backend.put("k", b"v2")
        assert read_bytes(backend, "k") == b"v2" and backend.size("k") == 2

    @pytest.mark.parametrize(
        ("start", "stop"),
        [
            (0, None),
            (0, 1),
            (5, 10),
            (10, None),
            (99, 100),
            (50, 500),
            (100, None),
            (150, None),
            (7, 7),
        ],
    )
    def test_ranges_are_clamped_to_the_object(
        self, backend: Storage, start: int, stop: int | None
    ) -> None:
        data = payload(100)
        backend.put("r", data)
        assert read_bytes(backend, "r", start=start, stop=stop) == data[start:stop]

    def test_missing_objects(self, backend: Storage) -> None:
        assert not backend.exists("nothing/here")
        with pytest.raises(NotFoundError, match="nothing/here"):
            backend.size("nothing/here")
        with pytest.raises(NotFoundError):
            read_bytes(backend, "nothing/here")
        with pytest.raises(NotFoundError):
            read_bytes(backend, "nothing/here", start=3, stop=3)
        backend.delete("nothing/here")  # no error

    def test_delete(self, backend: Storage) -> None:
        backend.put("users/u1/d", b"bye")
        backend.delete("users/u1/d")
        assert not backend.exists("users/u1/d")

    @pytest.mark.parametrize("key", BAD_KEYS)
    def test_unsafe_keys_are_refused(self, backend: Storage, key: str) -> None:
        for attempt in (
            lambda: backend.put(key, b"x"),
            lambda: backend.open(key),
            lambda: backend.exists(key),
            lambda: backend.size(key),
            lambda: backend.delete(key),
        ):
            with pytest.raises(StorageKeyError):
                attempt()

    def test_over_the_limit_nothing_changes(self, backend: Storage) -> None:
        backend.put("u", b"old")
        with pytest.raises(TooLargeError, match="1000 bytes"):
            backend.put("u", payload(1001), max_bytes=1000)
        with pytest.raises(TooLargeError):
            backend.put("new", io.BytesIO(payload(3 * MIB)), max_bytes=2 * MIB)
        assert read_bytes(backend, "u") == b"old" and not backend.exists("new")
        assert backend.put("exact", payload(1000), max_bytes=1000).size == 1000

    def test_a_failing_upload_leaves_the_previous_object(self, backend: Storage) -> None:
        backend.put("v", b"intact")

        def broken() -> Iterator[bytes]:
            yield b"partial data"
            raise ConnectionResetError("client went away")

        with pytest.raises(ConnectionResetError):
            backend.put("v", broken())
        assert read_bytes(backend, "v") == b"intact"

    def test_check_writes_and_cleans_up(self, backend: Storage) -> None:
        backend.check()
        assert not _listing(backend)


def _listing(backend: Storage) -> list[str]:
    """Every object or file the backend holds (for leftovers)."""
    if isinstance(backend, LocalStorage):
        return [str(p) for p in backend.root.rglob("*") if p.is_file()]
    assert isinstance(backend, S3Storage)
    found: dict[str, Any] = backend.client.list_objects_v2(Bucket=backend.bucket)
    return [item["Key"] for item in found.get("Contents", [])]


def test_local_uploads_leave_no_partial_files(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "media")
    with pytest.raises(TooLargeError):
        store.put("users/u/a", payload(2000), max_bytes=100)
    store.put("users/u/b", b"ok")
    assert sorted(p.name for p in (tmp_path / "media" / "users" / "u").iterdir()) == ["b"]


def test_local_symlinks_cannot_lead_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    store = LocalStorage(tmp_path / "media")
    store.root.mkdir()
    os.symlink(outside, store.root / "escape")
    with pytest.raises(StorageKeyError, match="outside the storage folder"):
        store.put("escape/file", b"x")
    assert list(outside.iterdir()) == []


def test_local_unwritable_root_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    store = LocalStorage(tmp_path / "file")
    with pytest.raises(StorageError, match="cannot write"):
        store.put("a", b"x")
    with pytest.raises(StorageError):
        store.check()


def test_s3_multipart_upload_and_abort(s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    client = make_client(s3_settings(s3_endpoint, bucket, tmp_path))
    store = S3Storage(client, bucket, prefix="p", part_bytes=5 * MIB)
    data = payload(11 * MIB + 3)
    stored = store.put("big", io.BytesIO(data), content_type="video/webm")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (
        read_bytes(store, "big", start=5 * MIB - 2, stop=5 * MIB + 2)
        == data[5 * MIB - 2 : 5 * MIB + 2]
    )
    assert client.head_object(Bucket=bucket, Key="p/big")["ContentType"] == "video/webm"
    with pytest.raises(TooLargeError):
        store.put("too-big", io.BytesIO(data), max_bytes=6 * MIB)
    assert not store.exists("too-big")
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_s3_keys_live_under_the_prefix(s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    store = make_storage(s3_settings(s3_endpoint, bucket, tmp_path))
    store.put("users/u/x", b"1")
    assert _listing(store) == ["persona/users/u/x"]


def test_s3_unreachable_is_a_storage_error(tmp_path: Path) -> None:
    store = make_storage(s3_settings(f"http://127.0.0.1:{_free_port()}", "b", tmp_path))
    with pytest.raises(StorageError, match="bucket b"):
        store.exists("x")
    with pytest.raises(StorageError):
        store.check()
