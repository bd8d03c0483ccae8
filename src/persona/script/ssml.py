"""SSML scripts → :class:`~persona.types.Script`: a subset of W3C SSML 1.1 plus emotions.

    text ─expat→ element tree (with line and column) ─walk→ text runs, breaks, boundaries
         ─runs of one voice, language and prosody → sentences→ Segments

``docs/ssml.md`` lists every element and attribute for authors. In short: ``speak``,
``p``, ``s``, ``break``, ``prosody``, ``emphasis``, ``say-as``, ``sub``, ``voice``,
``lang``, ``mark`` (ignored) and ``emotion``. Text whose voice, language or prosody
differs becomes a segment of its own, spoken by the engine separately and followed by
no pause (or by the pause a sentence end, paragraph or break asks for). Nested prosody
compounds (:func:`persona.voice.prosody.combine`). Any mistake raises
:class:`~persona.errors.ScriptError` naming its line and column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from persona.errors import PersonaError, ScriptError
from persona.script import sayas
from persona.script.parse import (
    MAX_PAUSE_MS,
    PARAGRAPH_PAUSE_MS,
    SENTENCE_PAUSE_MS,
    split_sentences,
    spoken_form,
)
from persona.script.ssml_tree import Element, parse_tree
from persona.types import Prosody, Script, Segment
from persona.voice import prosody as controls
from persona.voice.catalog import canonical_language, get_voice

_SSML_START = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*)?<speak[\s>/]")
_SENTENCE_CLOSED = re.compile(r"(?:[.!?…]+|[।॥؟。！？]+)[\"'”’»)\]]*\s*$")
_PLACEHOLDER_BASE = 0xE000
_NUMBER = r"([+-]?)(\d+(?:\.\d+)?)"

BREAK_STRENGTH_MS = {
    "none": 0,
    "x-weak": 100,
    "weak": 200,
    "medium": 400,
    "strong": 700,
    "x-strong": 1200,
}
RATE_KEYWORDS = {
    "x-slow": 0.5,
    "slow": 0.75,
    "medium": 1.0,
    "default": 1.0,
    "fast": 1.25,
    "x-fast": 1.75,
}
PITCH_KEYWORDS = {"x-low": -6.0, "low": -3.0, "medium": 0.0, "default": 0.0, "high": 3.0}
PITCH_KEYWORDS["x-high"] = 6.0
VOLUME_KEYWORDS = {
    "silent": -math.inf,
    "x-soft": -12.0,
    "soft": -6.0,
    "medium": 0.0,
    "default": 0.0,
    "loud": 6.0,
    "x-loud": 10.0,
}
EMPHASIS_LEVELS = {
    "strong": Prosody(rate=0.9, pitch_st=2.0, volume_db=4.0),
    "moderate": Prosody(rate=0.95, pitch_st=1.0, volume_db=2.0),
    "none": Prosody(),
    "reduced": Prosody(rate=1.05, pitch_st=-1.0, volume_db=-3.0),
}

_ATTRIBUTES: dict[str, frozenset[str]] = {
    "speak": frozenset({"version", "xml:lang", "xmlns", "xml:base"}),
    "p": frozenset({"xml:lang"}),
    "s": frozenset({"xml:lang"}),
    "break": frozenset({"time", "strength"}),
    "prosody": frozenset({"rate", "pitch", "volume"}),
    "emphasis": frozenset({"level"}),
    "say-as": frozenset({"interpret-as", "format", "detail"}),
    "sub": frozenset({"alias"}),
    "voice": frozenset({"name", "xml:lang"}),
    "lang": frozenset({"xml:lang"}),
    "mark": frozenset({"name"}),
    "emotion": frozenset({"name", "intensity"}),
}
"""Every element and the attributes it accepts (``xmlns:*`` is accepted on ``speak``)."""


def is_ssml(text: str) -> bool:
    """True when ``text`` is an SSML document: it starts with ``<speak``."""
    return _SSML_START.match(text.lstrip("\ufeff")) is not None


# ---------------------------------------------------------------- attribute values


def _value(element: Element, name: str, pattern: str, what: str) -> re.Match[str]:
    raw = element.attrs[name].strip().lower()
    match = re.fullmatch(pattern, raw)
    if match is None:
        raise element.error(f'bad {name} "{element.attrs[name]}" on <{element.tag}>: {what}')
    return match


def _in_range(element: Element, name: str, value: float, low: float, high: float) -> float:
    if not low <= value <= high:
        raise element.error(
            f'{name} "{element.attrs[name]}" on <{element.tag}> is out of range '
            f"({low:g} to {high:g})"
        )
    return value


def rate_value(element: Element) -> float:
    """The ``rate`` attribute as a multiplier: a keyword, ``150%``, ``+10%`` or ``1.2``."""
    raw = element.attrs["rate"].strip().lower()
    if raw in RATE_KEYWORDS:
        return RATE_KEYWORDS[raw]
    what = "write x-slow .. x-fast, a percentage such as 80% or +10%, or a number"
    match = _value(element, "rate", _NUMBER + "(%?)", what)
    sign, amount, percent = match.group(1), float(match.group(2)), match.group(3)
    if percent:
        value = 1 + float(sign + "1") * amount / 100 if sign else amount / 100
    else:
        value = float(sign + match.group(2))
    return _in_range(element, "rate", value, controls.MIN_RATE, controls.MAX_RATE)


def pitch_value(element: Element) -> float:
    """The ``pitch`` attribute in semitones: a keyword, ``+2st`` or ``-10%``."""
    raw = element.attrs["pitch"].strip().lower()
    if raw in PITCH_KEYWORDS:
        return PITCH_KEYWORDS[raw]
    what = "write x-low .. x-high, semitones such as +2st, or a percentage such as +10%"
    match = _value(element, "pitch", _NUMBER + "(st|%)", what)
    amount = float(match.group(1) + match.group(2))
    if match.group(3) == "%":
        if amount <= -100:
            raise element.error(f'pitch "{element.attrs["pitch"]}" would make the pitch zero')
        amount = 12 * math.log2(1 + amount / 100)
    return _in_range(element, "pitch", amount, controls.MIN_PITCH_ST, controls.MAX_PITCH_ST)


def volume_value(element: Element) -> float:
    """The ``volume`` attribute in dB: a keyword, ``+6dB`` or ``-50%`` (amplitude)."""
    raw = element.attrs["volume"].strip().lower()
    if raw in VOLUME_KEYWORDS:
        return VOLUME_KEYWORDS[raw]
    what = "write silent, x-soft .. x-loud, decibels such as -6dB, or a percentage such as +50%"
    match = _value(element, "volume", _NUMBER + "(db|%)", what)
    amount = float(match.group(1) + match.group(2))
    if match.group(3) == "%":
        if amount <= -100:
            return -math.inf
        amount = 20 * math.log10(1 + amount / 100)
    return _in_range(element, "volume", amount, controls.MIN_VOLUME_DB, controls.MAX_VOLUME_DB)


def break_ms(element: Element) -> int:
    """Milliseconds of a ``<break>``: its ``time`` if given, else its ``strength``."""
    if "time" in element.attrs:
        what = "write a duration such as 500ms or 1.5s"
        match = _value(element, "time", r"(\d+(?:\.\d+)?)\s*(ms|s)", what)
        amount = float(match.group(1))
        ms = round(amount if match.group(2) == "ms" else amount * 1000)
        if ms > MAX_PAUSE_MS:
            raise element.error(
                f'break time "{element.attrs["time"]}" is too long: '
                f"the longest pause is {MAX_PAUSE_MS // 1000} s"
            )
        return ms
    strength = element.attrs.get("strength", "medium").strip().lower()
    if strength not in BREAK_STRENGTH_MS:
        raise element.error(
            f'bad strength "{strength}" on <break>: use one of {", ".join(BREAK_STRENGTH_MS)}'
        )
    return BREAK_STRENGTH_MS[strength]


# ---------------------------------------------------------------- walking the tree


@dataclass(frozen=True)
class _Context:
    """What applies to the text inside an element: language, voice and prosody."""

    lang: str
    voice: str | None
    prosody: Prosody


@dataclass(frozen=True)
class _Text:
    display: str
    spoken: str | None  # None: plain text, normalized with its sentence
    context: _Context


@dataclass(frozen=True)
class _Break:
    ms: int


@dataclass(frozen=True)
class _Boundary:
    paragraph: bool


_Item = _Text | _Break | _Boundary


def _language(element: Element, lang: str) -> str:
    try:
        return canonical_language(lang)
    except PersonaError as exc:
        raise element.error(str(exc)) from exc


def _check_attributes(element: Element) -> None:
    allowed = _ATTRIBUTES.get(element.tag)
    if allowed is None:
        known = ", ".join(f"<{t}>" for t in _ATTRIBUTES)
        raise element.error(f"unknown element <{element.tag}>; supported: {known}")
    for name in element.attrs:
        if name not in allowed and not (element.tag == "speak" and name.startswith("xmlns:")):
            accepted = ", ".join(sorted(allowed)) or "none"
            raise element.error(f'<{element.tag}> has no attribute "{name}" (accepted: {accepted})')
    required = {"sub": "alias", "say-as": "interpret-as", "voice": "name", "lang": "xml:lang"}
    if element.tag in required and required[element.tag] not in element.attrs:
        raise element.error(f'<{element.tag}> needs a "{required[element.tag]}" attribute')
    if element.tag == "emotion" and "name" not in element.attrs:
        raise element.error('<emotion> needs a "name" attribute')


def _inner_context(element: Element, context: _Context) -> _Context:
    """The context for the content of ``element`` inside ``context``."""
    lang, voice, prosody = context.lang, context.voice, context.prosody
    if element.tag == "voice":
        voice, voice_lang = _voice(element, element.attrs.get("xml:lang"))
        lang = voice_lang
    elif "xml:lang" in element.attrs:
        lang = _language(element, element.attrs["xml:lang"])
    own = _own_prosody(element)
    if own is not None:
        prosody = controls.combine(prosody, own)
    return _Context(lang, voice, prosody)


def _voice(element: Element, lang: str | None) -> tuple[str, str]:
    try:
        found = get_voice(element.attrs["name"], lang)
    except PersonaError as exc:
        raise element.error(str(exc)) from exc
    return found.id, found.lang


def _own_prosody(element: Element) -> Prosody | None:
    """The prosody change ``element`` itself makes, or None."""
    if element.tag == "prosody":
        return Prosody(
            rate=rate_value(element) if "rate" in element.attrs else 1.0,
            pitch_st=pitch_value(element) if "pitch" in element.attrs else 0.0,
            volume_db=volume_value(element) if "volume" in element.attrs else 0.0,
        )
    if element.tag == "emphasis":
        level = element.attrs.get("level", "moderate").strip().lower()
        if level not in EMPHASIS_LEVELS:
            raise element.error(
                f'bad level "{level}" on <emphasis>: use one of {", ".join(EMPHASIS_LEVELS)}'
            )
        return EMPHASIS_LEVELS[level]
    if element.tag == "emotion":
        return _emotion(element)
    return None


def _emotion(element: Element) -> Prosody:
    name = element.attrs["name"].strip().lower()
    if name not in controls.EMOTIONS:
        raise element.error(f'unknown emotion "{name}": use one of {", ".join(controls.EMOTIONS)}')
    intensity = 1.0
    if "intensity" in element.attrs:
        match = _value(element, "intensity", r"(\d+(?:\.\d+)?)", "write a number from 0 to 2")
        intensity = _in_range(
            element, "intensity", float(match.group(1)), 0.0, controls.MAX_INTENSITY
        )
    return Prosody(emotion=name, intensity=intensity)


def _walk(element: Element, context: _Context, items: list[_Item]) -> None:
    """Append the items of ``element``'s content, spoken in ``context``, to ``items``."""
    _check_attributes(element)
    tag = element.tag
    if tag == "break":
        items.append(_Break(break_ms(element)))
        return
    if tag == "mark":
        return
    inner = _inner_context(element, context)
    if tag in ("say-as", "sub"):
        items.append(_literal(element, inner))
        return
    if tag in ("p", "s"):
        items.append(_Boundary(paragraph=tag == "p"))
    for child in element.children:
        if isinstance(child, str):
            items.append(_Text(child, None, inner))
        else:
            _walk(child, inner, items)
    if tag in ("p", "s"):
        items.append(_Boundary(paragraph=tag == "p"))


