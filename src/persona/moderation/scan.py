"""Scan a text against the lexicon: each hit is a :class:`Finding` with its category, the
canonical term (or the threat phrase), its severity and its span in the *original* text.

Overlapping hits of one category are one finding (the longer, or the more severe, wins):
``motherfucker`` is not also ``fucker``. Hits of different categories are all kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from persona.moderation.lexicon import Category, Lexicon, Severity, default_lexicon
from persona.moderation.normalize import Folded, fold

_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Finding:
    category: Category
    term: str
    """The lexicon's term, or the threat phrase as folded text."""
    severity: Severity
    start: int
    end: int
    """``text[start:end]`` of the scanned text is what matched."""
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": str(self.category),
            "term": self.term,
            "severity": str(self.severity),
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }

    def describe(self) -> str:
        """``threat "I will kill you" at characters 4–19 (high)``."""
        return (
            f'{self.category} "{self.text}" at characters {self.start}–{self.end} ({self.severity})'
        )


def scan(text: str, lexicon: Lexicon | None = None) -> tuple[Finding, ...]:
    """Every finding in ``text``, in reading order."""
    lexicon = lexicon or default_lexicon()
    folded = fold(text)
    found = _terms(folded, lexicon) + _threats(folded, lexicon)
    return tuple(sorted(_merge(found), key=lambda f: (f.start, f.end, f.category)))


def _finding(
    folded: Folded, category: Category, term: str, severity: Severity, span: tuple[int, int]
) -> Finding:
    start, end = folded.span(*span)
    return Finding(category, term, severity, start, end, folded.source[start:end])


def _terms(folded: Folded, lexicon: Lexicon) -> list[Finding]:
    found = []
    for pattern in lexicon.terms:
        for match in pattern.regex.finditer(folded.text):
            if not _LETTER.search(match.group()):
                continue  # digits and symbols only: a number, not a word
            found.append(
                _finding(folded, pattern.category, pattern.term, pattern.severity, match.span())
            )
    return found


def _threats(folded: Folded, lexicon: Lexicon) -> list[Finding]:
    idioms = [m.span() for p in lexicon.not_threats for m in p.finditer(folded.text)]
    found = []
    for pattern in lexicon.threats:
        for match in pattern.regex.finditer(folded.text):
            start, end = match.span()
            if any(s < end and start < e for s, e in idioms):
                continue
            phrase = " ".join(match.group().split())
            found.append(_finding(folded, Category.THREAT, phrase, pattern.severity, match.span()))
    return found


def _merge(found: list[Finding]) -> list[Finding]:
    """One finding per overlapping group of one category: the widest, then most severe."""
    kept: list[Finding] = []
    ranked = sorted(found, key=lambda f: (-(f.end - f.start), -f.severity.rank, f.start))
    for finding in ranked:
        if not any(
            k.category == finding.category and k.start < finding.end and finding.start < k.end
            for k in kept
        ):
            kept.append(finding)
    return kept
