"""The moderation lexicon (``data/lexicon.yaml``) compiled into patterns over folded text.

**Terms** (profanity, slurs) are whole words. Each spelling of a term becomes one regular
expression that accepts the ways people disguise it, without rewriting the text:

* leetspeak: each letter is a class of the glyphs that stand for it (``a`` → ``[a4@]``,
  ``i`` → ``[i1!|]``, ``l`` → ``[l1|]``, ``s`` → ``[s5$]``, ...);
* repeated letters: every letter may repeat (``fuuuck``), the last one only three times
  or more, so that ``assess`` is not ``asses`` with a doubled ``s``;
* masking: a letter other than the first and the last may be one of ``* # %``
  (``f*ck``, ``sh#t``);
* separators: the letters may all be split by dots, dashes, spaces or the like
  (``f.u.c.k``, ``f u c k``); split only in some places (``is hit``) is not a match;
* word boundaries: no letter or digit just before or after (``Scunthorpe``, ``class``,
  ``cocktail`` and ``shitake`` do not match), and at least one real letter in the match
  (``455`` is a number, not ``ass``).

Case, accents, look-alike letters and invisible characters are folded away before
(:mod:`persona.moderation.normalize`).

**Threats** are phrases: a first-person intent (``i will``, ``we're going to``, with an
optional adverb), a violent act and a target that is a person (``you``, ``him``, ``the
teachers``) or a place (``the school``). ``kill time`` has no intent and no person;
``the bomb was defused`` has neither. Listed idioms (``shoot you an email``) are not
threats.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from persona.errors import InputError


class Category(StrEnum):
    PROFANITY = "profanity"
    HATE = "hate"
    THREAT = "threat"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


LEET: Mapping[str, str] = {
    "a": "4@", "b": "8", "e": "3", "g": "9", "i": "1!|", "l": "1|", "o": "0", "s": "5$",
    "t": "7+", "z": "2",
}  # fmt: skip
"""The digits and symbols that stand for each letter."""
MASKS = "*#%"
SEPARATOR = r"[\s.\-_·•,/~:;'\"]{1,3}"
BEFORE, AFTER = r"(?<![^\W_])", r"(?![^\W_])"
"""No letter or digit (Unicode word character other than ``_``) next to a match."""


@dataclass(frozen=True)
class TermPattern:
    category: Category
    term: str
    """The canonical term the matched spelling belongs to."""
    severity: Severity
    regex: re.Pattern[str]


@dataclass(frozen=True)
class ThreatPattern:
    severity: Severity
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[TermPattern, ...]
    threats: tuple[ThreatPattern, ...]
    not_threats: tuple[re.Pattern[str], ...]


def _glyph(letter: str) -> str:
    return "[" + re.escape(letter + LEET.get(letter, "")) + "]"


def term_regex(word: str) -> str:
    """The pattern of one spelling (see the module doc); ``word`` is lower-case letters."""
    letters = [c for c in word if not c.isspace()]
    if len(letters) < 2 or not all(c.isalpha() for c in letters):
        raise InputError(f"lexicon: a term is one word of two or more letters, not {word!r}")
    glyphs = [_glyph(c) for c in letters]
    masked = [g + "+" for g in glyphs[:1]]
    masked += [f"(?:{g}+|[{re.escape(MASKS)}])" for g in glyphs[1:-1]]
    last = f"(?:{glyphs[-1]}{{3,}}|{glyphs[-1]})"
    masked.append(last)
    spaced = SEPARATOR.join([*(g + "+" for g in glyphs[:-1]), last])
    return f"{BEFORE}(?:{''.join(masked)}|{spaced}){AFTER}"


def _phrase(text: str) -> str:
    """A phrase of the data file as a pattern: any run of white space between words."""
    return re.sub(r" +", r"\\s+", text.strip())


def _any(options: Iterable[str]) -> str:
    ordered = sorted({_phrase(o) for o in options}, key=len, reverse=True)
    return "(?:" + "|".join(ordered) + ")"


def _terms(data: Mapping[str, Any]) -> list[TermPattern]:
    found = []
    for category, levels in data.items():
        for severity, entries in levels.items():
            for term, forms in entries.items():
                for spelling in [term, *(forms or [])]:
                    regex = re.compile(term_regex(str(spelling).lower()))
                    found.append(TermPattern(Category(category), term, Severity(severity), regex))
    return found


def intent_regex(data: Mapping[str, Any]) -> str:
    """A subject, an intent and maybe an adverb: ``i'm going to``, ``we will really``."""
    adverbs = _any(data.get("adverbs", []))
    return rf"\b{_any(data['subjects'])}\s*{_any(data['intents'])}(?:\s+{adverbs})?"


def _threats(data: Mapping[str, Any]) -> list[ThreatPattern]:
    level = Severity(data.get("severity", "high"))
    intent = intent_regex(data)
    acts = rf"{intent}\s+{_any(data['acts'])}\s+{_any(data['targets'])}\b"
    places = rf"{intent}\s+{_any(data['place_acts'])}\s+{_any(data['places'])}\b"
    found = [ThreatPattern(level, re.compile(p)) for p in (acts, places)]
    for phrase in data.get("phrases", []):
        pattern = _phrase(str(phrase["pattern"])).replace("{intent}", intent)
        found.append(ThreatPattern(Severity(phrase["severity"]), re.compile(rf"\b{pattern}\b")))
    return found


def parse_lexicon(data: Mapping[str, Any]) -> Lexicon:
    """A lexicon from the data file's structure; :class:`InputError` when it is malformed."""
    try:
        threats = data["threats"]
        return Lexicon(
            terms=tuple(_terms(data["terms"])),
            threats=tuple(_threats(threats)),
            not_threats=tuple(re.compile(_phrase(p)) for p in threats.get("not_threats", [])),
        )
    except (KeyError, TypeError, ValueError, AttributeError, re.error) as exc:
        raise InputError(f"the moderation lexicon is malformed: {exc!r}") from exc


def read_data(name: str) -> str:
    """A data file shipped in ``persona/moderation/data``."""
    return resources.files("persona.moderation").joinpath("data", name).read_text("utf-8")


@functools.cache
def default_lexicon() -> Lexicon:
    """The shipped lexicon, compiled once on first use."""
    return load_lexicon(None)


def load_lexicon(path: Path | None) -> Lexicon:
    """The lexicon in ``path`` (a YAML file shaped like the shipped one), or the shipped one."""
    import yaml

    text = read_data("lexicon.yaml") if path is None else Path(path).read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise InputError(f"the moderation lexicon {path or 'lexicon.yaml'} is not a mapping")
    return parse_lexicon(data)


def spans(patterns: Sequence[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    return [m.span() for p in patterns for m in p.finditer(text)]