def _literal(element: Element, context: _Context) -> _Text:
    """A ``<say-as>`` or ``<sub>``: its written text and what is said for it."""
    for child in element.children:
        if not isinstance(child, str):
            raise element.error(f"<{element.tag}> may hold only text, not <{child.tag}>")
    display = " ".join(element.text().split())
    if element.tag == "sub":
        return _Text(display, spoken_form(element.attrs["alias"], context.lang), context)
    kind = element.attrs["interpret-as"].strip().lower()
    try:
        spoken = sayas.interpret(display, kind, element.attrs.get("format"), context.lang)
    except ScriptError as exc:
        raise element.error(str(exc)) from exc
    return _Text(display, spoken, context)


# ---------------------------------------------------------------- segments


@dataclass
class _Builder:
    """Turns the walked items into segments with the right pause after each."""

    lang: str
    segments: list[Segment] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)
    explicit: int | None = None
    boundary: int = 0  # 0 none, 1 sentence, 2 paragraph since the last segment
    paragraph: int = 0

    def pause(self, ms: int) -> None:
        self.explicit = (self.explicit or 0) + ms

    def mark_boundary(self, paragraph: bool) -> None:
        if paragraph and self.segments and self.boundary < 2:
            self.paragraph += 1
        self.boundary = max(self.boundary, 2 if paragraph else 1)

    def speak(self, display: str, spoken: str, context: _Context, closed: bool) -> None:
        if not any(ch.isalnum() for ch in spoken):
            self._punctuate(display, spoken)
            self.boundary = max(self.boundary, 1 if closed else 0)
            return
        natural = (0, SENTENCE_PAUSE_MS, PARAGRAPH_PAUSE_MS)[self.boundary]
        gap = natural if self.explicit is None else self.explicit
        if self.segments:
            self.gaps.append(gap)
        elif self.explicit:
            self.segments.append(Segment("", "", lang=context.lang, paragraph=self.paragraph))
            self.gaps.append(gap)
        self.explicit = None
        self.segments.append(
            Segment(
                spoken,
                display,
                lang=context.lang,
                paragraph=self.paragraph,
                prosody=context.prosody,
                voice=context.voice,
            )
        )
        self.boundary = 1 if closed else 0

    def _punctuate(self, display: str, spoken: str) -> None:
        """Give punctuation alone ("?" after an emphasized word) to the segment before,
        whose intonation it shapes, unless a pause lies between them."""
        if not self.segments or self.explicit is not None or self.boundary:
            return
        last = self.segments[-1]
        self.segments[-1] = replace(
            last, text=last.text + spoken.strip(), display=last.display + display.strip()
        )

    def build(self) -> Script:
        if not any(s.text for s in self.segments):
            raise ScriptError("the script is empty: it has no words to speak")
        self.gaps.append(self.explicit or 0)
        segments = tuple(
            Segment(s.text, s.display, gap, s.lang, s.paragraph, s.prosody, s.voice)
            for s, gap in zip(self.segments, self.gaps, strict=True)
        )
        return Script(segments=segments, lang=self.lang)


