"""What ``persona avatars create | list | show | edit | delete`` do; the CLI only parses.

A photo or video avatar is a real person's likeness, so ``create`` makes one only under
a consent of kind ``avatar`` (:class:`ConsentOptions`): a stored record that holds
(``--consent ID``), or a new one from ``--subject`` and ``--statement``, saved only once
the avatar is (a refused photo or a failed training leaves nothing behind). Illustrated
avatars are nobody's likeness and take no consent.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from persona.avatar.store import AvatarRecord, AvatarStore
from persona.consent import ConsentRecord, consent_from_options, save_consent
from persona.errors import InputError
from persona.progress import ProgressSink


@dataclass(frozen=True)
class ConsentOptions:
    """The consent a photo or video avatar is made under: ``consent_id``, or the fields
    of a new record (``uploader`` defaults to the user at the command line)."""

    consent_id: str | None = None
    subject: str | None = None
    statement: str | None = None
    purpose: str | None = None
    uploader: str | None = None

    def given(self) -> bool:
        return any(v is not None for v in astuple(self))

    def record(self) -> ConsentRecord:
        """The stored record (checked to hold) or a new, unsaved one."""
        return consent_from_options(
            "avatar",
            consent_id=self.consent_id,
            subject=self.subject,
            statement=self.statement,
            purpose=self.purpose,
            uploader=self.uploader,
        )


def create_command(
    *,
    photo: str | None,
    template: str | None,
    spec: str | None,
    video: str | None,
    name: str | None,
    background: str | None,
    consent: ConsentOptions,
    transcript: str | None,
    sink: ProgressSink | None = None,
) -> tuple[AvatarRecord, str]:
    """Create one avatar from exactly one source; return it and a line of notes."""
    given = [s for s in (photo, template, spec, video) if s is not None]
    if len(given) != 1:
        raise InputError("give exactly one of --photo, --template, --spec or --video")
    if background is not None and photo is None:
        raise InputError("--background applies to photo avatars only")
    if photo is None and video is None:
        if consent.given():
            raise InputError(
                "--consent, --subject, --statement, --purpose and --uploader apply to photo "
                "and video avatars only: an illustrated avatar is nobody's likeness"
            )
        from persona.avatar.library import create_creator_avatar

        record = create_creator_avatar(template=template, spec_path=spec, name=name)
        return record, "illustrated"
    agreed = consent.record()  # refused before any work
    record, note = _create_likeness(photo, video, name, background, agreed.id, transcript, sink)
    if consent.consent_id is None:
        save_consent(agreed)
    return record, f"{note}; consent {agreed.id}"


def _create_likeness(
    photo: str | None,
    video: str | None,
    name: str | None,
    background: str | None,
    consent_id: str,
    transcript: str | None,
    sink: ProgressSink | None,
) -> tuple[AvatarRecord, str]:
    if photo is not None:
        from persona.avatar.library import create_photo_avatar

        record, report = create_photo_avatar(
            photo, name, background=background, consent_id=consent_id
        )
        warnings = [c.name for c in report.checks if c.status == "warn"]
        note = f"quality {report.status}" + (f" (check {', '.join(warnings)})" if warnings else "")
        return record, note
    from persona.avatar.video.train import create_video_avatar

    assert video is not None
    text = _transcript(transcript)
    record = create_video_avatar(video, name, progress=sink, consent_id=consent_id, transcript=text)
    facts = record.meta.get("video", {})
    covered = len(facts.get("visemes_covered", []))
    return record, f"{covered} mouth shapes learned from the clip"


def _transcript(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the transcript {path}: {exc}") from exc
    if not text:
        raise InputError(f"the transcript {path} is empty")
    return text


def summary(record: AvatarRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "kind": record.kind,
        "version": record.latest.version,
        "created_at": record.created_at,
        "updated_at": record.latest.created_at,
        "consent_id": record.consent_id,
    }


def list_command(as_json: bool) -> str:
    records = AvatarStore().list()
    if as_json:
        return json.dumps([summary(r) for r in records], indent=2)
    if not records:
        return "no saved avatars (create one with `persona avatars create`)"
    rows = [("id", "kind", "ver", "name", "updated")]
    rows += [(r.id, r.kind, str(r.latest.version), r.name, r.latest.created_at) for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def show_command(avatar_id: str, as_json: bool) -> str:
    record = AvatarStore().get(avatar_id)
    if as_json:
        return json.dumps(record.as_dict(), indent=2, ensure_ascii=False)
    lines = [
        f"{record.id}  {record.name}  ({record.kind} avatar)",
        f"created {record.created_at}"
        + (f", consent {record.consent_id}" if record.consent_id else ""),
        "versions:",
    ]
    for v in record.versions:
        lines.append(f"  {v.version:>3}  {v.created_at}  {v.note}")
    return "\n".join(lines)
