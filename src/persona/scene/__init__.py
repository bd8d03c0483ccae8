"""Scenes: conversations of 2-4 avatars (podcast style) from a dialogue and a scene file.

    scene = load_scene("scene.yaml")
    result = render_scene(Path("dialogue.txt").read_text(), scene, "podcast.mp4")

    dialogue ─parse→ turns ─speak→ Conversation (mixed audio, one timeline per speaker,
    words with speakers) ─animate→ mouth and face per speaker (listeners nod, smile, blink)
    ─direct→ shots (who is where, per frame), lower thirds ─compose→ frames ─encode→ file

``docs/scenes.md`` describes the dialogue syntax and every key of a scene file. Nothing
heavy is imported with this package; :func:`render_scene` loads the engines it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from persona.scene.config import load_scene, scene_from_dict
from persona.scene.dialogue import parse_dialogue
from persona.scene.model import Conversation, SceneResult, SceneSpec, Shot, Speaker, SpokenWord

if TYPE_CHECKING:
    from persona.scene.render import render_scene

__all__ = [
    "Conversation",
    "SceneResult",
    "SceneSpec",
    "Shot",
    "Speaker",
    "SpokenWord",
    "load_scene",
    "parse_dialogue",
    "render_scene",
    "scene_from_dict",
]


def __getattr__(name: str) -> Any:
    if name == "render_scene":
        from persona.scene.render import render_scene

        return render_scene
    raise AttributeError(name)
