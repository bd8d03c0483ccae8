"""Output paths: check them before any work, write beside them, publish atomically.

A video is encoded into a hidden temporary file in the destination folder and moved over
the destination with :func:`os.replace` only once it is complete, so a failed or
interrupted encode never leaves a partial file (or destroys an older one) at the path.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from persona.errors import OutputPathError
from persona.media.formats import container_for_path


def ensure_writable(path: str | Path) -> Path:
    """Check that a video can be written at ``path`` and return it as a :class:`Path`.

    Raises :class:`OutputPathError` naming the reason: unsupported suffix, missing
    folder, a folder in the way, or a folder that refuses new files. Nothing is left
    behind by the check.
    """
    out = Path(path)
    container_for_path(out)
    return ensure_file_writable(out)


def ensure_file_writable(path: str | Path) -> Path:
    """Check that a file of any kind can be written at ``path``; return it as a Path.

    Raises :class:`OutputPathError` for a missing folder, a folder in the way, or a folder
    that refuses new files. Nothing is left behind by the check.
    """
    out = Path(path)
    folder = out.parent
    if not folder.exists():
        raise OutputPathError(f"cannot write {out}: folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputPathError(f"cannot write {out}: {folder} is not a folder")
    if out.is_dir():
        raise OutputPathError(f"cannot write {out}: it is a folder")
    probe = create_temp_beside(out)
    probe.unlink()
    return out


def create_temp_beside(path: Path) -> Path:
    """Create a new, empty, hidden file in ``path``'s folder and return its path.

    The name is unique (``O_EXCL``); permissions follow the process umask, as for any
    new file. Raises :class:`OutputPathError` when the folder does not accept files.
    """
    for _ in range(8):
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}") from exc
        os.close(fd)
        return temp
    raise OutputPathError(f"cannot write {path}: could not create a temporary file")


def publish(temp: Path, path: Path) -> None:
    """Move the finished ``temp`` file over ``path`` in one step."""
    try:
        os.replace(temp, path)
    except OSError as exc:
        discard(temp)
        raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}") from exc


def discard(temp: Path) -> None:
    """Remove a temporary file if it is still there."""
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
