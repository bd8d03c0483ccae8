"""The :class:`Storage` protocol every backend implements, and what they share: safe
object keys, chunked reading of an upload with a size limit, and its SHA-256.

A key is a relative path of ``/``-separated parts made of letters, digits, ``.``, ``_``
and ``-``, none starting with ``.``: no ``..``, no absolute paths, no backslashes, no
hidden files; so no key can leave its storage, on disk or in a bucket.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from persona.errors import InputError
from persona.service.errors import StorageKeyError, TooLargeError

CHUNK_BYTES = 1 << 20
MAX_KEY_LENGTH = 512
_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")

Source = bytes | BinaryIO | Iterable[bytes]
"""What ``put`` stores: bytes, a binary file object (read in chunks) or chunks."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str


class Storage(Protocol):
    """Where uploads and results live. Keys are checked with :func:`check_key`; a
    missing object raises :class:`~persona.service.errors.NotFoundError`; a backend
    failure :class:`~persona.service.errors.StorageError`. No URLs: the API streams."""

    name: str

    def put(
        self,
        key: str,
        source: Source,
        *,
        max_bytes: int | None = None,
        content_type: str | None = None,
    ) -> StoredObject:
        """Store ``source`` under ``key``, streamed in chunks, replacing any object
        there. Over ``max_bytes``: :class:`TooLargeError` and nothing changes (a failed
        put leaves the previous object as it was)."""
        ...

    def open(self, key: str, *, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The bytes ``[start, stop)`` (clamped to the object's size) in chunks; lazy:
        a missing object raises when reading starts."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; nothing happens when there is none."""
        ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def check(self) -> None:
        """Raise :class:`StorageError` unless an object can be written and removed."""
        ...


def check_key(key: str) -> str:
    """``key`` when it is safe to use; :class:`StorageKeyError` otherwise."""
    if not key:
        raise StorageKeyError("an object key cannot be empty")
    if len(key) > MAX_KEY_LENGTH:
        raise StorageKeyError(f"an object key has at most {MAX_KEY_LENGTH} characters")
    if not all(_PART.match(part) for part in key.split("/")):
        raise StorageKeyError(
            f"object key {key[:80]!r} is not allowed: use /-separated parts of letters, "
            "digits, '.', '_' and '-' that do not start with '.'"
        )
    return key


def check_range(start: int, stop: int | None) -> None:
    if start < 0 or (stop is not None and stop < start):
        raise InputError(f"bad byte range [{start}, {stop}): need 0 <= start <= stop")


def iter_source(source: Source, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = memoryview(source)
        for offset in range(0, len(data), chunk_bytes):
            yield bytes(data[offset : offset + chunk_bytes])
    elif hasattr(source, "read"):
        while chunk := source.read(chunk_bytes):
            yield chunk
    else:
        for chunk in source:
            if chunk:
                yield bytes(chunk)


class Metered:
    """Iterates over ``source`` in chunks, counting and hashing them; raises
    :class:`TooLargeError` as soon as more than ``max_bytes`` have come."""

    def __init__(self, source: Source, max_bytes: int | None = None) -> None:
        self._source = source
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()

    def __iter__(self) -> Iterator[bytes]:
        for chunk in iter_source(self._source):
            self.size += len(chunk)
            if self.max_bytes is not None and self.size > self.max_bytes:
                raise TooLargeError(f"more than the limit of {self.max_bytes} bytes")
            self._hash.update(chunk)
            yield chunk

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


def read_bytes(storage: Storage, key: str, *, start: int = 0, stop: int | None = None) -> bytes:
    """The whole object (or ``[start, stop)``) as one ``bytes``: for small objects."""
    return b"".join(storage.open(key, start=start, stop=stop))
