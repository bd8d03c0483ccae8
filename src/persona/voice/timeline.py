"""Turning an engine's timed symbols into the phones and words of a Speech.

Engines report time in audio samples. Here the symbols become :class:`Phone` objects in
integer milliseconds, one phone per IPA letter:

* a stress mark (ˈ primary, ˌ secondary) is merged into the FOLLOWING letter as its
  ``stress``, and the time the engine gave the mark goes to that letter too (Piper's
  stress tokens carry the onset of the stressed vowel);
* length marks (ː ˑ), other modifier letters (ʰ ʲ ʷ ˞ …), combining diacritics and tone
  digits are appended to the PREVIOUS letter, with their time: ``"ɑ" + "ː"`` → ``"ɑː"``;
* tie bars are dropped; diphthongs and affricates stay as separate letters
  (``"o"``, ``"ʊ"``; ``"t"``, ``"ʃ"``), so the lip-sync stage maps single letters.

Boundaries are converted with one rounding rule (``round(sample * 1000 / rate)``), the same
one :attr:`Speech.duration_ms` uses, so the phones tile the audio exactly.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from persona.types import SILENCE, Phone, Word

STRESS_MARKS = {"ˈ": 1, "ˌ": 2}
_TIE_BARS = {"\u0361", "\u035c", "‿"}
_ATTACHED = {"ː", "ˑ", "˞", "ʰ", "ʲ", "ʷ", "ˠ", "ˤ", "ⁿ", "ˡ", "'"}


@dataclass(frozen=True)
class Span:
    """A symbol over a range of samples; ``group`` numbers the word it belongs to."""

    symbol: str
    start: int
    end: int
    stress: int = 0
    group: int = -1

    @property
    def silent(self) -> bool:
        return self.symbol == SILENCE


def is_attached(char: str) -> bool:
    """True for characters that modify the letter before them (length, diacritics)."""
    category = unicodedata.category(char)
    return char in _ATTACHED or category in ("Mn", "Me", "Lm", "Sk") or char.isdigit()


def ipa_letters(phone: str) -> list[tuple[str, int]]:
    """Split an IPA string into (letter with its modifiers, stress) pairs.

    ``"ˈaɪ"`` → ``[("a", 1), ("ɪ", 0)]``; ``"ɑː"`` → ``[("ɑː", 0)]``.
    """
    letters: list[tuple[str, int]] = []
    stress = 0
    for char in unicodedata.normalize("NFD", phone):
        if char in _TIE_BARS or char.isspace():
            continue
        if char in STRESS_MARKS:
            stress = STRESS_MARKS[char]
        elif is_attached(char) and letters:
            symbol, letter_stress = letters[-1]
            letters[-1] = (symbol + char, letter_stress)
        else:
            letters.append((char, stress))
            stress = 0
    return letters


def to_ms(sample: int, sample_rate: int) -> int:
    """The millisecond a sample falls on, rounded like :attr:`Speech.duration_ms`."""
    return round(sample * 1000 / sample_rate)


def phones_from_spans(spans: Sequence[Span], n_samples: int, sample_rate: int) -> tuple[Phone, ...]:
    """Phones that tile ``n_samples`` of audio: gaps become silence, runs of silence merge,
    phones shorter than a millisecond fold into their neighbours."""
    total = to_ms(n_samples, sample_rate)
    phones: list[Phone] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: s.start):
        start = min(max(to_ms(span.start, sample_rate), cursor), total)
        end = min(to_ms(span.end, sample_rate), total)
        if start > cursor:
            _append(phones, Phone(SILENCE, cursor, start))
            cursor = start
        if end > cursor:
            _append(phones, Phone(span.symbol, cursor, end, span.stress))
            cursor = end
    if cursor < total:
        _append(phones, Phone(SILENCE, cursor, total))
    return tuple(phones)


def _append(phones: list[Phone], phone: Phone) -> None:
    """Append ``phone``, merging it into a preceding silence when both are silent."""
    if phones and phone.symbol == SILENCE and phones[-1].symbol == SILENCE:
        phones[-1] = Phone(SILENCE, phones[-1].start_ms, phone.end_ms)
    else:
        phones.append(phone)


def group_extents(spans: Sequence[Span]) -> list[tuple[int, int]]:
    """(start, end) in samples of each word group, in group order."""
    extents: dict[int, tuple[int, int]] = {}
    for span in spans:
        if span.silent or span.group < 0:
            continue
        start, end = extents.get(span.group, (span.start, span.end))
        extents[span.group] = (min(start, span.start), max(end, span.end))
    return [extents[g] for g in sorted(extents)]


def _weights(texts: Sequence[str]) -> list[float]:
    return [max(1.0, float(len(t))) for t in texts]


def pair_words(
    texts: Sequence[str], extents: Sequence[tuple[int, int]]
) -> list[tuple[str, int, int]]:
    """Pair the written words with the spoken word groups, in order.

    When the counts agree the pairing is one to one. When the engine merged or split
    words, each word gets the stretch of spoken groups at its proportional place
    (weighted by letters), so every word still lands inside the speech, in order.
    """
    if not texts or not extents:
        return []
    if len(texts) == len(extents):
        return [(t, s, e) for t, (s, e) in zip(texts, extents, strict=True)]
    weights = _weights(texts)
    total = sum(weights)
    voiced = [(s, e) for s, e in extents]
    spoken = sum(e - s for s, e in voiced)
    paired: list[tuple[str, int, int]] = []
    before = 0.0
    for text, weight in zip(texts, weights, strict=True):
        first = _position(voiced, spoken * before / total)
        before += weight
        last = _position(voiced, spoken * before / total)
        paired.append((text, first, max(first, last)))
    return paired


def _position(extents: Sequence[tuple[int, int]], offset: float) -> int:
    """The sample at ``offset`` samples into the concatenated voiced extents."""
    remaining = offset
    for start, end in extents:
        if remaining <= end - start:
            return start + round(remaining)
        remaining -= end - start
    return extents[-1][1]


def words_from_pairs(pairs: Sequence[tuple[str, int, int]], sample_rate: int) -> tuple[Word, ...]:
    """Words in milliseconds, in order and without overlap."""
    words: list[Word] = []
    cursor = 0
    for text, start, end in pairs:
        start_ms = max(to_ms(start, sample_rate), cursor)
        end_ms = max(to_ms(end, sample_rate), start_ms)
        words.append(Word(text, start_ms, end_ms))
        cursor = end_ms
    return tuple(words)


def _is_pause_symbol(symbol: str) -> bool:
    return symbol == SILENCE or all(unicodedata.category(c).startswith("P") for c in symbol)


def tokens_to_spans(tokens: Sequence[tuple[str, int]]) -> list[Span]:
    """Spans from a stream of (symbol, samples) tokens as a TTS engine times them.

    A token is :data:`SILENCE`, a punctuation mark (also silence), ``" "`` (a word
    boundary) or IPA text. A space next to a silence is silence; between two words its
    time is split between the last letter before it and the first letter after it.
    Letters of a multi-letter token share its time equally.
    """
    builder = _SpanBuilder()
    for index, (symbol, samples) in enumerate(tokens):
        if symbol == " ":
            before = tokens[index - 1][0] if index else SILENCE
            after = tokens[index + 1][0] if index + 1 < len(tokens) else SILENCE
            if _is_pause_symbol(before) or _is_pause_symbol(after):
                builder.silence(samples)
            else:
                builder.space(samples)
        elif _is_pause_symbol(symbol):
            builder.silence(samples)
        else:
            builder.ipa(symbol, samples)
    return builder.spans


@dataclass
class _SpanBuilder:
    spans: list[Span] = field(default_factory=list)
    position: int = 0
    group: int = 0
    stress: int = 0
    onset: int | None = None  # where the next letter starts, if earlier than `position`

    def _start(self) -> int:
        return self.position if self.onset is None else self.onset

    def silence(self, samples: int) -> None:
        self.spans.append(Span(SILENCE, self._start(), self.position + samples))
        self.position += samples
        self.group += 1
        self.onset, self.stress = None, 0

    def space(self, samples: int) -> None:
        half = samples // 2
        if self.spans and not self.spans[-1].silent:
            self.spans[-1] = replace(self.spans[-1], end=self.spans[-1].end + half)
            self.onset = self.position + half
        self.position += samples
        self.group += 1

    def ipa(self, symbol: str, samples: int) -> None:
        start, end = self._start(), self.position + samples
        self.position = end
        letters = ipa_letters(symbol)
        if not letters:  # stress marks only: they time the onset of the next letter
            self.stress = max((STRESS_MARKS.get(c, 0) for c in symbol), default=0)
            self.onset = start
            return
        if is_attached(letters[0][0][0]) and self.spans and not self.spans[-1].silent:
            last = self.spans[-1]
            self.spans[-1] = replace(last, symbol=last.symbol + letters[0][0], end=end)
            return
        self.onset = None
        count = len(letters)
        for i, (letter, stress) in enumerate(letters):
            a = start + (end - start) * i // count
            b = start + (end - start) * (i + 1) // count
            self.spans.append(
                Span(letter, a, b, stress or (self.stress if i == 0 else 0), self.group)
            )
        self.stress = 0


def ordered_words(words: Sequence[Word]) -> tuple[Word, ...]:
    """Words clipped so each starts no earlier than the previous one ends."""
    result: list[Word] = []
    cursor = 0
    for word in words:
        start = max(word.start_ms, cursor)
        end = max(word.end_ms, start)
        result.append(Word(word.text, start, end))
        cursor = end
    return tuple(result)
