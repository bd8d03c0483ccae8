"""Fold text for matching while remembering where every folded character came from.

Obfuscation is undone in two places. Here, character by character, the things that never
change a word's meaning: case (``casefold``), compatibility forms (fullwidth and
mathematical letters, ligatures: NFKD), accents (combining marks dropped), look-alike
letters of other scripts (Cyrillic ``а`` for Latin ``a``), zero-width and other invisible
characters (dropped) and typographic apostrophes. What *can* change a word (digits and
symbols standing in for letters, repeated letters, letters split by separators or masked
with ``*``) is left to the term patterns of :mod:`persona.moderation.lexicon`, which accept
those spellings without rewriting the text: ``1`` may be an ``i`` or an ``l``, and only
the pattern knows which it needs.

:func:`fold` returns the folded text and, for each of its characters, the index of the
original character it came from, so a match in the folded text maps back to a span of
the original (:meth:`Folded.span`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u3164\ufeff\uffa0"
)
"""Zero-width, joiner, direction and filler characters: dropped."""

CONFUSABLES: dict[str, str] = {
    # Cyrillic letters that look like Latin ones (lower case; text is casefolded first)
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ь": "b",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "μ": "u",
    # Latin letters NFKD does not take apart
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ƒ": "f", "æ": "ae",
    "œ": "oe", "ß": "ss",
    # typographic quotes, for "I’ll"
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
}  # fmt: skip


@dataclass(frozen=True)
class Folded:
    """Folded text; ``origin[i]`` is the index in the original text of ``text[i]``."""

    text: str
    origin: tuple[int, ...]
    source: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that folded characters ``start:end`` came from."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside the folded text")
        first, last = self.origin[start], self.origin[end - 1]
        # a character folded into several (ß → ss) ends after the whole original character
        return first, last + 1


def fold_char(char: str) -> str:
    """One original character as folded text ('' when it is dropped)."""
    if char in INVISIBLE:
        return ""
    out = []
    for piece in unicodedata.normalize("NFKD", char.casefold()):
        if unicodedata.combining(piece):
            continue
        out.append(CONFUSABLES.get(piece, piece))
    return "".join(out).casefold()


def fold(text: str) -> Folded:
    """``text`` folded for matching, with the origin of each folded character."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
            continue  # a stray combining mark (Zalgo text) or an invisible format character
        for piece in fold_char(char):
            chars.append(piece)
            origin.append(index)
    return Folded("".join(chars), tuple(origin), text)
