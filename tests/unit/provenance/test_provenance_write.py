"""Writing provenance: what the record holds for saved avatars and matched voices, the
signing key, WebM files, and a missing watermark package."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from tests.unit.provenance.signed import encode_plain

from persona.avatar.store import AvatarStore
from persona.consent import create_consent
from persona.errors import InputError
from persona.provenance import ProvenanceInputs, verify_video, write_provenance
from persona.provenance.keys import KEY_ENV, keys_dir, signing_key
from persona.provenance.manifest import avatar_use, voice_use
from persona.voice.base import Voice
from persona.voice.store import SavedVoice, save_voice


def _photo_avatar(portrait_path: Path, consent_id: str | None) -> str:
    record = AvatarStore().create(
        name="Eileen",
        kind="photo",
        source={},
        files={"photo": portrait_path},
        consent_id=consent_id,
    )
    return record.id


def test_a_photo_avatar_with_consent_puts_its_consent_in_the_record(
    tmp_path: Path, portrait_path: Path
) -> None:
    consent = create_consent("avatar", "Eileen Collins", "I agree.", "a test video")
    avatar = _photo_avatar(portrait_path, consent.id)
    assert avatar_use(avatar) == avatar_use(f"{avatar}@1")
    video = encode_plain(tmp_path / "talk.mp4")
    inputs = ProvenanceInputs(video_id="vid_photo").completed(avatars=[avatar])
    result = write_provenance(video, inputs)
    m = result.manifest
    assert m["avatars"] == [{"id": f"{avatar}@1", "kind": "photo", "consent_id": consent.id}]
    assert m["consent_ids"] == [consent.id]
    assert m["video_id"] == "vid_photo"
    assert verify_video(video).exit_code == 0


def test_a_matched_voice_brings_its_consent_and_consents_are_listed_once(
    tmp_path: Path, portrait_path: Path
) -> None:
    consent = create_consent("voice", "Ana", "You may use my voice.", "tests")
    face = create_consent("avatar", "Ana", "You may show my face.", "tests")
    voice = Voice("ana-1", "Ana", "espeak", "en", "female", "matched", "en")
    save_voice(SavedVoice(voice, consent.id, "world", "joe", "2026-01-01T00:00:00Z"))
    assert voice_use("ana-1").consent_id == consent.id
    assert voice_use("joe").consent_id is None
    inputs = ProvenanceInputs(consent_ids=(consent.id,)).completed(
        avatars=[_photo_avatar(portrait_path, face.id)], voices=["ana-1", "joe"]
    )
    manifest = write_provenance(encode_plain(tmp_path / "v.mp4"), inputs).manifest
    assert manifest["voices"] == [
        {"id": "ana-1", "consent_id": consent.id},
        {"id": "joe", "consent_id": None},
    ]
    assert manifest["consent_ids"] == sorted([consent.id, face.id])


def test_an_illustrated_or_unsaved_avatar_has_no_consent_and_no_server_path() -> None:
    assert avatar_use("template:maya").as_dict() == {
        "id": "template:maya",
        "kind": "creator",
        "consent_id": None,
    }
    assert avatar_use("/srv/uploads/user7/face.JPG").as_dict() == {
        "id": "face.JPG",
        "kind": "photo",
        "consent_id": None,
    }


def test_the_signing_key_is_made_once_and_kept_private() -> None:
    first = signing_key()
    assert signing_key().key_id == first.key_id
    key_file = keys_dir() / "provenance-ed25519.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.chain_pem.count("BEGIN CERTIFICATE") == 2  # signer + local root


def test_a_configured_key_must_be_ed25519(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pem = tmp_path / "ec.pem"
    pem.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv(KEY_ENV, str(pem))
    with pytest.raises(InputError, match="not an Ed25519 key"):
        signing_key()
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "absent.pem"))
    with pytest.raises(InputError, match="cannot read signing key"):
        signing_key()


def test_a_configured_key_without_certificates_signs_without_c2pa(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = signing_key()  # made in the data folder: copy its key alone
    pem = tmp_path / "own.pem"
    pem.write_text(own.private_pem())
    monkeypatch.setenv(KEY_ENV, str(pem))
    warnings: list[str] = []
    result = write_provenance(encode_plain(tmp_path / "v.mp4"), warn=warnings.append)
    assert not result.c2pa and result.key_id == own.key_id
    assert warnings == ["no C2PA manifest: the signing key has no certificate chain"]
    report = verify_video(result.video)
    assert {f.source: f.status for f in report.findings}["c2pa"] == "absent"
    assert report.exit_code == 0


def test_a_webm_carries_the_tag_and_the_sidecar(tmp_path: Path) -> None:
    result = write_provenance(encode_plain(tmp_path / "clip.webm"))
    assert result.sidecar == tmp_path / "clip.webm.provenance.json"
    assert not result.c2pa and result.notes == ()
    report = verify_video(result.video)
    found = {f.source: f.status for f in report.findings}
    assert found["sidecar"] == found["metadata"] == "verified"
    assert found["c2pa"] == "skipped"
    assert report.exit_code == 0


def test_without_the_watermark_package_the_check_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "persona.watermark", None)  # import fails
    result = write_provenance(encode_plain(tmp_path / "v.mp4"))
    assert result.manifest["watermark"] is None
    report = verify_video(result.video)
    assert {f.source: f.status for f in report.findings}["watermark"] == "skipped"
    assert report.exit_code == 0


def test_the_sidecar_is_as_readable_as_the_video(tmp_path: Path) -> None:
    video = encode_plain(tmp_path / "v.mp4")
    video.chmod(0o644)
    sidecar = write_provenance(video).sidecar
    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o644
    assert json.loads(sidecar.read_text())["signature"]["alg"] == "Ed25519"


def test_signing_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        write_provenance(tmp_path / "gone.mp4")
