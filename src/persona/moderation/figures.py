"""Names of public figures on avatars and voices (``data/public_figures.txt``).

An avatar or a voice named after a well-known person suggests an impersonation, so its
name is compared with a list of about a hundred public figures, after the folding of
:mod:`persona.moderation.normalize` (case, accents, look-alike letters, invisible
characters) and a simple leetspeak reading (``0bama``). A name matches when it contains a
figure's full name as consecutive words (``Barack Obama clone``), the full name run
together (``barackobama``), or one of the figure's distinctive other names as a whole word
(``Obama``). Common surnames that are everyday words (``Swift``, ``Jordan``) are not on the
list alone, so ``Taylor`` or ``swift talker`` are not flagged.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from persona.moderation.lexicon import read_data
from persona.moderation.normalize import fold

_DELEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                         "$": "s"})  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
MIN_RUN_TOGETHER = 8
"""A full name run together is matched inside a longer word only from this many letters."""


@dataclass(frozen=True)
class Figure:
    name: str
    words: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text).text.translate(_DELEET)))


def parse_figures(text: str) -> tuple[Figure, ...]:
    figures = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, *others = (part.strip() for part in line.split("|"))
        aliases = tuple(_words(o) for o in others if o)
        figures.append(Figure(name, _words(name), tuple(a for a in aliases if a)))
    return tuple(figures)


@functools.cache
def public_figures() -> tuple[Figure, ...]:
    """The shipped list, read once on first use."""
    return parse_figures(read_data("public_figures.txt"))


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


def match_public_figure(name: str, figures: tuple[Figure, ...] | None = None) -> str | None:
    """The public figure ``name`` names (their full name as listed), or ``None``."""
    words = _words(name)
    if not words:
        return None
    joined = "".join(words)
    for figure in figures or public_figures():
        compact = "".join(figure.words)
        if _contains(words, figure.words) or any(_contains(words, a) for a in figure.aliases):
            return figure.name
        if len(compact) >= MIN_RUN_TOGETHER and compact in joined:
            return figure.name
    return None


def figure_warning(kind: str, name: str, figure: str) -> str:
    """The warning shown with an avatar or voice named after a public figure."""
    return (
        f"the {kind} name {name!r} matches the public figure {figure}: making someone's "
        "likeness or voice needs their consent, and it was flagged for review"
    )
