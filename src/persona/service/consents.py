"""Consent records in the service: each user's own, and what revoking one stops.

The records themselves are :mod:`persona.consent`'s JSON files; who made which through
the API is recorded in ``owned_resources`` (kind ``consent``), so another user's record
reads as not found. Avatars and matched voices name the consent they were made under;
:func:`made_under` finds them among the user's own.

Revoking a consent disables every avatar and voice made under it for new work: the
renderer refuses them (:func:`persona.avatar.library.check_avatar_consent`,
:func:`persona.voice.store.usable_voice`), and :func:`check_job_consents` refuses a job
that names one when it is submitted (``422``), so the client hears it at once rather
than from a failed job. Videos made before stay as they are.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from persona.consent import ConsentRecord, get_consent, save_consent
from persona.errors import ConsentError, InputError
from persona.service.db.models import ResourceKind, User
from persona.service.ownership import owned_ids

ERASED = ""
"""What the free-text fields of a consent record hold once its uploader's account is
deleted (see :func:`erase_consent`)."""


def made_under(session: Session, user: User, consent_id: str) -> tuple[list[str], list[str]]:
    """The ids of the user's avatars and matched voices made under ``consent_id``."""
    from persona.avatar.store import AvatarNotFoundError, AvatarStore
    from persona.voice.store import find_saved

    store, avatars, voices = AvatarStore(), [], []
    for avatar_id in owned_ids(session, user, ResourceKind.AVATAR):
        with contextlib.suppress(AvatarNotFoundError):
            if store.get(avatar_id).consent_id == consent_id:
                avatars.append(avatar_id)
    for voice_id in owned_ids(session, user, ResourceKind.VOICE):
        with contextlib.suppress(InputError):
            saved = find_saved(voice_id)
            if saved is not None and saved.consent_id == consent_id:
                voices.append(voice_id)
    return avatars, voices


def consent_revoked(consent_id: str | None) -> bool:
    """Whether a likeness made under ``consent_id`` is barred: its consent is revoked
    or its record is gone. ``None`` (no consent needed) is never revoked."""
    if not consent_id:
        return False
    try:
        return get_consent(consent_id).revoked
    except ConsentError:
        return True


def check_job_consents(params: Mapping[str, Any]) -> None:
    """Raise :class:`ConsentError` when the job names a saved avatar or a matched voice
    whose consent was revoked (ownership is checked elsewhere)."""
    from persona.avatar.library import check_avatar_consent
    from persona.avatar.store import AvatarNotFoundError, AvatarStore, parse_ref
    from persona.voice.store import usable_voice

    avatar = params.get("avatar")
    saved = parse_ref(avatar) if isinstance(avatar, str) else None
    if saved is not None:
        with contextlib.suppress(AvatarNotFoundError):  # reported as not found elsewhere
            check_avatar_consent(AvatarStore().get(saved[0]))
    voice = params.get("voice")
    if isinstance(voice, str) and voice.strip():
        usable_voice(voice.strip().lower())


def erase_consent(record: ConsentRecord) -> ConsentRecord:
    """Revoke ``record`` (keeping an earlier revocation time) and blank its free text:
    subject, uploader, statement and purpose. What stays is the bare history: the id,
    the kind and when it was given and revoked."""
    from persona.consent import now_iso

    erased = replace(
        record,
        subject=ERASED,
        uploader=ERASED,
        statement=ERASED,
        purpose=ERASED,
        revoked_at=record.revoked_at or now_iso(),
    )
    save_consent(erased)
    return erased