def _runs(items: list[_Item]) -> list[list[_Text] | _Break | _Boundary]:
    """Group consecutive texts of one context into runs."""
    runs: list[list[_Text] | _Break | _Boundary] = []
    for item in items:
        if isinstance(item, _Text):
            last = runs[-1] if runs else None
            if isinstance(last, list) and last[0].context == item.context:
                last.append(item)
            else:
                runs.append([item])
        else:
            runs.append(item)
    return runs


def _speak_run(run: list[_Text], builder: _Builder) -> None:
    """Split a run into sentences and hand each to the builder.

    Literal texts (``say-as``, ``sub``) stand in as one private-use character each while
    the run is split, so their punctuation ends no sentence and the sentence splitter
    sees the words around them.
    """
    literals = [t for t in run if t.spoken is not None]
    marked: list[str] = []
    for text in run:
        if text.spoken is None:
            marked.append(text.display)
        else:
            marked.append(f" {chr(_PLACEHOLDER_BASE + literals.index(text))} ")
    context = run[0].context
    sentences = split_sentences("".join(marked))
    for index, sentence in enumerate(sentences):
        closed = index < len(sentences) - 1 or bool(_SENTENCE_CLOSED.search(sentence))
        display, spoken = _expand(sentence, literals, context.lang)
        builder.speak(display, spoken, context, closed)


