"""The words a scene shows besides its dialogue, for moderation to screen.

A scene puts text on screen that nobody speaks: its title card (title and subtitle),
and each speaker's lower third (their name and role, ``title``); captions label lines
with speakers' names too. Moderation screens these as it screens the dialogue:
``persona scene`` from the loaded :class:`~persona.scene.model.SceneSpec`
(:func:`spec_texts`), the service's ``podcast_video`` jobs from the request's ``scene``
object before any parsing (:func:`scene_texts`), each text with the place it was found::

    ("title", "Morning show"), ("speakers.A.name", "Ann"), ("speakers.A.title", "Host")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from persona.scene.model import SceneSpec


def spec_texts(scene: SceneSpec) -> list[tuple[str, str]]:
    """Every shown text of a loaded scene, with where it is."""
    found: list[tuple[str, str]] = []
    if scene.title is not None:
        found += [("title", scene.title.text), ("subtitle", scene.title.subtitle)]
    for s in scene.speakers:
        found += [(f"speakers.{s.id}.name", s.name), (f"speakers.{s.id}.title", s.title)]
    return [(where, text) for where, text in found if text.strip()]


def scene_texts(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every shown text of a scene given as a mapping (a scene file's or a request's
    contents), with where it is; values that are not text are left to the scene's own
    checks."""
    found: list[tuple[str, Any]] = [("subtitle", data.get("subtitle"))]
    title = data.get("title")
    if isinstance(title, Mapping):
        found += [("title", title.get("text")), ("subtitle", title.get("subtitle"))]
    else:
        found.append(("title", title))
    for key, entry in _speaker_entries(data.get("speakers")):
        if isinstance(entry, Mapping):
            found += [(f"speakers.{key}.name", entry.get("name"))]
            found += [(f"speakers.{key}.title", entry.get("title"))]
    return [(where, text) for where, text in found if isinstance(text, str) and text.strip()]


def _speaker_entries(value: Any) -> list[tuple[str, Any]]:
    """(id, entry) of each speaker; an id is itself shown when no name is given."""
    if isinstance(value, Mapping):
        pairs = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        pairs = [(str(v.get("id", i + 1)) if isinstance(v, Mapping) else str(i + 1), v)
                 for i, v in enumerate(value)]  # fmt: skip
    else:
        return []
    return [
        (key, {"name": key, **entry} if isinstance(entry, Mapping) else {"name": key})
        for key, entry in pairs
    ]
