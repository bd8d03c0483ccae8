"""Where caption text may break: between cues and between the lines of a cue.

Costs are small non-negative numbers; lower is a better place to break.

* Between cues (:func:`break_cost`): a sentence end is free, clause punctuation
  (``, ; : —``) is cheap, then a break before an English function word (article,
  preposition, conjunction, possessive: "the", "of", "and", "my"); a pause in the speech
  makes any break cheaper, and breaking right after a function word costs most.
* Between lines (:func:`line_layout`): a cue takes as few lines as it fits on, and among
  those the layout whose lines are closest in length, breaking after punctuation rather
  than after a function word, with no line of one word when the cue has three or more.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from persona.compose.captions import CaptionWord

SENTENCE_ENDS = frozenset(".!?…。！？।॥؟")
CLAUSE_MARKS = frozenset(",;:–—、，；：،")
_CLOSERS = "\"')]}»”’›"

_FUNCTION_WORDS = """
    a an the of in on at to for with from by about into onto over under between through
    during without within upon as than like per via after before since until against
    among around behind below beside beyond near toward towards and or but nor so yet if
    because while when where whereas although though unless that which who whose whom my
    your his her its our their this these those is are was were be been not no very
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
"""English words a line or a cue should not end on (articles, prepositions,
conjunctions, possessives, auxiliaries)."""

LINE_AFTER_FUNCTION_WORD = 4.0
"""Cost of a line ending on a function word: another cue is usually better."""

PAUSE_BONUS_MS = 500
"""Each this many ms of pause before the next word takes one point off a cue break."""


def clean_words(words: Sequence[CaptionWord]) -> list[CaptionWord]:
    """Words with text (whitespace collapsed), in time order, none ending before it starts."""
    from persona.compose.captions import CaptionWord

    cleaned = []
    for word in sorted(words, key=lambda w: w.start_ms):
        text = " ".join(word.text.split())
        if text:
            start = max(0, word.start_ms)
            cleaned.append(CaptionWord(text, start, max(start, word.end_ms), word.speaker))
    return cleaned


def _bare(text: str) -> str:
    return text.rstrip(_CLOSERS)


def ends_sentence(text: str) -> bool:
    bare = _bare(text)
    return bool(bare) and bare[-1] in SENTENCE_ENDS


def ends_clause(text: str) -> bool:
    bare = _bare(text)
    return bool(bare) and bare[-1] in CLAUSE_MARKS


def is_function_word(text: str) -> bool:
    return text.strip(_CLOSERS + "\"'([{«“‘‹").lower() in FUNCTION_WORDS


def _end_cost(before: str, after: str) -> float:
    """How bad it is for a cue or a line to end on the word ``before`` when the next
    one starts with ``after``: best after a sentence, then after a clause, then before
    a function word ("... the dog | while the band ..."), worst after one."""
    if ends_sentence(before):
        return 0.0
    if ends_clause(before):
        return 1.0
    if is_function_word(before):
        return 5.5
    return 1.5 if is_function_word(after) else 3.0


def break_cost(before: CaptionWord, after: CaptionWord) -> float:
    """Cost of ending a cue on ``before`` when ``after`` opens the next one."""
    pause = max(0, after.start_ms - before.end_ms)
    return max(0.0, _end_cost(before.text, after.text) - pause / PAUSE_BONUS_MS)


def text_length(words: Sequence[CaptionWord]) -> int:
    """Characters of the words as one line, spaces included."""
    return sum(len(w.text) for w in words) + max(0, len(words) - 1)


def line_layout(
    words: Sequence[CaptionWord], max_chars: int, max_lines: int, prefix: int = 0
) -> list[list[CaptionWord]] | None:
    """The best split of ``words`` into at most ``max_lines`` lines of ``max_chars``
    (the first after a label of ``prefix`` characters), or ``None`` when none fits.

    A line of a single word longer than ``max_chars`` counts as fitting: a word is
    never split.
    """
    found = LineBreaker(words).best(0, len(words), max_chars, max_lines, prefix)
    return None if found is None else cut_lines(words, 0, len(words), found[1])


class LineBreaker:
    """Line layouts of runs ``words[i:j]`` of one word list; each candidate layout is
    scored in constant time per line (prefix sums of lengths, break costs computed once)."""

    def __init__(self, words: Sequence[CaptionWord]) -> None:
        self._sums = list(itertools.accumulate((len(w.text) for w in words), initial=0))
        self._break = [0.0] + [
            LINE_AFTER_FUNCTION_WORD
            if is_function_word(a.text)
            else 0.5 * _end_cost(a.text, b.text)
            for a, b in itertools.pairwise(words)
        ]  # _break[k]: a line ending before word k

    def length(self, i: int, j: int) -> int:
        """Characters of ``words[i:j]`` as one line."""
        return self._sums[j] - self._sums[i] + max(0, j - i - 1)

    def best(
        self, i: int, j: int, max_chars: int, max_lines: int, prefix: int = 0
    ) -> tuple[float, tuple[int, ...]] | None:
        """(cost, cut positions) of the best layout of ``words[i:j]``, None if none fits.

        The fewest lines that fit win; among those the cheapest: lines close in length
        (a short top line preferred), breaks after punctuation or before a function word,
        no line of one word in a cue of three or more.
        """
        n = j - i
        if n == 1 or prefix + self.length(i, j) <= max_chars:
            return (0.0, ())
        for count in range(2, min(max_lines, n) + 1):
            best: tuple[float, tuple[int, ...]] | None = None
            for cuts in self._candidates(i, j, count, max_chars, prefix):
                bounds = (i, *cuts, j)
                cost = self._cost(bounds, max_chars, prefix)
                if cost is not None and (best is None or cost < best[0]):
                    best = (cost, cuts)
            if best is not None:
                return best
        return None

    def _candidates(
        self, i: int, j: int, count: int, max_chars: int, prefix: int
    ) -> Iterator[tuple[int, ...]]:
        """Cut positions worth scoring: for two lines only those where both lines fit."""
        if count != 2:
            yield from itertools.combinations(range(i + 1, j), count - 1)
            return
        for cut in range(i + 1, j):
            if cut - i > 1 and prefix + self.length(i, cut) > max_chars:
                return  # the first line only grows from here
            if j - cut == 1 or self.length(cut, j) <= max_chars:
                yield (cut,)

    def _cost(self, bounds: tuple[int, ...], max_chars: int, prefix: int) -> float | None:
        lengths = []
        for k, (a, b) in enumerate(itertools.pairwise(bounds)):
            length = self.length(a, b) + (prefix if k == 0 else 0)
            if length > max_chars and b - a > 1:
                return None
            lengths.append(length)
        if len(lengths) < 2:
            return 0.0
        cost = 2.0 * (max(lengths) - min(lengths)) / max_chars
        if lengths[0] > lengths[-1]:
            cost += 0.3  # a pyramid (short line on top) reads more easily than the reverse
        cost += sum(self._break[cut] for cut in bounds[1:-1])
        words = bounds[-1] - bounds[0]
        if words >= 3 and any(b - a == 1 for a, b in itertools.pairwise(bounds)):
            cost += 2.0  # an orphan: a line of one word
        return cost


def cut_lines(
    words: Sequence[CaptionWord], i: int, j: int, cuts: tuple[int, ...]
) -> list[list[CaptionWord]]:
    """``words[i:j]`` cut into lines before each position in ``cuts``."""
    return [list(words[a:b]) for a, b in itertools.pairwise((i, *cuts, j))]
