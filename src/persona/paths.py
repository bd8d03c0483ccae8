"""Where Persona Studio keeps what users make: saved avatars, voices, consent records.

Everything lives under one data directory, ``$PERSONA_DATA_DIR`` or ``./persona-data``;
the service keeps its database and media there too. Nothing is created at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = "persona-data"


def data_dir() -> Path:
    """The data directory (not created here: writers create what they need)."""
    return Path(os.environ.get("PERSONA_DATA_DIR") or DEFAULT_DATA_DIR).expanduser()
