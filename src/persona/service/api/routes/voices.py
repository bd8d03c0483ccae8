"""``/api/v1/voices``: the voice catalog with your matched voices, and matching a new one.

``POST /api/v1/voices/clone`` (multipart) matches a voice to a 10–60 s ``sample`` of a person
speaking (WAV, MP3, M4A, OGG, FLAC, WebM) under their consent: the form fields ``name``,
``subject`` (who speaks), ``statement`` (their consent in their own words) and
``purpose`` are required; the consent record names the signed-in user as uploader. This
is voice matching (pitch, formants, pace of the base voice moved toward the sample), not
neural cloning. The new voice is yours alone; a failed match leaves nothing behind.
"""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Form, Query, UploadFile

from persona.errors import ConsentError
from persona.service import audit
from persona.service.api.deps import CurrentUser, SessionDep, SettingsDep, StorageDep
from persona.service.api.routes.reviews import flag_voice
from persona.service.api.schemas_resources import VoiceCloned, VoiceList, VoicePublic
from persona.service.db.models import ResourceKind
from persona.service.ownership import owned_ids, record_owner
from persona.service.reviews import refuse_figure
from persona.service.staging import staged_upload
from persona.voice.base import Voice

router = APIRouter(prefix="/api/v1/voices", tags=["voices"])
VOICE = ResourceKind.VOICE
SAMPLE_MAX_BYTES = 50 << 20


def voice_public(voice: Voice, **extra: object) -> VoicePublic:
    return VoicePublic(
        id=voice.id,
        name=voice.name,
        lang=voice.lang,
        gender=voice.gender,
        age_group=voice.age_group,
        engine=voice.engine,
        description=voice.description,
        **extra,  # type: ignore[arg-type]
    )


@router.get("", response_model=VoiceList)
def list_voices(
    user: CurrentUser,
    session: SessionDep,
    lang: Annotated[str | None, Query(max_length=16, description="e.g. en, hi")] = None,
) -> VoiceList:
    """Every catalog voice (of ``lang`` only, when given), then your matched voices."""
    from persona.consent import get_consent
    from persona.voice.catalog import canonical_language
    from persona.voice.catalog import list_voices as catalog
    from persona.voice.store import find_saved

    code = None if lang is None else canonical_language(lang)
    voices = [voice_public(v) for v in catalog() if code in (None, v.lang)]
    for voice_id in owned_ids(session, user, VOICE):
        saved = find_saved(voice_id)
        if saved is None or code not in (None, saved.voice.lang):
            continue
        try:
            usable = not get_consent(saved.consent_id).revoked
        except ConsentError:
            usable = False
        voices.append(
            voice_public(
                saved.voice,
                matched=True,
                consent_id=saved.consent_id,
                consent_revoked=not usable,
                usable=usable,
            )
        )
    return VoiceList(voices=voices)


@router.post("/clone", status_code=201, response_model=VoiceCloned)
def clone_voice(
    sample: UploadFile,
    name: Annotated[str, Form(min_length=1, max_length=80)],
    subject: Annotated[str, Form(min_length=1, max_length=2000)],
    statement: Annotated[str, Form(min_length=1, max_length=2000)],
    purpose: Annotated[str, Form(min_length=1, max_length=2000)],
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> VoiceCloned:
    """Match a voice to the sample, with the speaker's consent (see the module doc)."""
    from persona.consent import new_consent, save_consent
    from persona.voice.matching import match_voice
    from persona.voice.store import delete_saved, save_voice

    refuse_figure(settings, VOICE, name)  # policy block: 422 before any work
    consent = new_consent("voice", subject, statement, purpose, uploader=user.email)
    limit = min(settings.upload_max_bytes, SAMPLE_MAX_BYTES)
    with staged_upload(
        session,
        storage,
        user,
        sample,
        kind="voice_sample",
        media="audio",
        max_bytes=limit,
    ) as (asset, path):
        saved = match_voice(path, name, consent)
        save_consent(consent)
        save_voice(saved)
        try:
            record_owner(session, user, VOICE, saved.id)
            record_owner(session, user, ResourceKind.CONSENT, consent.id)
            audit.record(session, user, "consent.create", ("consent", consent.id), kind="voice")
            audit.record(session, user, "voice.clone", ("voice", saved.id), consent=consent.id)
            session.commit()
        except BaseException:
            session.rollback()
            with contextlib.suppress(Exception):
                delete_saved(saved.id)
            raise
    made = VoiceCloned(
        **voice_public(saved.voice, matched=True, consent_id=consent.id).model_dump(),
        figures=dict(saved.figures),
        sample=dict(saved.sample),
        asset_id=asset.id,
    )
    return flag_voice(session, settings, user, made)  # named after a public figure?
