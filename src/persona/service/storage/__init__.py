"""Object storage for uploads and results: one :class:`Storage` protocol, a registry of
backends (``local`` files, ``s3``-compatible buckets) and per-user quota accounting
(:mod:`persona.service.storage.usage`)."""

from __future__ import annotations

from collections.abc import Callable

from persona.service.errors import SettingsError
from persona.service.settings import Settings
from persona.service.storage.base import Storage, StoredObject, check_key, read_bytes


def _local(settings: Settings) -> Storage:
    from persona.service.storage.local import LocalStorage

    return LocalStorage(settings.storage_root)


def _s3(settings: Settings) -> Storage:
    from persona.service.storage.s3 import S3Storage

    return S3Storage.from_settings(settings)


BACKENDS: dict[str, Callable[[Settings], Storage]] = {"local": _local, "s3": _s3}


def make_storage(settings: Settings) -> Storage:
    """The backend ``settings.storage_backend`` names."""
    try:
        factory = BACKENDS[settings.storage_backend]
    except KeyError:
        names = ", ".join(BACKENDS)
        raise SettingsError(
            f"unknown storage backend {settings.storage_backend!r}: {names}"
        ) from None
    return factory(settings)


__all__ = ["BACKENDS", "Storage", "StoredObject", "check_key", "make_storage", "read_bytes"]
