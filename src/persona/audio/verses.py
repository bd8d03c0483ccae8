"""Verses for recitation: lines, half-verses and verses, with the pause after each line.

    text ─ASCII dandas → । ॥─→ ─verse numbers out→ ─verses (॥, blank lines)→
         ─lines (।, line breaks)→ Line(text, pause_after_ms, verse, ends)

Indian verse marks its own structure: a single danda ``।`` closes a half-verse and a
double danda ``॥`` a verse, usually followed by the verse's number between two more
dandas (``॥ १२ ॥``). Transliterations write them ``|`` and ``||``. Poems without dandas
have lines and, between stanzas, blank lines. Each :class:`Line` ends in one of three
ways, and the pause after it grows with the break:

* ``"line"``: a line break inside a half-verse (a quarter verse, a pāda) — short pause;
* ``"half"``: a single danda — a longer pause;
* ``"verse"``: a double danda, a verse number or a blank line — the longest.

Verse numbers (Devanagari or ASCII digits, also ``1.2`` and ``१-२``, between double
dandas or leading a line as ``1.``) are dropped from the spoken text and kept in
:attr:`Line.number`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from persona.errors import ScriptError

PAUSES_MS = {"line": 350, "half": 800, "verse": 1600}
"""Default pause after a line, by how it ends."""
MAX_PAUSE_MS = 10_000

_DIGITS = "0-9०-९০-৯੦-੯૦-૯୦-୯௦-௯౦-౯೦-೯൦-൯"
_NUMBER = rf"[{_DIGITS}]+(?:[.\-:][{_DIGITS}]+)*"
_ASCII_DOUBLE = re.compile(r"\|\|")
_ASCII_SINGLE = re.compile(r"\|")
_NUMBERED_END = re.compile(rf"॥\s*({_NUMBER})\s*॥")
_LEADING_NUMBER = re.compile(rf"^\s*({_NUMBER})[.)]\s+")
_BREAKS = re.compile(r"(॥|।|\n[ \t]*\n|\n)")


@dataclass(frozen=True)
class Line:
    """One line to recite: its words, how it ends (``"line"``, ``"half"`` or
    ``"verse"``), the pause after it, the verse it belongs to (from 0) and that verse's
    number as written, if any."""

    text: str
    ends: str
    pause_after_ms: int
    verse: int
    number: str | None = None


def _normalized(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u0965", "॥")
    text = _ASCII_DOUBLE.sub("॥", text)
    text = _ASCII_SINGLE.sub("।", text)
    text = text.replace("।।", "॥")
    # "॥ १२ ॥" → a verse end marked with its number
    return _NUMBERED_END.sub(lambda m: f"॥\x00{m.group(1)}\x00", text)


def parse_verses(text: str, pauses_ms: dict[str, int] | None = None) -> tuple[Line, ...]:
    """The lines of ``text`` to recite, in order (see the module docstring).

    ``pauses_ms`` overrides :data:`PAUSES_MS` by kind. Raises
    :class:`~persona.errors.ScriptError` when nothing is left to say.
    """
    pauses = {**PAUSES_MS, **(pauses_ms or {})}
    for kind, ms in pauses.items():
        if kind not in PAUSES_MS or not 0 <= ms <= MAX_PAUSE_MS:
            raise ScriptError(f"pause after a {kind!r} must be 0..{MAX_PAUSE_MS} ms, not {ms}")
    lines: list[Line] = []
    verse, number, words = 0, None, ""
    for token in _BREAKS.split(_normalized(text)):
        if token in ("॥", "।") or token.startswith("\n"):
            kind = _kind(token)
            if words.strip():
                lines.append(Line(_clean(words), kind, pauses[kind], verse, number))
            elif lines and _rank(kind) > _rank(lines[-1].ends) and lines[-1].verse == verse:
                last = lines[-1]
                lines[-1] = Line(last.text, kind, pauses[kind], last.verse, last.number)
            words = ""
            if kind == "verse" and lines and lines[-1].verse == verse:
                verse, number = verse + 1, None
            continue
        token, found = _take_number(token)
        number = found or number
        if found and not token.strip() and lines and lines[-1].verse == verse - 1:
            last = lines[-1]  # "॥ १ ॥" after the verse it closes
            lines[-1] = Line(last.text, last.ends, last.pause_after_ms, last.verse, found)
            number = None
        words += token
    if words.strip():
        lines.append(Line(_clean(words), "verse", pauses["verse"], verse, number))
    if not lines:
        raise ScriptError("nothing to recite: the text has no words")
    last = lines[-1]
    lines[-1] = Line(last.text, "verse", pauses["verse"], last.verse, last.number)
    return _numbered(lines)


def _numbered(lines: list[Line]) -> tuple[Line, ...]:
    """``lines`` with each verse's number, wherever it was written, on all its lines."""
    numbers = {line.verse: line.number for line in lines if line.number is not None}
    return tuple(replace(line, number=numbers.get(line.verse)) for line in lines)


def _kind(token: str) -> str:
    if token == "॥" or token.count("\n") >= 2:
        return "verse"
    return "half" if token == "।" else "line"


def _rank(kind: str) -> int:
    return ("line", "half", "verse").index(kind)


def _take_number(token: str) -> tuple[str, str | None]:
    """``token`` without a verse number, and the number (from ``\\x00n\\x00`` or a
    leading ``12.``)."""
    marked = re.search(r"\x00([^\x00]*)\x00", token)
    if marked:
        return token.replace(marked.group(0), " "), marked.group(1)
    leading = _LEADING_NUMBER.match(token)
    if leading:
        return token[leading.end() :], leading.group(1)
    return token, None


def _clean(words: str) -> str:
    return " ".join(words.replace("\x00", " ").split())
