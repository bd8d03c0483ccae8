"""``persona verify`` on a video ``persona render`` signed: the round trip, and every way
of tampering with it that the checks are meant to catch."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import av
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.unit.provenance.signed import TEXT, Rendered, encode_plain

import persona
from persona.cli import main
from persona.provenance import ProvenanceInputs, write_provenance
from persona.provenance.keys import key_id_of, public_key_b64
from persona.provenance.manifest import canonical
from persona.provenance.metadata import TAG_KEY, read_tag, write_tag
from persona.watermark import payload_for


def verify(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, Any]:
    code = main(["verify", str(path), "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {f["source"]: f["status"] for f in report["findings"]}


def test_a_rendered_video_verifies_with_every_field(
    rendered: Rendered, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = verify(rendered.video, capsys)
    assert code == 0 and report["verdict"] == "verified"
    assert statuses(report) == {
        "sidecar": "verified",
        "metadata": "verified",
        "c2pa": "verified",
        "watermark": "verified",  # the invisible mark carries the manifest's video id
    }
    m = report["manifest"]
    assert f"found: video id {m['video_id']}, matches manifest" in json.dumps(report)
    assert m["generator"] == {"name": "Persona Studio", "version": persona.__version__}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", m["created_at"])
    assert re.fullmatch(r"vid_[0-9a-f]{16}", m["video_id"])
    assert m["avatars"] == [{"id": "template:maya", "kind": "creator", "consent_id": None}]
    assert m["voices"] == [{"id": "joe", "consent_id": None}]
    assert m["consent_ids"] == []
    assert m["script_sha256"] == hashlib.sha256(TEXT.encode()).hexdigest()
    assert TEXT not in rendered.sidecar.read_text()  # the script is only hashed
    assert m["ai_generated"] is True
    assert m["watermark"] == f"{payload_for(m['video_id']):016x}"
    sidecar = json.loads(rendered.sidecar.read_text())["manifest"]
    assert sidecar["file_sha256"] == hashlib.sha256(rendered.video.read_bytes()).hexdigest()


def test_the_text_report_says_who_signed_and_that_nothing_changed(
    rendered: Rendered, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(rendered.video)]) == 0
    out = capsys.readouterr().out
    key_id = json.loads(rendered.sidecar.read_text())["signature"]["key_id"]
    assert f"signed by Persona Studio key {key_id}; file unchanged" in out
    assert "C2PA manifest trusted" in out
    assert "AI-generated" in out


def test_the_metadata_tag_is_in_the_container_and_matches_the_sidecar(rendered: Rendered) -> None:
    with av.open(str(rendered.video)) as container:
        tags = dict(container.metadata)
    assert tags["comment"].startswith(f"AI-generated with Persona Studio {persona.__version__}")
    tagged = json.loads(tags[TAG_KEY])["manifest"]
    sidecar = json.loads(rendered.sidecar.read_text())["manifest"]
    assert {k: v for k, v in sidecar.items() if k not in ("file_sha256", "embedded")} == tagged


def _flip_media_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(b"mdat") + 200
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_flipped_byte_in_the_picture_is_a_modified_file(
    rendered: Rendered, capsys: pytest.CaptureFixture[str]
) -> None:
    _flip_media_byte(rendered.video)
    code, report = verify(rendered.video, capsys)
    assert code == 1 and report["verdict"] == "NOT verified"
    found = statuses(report)
    assert found["sidecar"] == found["metadata"] == found["c2pa"] == "modified"
    assert "file modified since signing" in json.dumps(report["findings"])


def test_an_edited_sidecar_has_an_invalid_signature(
    rendered: Rendered, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = json.loads(rendered.sidecar.read_text())
    envelope["manifest"]["ai_generated"] = False
    rendered.sidecar.write_text(json.dumps(envelope))
    code, report = verify(rendered.video, capsys)
    assert code == 1
    assert statuses(report)["sidecar"] == "invalid"
    assert statuses(report)["metadata"] == "verified"  # the file itself is untouched


def test_a_sidecar_re_signed_with_another_key_names_an_unknown_signer(
    rendered: Rendered, capsys: pytest.CaptureFixture[str]
) -> None:
    forger = Ed25519PrivateKey.generate()
    envelope = json.loads(rendered.sidecar.read_text())
    envelope["manifest"]["voices"] = [{"id": "someone-else", "consent_id": None}]
    envelope["signature"] = {
        "alg": "Ed25519",
        "key_id": key_id_of(forger.public_key()),
        "public_key": public_key_b64(forger.public_key()),
        "value": base64.b64encode(forger.sign(canonical(envelope["manifest"]))).decode(),
    }
    rendered.sidecar.write_text(json.dumps(envelope))
    code, report = verify(rendered.video, capsys)
    assert code == 1
    assert statuses(report)["sidecar"] == "unknown-signer"
    assert "unknown key" in json.dumps(report["findings"])


def test_another_installation_does_not_trust_the_key_until_told_to(
    rendered: Rendered,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PERSONA_DATA_DIR", str(tmp_path / "elsewhere"))
    code, report = verify(rendered.video, capsys)
    assert code == 1
    assert set(statuses(report).values()) >= {"unknown-signer"}
    assert statuses(report)["c2pa"] == "unknown-signer"
    assert not (tmp_path / "elsewhere" / "keys").exists()  # checking makes no key
    chain = rendered.data_dir / "keys" / "provenance-chain.pem"
    code, report = verify(rendered.video, capsys, "--trust", str(chain))
    assert code == 0
    assert statuses(report)["sidecar"] == statuses(report)["c2pa"] == "verified"


def test_without_its_sidecar_the_metadata_still_verifies(
    rendered: Rendered, capsys: pytest.CaptureFixture[str]
) -> None:
    rendered.sidecar.unlink()
    code, report = verify(rendered.video, capsys)
    assert code == 0
    assert statuses(report)["sidecar"] == "absent"
    assert statuses(report)["metadata"] == "verified"
    assert report["manifest"]["video_id"].startswith("vid_")


def test_a_remux_is_a_changed_file_with_the_same_pictures(
    rendered: Rendered, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rewriting only the container (the tag copied, the C2PA box dropped) changes the
    file: the sidecar says so, and that the audio and video are the same."""
    tag = read_tag(rendered.video)
    assert tag is not None
    write_tag(rendered.video, json.loads(tag), "re-muxed")
    code, report = verify(rendered.video, capsys)
    assert code == 1
    found = statuses(report)
    assert (found["sidecar"], found["metadata"], found["c2pa"]) == (
        "modified",
        "verified",
        "absent",
    )
    assert "audio and video data are the same" in json.dumps(report["findings"])