def _expand(sentence: str, literals: list[_Text], lang: str) -> tuple[str, str]:
    """(display, spoken) of a sentence whose literals are placeholders."""
    display: list[str] = []
    spoken: list[str] = []
    for piece in re.split(f"([{chr(_PLACEHOLDER_BASE)}-{chr(0xF8FF)}])", sentence):
        if len(piece) == 1 and _PLACEHOLDER_BASE <= ord(piece) <= 0xF8FF:
            literal = literals[ord(piece) - _PLACEHOLDER_BASE]
            display.append(literal.display)
            spoken.append(literal.spoken or "")
        elif piece.strip():
            display.append(piece.strip())
            spoken.append(spoken_form(piece.strip(), lang))
    return _joined(display), _joined(spoken)


def _joined(parts: list[str]) -> str:
    """Parts joined by spaces, with no space before closing punctuation."""
    text = " ".join(p for p in parts if p)
    return re.sub(r"\s+([,.;:!?…)\]”’])", r"\1", text)


def parse_ssml(text: str, lang: str = "en") -> Script:
    """Parse an SSML script (see the module docstring and ``docs/ssml.md``).

    ``lang`` is the language of text outside any ``xml:lang``. Raises
    :class:`~persona.errors.ScriptError` with the line and column of the mistake.
    """
    source = text.lstrip("\ufeff")
    if source.lstrip().startswith("<?xml"):
        source = source.lstrip()
    root = parse_tree(source)
    if root.tag != "speak":
        raise root.error(f"the root element must be <speak>, not <{root.tag}>")
    base = _Context(canonical_language(lang), None, Prosody())
    items: list[_Item] = []
    _walk(root, base, items)
    script_lang = _inner_context(root, base).lang
    builder = _Builder(lang=script_lang)
    for run in _runs(items):
        if isinstance(run, _Break):
            builder.pause(run.ms)
        elif isinstance(run, _Boundary):
            builder.mark_boundary(run.paragraph)
        else:
            _speak_run(run, builder)
    return builder.build()
