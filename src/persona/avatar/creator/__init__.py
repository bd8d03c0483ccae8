"""Illustrated avatars: a JSON-able :class:`AvatarSpec` drawn per frame with Skia."""

from persona.avatar.creator.spec import AvatarSpec, SpecError

__all__ = ["AvatarSpec", "SpecError"]