def test_a_video_without_provenance_has_nothing_to_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = verify(encode_plain(tmp_path / "plain.mp4"), capsys)
    assert code == 2 and report["verdict"] == "nothing to verify"
    assert statuses(report) == {
        "sidecar": "absent",
        "metadata": "absent",
        "c2pa": "absent",
        "watermark": "absent",
    }


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("missing.mp4", None, "no such file"),
        ("notes.mp4", b"these are not the frames you are looking for", "not a video"),
        ("empty.mp4", b"", "not a video"),
    ],
)
def test_bad_input_exits_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    says: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["verify", str(path)]) == 2
    assert says in capsys.readouterr().out


def test_a_sound_file_is_not_a_video(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    from persona.media.audio import write_wav

    wav = tmp_path / "voice.wav"
    write_wav(wav, np.zeros(1600, np.float32), 16000)
    assert main(["verify", str(wav)]) == 2
    assert "has no video stream" in capsys.readouterr().out


def test_an_untrusted_key_file_that_is_no_key_is_an_input_error(
    rendered: Rendered, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n")
    assert main(["verify", str(rendered.video), "--trust", str(junk)]) == 2
    assert "not a PEM public key" in capsys.readouterr().err


def test_a_public_key_file_can_be_trusted(
    rendered: Rendered,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    envelope = json.loads(rendered.sidecar.read_text())
    raw = base64.b64decode(envelope["signature"]["public_key"])
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    pem = Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    monkeypatch.setenv("PERSONA_DATA_DIR", str(tmp_path / "elsewhere"))
    trusted = tmp_path / "elsewhere" / "keys" / "trusted"
    trusted.mkdir(parents=True)
    (trusted / "studio.pem").write_bytes(pem)
    code, report = verify(rendered.video, capsys)
    assert statuses(report)["sidecar"] == statuses(report)["metadata"] == "verified"
    assert statuses(report)["c2pa"] == "unknown-signer"  # a key is no root certificate
    assert code == 1


def test_a_video_re_signed_under_another_id_betrays_itself_by_its_watermark(
    rendered: Rendered, capsys: pytest.CaptureFixture[str]
) -> None:
    rendered.sidecar.unlink()
    write_provenance(rendered.video, ProvenanceInputs(video_id="vid_relabelled"), c2pa=False)
    code, report = verify(rendered.video, capsys)
    assert code == 1
    assert report["manifest"]["video_id"] == "vid_relabelled"
    assert statuses(report)["watermark"] == "mismatch"
    assert statuses(report)["metadata"] == "verified"


def _strip(path: Path) -> None:
    """Copy the streams into a new file with no tags and no C2PA box."""
    stripped = path.with_name("stripped.mp4")
    with av.open(str(path)) as inp, av.open(str(stripped), "w", format="mp4") as out:
        copies = {s.index: out.add_stream_from_template(s) for s in inp.streams}
        for packet in inp.demux():
            if packet.dts is not None:
                packet.stream = copies[packet.stream.index]
                out.mux(packet)
    stripped.replace(path)


def test_a_watermark_without_its_signed_record_means_the_provenance_was_stripped(
    rendered: Rendered, capsys: pytest.CaptureFixture[str]
) -> None:
    rendered.sidecar.unlink()
    _strip(rendered.video)
    code, report = verify(rendered.video, capsys)
    assert code == 1 and report["manifest"] is None
    found = statuses(report)
    assert (found["sidecar"], found["metadata"], found["c2pa"]) == ("absent",) * 3
    assert found["watermark"] == "found"
