"""Where Persona Studio keeps what users make: saved avatars, voices, consent records.

Everything lives under one data directory, ``$PERSONA_DATA_DIR`` or ``./persona-data``;
the service keeps its database and media there too. Nothing is created at import time.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from persona.errors import OutputPathError

DEFAULT_DATA_DIR = "persona-data"


def data_dir() -> Path:
    """The data directory (not created here: writers create what they need)."""
    return Path(os.environ.get("PERSONA_DATA_DIR") or DEFAULT_DATA_DIR).expanduser()


def cache_dir() -> Path:
    """Where derived, re-creatable files go (``$PERSONA_CACHE_DIR``, else the XDG cache
    folder ``~/.cache/persona``). Not created here; deleting it only costs time."""
    explicit = os.environ.get("PERSONA_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(base) / "persona"


def write_json_atomic(path: Path, data: object) -> None:
    """Write ``data`` as JSON to ``path`` so that readers see the old file or the whole
    new one, never a part: it goes to a hidden temporary file in the same folder (created
    as needed), is flushed to disk, then renamed over ``path``. Raises
    :class:`~persona.errors.OutputPathError` when the folder refuses it."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
