"""Leaving the label off: only for the requester's own likeness, consent on file."""

from __future__ import annotations

from dataclasses import replace

import pytest

from persona.avatar.store import AvatarRecord, AvatarVersion
from persona.consent import ConsentRecord, new_consent
from persona.watermark.policy import (
    LabelRemovalError,
    label_removal_refusal,
    may_remove_label,
    require_label_removal,
)
from persona.watermark.requests import marks_from_request

ME = "ana@example.org"


def _consent(subject: str = ME, uploader: str = ME, kind: str = "avatar") -> ConsentRecord:
    return new_consent(kind, subject, "I agree to my face being used.", "my videos", uploader)


def _avatar(consent: ConsentRecord | None, kind: str = "photo") -> AvatarRecord:
    version = AvatarVersion(1, "2026-01-01T00:00:00Z", {"file": "x.jpg"})
    return AvatarRecord(
        id="av_0123456789ab",
        name="Ana",
        kind=kind,
        created_at="2026-01-01T00:00:00Z",
        versions=(version,),
        consent_id=consent.id if consent else None,
    )


def test_own_likeness_with_consent_may_go_unlabelled() -> None:
    consent = _consent()
    assert may_remove_label(_avatar(consent), [consent], ME)
    assert may_remove_label(_avatar(consent, "video"), [consent], [" Ana@Example.org ", "Ana"])
    require_label_removal(_avatar(consent), [consent], ME)  # no error


def test_subject_given_by_name_counts_for_the_same_person() -> None:
    consent = _consent(subject="Ana Lima")
    assert may_remove_label(_avatar(consent), [consent], [ME, "Ana Lima"])
    assert not may_remove_label(_avatar(consent), [consent], ME)


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("someone else shown", "shows 'Bruno'"),
        ("someone else asks", "not the requester"),
        ("revoked", "was revoked"),
        ("voice consent", "covers 'voice'"),
        ("no consent id", "no consent record"),
        ("consent missing", "not on file"),
        ("illustrated", "not a real person"),
    ],
)
def test_other_cases_are_refused_with_a_reason(case: str, reason: str) -> None:
    consent, requester, kind = _consent(), ME, "photo"
    records = [consent]
    if case == "someone else shown":
        consent = _consent(subject="Bruno")
        records = [consent]
    elif case == "someone else asks":
        requester = "carla@example.org"
    elif case == "revoked":
        records = [replace(consent, revoked_at="2026-02-01T00:00:00Z")]
    elif case == "voice consent":
        consent = _consent(kind="voice")
        records = [consent]
    elif case == "consent missing":
        records = []
    elif case == "illustrated":
        kind = "creator"
    avatar = _avatar(None if case == "no consent id" else consent, kind)
    why = label_removal_refusal(avatar, records, requester)
    assert why is not None and reason in why
    with pytest.raises(LabelRemovalError, match="cannot be turned off"):
        require_label_removal(avatar, records, requester)


@pytest.mark.parametrize("ref", ["template:maya", "portrait.jpg", "spec.json"])
def test_unsaved_avatars_are_refused(ref: str) -> None:
    assert "not a saved photo or video avatar" in (label_removal_refusal(ref, [], ME) or "")


def test_service_request_shapes() -> None:
    from persona.errors import InputError

    assert marks_from_request(None).label is not None
    marks = marks_from_request({"position": "top-left", "opacity": 0.5})
    assert marks.label is not None and marks.label.position == "top-left"
    assert marks_from_request({"enabled": False}).label is None
    for bad in ([1], {"colour": "red"}, {"enabled": "no"}, {"position": "centre"}):
        with pytest.raises(InputError):
            marks_from_request(bad)
