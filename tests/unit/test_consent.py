"""Consent records: creation with checked fields, storage, listing, revocation."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from persona import consent as consent_module
from persona.consent import (
    ConsentRecord,
    create_consent,
    get_consent,
    list_consents,
    new_consent,
    require_consent,
    revoke_consent,
    save_consent,
)
from persona.errors import ConsentError, OutputPathError

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERSONA_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def make(kind: str = "voice", **fields: str) -> ConsentRecord:
    values = {
        "subject": "Ada Lovelace",
        "statement": "I agree that my voice is matched for Persona Studio.",
        "purpose": "training videos",
        "uploader": "editor",
        **fields,
    }
    return create_consent(kind, **values)


def test_a_record_is_stored_as_json_and_read_back(data_dir: Path) -> None:
    record = make(purpose="  training\n videos ")
    path = data_dir / "consent" / f"{record.id}.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["subject"] == "Ada Lovelace" and stored["kind"] == "voice"
    assert stored["purpose"] == "training videos"  # whitespace folded
    assert stored["revoked_at"] is None
    assert ISO_UTC.match(stored["created_at"])
    assert re.match(r"^cs_[0-9a-f]{12}$", record.id)
    assert get_consent(record.id) == record
    assert not record.revoked


def test_the_uploader_defaults_to_the_os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consent_module.getpass, "getuser", lambda: "alice")
    record = create_consent("avatar", "Bob", "I agree to my photo being animated.", "demo")
    assert record.uploader == "alice" and record.kind == "avatar"


@pytest.mark.parametrize("missing", ["subject", "statement", "purpose", "uploader"])
def test_every_field_is_required(missing: str, data_dir: Path) -> None:
    with pytest.raises(ConsentError, match=f"consent needs a {missing}"):
        make(**{missing: "  \n "})
    assert not (data_dir / "consent").exists()


def test_unknown_kinds_and_overlong_fields_are_refused() -> None:
    with pytest.raises(ConsentError, match="voice, avatar"):
        make(kind="fingerprint")
    with pytest.raises(ConsentError, match="statement is too long"):
        make(statement="yes " * 1000)


def test_new_consent_saves_nothing_until_asked(data_dir: Path) -> None:
    record = new_consent("voice", "Ada", "I agree.", "demo", "me")
    assert list_consents() == ()
    save_consent(record)
    assert list_consents() == (record,)


def test_listing_filters_by_kind_oldest_first() -> None:
    voice, avatar = make("voice"), make("avatar")
    assert set(list_consents()) == {voice, avatar}
    assert list_consents("avatar") == (avatar,)
    assert list_consents("voice") == (voice,)


def test_revoking_stamps_the_time_once_and_blocks_use() -> None:
    record = make()
    assert require_consent(record.id, "voice") == record
    revoked = revoke_consent(record.id)
    assert revoked.revoked and ISO_UTC.match(revoked.revoked_at or "")
    assert get_consent(record.id) == revoked
    assert revoke_consent(record.id).revoked_at == revoked.revoked_at
    with pytest.raises(ConsentError, match="was revoked on"):
        require_consent(record.id, "voice")


def test_a_consent_covers_only_its_kind() -> None:
    record = make("avatar")
    with pytest.raises(ConsentError, match="covers 'avatar' use, not 'voice'"):
        require_consent(record.id, "voice")


@pytest.mark.parametrize("bad_id", ["cs_000000000000", "../etc/passwd", "", "CS_ABC"])
def test_unknown_or_malformed_ids(bad_id: str) -> None:
    with pytest.raises(ConsentError):
        get_consent(bad_id)
    with pytest.raises(ConsentError):
        revoke_consent(bad_id)


def test_a_damaged_record_is_reported(data_dir: Path) -> None:
    record = make()
    path = data_dir / "consent" / f"{record.id}.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConsentError, match="unreadable"):
        get_consent(record.id)
    path.write_text(json.dumps({"id": record.id}), encoding="utf-8")
    with pytest.raises(ConsentError, match="not a consent record"):
        get_consent(record.id)


def test_a_failed_write_keeps_the_old_record_whole(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = make()
    folder = data_dir / "consent"
    before = (folder / f"{record.id}.json").read_bytes()

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputPathError, match="No space left"):
        revoke_consent(record.id)
    assert (folder / f"{record.id}.json").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [f"{record.id}.json"]
