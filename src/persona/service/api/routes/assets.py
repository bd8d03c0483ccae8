"""``POST /api/v1/assets``: upload a file (multipart field ``file``) for jobs to use: a
photo for an avatar, a recording to lip-sync or caption.

The upload is streamed to storage in chunks with the upload limit and the user's quota
(:func:`~persona.service.storage.usage.store_asset`). What it is (image, audio, video;
its content type) is judged by its first bytes, never by its name or the client's
``Content-Type`` (:mod:`persona.service.uploads`): anything else gets 415.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from persona.errors import InputError
from persona.service.api.deps import CurrentUser, SessionDep, SettingsDep, StorageDep
from persona.service.api.schemas import AssetPublic
from persona.service.db.models import Asset
from persona.service.storage.usage import delete_asset, store_asset

router = APIRouter(prefix="/api/v1/assets", tags=["assets"])
KINDS = ("image", "audio", "video")


def kind_and_type(head: bytes, kind: str | None) -> tuple[str, str]:
    """The asset kind and the content type of an upload starting with ``head``, judged
    by its bytes (:func:`persona.service.uploads.sniff`); ``kind`` narrows what is
    accepted, else the format decides (a photo is an image, an MP4 a video)."""
    from persona.service.uploads import detect, sniff

    if kind is None:
        found = detect(head)
        kind = next((k for k in KINDS if found is not None and k in found.types), "media")
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    content_type = sniff(kind, head)
    return kind, content_type


@router.post("", status_code=201, response_model=AssetPublic)
def upload(
    file: Annotated[UploadFile, File(description="a photo, recording or video")],
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    user: CurrentUser,
    kind: Annotated[str | None, Form(description="image, audio or video")] = None,
) -> Asset:
    """Store a file for jobs to use; refer to it by its id (``asset_…``)."""
    from persona.service.uploads import HEAD_BYTES

    head = file.file.read(HEAD_BYTES)
    file.file.seek(0)
    kind, content_type = kind_and_type(head, kind)
    asset = store_asset(
        session, storage, user, file.file, kind=kind, content_type=content_type,
        max_bytes=settings.upload_max_bytes,
    )  # fmt: skip
    session.commit()
    return asset


@router.delete("/{asset_id}", status_code=204)
def remove(asset_id: str, session: SessionDep, storage: StorageDep, user: CurrentUser) -> None:
    delete_asset(session, storage, asset_id, user_id=user.id)
    session.commit()
