"""Script text → :class:`~persona.types.Script`: paragraphs, sentences and pauses.

The syntax is described for authors in ``docs/script-syntax.md``:

* a blank line starts a new paragraph (a :data:`PARAGRAPH_PAUSE_MS` pause);
* each sentence becomes one :class:`~persona.types.Segment`, followed by a short
  :data:`SENTENCE_PAUSE_MS` gap (the TTS voice already slows down at a sentence end);
* ``[pause]`` (:data:`DEFAULT_PAUSE_MS`), ``[pause 1.5s]`` or ``[pause 800ms]`` put an
  explicit pause at that point, which replaces the natural gap there; several marks in a
  row add up. A pause mark inside a sentence splits it into two segments.

A segment whose ``text`` is empty is pure silence (a pause mark before any words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from persona.errors import ScriptError
from persona.script.normalize import NON_TERMINAL_ABBREVIATIONS, normalize
from persona.types import Script, Segment

SENTENCE_PAUSE_MS = 150
PARAGRAPH_PAUSE_MS = 700
DEFAULT_PAUSE_MS = 500
MAX_PAUSE_MS = 10_000

_PAUSE_MARK = re.compile(r"\[\s*pause\b([^\]\n]*)\]", re.IGNORECASE)
_UNCLOSED_MARK = re.compile(r"\[\s*pause\b[^\]\n]*(?:\n|$)", re.IGNORECASE)
_PAUSE_VALUE = re.compile(
    r"^[\s:=]*(\d+(?:\.\d+)?)\s*(ms|msec|milliseconds?|s|sec|secs|seconds?)?\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(
    r"(?:[.!?…]+|[।॥؟])[\"'”’»)\]]*(?=\s|$)|[。！？]+[\"”’」』)]*",
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_INTERIOR_PERIOD = re.compile(r"(?<![.\d])\.(?!\.)(?=\s+\S)")


@dataclass(frozen=True)
class _Pause:
    ms: int


def pause_mark_ms(mark: str) -> int:
    """Milliseconds of one pause mark such as ``"[pause 1.5s]"``.

    A bare number is seconds. Raises :class:`~persona.errors.ScriptError` naming the mark
    when the value cannot be read or lies outside 0 … :data:`MAX_PAUSE_MS`.
    """
    match = _PAUSE_MARK.fullmatch(mark.strip())
    if match is None:
        raise ScriptError(f"bad pause mark {mark!r}: write [pause], [pause 1.5s] or [pause 800ms]")
    value = match.group(1).strip()
    if not value:
        return DEFAULT_PAUSE_MS
    parsed = _PAUSE_VALUE.match(value)
    if parsed is None:
        raise ScriptError(
            f"bad pause mark {mark!r}: write a duration such as [pause 1.5s] or [pause 800ms]"
        )
    amount, unit = float(parsed.group(1)), (parsed.group(2) or "s").lower()
    ms = round(amount if unit.startswith("m") else amount * 1000)
    if ms > MAX_PAUSE_MS:
        raise ScriptError(
            f"pause mark {mark!r} is too long: the longest pause is {MAX_PAUSE_MS // 1000} s"
        )
    return ms


def _pieces(paragraph: str) -> list[str | _Pause]:
    """Split a paragraph into text pieces and pauses, in order."""
    unclosed = _UNCLOSED_MARK.search(paragraph)
    if unclosed:
        raise ScriptError(f"pause mark {unclosed.group(0).strip()!r} is missing its closing ']'")
    pieces: list[str | _Pause] = []
    position = 0
    for match in _PAUSE_MARK.finditer(paragraph):
        pieces.append(paragraph[position : match.start()])
        pieces.append(_Pause(pause_mark_ms(match.group(0))))
        position = match.end()
    pieces.append(paragraph[position:])
    return pieces


def _is_initial(token: str) -> bool:
    return len(token) == 1 and token.isupper()


def _ends_sentence(text: str, end: re.Match[str]) -> bool:
    """Whether the terminator ``end`` found in ``text`` really closes a sentence."""
    after = text[end.end() :].lstrip()
    if not after:
        return True
    if end.group(0)[0] in "。！？":
        return True
    line_break = "\n" in text[end.end() : len(text) - len(after)]
    if after[0].islower() and not line_break:
        return False
    if end.group(0) != ".":
        return True
    before = text[: end.start()].split()
    if not before:
        return True
    token = before[-1].lstrip("(\"'“‘")
    if token.lower() in NON_TERMINAL_ABBREVIATIONS:
        return False
    if _is_initial(token) and len(before) > 1:
        previous = before[-2].rstrip(".")
        return not (previous[:1].isupper() or _is_initial(previous))
    return True


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences, keeping their punctuation.

    Abbreviations such as "Dr." or "e.g." and initials ("John F. Kennedy") do not end
    a sentence; a lower-case word after a period starts one only on a new line.
    """
    sentences: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if _ends_sentence(text, end):
            sentences.append(text[start : end.end()])
            start = end.end()
    sentences.append(text[start:])
    return [" ".join(s.split()) for s in sentences if s.strip()]


