"""The label as the service takes it: a generate request's ``ai_label`` object.

    {"position": "top-left", "opacity": 0.7}      the label where and how asked
    {"enabled": false}                            no label: only for your own likeness

:func:`marks_from_request` checks the object's shape when the job is submitted;
:func:`require_service_label_removal` applies
:func:`~persona.watermark.policy.require_label_removal` in the worker, with the
signed-in user's e-mail address and display name as the requester.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from persona.errors import InputError
from persona.watermark.options import DEFAULT_OPACITY, DEFAULT_POSITION, LabelOptions, Marks

if TYPE_CHECKING:
    from persona.service.db.engine import Database

KEYS = frozenset({"position", "opacity", "enabled"})


def marks_from_request(value: Any) -> Marks:
    """The marks a request's ``ai_label`` (None, or an object) asks for."""
    if value is None:
        return Marks()
    if not isinstance(value, Mapping):
        raise InputError("ai_label must be an object: {position, opacity, enabled}")
    unknown = sorted(set(value) - KEYS)
    if unknown:
        raise InputError(f"ai_label: unknown {', '.join(unknown)}; use position, opacity, enabled")
    enabled = value.get("enabled", True)
    if not isinstance(enabled, bool):
        raise InputError("ai_label.enabled must be true or false")
    if not enabled:
        return Marks(label=None)
    position = value.get("position", DEFAULT_POSITION)
    opacity = value.get("opacity", DEFAULT_OPACITY)
    if not isinstance(position, str) or not isinstance(opacity, int | float):
        raise InputError("ai_label: position is a corner name, opacity a number")
    return Marks(label=LabelOptions(position, float(opacity)))


def require_service_label_removal(database: Database, user_id: str, avatar: str) -> None:
    """Raise :class:`~persona.watermark.policy.LabelRemovalError` unless the user
    ``user_id`` may leave the label off a video of ``avatar`` (a request's avatar)."""
    from persona.consent import list_consents
    from persona.service.db.models import User
    from persona.watermark.policy import require_label_removal, saved_avatar

    with database.session() as session:
        user = session.get(User, user_id)
        names = [] if user is None else [user.email, user.display_name]
    require_label_removal(saved_avatar(avatar), list_consents("avatar"), [n for n in names if n])
