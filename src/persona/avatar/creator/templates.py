"""Ready-made illustrated avatars: ages from child to senior, skin tones across the Monk
scale, many hair textures, head coverings and styles of dress.

The templates live in ``assets/avatar_templates.json``: each is the JSON form of an
:class:`AvatarSpec` (only what differs from the defaults), so ``persona avatars template
NAME`` prints a complete starting point for a spec file of one's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from persona.avatar.creator.spec import AvatarSpec
from persona.errors import InputError


class UnknownTemplateError(InputError):
    """No avatar template with that name."""


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    spec: AvatarSpec


TEMPLATES_FILE = "avatar_templates.json"


def _load() -> tuple[Template, ...]:
    path = resources.files("persona") / "assets" / TEMPLATES_FILE
    rows = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Template(row["name"], row["description"], AvatarSpec.from_dict(row["spec"])) for row in rows
    )


@cache
def templates() -> tuple[Template, ...]:
    """Every template, in the file's order (read once)."""
    return _load()


def template_names() -> tuple[str, ...]:
    return tuple(t.name for t in templates())


def get_template(name: str) -> Template:
    for t in templates():
        if t.name == name:
            return t
    raise UnknownTemplateError(
        f"no avatar template {name!r}: choose one of {', '.join(template_names())}"
    )