def spoken_form(display: str, lang: str) -> str:
    """What a TTS engine is given for ``display``: normalized, no period inside."""
    text = normalize(display, lang)
    if lang.lower().startswith("en"):
        # Piper ends a sentence at every period; none may be left inside one.
        text = _INTERIOR_PERIOD.sub("", text)
    return text


def _speakable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@dataclass
class _Builder:
    """Collects segments and the gaps between them while walking the script."""

    lang: str
    segments: list[Segment]
    gaps: list[int]
    explicit: int | None = None

    def pause(self, ms: int) -> None:
        self.explicit = (self.explicit or 0) + ms

    def speak(self, display: str, paragraph: int, natural_gap: int) -> None:
        spoken = spoken_form(display, self.lang)
        if not _speakable(spoken):
            return
        gap = natural_gap if self.explicit is None else self.explicit
        if self.segments:
            self.gaps.append(gap)
        elif self.explicit:
            self.segments.append(Segment("", "", lang=self.lang, paragraph=paragraph))
            self.gaps.append(gap)
        self.explicit = None
        self.segments.append(Segment(spoken, display, lang=self.lang, paragraph=paragraph))

    def build(self) -> Script:
        if not any(s.text for s in self.segments):
            raise ScriptError("the script is empty: it has no words to speak")
        self.gaps.append(self.explicit or 0)
        segments = tuple(
            Segment(s.text, s.display, gap, s.lang, s.paragraph)
            for s, gap in zip(self.segments, self.gaps, strict=True)
        )
        return Script(segments=segments, lang=self.lang)


def parse_script(text: str, lang: str = "en") -> Script:
    """Parse script text into segments with pauses (see the module docstring).

    A script that starts with ``<speak`` is SSML (:func:`persona.script.ssml.parse_ssml`).
    Raises :class:`~persona.errors.ScriptError` for a bad pause mark, bad SSML or a
    script with nothing to speak.
    """
    from persona.script.ssml import is_ssml, parse_ssml

    if is_ssml(text):
        return parse_ssml(text, lang)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    builder = _Builder(lang=lang, segments=[], gaps=[])
    paragraph = 0
    for block in _PARAGRAPH_BREAK.split(text):
        spoken_before = len(builder.segments)
        gap = PARAGRAPH_PAUSE_MS
        for piece in _pieces(block):
            if isinstance(piece, _Pause):
                builder.pause(piece.ms)
                continue
            for sentence in split_sentences(piece):
                builder.speak(sentence, paragraph, gap)
                if len(builder.segments) > spoken_before:
                    gap = SENTENCE_PAUSE_MS
        if len(builder.segments) > spoken_before:
            paragraph += 1
    return builder.build()
