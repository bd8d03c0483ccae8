"""`persona consent create`, consent for saved photo and video avatars, and dropping the
AI-generated label for one's own likeness, all from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from persona.avatar.store import AvatarStore
from persona.cli import main
from persona.consent import get_consent, list_consents, revoke_consent

ME = "Ada Example"
STATEMENT = "I, Ada Example, agree to my face being used for my own videos."


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith("error: "), err
    assert message in err and "Traceback" not in err, err
    return err


def _consent(capsys: pytest.CaptureFixture[str], *extra: str, kind: str = "avatar") -> dict:
    argv = ["consent", "create", "--kind", kind, "--subject", ME, "--statement", STATEMENT]
    assert main([*argv, *extra, "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert isinstance(made, dict)
    return made


def test_consent_create_saves_a_record(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONA_USER", ME)
    made = _consent(capsys)
    assert made["kind"] == "avatar" and made["subject"] == ME and made["uploader"] == ME
    assert made["purpose"] == "videos made with Persona Studio" and made["revoked_at"] is None
    assert get_consent(made["id"]).statement == STATEMENT
    voice = _consent(capsys, "--purpose", "my podcast", "--uploader", "Bo", kind="voice")
    assert (voice["purpose"], voice["uploader"]) == ("my podcast", "Bo")
    assert (
        main(["consent", "create", "--kind", "voice", "--subject", ME, "--statement", "Yes."]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("created consent cs_") and "persona voices match" in out
    assert [r.kind for r in list_consents()].count("voice") == 2


def test_consent_create_refuses_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["consent", "create", "--kind", "avatar"]
    _fails(capsys, [*base, "--subject", "  ", "--statement", STATEMENT], "needs a subject")
    _fails(capsys, [*base, "--subject", ME, "--statement", ""], "needs a statement")
    _fails(capsys, [*base, "--subject", ME, "--statement", "x" * 2001], "too long")
    for argv in ([*base, "--subject", ME], ["consent", "create", "--kind", "face"]):
        with pytest.raises(SystemExit):
            main(argv)
    assert list_consents() == ()


def test_likeness_avatars_need_consent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    photo = ["avatars", "create", "--photo", str(portrait_path)]
    _fails(capsys, photo, "needs their consent: give --consent ID")
    _fails(capsys, ["avatars", "create", "--video", str(tmp_path / "a.mp4")], "needs their consent")
    voice = _consent(capsys, kind="voice")
    _fails(capsys, [*photo, "--consent", voice["id"]], "covers 'voice' use, not 'avatar'")
    _fails(capsys, [*photo, "--consent", "cs_000000000000"], "no consent record")
    _fails(capsys, [*photo, "--consent", "nonsense"], "is not a consent id")
    held = _consent(capsys)
    _fails(capsys, [*photo, "--consent", held["id"], "--subject", ME], "either --consent ID")
    revoke_consent(held["id"])
    _fails(capsys, [*photo, "--consent", held["id"]], "was revoked")
    _fails(capsys, [*photo, "--subject", ME], "needs a statement")
    template = ["avatars", "create", "--template", "maya"]
    _fails(capsys, [*template, "--consent", held["id"]], "photo and video avatars only")
    assert AvatarStore().ids() == [] and len(list_consents()) == 2


@pytest.mark.slow
def test_inline_consent_is_saved_with_the_avatar(
    capsys: pytest.CaptureFixture[str], portrait_path: Path
) -> None:
    argv = ["avatars", "create", "--photo", str(portrait_path), "--subject", "Eileen Collins"]
    assert main([*argv, "--statement", "I agree.", "--purpose", "a demo", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    consent = get_consent(made["consent_id"])
    assert (consent.kind, consent.subject, consent.purpose) == (
        "avatar",
        "Eileen Collins",
        "a demo",
    )
    assert made["note"].endswith(f"consent {consent.id}")


@pytest.mark.slow
def test_own_likeness_drops_the_label_end_to_end(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    portrait_path: Path,
    tmp_path: Path,
) -> None:
    from persona.media import read_video_frames

    monkeypatch.setenv("PERSONA_USER", ME)
    mine = _consent(capsys)  # subject == uploader == the user at the command line
    assert main(["avatars", "create", "--photo", str(portrait_path), "--consent", mine["id"]]) == 0
    avatar = AvatarStore().list()[0].id
    capsys.readouterr()
    frames = {}
    for name, extra in (("labelled", []), ("plain", ["--no-ai-label"])):
        out = tmp_path / f"{name}.mp4"
        argv = ["render", "Hi.", "--avatar", avatar, "-o", str(out), "--size", "256x256", "-q"]
        assert main([*argv, *extra]) == 0
        frames[name] = next(iter(read_video_frames(out))).astype(int)
    corner = np.abs(frames["labelled"] - frames["plain"])[200:, 120:]
    assert corner.max() > 60  # the label was in the labelled video only

    plain = ["render", "Hi.", "-o", str(tmp_path / "x.mp4"), "--size", "256x256", "--no-ai-label"]
    monkeypatch.setenv("PERSONA_USER", "Someone Else")
    _fails(capsys, [*plain, "--avatar", avatar], "not the requester 'Someone Else'")
    monkeypatch.setenv("PERSONA_USER", ME)
    _fails(capsys, [*plain, "--avatar", str(portrait_path)], "not a saved photo or video avatar")
    other = _consent(capsys, "--uploader", "Bo")  # Ada's face, uploaded by someone else
    assert main(["avatars", "create", "--photo", str(portrait_path), "--consent", other["id"]]) == 0
    theirs = next(a.id for a in AvatarStore().list() if a.consent_id == other["id"])
    _fails(capsys, [*plain, "--avatar", theirs], "uploaded by 'Bo'")
    assert not (tmp_path / "x.mp4").exists()
