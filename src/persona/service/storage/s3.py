"""Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, ...), through boto3.

An upload is streamed: up to one part in memory (8 MiB), a single ``PutObject`` when it
fits in one part, else a multipart upload that is aborted if the source fails or grows
past the limit, so nothing half-written is ever visible and no parts are left to bill.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from typing import Any

from persona.service.errors import NotFoundError, StorageError
from persona.service.settings import Settings
from persona.service.storage.base import (
    CHUNK_BYTES,
    Metered,
    Source,
    StoredObject,
    check_key,
    check_range,
)

PART_BYTES = 8 << 20
"""Multipart part size; S3 needs at least 5 MiB for every part but the last."""
_MISSING = {"404", "NoSuchKey", "NotFound"}


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def make_client(settings: Settings) -> Any:
    """A boto3 S3 client for the settings' endpoint, region and credentials (when none
    are set, boto3's usual chain: environment, profile, instance role)."""
    import boto3
    from botocore.config import Config

    secret = settings.s3_secret_access_key
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=secret.get_secret_value() if secret else None,
        config=Config(
            s3={"addressing_style": "path" if settings.s3_endpoint_url else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )


class S3Storage:
    name = "s3"

    def __init__(
        self, client: Any, bucket: str, *, prefix: str = "", part_bytes: int = PART_BYTES
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = check_key(prefix.strip("/")) + "/" if prefix.strip("/") else ""
        self.part_bytes = part_bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        if not settings.s3_bucket:
            raise StorageError("PERSONA_S3_BUCKET is not set")
        return cls(make_client(settings), settings.s3_bucket, prefix=settings.s3_prefix)

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _fail(self, action: str, key: str, exc: Exception) -> Exception:
        if _code(exc) in _MISSING:
            return NotFoundError(f"no stored object {key!r}")
        return StorageError(f"cannot {action} {key!r} in bucket {self.bucket}: {exc}")

    def put(
        self,
        key: str,
        source: Source,
        *,
        max_bytes: int | None = None,
        content_type: str | None = None,
    ) -> StoredObject:
        from botocore.exceptions import BotoCoreError, ClientError

        name = self._key(key)
        metered = Metered(source, max_bytes)
        extra = {"ContentType": content_type} if content_type else {}
        upload = _Multipart(self.client, self.bucket, name, extra)
        buffer = bytearray()
        try:
            for chunk in metered:
                buffer += chunk
                while len(buffer) >= self.part_bytes:
                    upload.send(bytes(buffer[: self.part_bytes]))
                    del buffer[: self.part_bytes]
            if upload.upload_id is None:
                self.client.put_object(Bucket=self.bucket, Key=name, Body=bytes(buffer), **extra)
            else:
                if buffer:
                    upload.send(bytes(buffer))
                upload.finish()
        except BaseException as exc:
            upload.abort()
            if isinstance(exc, ClientError | BotoCoreError):
                raise StorageError(f"cannot store {key!r} in {self.bucket}: {exc}") from exc
            raise
        return StoredObject(key=key, size=metered.size, sha256=metered.sha256)

    def open(self, key: str, *, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        name = self._key(key)
        check_range(start, stop)
        return self._read(key, name, start, stop)

    def _read(self, key: str, name: str, start: int, stop: int | None) -> Iterator[bytes]:
        from botocore.exceptions import BotoCoreError, ClientError

        if stop == start:  # an empty range: only whether the object is there matters
            self.size(key)
            return
        extra = {}
        if start or stop is not None:
            extra["Range"] = f"bytes={start}-{'' if stop is None else stop - 1}"
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=name, **extra)["Body"]
        except (ClientError, BotoCoreError) as exc:
            if _code(exc) == "InvalidRange":  # starts at or past the end
                return
            raise self._fail("read", key, exc) from exc
        try:
            yield from body.iter_chunks(CHUNK_BYTES)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except (ClientError, BotoCoreError) as exc:
            raise self._fail("delete", key, exc) from exc

    def _head(self, key: str) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            head: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except (ClientError, BotoCoreError) as exc:
            raise self._fail("inspect", key, exc) from exc
        return head

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except NotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def check(self) -> None:
        probe = f"_health/probe-{secrets.token_hex(4)}"
        self.put(probe, b"ok")
        self.delete(probe)


class _Multipart:
    """One multipart upload, started at its first part."""

    def __init__(self, client: Any, bucket: str, key: str, extra: dict[str, str]) -> None:
        self.client, self.bucket, self.key, self.extra = client, bucket, key, extra
        self.upload_id: str | None = None
        self.parts: list[dict[str, Any]] = []

    def send(self, data: bytes) -> None:
        if self.upload_id is None:
            started = self.client.create_multipart_upload(
                Bucket=self.bucket, Key=self.key, **self.extra
            )
            self.upload_id = started["UploadId"]
        number = len(self.parts) + 1
        sent = self.client.upload_part(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=data
        )
        self.parts.append({"PartNumber": number, "ETag": sent["ETag"]})

    def finish(self) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts},
        )

    def abort(self) -> None:
        if self.upload_id is not None:
            with contextlib.suppress(Exception):
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self.key, UploadId=self.upload_id
                )
