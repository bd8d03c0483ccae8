"""A job's title, as the studio lists it: what a person would call the video.

In order: the name of the job's project (``params.project_id``, when the project still
exists), else the first words of what it says (``script``, ``dialogue`` or ``text``, with
SSML tags, ``[pause]`` marks and dialogue speaker labels taken out), cut at a word to at
most :data:`MAX_TITLE` characters with an ellipsis, else its type in words
("Podcast video"). Titles are made when a job is shown, never stored: renaming a project
renames its videos.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import object_session

from persona.service.db.models import Job, Project

MAX_TITLE = 60
TEXT_PARAMS = ("script", "dialogue", "text")
"""Parameters whose first words name the job, in order."""

_TAG = re.compile(r"<[^>]*>|\[[^\]]*\]")
_SPEAKER = re.compile(r"^\s*[\w .'-]{1,40}:\s+", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def job_title(job: Job) -> str:
    """The title of ``job`` (see the module docstring)."""
    params: dict[str, Any] = job.params or {}
    name = _project_name(job, params.get("project_id"))
    if name:
        return shorten(name)
    for key in TEXT_PARAMS:
        value = params.get(key)
        if isinstance(value, str):
            words = spoken_words(value, dialogue=key == "dialogue")
            if words:
                return shorten(words)
    return str(job.type).replace("_", " ").capitalize()


def spoken_words(text: str, *, dialogue: bool = False) -> str:
    """``text`` without markup (and speaker labels, for a dialogue), on one line."""
    if dialogue:
        text = _SPEAKER.sub("", text)
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip()


def shorten(text: str, limit: int = MAX_TITLE) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, "…" included."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def _project_name(job: Job, project_id: Any) -> str | None:
    session = object_session(job)
    if not isinstance(project_id, str) or session is None:
        return None
    project = session.get(Project, project_id)
    return project.name if project is not None and project.user_id == job.user_id else None
