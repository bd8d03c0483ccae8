"""What ``persona voices match|delete`` and ``persona consent`` do, as plain functions.

    match_command(sample, name, consent fields or consent id) → (SavedVoice, text)
    delete_command(voice_id) → text
    consent_create_command(kind, subject, statement, ...) → (ConsentRecord, text)
    consent_list_command(kind, as_json) / consent_revoke_command(id) → text

They return what to print and raise :class:`~persona.errors.PersonaError` subclasses;
printing and exit codes belong to the CLI. A match saves its consent record only once
the sample has been matched, then the voice: a failed match leaves nothing behind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from persona.consent import (
    ConsentRecord,
    get_consent,
    list_consents,
    new_consent,
    revoke_consent,
    save_consent,
)
from persona.errors import ConsentError
from persona.voice.store import SavedVoice, delete_saved, list_saved, save_voice


def match_command(
    sample: Path,
    name: str,
    *,
    subject: str | None = None,
    statement: str | None = None,
    purpose: str | None = None,
    uploader: str | None = None,
    consent_id: str | None = None,
    as_json: bool = False,
) -> tuple[SavedVoice, str]:
    """Match a voice to ``sample`` under a new consent (``subject``, ``statement``,
    ``purpose``, ``uploader``) or an existing one (``consent_id``), save both and
    return the voice with the report to print."""
    from persona.voice.matching import match_voice

    consent = _consent(subject, statement, purpose, uploader, consent_id)
    saved = match_voice(sample, name, consent)
    if consent_id is None:
        save_consent(consent)
    save_voice(saved)
    return saved, json.dumps(saved_record(saved), indent=2) if as_json else _report(saved)


def _consent(
    subject: str | None,
    statement: str | None,
    purpose: str | None,
    uploader: str | None,
    consent_id: str | None,
) -> ConsentRecord:
    if consent_id is not None:
        if subject or statement or purpose:
            raise ConsentError("give either --consent ID or --subject/--statement/--purpose")
        return get_consent(consent_id)
    return new_consent("voice", subject or "", statement or "", purpose or "", uploader)


def _report(saved: SavedVoice) -> str:
    f = saved.figures
    transform = saved.voice.transform
    lines = [
        f"matched voice {saved.id} ({saved.voice.name}), consent {saved.consent_id}",
        f"  sample      {saved.sample.get('duration_s', 0):.1f} s, "
        f"F0 median {f.get('sample_f0_median_hz', 0):.0f} Hz "
        f"({f.get('sample_f0_low_hz', 0):.0f}-{f.get('sample_f0_high_hz', 0):.0f} Hz)",
        f"  base        {saved.base_voice}, F0 median {f.get('base_f0_median_hz', 0):.0f} Hz",
        f"  matched     F0 median {f.get('matched_f0_median_hz', 0):.0f} Hz on a check sentence",
    ]
    if transform is not None:
        lines.append(
            f"  transform   pitch x{transform.pitch_ratio:.2f}, "
            f"formants x{transform.formant_ratio:.3f} "
            f"(envelope fit {f.get('envelope_fit', 0):.2f}), "
            f"pitch range x{transform.pitch_range:.2f}, rate x{saved.voice.rate:.2f}"
        )
    lines.append(f"use it with --voice {saved.id}")
    return "\n".join(lines)


def saved_record(saved: SavedVoice) -> dict[str, Any]:
    """A saved voice for ``--json`` output: the voice, its provenance and its figures."""
    return {**saved.to_dict(), "id": saved.id}


def saved_rows() -> list[tuple[SavedVoice, bool]]:
    """Every saved voice with whether its consent still holds (for the listing)."""
    rows = []
    for saved in list_saved():
        try:
            usable = not get_consent(saved.consent_id).revoked
        except ConsentError:
            usable = False
        rows.append((saved, usable))
    return rows


def delete_command(voice_id: str) -> str:
    """Delete the saved voice ``voice_id``; its consent record stays."""
    saved = delete_saved(voice_id.strip().lower())
    return f"deleted voice {saved.id}; consent {saved.consent_id} is kept (revoke it separately)"


def consent_list_command(kind: str | None, as_json: bool) -> str:
    """The consent records (of ``kind`` only, when given) as lines or JSON."""
    records = list_consents(kind)
    if as_json:
        return json.dumps([r.to_dict() for r in records], indent=2, ensure_ascii=False)
    if not records:
        return "no consent records"
    return "\n".join(
        f"{r.id}  {r.kind:<6}  {r.created_at}  "
        f"{'revoked ' + r.revoked_at if r.revoked_at else 'active':<28}  "
        f"{r.subject} (uploaded by {r.uploader}): {r.purpose}"
        for r in records
    )


def consent_create_command(
    kind: str,
    subject: str,
    statement: str,
    purpose: str | None = None,
    uploader: str | None = None,
    as_json: bool = False,
) -> tuple[ConsentRecord, str]:
    """Save a new consent record (``purpose`` defaults by kind, ``uploader`` to the
    user at the command line); return it and what to print."""
    from persona.consent import DEFAULT_PURPOSES

    if kind not in DEFAULT_PURPOSES:
        raise ConsentError(f"consent kind must be avatar or voice, not {kind!r}")
    record = new_consent(kind, subject, statement, purpose or DEFAULT_PURPOSES[kind], uploader)
    save_consent(record)
    if as_json:
        return record, json.dumps(record.to_dict(), indent=2, ensure_ascii=False)
    use = "persona avatars create --photo FILE" if kind == "avatar" else "persona voices match"
    return record, (
        f"created consent {record.id} ({kind}) for {record.subject}, uploaded by "
        f"{record.uploader}: {record.purpose}\nuse it with `{use} ... --consent {record.id}`"
    )


def consent_revoke_command(consent_id: str) -> str:
    """Revoke ``consent_id``; voices made under it stop working for new renders."""
    record = revoke_consent(consent_id.strip())
    voices = [s.id for s in list_saved() if s.consent_id == record.id]
    disabled = f"; voices disabled: {', '.join(voices)}" if voices else ""
    return f"revoked consent {record.id} ({record.subject}) at {record.revoked_at}{disabled}"
