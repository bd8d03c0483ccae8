"""Uploads that a route processes at once (a portrait, a training clip, a voice sample).

    staged_upload(...) ─sniff the first bytes→ ─store_asset (size limit, quota)→
        storage ─copy→ a private temp file with the right suffix → the caller works on it

What the upload is comes from its bytes (:func:`persona.service.uploads.sniff`: 415 for
anything else), never from its name or declared type. The upload is kept as the user's
asset (it counts against their quota); when the work fails, the asset and its stored
object are removed again, so a refused upload costs nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from persona.service.db.models import Asset, User
from persona.service.storage.base import Storage
from persona.service.storage.usage import delete_asset, store_asset
from persona.service.uploads import HEAD_BYTES, extension_for, safe_filename, sniff


def upload_stem(upload: UploadFile, default: str) -> str:
    """A safe file stem from the upload's file name (``default`` when it has none)."""
    stem = Path(safe_filename(upload.filename)).stem
    return default if stem == "upload" and not upload.filename else stem


@contextmanager
def staged_upload(
    session: Session,
    storage: Storage,
    user: User,
    upload: UploadFile,
    *,
    kind: str,
    media: str,
    max_bytes: int,
) -> Iterator[tuple[Asset, Path]]:
    """Store ``upload`` (of ``media`` kind: image, audio, video) as ``user``'s asset of
    ``kind`` and yield it with a temp copy to work on; removed again when the block
    raises."""
    head = upload.file.read(HEAD_BYTES)
    upload.file.seek(0)
    content_type = sniff(media, head)
    asset = store_asset(
        session, storage, user, upload.file, kind=kind, max_bytes=max_bytes,
        content_type=content_type,
    )  # fmt: skip
    try:
        with tempfile.TemporaryDirectory(prefix="persona-upload-") as folder:
            path = Path(folder) / f"{upload_stem(upload, kind)}{extension_for(content_type)}"
            with path.open("wb") as out:
                for chunk in storage.open(asset.storage_key):
                    out.write(chunk)
            yield asset, path
    except BaseException:
        delete_asset(session, storage, asset.id, user_id=user.id)
        raise
