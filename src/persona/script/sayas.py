"""What to say for the text of an SSML ``<say-as>``: characters, numbers, dates, phones.

English is written out in words (with :mod:`persona.script.numbers`, as the script
normalizer does); in other languages eSpeak NG reads digits itself, so numbers pass
through and characters and telephone numbers are only spaced out.
"""

from __future__ import annotations

import re

from persona.errors import ScriptError
from persona.script import numbers
from persona.script.normalize import MONTHS

INTERPRETATIONS = ("characters", "cardinal", "ordinal", "date", "telephone")
_ALIASES = {"spell-out": "characters", "number": "cardinal", "digits": "characters"}
DATE_FORMATS = ("mdy", "dmy", "ymd", "md", "dm", "ym", "my", "y", "m", "d")
_CHARACTER_NAMES = {"-": "dash", "_": "underscore", ".": "dot", "@": "at", "/": "slash"}


def interpret(text: str, kind: str, date_format: str | None, lang: str) -> str:
    """The spoken form of ``text`` read as ``kind`` (one of :data:`INTERPRETATIONS`).

    Raises :class:`~persona.errors.ScriptError` when ``text`` cannot be read that way.
    """
    kind = _ALIASES.get(kind, kind)
    english = lang.lower().startswith("en")
    if kind == "characters":
        return characters(text, english)
    if kind == "cardinal":
        return cardinal(text) if english else text
    if kind == "ordinal":
        return ordinal(text) if english else text
    if kind == "date":
        return date(text, date_format or "mdy") if english else text
    if kind == "telephone":
        return telephone(text, english)
    raise ScriptError(f'unknown interpret-as "{kind}": use one of {", ".join(INTERPRETATIONS)}')


def characters(text: str, english: bool = True) -> str:
    """Each letter and digit on its own: ``"AB1"`` → ``"A B one"``."""
    said: list[str] = []
    for ch in text:
        if ch.isdigit() and english:
            said.append(numbers.digits(ch))
        elif ch.isalnum():
            said.append(ch.upper())
        elif english and ch in _CHARACTER_NAMES:
            said.append(_CHARACTER_NAMES[ch])
    if not said:
        raise ScriptError(f"no letters or digits to spell in {text!r}")
    return " ".join(said)


def cardinal(text: str) -> str:
    """``"1,234"`` → "one thousand two hundred thirty-four"; decimals and signs too."""
    cleaned = text.strip()
    if not re.fullmatch(r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", cleaned):
        raise ScriptError(f"{text!r} is not a number")
    return numbers.number_text(cleaned)


def ordinal(text: str) -> str:
    """``"3"`` or ``"3rd"`` → "third"."""
    match = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)?", text.strip().lower())
    if match is None:
        raise ScriptError(f"{text!r} is not an ordinal number")
    return numbers.ordinal(int(match.group(1).replace(",", "")))


def date(text: str, date_format: str) -> str:
    """A numeric date read in ``date_format`` (``mdy``, ``dmy``, ``ymd``, ...).

    ``"12/25/2024"`` as mdy → "December twenty-fifth, twenty twenty-four".
    """
    order = date_format.strip().lower()
    if order not in DATE_FORMATS:
        raise ScriptError(
            f'unknown date format "{date_format}": use one of {", ".join(DATE_FORMATS)}'
        )
    fields = re.split(r"[/.\-\s]+", text.strip())
    if len(fields) != len(order) or not all(f.isdigit() for f in fields):
        raise ScriptError(f"{text!r} is not a date in the format {order}")
    parts = dict(zip(order, (int(f) for f in fields), strict=True))
    month, day, year = parts.get("m"), parts.get("d"), parts.get("y")
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        raise ScriptError(f"{text!r} is not a valid date in the format {order}")
    said: list[str] = []
    if month is not None:
        said.append(MONTHS[month - 1])
    if day is not None:
        said.append(numbers.ordinal(day) if month is not None else f"the {numbers.ordinal(day)}")
    head = " ".join(said)
    if year is None:
        return head
    return f"{head}, {numbers.year(year)}" if head else numbers.year(year)


def telephone(text: str, english: bool = True) -> str:
    """Digits one by one, a short pause (comma) between groups: ``"555-0123"`` →
    "five five five, zero one two three"; a leading ``+`` is said."""
    groups = re.findall(r"\d+", text)
    if not groups:
        raise ScriptError(f"{text!r} is not a telephone number")
    said = [numbers.digits(g) if english else " ".join(g) for g in groups]
    plus = ("plus " if english else "+ ") if text.strip().startswith("+") else ""
    return plus + ", ".join(said)
