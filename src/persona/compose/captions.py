"""Captions: timed words → cues that follow broadcast subtitle conventions.

    words (CaptionWord: display text, start/end ms, speaker)
        ─segment_captions(words, CaptionSettings)→ tuple[Cue, ...]
        ─caption_formats.write_captions→ SRT / WebVTT / ASS
        ─caption_burn.CaptionBurner→ pixels, or media.subtitles.mux_subtitles→ a soft track

Where the words come from: :mod:`persona.compose.caption_text` maps the author's text
(:attr:`persona.types.Segment.display`, or a transcript) onto a Speech's timed words.

The rules (Netflix / BBC style, all in :class:`CaptionSettings`):

* at most ``max_lines`` lines (2) of at most ``max_chars`` characters (42); a word is
  never split, so only a single word longer than a line may overflow it;
* a cue is shown ``min_ms`` (1 s) to ``max_ms`` (7 s), long enough to be read at
  ``max_cps`` characters per second (17): its display time runs on into the silence
  after the speech when there is room, and closes up to the next cue when that starts
  within :data:`CHAIN_MS`;
* cues break at sentence ends first, then at clause punctuation and at pauses, and not
  after an article, a preposition or a conjunction where that can be avoided
  (:mod:`persona.compose.caption_lines`); lines are balanced, without orphan words;
* a new cue when the speaker changes; optional labels: ``"name"`` puts ``HOST:`` before
  the first cue of each turn, ``"dash"`` puts two short turns in one cue, one line each,
  each line starting with ``"- "``;
* consecutive cues are ``gap_frames`` (2) frames apart at ``fps``.

Segmentation is one dynamic programme per speaker turn: every cue candidate (a run of
words that fits the lines and the time limit) has a cost, and the cheapest sequence wins.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from persona.compose.caption_lines import (
    LineBreaker,
    break_cost,
    clean_words,
    cut_lines,
    ends_sentence,
    line_layout,
)
from persona.errors import InputError

LABEL_STYLES = ("none", "name", "dash")

CHAIN_MS = 500
"""A cue ends right before the next one (less the gap) when that starts within this."""

LONG_PAUSE_MS = 1200
"""A pause longer than this inside a cue shows words too early: it costs extra."""

MID_LINE_SENTENCE = 2.0
"""Cost of a sentence ending inside a line of a cue (rather than at a line's end)."""

RUN_ON_SENTENCE = 1.0
"""Cost of a sentence that starts inside a cue and runs on into the next cue."""

DASH = "- "


@dataclass(frozen=True)
class CaptionWord:
    """One word as captions show it: the author's spelling with its punctuation
    (``"$5,"``), spoken from ``start_ms`` to ``end_ms`` (equal for a word the speech has
    no time of its own for), by ``speaker`` (``None``: unnamed)."""

    text: str
    start_ms: int
    end_ms: int
    speaker: str | None = None


@dataclass(frozen=True)
class CueLine:
    """One line of a cue: its words and a ``label`` before them (``"HOST: "``, ``"- "``
    or ``""``). :attr:`text` is the line exactly as shown."""

    words: tuple[CaptionWord, ...]
    label: str = ""

    @property
    def text(self) -> str:
        return self.label + " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Cue:
    """One caption on screen from ``start_ms`` to ``end_ms`` (end exclusive).

    ``lines`` hold the words line by line; :attr:`text` is what a subtitle file shows
    (lines joined by newlines, labels included). ``speaker`` is the one speaker of every
    word, or ``None`` when unnamed or when two speakers share the cue (dash style).
    A cue of translated text (:func:`retext_cue`) keeps the timing but its words have
    the cue's own times.
    """

    start_ms: int
    end_ms: int
    lines: tuple[CueLine, ...]
    speaker: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def words(self) -> tuple[CaptionWord, ...]:
        return tuple(w for line in self.lines for w in line.words)

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    def word_at(self, time_ms: int) -> int | None:
        """Index in :attr:`words` of the word being spoken at ``time_ms``: the last word
        that has started (it stays current through the pause after it); ``None`` before
        the first word starts."""
        current = None
        for index, word in enumerate(self.words):
            if word.start_ms <= time_ms:
                current = index
            else:
                break
        return current


@dataclass(frozen=True)
class CaptionSettings:
    """How words are cut into cues (see the module docstring for the conventions).

    ``speaker_labels`` is ``"none"``, ``"name"`` or ``"dash"``. ``fps`` is the video's
    frame rate: the gap between cues is ``gap_frames`` frames of it.
    """

    max_chars: int = 42
    max_lines: int = 2
    max_cps: float = 17.0
    min_ms: int = 1000
    max_ms: int = 7000
    gap_frames: int = 2
    fps: float = 25.0
    speaker_labels: str = "none"

    def __post_init__(self) -> None:
        if not 8 <= self.max_chars <= 200:
            raise InputError(f"max chars per line must be 8..200, not {self.max_chars}")
        if not 1 <= self.max_lines <= 3:
            raise InputError(f"max lines must be 1..3, not {self.max_lines}")
        if not 5 <= self.max_cps <= 40:
            raise InputError(f"reading speed must be 5..40 characters/s, not {self.max_cps}")
        if not 0 < self.min_ms <= self.max_ms:
            raise InputError(f"cue durations must satisfy 0 < min <= max, not {self}")
        if not 1 <= self.fps <= 240 or self.gap_frames < 0:
            raise InputError(f"fps must be 1..240 and gap frames >= 0, not {self}")
        if self.speaker_labels not in LABEL_STYLES:
            raise InputError(
                f"speaker labels must be one of {', '.join(LABEL_STYLES)}, "
                f"not {self.speaker_labels!r}"
            )

    @property
    def gap_ms(self) -> int:
        return math.ceil(self.gap_frames * 1000 / self.fps)

    @property
    def frame_ms(self) -> int:
        return math.ceil(1000 / self.fps)

    @staticmethod
    def for_frame(width: int, height: int, fps: float = 25.0) -> CaptionSettings:
        """Settings for a video of ``width`` × ``height`` at ``fps``: 42 characters per
        line in landscape, fewer in portrait (31 on 9:16) so the text stays large."""
        max_chars = 42 if width >= height else max(16, min(42, round(55 * width / height)))
        return CaptionSettings(max_chars=max_chars, fps=fps)


def label_for(speaker: str) -> str:
    """The ``"name"`` style label of ``speaker``: ``"HOST: "``."""
    return f"{speaker.strip().upper()}: "


def segment_captions(
    words: Sequence[CaptionWord], settings: CaptionSettings | None = None
) -> tuple[Cue, ...]:
    """Cut ``words`` into cues that follow ``settings``.

    Words are taken in time order; empty words are dropped and a word's end never comes
    before its start. A speaker change always starts a new cue (two short turns may
    share one in the ``"dash"`` label style). Returns cues in time order that never
    overlap, at least the settings' gap apart.
    """
    settings = settings or CaptionSettings()
    cleaned = clean_words(words)
    cues: list[Cue] = []
    for turn in _turns(cleaned):
        label = ""
        if settings.speaker_labels == "name" and turn[0].speaker:
            label = label_for(turn[0].speaker)
        cues.extend(_segment_turn(turn, settings, label))
    if settings.speaker_labels == "dash":
        cues = _dash_pairs(cues, settings)
    return _timed(cues, settings)


def retext_cue(cue: Cue, text: str, settings: CaptionSettings | None = None) -> Cue:
    """``cue`` showing ``text`` instead (a translation): same times and speaker, the
    text broken into lines by the same rules (it may overflow when it is too long)."""
    settings = settings or CaptionSettings()
    tokens = [CaptionWord(t, cue.start_ms, cue.start_ms, cue.speaker) for t in text.split()]
    if not tokens:
        return replace(cue, lines=())
    limit = settings.max_chars
    lines = line_layout(tokens, limit, settings.max_lines)
    while lines is None:  # too long for the lines: spread it over them, a little wider
        limit += 2
        lines = line_layout(tokens, limit, settings.max_lines)
    label = cue.lines[0].label if cue.lines and cue.lines[0].label != DASH else ""
    return replace(
        cue,
        lines=tuple(CueLine(tuple(line), label if i == 0 else "") for i, line in enumerate(lines)),
    )


# ---------------------------------------------------------------------------- segmenting


def _turns(words: Sequence[CaptionWord]) -> list[list[CaptionWord]]:
    """Runs of consecutive words by the same speaker."""
    turns: list[list[CaptionWord]] = []
    for word in words:
        if turns and turns[-1][-1].speaker == word.speaker:
            turns[-1].append(word)
        else:
            turns.append([word])
    return turns


def _segment_turn(words: list[CaptionWord], settings: CaptionSettings, label: str) -> list[Cue]:
    """The cheapest cut of one speaker's words into cues (dynamic programme)."""
    n = len(words)
    turn = _Turn(words, settings)
    longest = settings.max_chars * settings.max_lines + settings.max_lines - 1
    best = [0.0] + [math.inf] * n
    choice: list[tuple[int, tuple[int, ...]]] = [(0, ())] * (n + 1)
    for i in range(n):
        prefix = len(label) if i == 0 else 0
        for j in range(i + 1, n + 1):
            if j - i > 1 and (
                prefix + turn.lines.length(i, j) > longest
                or words[j - 1].end_ms - words[i].start_ms > settings.max_ms
            ):
                break
            layout = turn.lines.best(i, j, settings.max_chars, settings.max_lines, prefix)
            if layout is None:
                continue  # these words fit no layout (a single word always has one)
            cost = best[i] + layout[0] + turn.cost(i, j, layout[1], prefix)
            if cost < best[j]:
                best[j], choice[j] = cost, (i, layout[1])
    cues: list[Cue] = []
    j = n
    while j > 0:
        i, cuts = choice[j]
        lines = tuple(
            CueLine(tuple(line), label if i == 0 and k == 0 else "")
            for k, line in enumerate(cut_lines(words, i, j, cuts))
        )
        cues.append(Cue(words[i].start_ms, words[j - 1].end_ms, lines, words[i].speaker))
        j = i
    return cues[::-1]


class _Turn:
    """One speaker's words with what every cue candidate's cost needs, computed once."""

    def __init__(self, words: Sequence[CaptionWord], settings: CaptionSettings) -> None:
        self.words = words
        self.settings = settings
        self.lines = LineBreaker(words)
        self.ends = [ends_sentence(w.text) for w in words]
        self.end_sums = list(itertools.accumulate(self.ends, initial=0))
        pauses = [
            max(0, b.start_ms - a.end_ms - LONG_PAUSE_MS) / 400
            for a, b in itertools.pairwise(words)
        ]
        self.pause_sums = list(itertools.accumulate(pauses, initial=0.0))
        self.breaks = [break_cost(a, b) for a, b in itertools.pairwise(words)]

    def cost(self, i: int, j: int, cuts: tuple[int, ...], prefix: int) -> float:
        """What showing ``words[i:j]`` (cut into lines at ``cuts``) as one cue costs
        besides its line layout: the cue itself, sentences ending inside a line or
        running on past the cue, the break after it, too little time to read it, long
        pauses inside it."""
        words, settings = self.words, self.settings
        cost = 1.0
        inner = self.end_sums[j - 1] - self.end_sums[i]  # sentence ends before the last word
        at_cuts = sum(self.ends[c - 1] for c in cuts)
        cost += MID_LINE_SENTENCE * (inner - at_cuts)
        if inner and not self.ends[j - 1]:
            cost += RUN_ON_SENTENCE
        if j < len(words):
            cost += self.breaks[j - 1]
        chars = prefix + self.lines.length(i, j)
        start = words[i].start_ms
        room = words[j].start_ms - settings.gap_ms - start if j < len(words) else settings.max_ms
        shown = min(max(room, words[j - 1].end_ms - start), settings.max_ms)
        needed = max(settings.min_ms, chars * 1000 / settings.max_cps)
        if shown < needed:
            cost += 6.0 * (needed - shown) / needed
        return cost + self.pause_sums[j - 1] - self.pause_sums[i]


def _dash_pairs(cues: list[Cue], settings: CaptionSettings) -> list[Cue]:
    """Put two consecutive one-line cues of different speakers into one dash cue."""
    if settings.max_lines < 2:
        return cues
    out: list[Cue] = []
    k = 0
    while k < len(cues):
        a = cues[k]
        b = cues[k + 1] if k + 1 < len(cues) else None
        if b is not None and _can_pair(a, b, settings):
            lines = (replace(a.lines[0], label=DASH), replace(b.lines[0], label=DASH))
            out.append(Cue(a.start_ms, b.end_ms, lines, None))
            k += 2
        else:
            out.append(a)
            k += 1
    return out


def _can_pair(a: Cue, b: Cue, settings: CaptionSettings) -> bool:
    return (
        len(a.lines) == 1
        and len(b.lines) == 1
        and a.speaker != b.speaker
        and max(len(a.text), len(b.text)) + len(DASH) <= settings.max_chars
        and b.start_ms - a.end_ms <= CHAIN_MS * 2
        and b.end_ms - a.start_ms <= settings.max_ms
    )


# ---------------------------------------------------------------------------- timing


def _timed(cues: list[Cue], settings: CaptionSettings) -> tuple[Cue, ...]:
    """Final times: long enough to read, into following silence, gaps between cues.

    On entry a cue's times are those of its speech (first word start, last word end).
    """
    gap, frame = settings.gap_ms, settings.frame_ms
    out: list[Cue] = []
    for k, cue in enumerate(cues):
        start = cue.start_ms if not out else max(cue.start_ms, out[-1].end_ms + gap)
        chars = sum(len(line.text) for line in cue.lines) + len(cue.lines) - 1
        needed = max(settings.min_ms, round(chars * 1000 / settings.max_cps))
        end = max(cue.end_ms, start + needed)
        end = min(end, max(cue.end_ms, start + settings.max_ms))
        if k + 1 < len(cues):
            following = cues[k + 1].start_ms
            if following - end < CHAIN_MS and following - gap - start <= settings.max_ms:
                end = max(end, following - gap)
            end = min(end, following - gap)
        out.append(replace(cue, start_ms=start, end_ms=max(end, start + frame)))
    return tuple(out)
