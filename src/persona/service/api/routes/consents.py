"""``/api/v1/consents``: your consent records, and revoking them.

    GET  /api/v1/consents                 the records you made, oldest first
    POST /api/v1/consents                 record a person's consent (you are the uploader)
    GET  /api/v1/consents/{id}            one of them, with the avatars and voices made
                                          under it
    POST /api/v1/consents/{id}/revoke     revoke it: every avatar and voice made under it
                                          is refused for new work from now on

Records made by ``/voices/clone`` and ``/avatars/train`` appear here too. Another user's
record is not found (``404``). Revoking is final and keeps the first time; videos made
before are not touched. A job that names a disabled avatar or voice is refused with
``422`` (see :mod:`persona.service.consents`).
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from persona.consent import ConsentRecord, create_consent, get_consent, revoke_consent
from persona.errors import ConsentError
from persona.service import audit
from persona.service.api.deps import CurrentUser, SessionDep
from persona.service.api.schemas_datarights import ConsentCreate, ConsentList, ConsentPublic
from persona.service.consents import made_under
from persona.service.db.models import OwnedResource, ResourceKind, User
from persona.service.errors import NotFoundError
from persona.service.ownership import owned_ids, record_owner, require_owner

router = APIRouter(prefix="/api/v1/consents", tags=["consents"])
CONSENT = ResourceKind.CONSENT


def consent_public(
    record: ConsentRecord, session: Session | None = None, user: User | None = None
) -> ConsentPublic:
    """The record as the API shows it; with the user's avatars and voices made under it
    when ``session`` and ``user`` are given."""
    avatars, voices = ([], []) if session is None or user is None else made_under(
        session, user, record.id
    )  # fmt: skip
    return ConsentPublic(**record.to_dict(), revoked=record.revoked, avatars=avatars, voices=voices)


def _owned_record(session: Session, user: User, consent_id: str) -> tuple[ConsentRecord, User]:
    """The record and its owner (the user, or anyone's for an admin); else 404."""
    require_owner(session, user, CONSENT, consent_id)
    owned = session.get(OwnedResource, (CONSENT, consent_id))
    owner = session.get(User, owned.user_id) if owned is not None else None
    try:
        return get_consent(consent_id), owner or user
    except ConsentError:
        raise NotFoundError(f"no consent {consent_id!r}") from None


@router.get("", response_model=ConsentList)
def list_consents(user: CurrentUser, session: SessionDep) -> ConsentList:
    """The consent records you made (through this route, a voice match or an avatar)."""
    records = []
    for consent_id in owned_ids(session, user, CONSENT):
        try:
            records.append(consent_public(get_consent(consent_id)))
        except ConsentError:
            continue
    return ConsentList(consents=records)


@router.post("", status_code=201, response_model=ConsentPublic)
def add_consent(body: ConsentCreate, user: CurrentUser, session: SessionDep) -> ConsentPublic:
    """Record a person's consent; use its id as ``consent_id`` when training an avatar."""
    record = create_consent(body.kind, body.subject, body.statement, body.purpose, user.email)
    record_owner(session, user, CONSENT, record.id)
    audit.record(session, user, "consent.create", ("consent", record.id), kind=record.kind)
    session.commit()
    return consent_public(record)


@router.get("/{consent_id}", response_model=ConsentPublic)
def read_consent(consent_id: str, user: CurrentUser, session: SessionDep) -> ConsentPublic:
    record, owner = _owned_record(session, user, consent_id)
    return consent_public(record, session, owner)


@router.post("/{consent_id}/revoke", response_model=ConsentPublic)
def revoke(consent_id: str, user: CurrentUser, session: SessionDep) -> ConsentPublic:
    """Revoke the consent: its avatars and voices make no new videos from now on."""
    record, owner = _owned_record(session, user, consent_id)
    first = not record.revoked
    record = revoke_consent(record.id)
    if first:
        audit.record(session, user, "consent.revoke", ("consent", record.id), kind=record.kind)
        session.commit()
    return consent_public(record, session, owner)
