"""Fixtures of the service unit tests (defined in ``fixtures.py``, shared with the
integration tests)."""

from tests.unit.service.fixtures import (  # noqa: F401
    _fresh_settings,
    database,
    migrated_sqlite_file,
    settings,
    storage,
)
from tests.unit.service.resources import api_client, user_keys  # noqa: F401
