"""Objects as files under one folder (by default ``$PERSONA_DATA_DIR/media``).

Writes are atomic: the data goes to a hidden ``.<name>.<random>.part`` file next to the
target, is flushed to disk, then renamed over it; readers see the old object or the new
one, never a part, and a failed or oversized upload leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from persona.service.errors import NotFoundError, StorageError, StorageKeyError
from persona.service.storage.base import (
    CHUNK_BYTES,
    Metered,
    Source,
    StoredObject,
    check_key,
    check_range,
)


class LocalStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = self.root / check_key(key)
        # Keys cannot hold "..", but a symlink inside the root could still lead out.
        root = self.root.resolve()
        if not path.resolve().is_relative_to(root):
            raise StorageKeyError(f"object key {key!r} leads outside the storage folder")
        return path

    def put(
        self,
        key: str,
        source: Source,
        *,
        max_bytes: int | None = None,
        content_type: str | None = None,
    ) -> StoredObject:
        path = self._path(key)
        metered = Metered(source, max_bytes)
        with self._writing(key):
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in metered:  # the source's own errors pass through unchanged
                    with self._writing(key):
                        out.write(chunk)
                with self._writing(key):
                    out.flush()
                    os.fsync(out.fileno())
            with self._writing(key):
                os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        return StoredObject(key=key, size=metered.size, sha256=metered.sha256)

    @contextlib.contextmanager
    def _writing(self, key: str) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise StorageError(f"cannot write {key!r} under {self.root}: {exc}") from exc

    def open(self, key: str, *, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        path = self._path(key)
        check_range(start, stop)
        return self._read(key, path, start, stop)

    def _read(self, key: str, path: Path, start: int, stop: int | None) -> Iterator[bytes]:
        try:
            handle = path.open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise NotFoundError(f"no stored object {key!r}") from None
        with handle:
            handle.seek(start)
            left = None if stop is None else stop - start
            while left is None or left > 0:
                chunk = handle.read(CHUNK_BYTES if left is None else min(CHUNK_BYTES, left))
                if not chunk:
                    return
                if left is not None:
                    left -= len(chunk)
                yield chunk

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except IsADirectoryError:
            pass
        except OSError as exc:
            raise StorageError(f"cannot delete {key!r}: {exc}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise NotFoundError(f"no stored object {key!r}")
        return path.stat().st_size

    def check(self) -> None:
        probe = f"_health/probe-{secrets.token_hex(4)}"
        self.put(probe, b"ok")
        self.delete(probe)
