"""Script input: load a script, parse it into segments, write numbers out as words.

load_script("talk.md") → text ─parse_script→ Script(segments=(Segment, ...))

A script that starts with ``<speak`` is SSML (:mod:`persona.script.ssml`, imported when
needed: it reaches into the voice catalog).
"""

from persona.script.load import load_script, strip_markdown
from persona.script.normalize import normalize, normalize_english
from persona.script.parse import parse_script, split_sentences

__all__ = [
    "load_script",
    "normalize",
    "normalize_english",
    "parse_script",
    "split_sentences",
    "strip_markdown",
]
