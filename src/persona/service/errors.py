"""Errors of the service layer, rooted in :class:`persona.errors.PersonaError`.

    PersonaError
    ├── InputError
    │   ├── SettingsError          the configuration is invalid or insecure
    │   ├── AuthError              missing, unknown, revoked or expired credentials (401)
    │   ├── PermissionDeniedError  authenticated, but not allowed (403)
    │   ├── NotFoundError          no such user, key, job or object (404)
    │   ├── ConflictError          duplicate email, reused idempotency key (409)
    │   │   ├── IllegalTransitionError  a job state change the state machine forbids
    │   │   └── JobLostError       a worker no longer holds its job (lease lost, cancelled)
    │   ├── StorageKeyError        an object key that could escape its storage (400)
    │   ├── UnsupportedMediaError  an upload whose bytes are not an accepted format (415)
    │   └── TooLargeError          an upload over the size limit (413)
    │       └── QuotaExceededError the user's storage quota would be exceeded
    └── EngineError
        ├── DatabaseError          the database cannot be reached or refused (503)
        └── StorageError           the storage backend failed (503)

HTTP status codes live only in :mod:`persona.service.api.errors`.
"""

from __future__ import annotations

from persona.errors import EngineError, InputError


class SettingsError(InputError):
    """The settings cannot be used; the message lists what to set."""


class AuthError(InputError):
    """Credentials are missing, unknown, revoked or expired."""


class PermissionDeniedError(InputError):
    """The user is known but may not do this."""


class NotFoundError(InputError):
    """No such user, API key, job or stored object (or not the caller's)."""


class ConflictError(InputError):
    """The request clashes with what exists: a duplicate, a concurrent change."""


class IllegalTransitionError(ConflictError):
    """A job state change that the state machine does not allow."""


class StorageKeyError(InputError):
    """An object key that is empty, too long or could leave its storage root."""


class UnsupportedMediaError(InputError):
    """An upload whose content (judged by its first bytes) is not an accepted format."""


class TooLargeError(InputError):
    """An upload larger than allowed."""


class QuotaExceededError(TooLargeError):
    """Storing this would take the user over their storage quota."""


class JobLostError(ConflictError):
    """The worker's claim on a job is gone: its lease expired or the job was cancelled."""


class StorageError(EngineError):
    """The storage backend failed while working."""


class DatabaseError(EngineError):
    """The database cannot be reached, or failed while working."""
