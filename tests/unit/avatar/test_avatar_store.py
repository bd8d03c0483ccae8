"""The versioned avatar store: create, edit, read old versions, delete, fail cleanly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from persona.avatar.store import AvatarNotFoundError, AvatarStore, parse_ref
from persona.errors import InputError


@pytest.fixture
def store(tmp_path: Path) -> AvatarStore:
    return AvatarStore(tmp_path / "avatars")


def test_create_writes_version_one(store: AvatarStore) -> None:
    record = store.create(name="  Maya  ", kind="creator", source={"spec": {"hair": "bob"}})
    assert record.id.startswith("av_")
    assert record.name == "Maya"
    assert [v.version for v in record.versions] == [1]
    assert store.get(record.id) == record
    assert [r.id for r in store.list()] == [record.id]


def test_every_edit_makes_a_new_version_and_old_ones_stay(store: AvatarStore) -> None:
    record = store.create(name="Maya", kind="creator", source={"spec": {"hair": "bob"}})
    store.add_version(record.id, {"spec": {"hair": "bun"}}, note="hair")
    latest = store.add_version(record.id, {"spec": {"hair": "afro"}}, note="hair again")
    assert [v.version for v in latest.versions] == [1, 2, 3]
    assert latest.version(1).source == {"spec": {"hair": "bob"}}
    assert latest.version(2).note == "hair"
    assert latest.version().source == {"spec": {"hair": "afro"}}
    with pytest.raises(AvatarNotFoundError, match="no version 7"):
        latest.version(7)


def test_files_are_stored_by_content(store: AvatarStore, tmp_path: Path) -> None:
    photo = tmp_path / "Me.JPG"
    photo.write_bytes(b"not really a jpeg, the store does not care")
    record = store.create(name="Me", kind="photo", source={}, files={"photo": photo})
    stored = record.latest.source["photo"]
    assert stored.endswith(".jpg") and len(stored) == 64 + 4
    assert store.file(record, stored).read_bytes() == photo.read_bytes()
    again = store.add_version(record.id, {"background": "blur"}, files={"photo": photo})
    assert again.latest.source["photo"] == stored  # same content, one file
    assert len(list((store.root / record.id / "files").iterdir())) == 1


def test_delete_removes_everything(store: AvatarStore, tmp_path: Path) -> None:
    photo = tmp_path / "me.png"
    photo.write_bytes(b"x")
    record = store.create(name="Me", kind="photo", source={}, files={"photo": photo})
    store.delete(record.id)
    assert store.ids() == []
    assert [p.name for p in store.root.iterdir()] == []
    with pytest.raises(AvatarNotFoundError):
        store.get(record.id)


def test_failed_create_leaves_nothing(store: AvatarStore, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        store.create(name="Me", kind="photo", source={}, files={"photo": tmp_path / "nope.jpg"})
    assert list(store.root.iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "", "kind": "photo"}, "needs a name"),
        ({"name": "x" * 81, "kind": "photo"}, "too long"),
        ({"name": "Me", "kind": "hologram"}, "unknown avatar kind"),
    ],
)
def test_bad_create_arguments(store: AvatarStore, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        store.create(source={}, **kwargs)


def test_unknown_and_malformed_ids(store: AvatarStore) -> None:
    with pytest.raises(AvatarNotFoundError, match="no saved avatar"):
        store.get("av_000000000000")
    with pytest.raises(AvatarNotFoundError, match="not an avatar id"):
        store.get("../../etc")
    with pytest.raises(AvatarNotFoundError):
        store.delete("av_000000000000")


def test_damaged_record_is_a_clear_error(store: AvatarStore) -> None:
    record = store.create(name="Me", kind="creator", source={"spec": {}})
    (store.root / record.id / "avatar.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="damaged"):
        store.get(record.id)


def test_record_file_is_readable_json(store: AvatarStore) -> None:
    record = store.create(name="Ravi", kind="creator", source={"spec": {"a": 1}}, owner="u1")
    data = json.loads((store.root / record.id / "avatar.json").read_text(encoding="utf-8"))
    assert data["schema"] == 1 and data["owner"] == "u1" and data["versions"][0]["version"] == 1


def test_parse_ref() -> None:
    assert parse_ref("av_0123456789ab") == ("av_0123456789ab", None)
    assert parse_ref("av_0123456789ab@3") == ("av_0123456789ab", 3)
    assert parse_ref("me.jpg") is None
    assert parse_ref("template:maya") is None
