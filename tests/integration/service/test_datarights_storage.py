"""Export and erasure on every storage backend (local files and S3 through moto's server):
a user's objects go into the export with matching hashes, and after deleting the user
none is left under their prefix while another user's stay."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from persona.service.datarights import delete_user, write_export
from persona.service.db.engine import Database
from persona.service.settings import Settings
from persona.service.storage import make_storage
from persona.service.storage.base import Storage
from persona.service.storage.usage import store_asset, usage_bytes
from tests.integration.service.test_storage_contract import (  # noqa: F401
    _listing,
    bucket,
    s3_endpoint,
    s3_settings,
)
from tests.unit.service.servicedb import add_user


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return make_storage(Settings(data_dir=tmp_path / "data"))
    endpoint = request.getfixturevalue("s3_endpoint")
    return make_storage(s3_settings(endpoint, request.getfixturevalue("bucket"), tmp_path))


def test_export_and_delete_through_the_storage_interface(
    backend: Storage, database: Database
) -> None:
    with database.transaction() as session:
        ann, bob = add_user(session), add_user(session, "bob@example.com")
        for user, data in ((ann, b"ann's recording"), (ann, b"x" * 300_000), (bob, b"bob")):
            store_asset(session, backend, user, data, kind="audio", max_bytes=1 << 20)
        ids = ann.id, bob.id
    keys = _listing(backend)
    assert sum(ids[0] in k for k in keys) == 2 and sum(ids[1] in k for k in keys) == 1

    out = io.BytesIO()
    with database.session() as session:
        write_export(session, backend, session.get_one(type(ann), ids[0]), out)
    with zipfile.ZipFile(out) as archive:
        files = json.loads(archive.read("files.json"))
        assert sorted(len(archive.read(f["path"])) for f in files) == [15, 300_000]

    with database.transaction() as session:
        report = delete_user(session, backend, session.get_one(type(ann), ids[0]), None)
    assert report.files == 2 and report.bytes == 300_015
    left = _listing(backend)
    assert not [k for k in left if ids[0] in k]
    assert [k for k in left if ids[1] in k]
    with database.session() as session:
        assert usage_bytes(session, ids[0]) == 0 and usage_bytes(session, ids[1]) == 3
