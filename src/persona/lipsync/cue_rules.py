"""The first two cue passes: timed phones → shape rules → a rough row of shapes.

A *shape rule* says which shapes may show a stretch of the timeline. A vowel wants one
shape (ah is D); most consonants can borrow their look from the vowels around them (a t
is fine as B or F), so they allow several and the rough pass picks the one closest to
what the mouth already does. Stops close before they are heard: a p shows closed lips
(A) for a while before its burst, up to 120 ms depending on the sound before it, and the t
and k closures show their own few shapes there. A closure never paints over an earlier
p, b or m: a lip closure is the one shape viewers always miss.

The rough pass walks forwards choosing the least-effort shape each time, and whenever it
meets a vowel it walks back up to :data:`MAX_ANTICIPATION_MS`, letting the vowel's shape
spread over the consonants before it (the lips round for the o in "go" while the g is
still being said), as Rhubarb Lip Sync's rough animation does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from persona.lipsync.ipa import base_symbol, is_silence, phone_visemes
from persona.lipsync.rough import FIRST_PART_SHARE
from persona.lipsync.shapes import (
    ALL_SHAPES,
    RELAXED,
    TICK_MS,
    Cue,
    allowed_shape,
    basic_shape,
    closest,
)
from persona.lipsync.visemes import VISEMES
from persona.types import Phone

ANY = ALL_SHAPES
OPEN = "BCDEFGH"

VISEME_OPTIONS: dict[str, str] = {
    "X": "X",
    "PAUSE": "X",
    "MBP": "A",
    "FV": "G",
    "TH": "BF",
    "DN": "BF",
    "KG": "BCEFH",
    "SH": "BF",
    "L": "BEFH",
    "R": "BEF",
    "HH": ANY,
    "EE": "B",
    "IH": "B",
    "EH": "C",
    "AA": "C",
    "SCHWA": "BC",
    "ER": "BC",
    "OH": "E",
    "OO": "F",
    "NEUTRAL": "BC",
}
"""Shapes that may show each viseme (duration rules in :func:`_options` refine a few)."""

STOPS = {"p": "A", "b": "A", "t": "BF", "d": "BF", "k": "BCEFH", "g": "BCEFH", "ɡ": "BCEFH"}
"""Stops and the shapes their closure may show before the burst."""

NASALS = "nɲɳ"
SEMIVOWELS = "jwʍɥ"

LONG_VOWEL_MS = {"ʌ": 200, "ɐ": 200, "a": 100, "": 100}
"""An ah this long opens wide (D); a shorter one opens only to C. The open a (half of
English ai, au; the whole vowel elsewhere) needs half as long; ɑ is always D."""

LONG_L_MS = 200
"""An l this long shows the raised tongue (H) on its own."""

SHORT_ER_MS = 70
"""An er shorter than this is said like a schwa."""

MAX_OCCLUSION_MS = 120
"""A stop's closure before its burst takes half the sound before it, up to this long.
(A closure too short to see grows later, in the timing pass.)"""

MAX_ANTICIPATION_MS = 200
"""How far back a vowel's shape may spread over the consonants before it."""


@dataclass(frozen=True)
class ShapeRule:
    """Shapes that may show ``[start_ms, end_ms)``; ``vowel`` rules spread backwards."""

    start_ms: int
    end_ms: int
    options: str
    vowel: bool = False


def shape_rules(
    phones: Iterable[Phone], duration_ms: int, allowed: str = ALL_SHAPES, *, lead_ms: int = 0
) -> tuple[ShapeRule, ...]:
    """Rules tiling ``[0, duration_ms)``: silences are X, each phone one or more rules.

    Phone times move ``lead_ms`` earlier and snap to whole centiseconds. Options outside
    ``allowed`` become their basic fallback; X stays (later passes need it for pauses).
    """
    rules: list[ShapeRule] = []
    previous_ms = 0
    for phone in sorted(phones, key=lambda p: p.start_ms):
        start = _snap(phone.start_ms - lead_ms, duration_ms)
        end = _snap(phone.end_ms - lead_ms, duration_ms)
        cursor = rules[-1].end_ms if rules else 0
        start, end = max(start, cursor), max(end, cursor)
        if end == start and phone.end_ms > phone.start_ms and not is_silence(phone.symbol):
            end = min(start + TICK_MS, duration_ms)  # snapping must not lose a sound
        if start > cursor:
            rules.append(ShapeRule(cursor, start, "X"))
        if end > start:
            if is_silence(phone.symbol):
                rules.append(ShapeRule(start, end, "X"))
            else:
                _add_phone(rules, phone.symbol, start, end, previous_ms)
            previous_ms = end - start
    cursor = rules[-1].end_ms if rules else 0
    if cursor < duration_ms:
        rules.append(ShapeRule(cursor, duration_ms, "X"))
    keep = allowed + "X"
    return tuple(
        ShapeRule(r.start_ms, r.end_ms, _restrict(r.options, keep), r.vowel) for r in rules
    )


def _snap(ms: int, duration_ms: int) -> int:
    return min(max(0, (ms + TICK_MS // 2) // TICK_MS * TICK_MS), duration_ms)


def _restrict(options: str, allowed: str) -> str:
    kept = {allowed_shape(s, allowed) for s in options}
    return "".join(s for s in ALL_SHAPES if s in kept)


def _add_phone(rules: list[ShapeRule], symbol: str, start: int, end: int, previous_ms: int) -> None:
    """Append the rules of one phone (and paint a stop's closure over what came before)."""
    base = base_symbol(symbol)
    visemes = phone_visemes(symbol)
    span = end - start
    if len(visemes) == 1 and base in STOPS:
        occlusion = max(min(previous_ms // 2, MAX_OCCLUSION_MS) // TICK_MS * TICK_MS, TICK_MS)
        closures = [r.end_ms for r in rules if r.options == "A"]
        reach = max(start - occlusion, closures[-1] if closures else 0, 0)
        _paint(rules, ShapeRule(min(reach, start), start, STOPS[base]))
        rules.append(ShapeRule(start, end, ANY if STOPS[base] == "A" else OPEN))
        return
    letter = base if len(visemes) == 1 else ""
    for (lo, hi), viseme in zip(_split(start, end, len(visemes)), visemes, strict=True):
        vowel = VISEMES[viseme].vowel and not (letter and letter in SEMIVOWELS)
        rules.append(ShapeRule(lo, hi, _options(viseme, letter, span), vowel))


def _options(viseme: str, letter: str, span_ms: int) -> str:
    if viseme == "AA":
        return "D" if span_ms >= LONG_VOWEL_MS.get(letter[:1], 0) else "C"
    if viseme == "L" and span_ms >= LONG_L_MS:
        return "H"
    if viseme == "ER" and span_ms >= SHORT_ER_MS:
        return "E"
    if viseme == "DN" and letter and letter in NASALS:
        return "BCFH"
    if viseme == "EE" and letter == "j":
        return "BCF"
    return VISEME_OPTIONS[viseme]


def _split(start: int, end: int, parts: int) -> list[tuple[int, int]]:
    """Cut a phone that moves through several visemes; the first part is the longest."""
    if parts == 1:
        return [(start, end)]
    first = start + round((end - start) * FIRST_PART_SHARE / TICK_MS) * TICK_MS
    cuts = [start, first]
    rest = parts - 1
    for k in range(1, rest + 1):
        cuts.append(first + round((end - first) * k / rest / TICK_MS) * TICK_MS)
    return list(pairwise(cuts))


def _paint(rules: list[ShapeRule], rule: ShapeRule) -> None:
    """Overwrite the end of ``rules`` from ``rule.start_ms`` on with ``rule`` (the caller
    keeps closures of p, b and m out of its way)."""
    while rules and rules[-1].start_ms >= rule.start_ms:
        rules.pop()
    if rules and rules[-1].end_ms > rule.start_ms:
        last = rules.pop()
        rules.append(ShapeRule(last.start_ms, rule.start_ms, last.options, last.vowel))
    cursor = rules[-1].end_ms if rules else 0
    if rule.start_ms > cursor:
        rules.append(ShapeRule(cursor, rule.start_ms, "X"))
    if rule.end_ms > rule.start_ms:
        rules.append(rule)


def animate_rough(rules: Iterable[ShapeRule]) -> tuple[Cue, ...]:
    """Choose one shape per rule: least effort forwards, vowels anticipated backwards."""
    rules = tuple(r for r in rules if r.end_ms > r.start_ms)
    shapes = [""] * len(rules)
    reference = "X"
    last_vowel = -1
    for i, rule in enumerate(rules):
        shapes[i] = closest(reference, rule.options)
        anticipated = rule.vowel and len(rule.options) == 1
        if anticipated:
            _anticipate(rules, shapes, i, last_vowel)
            last_vowel = i
        reference = shapes[i] if anticipated else RELAXED[shapes[i]]
    return _join([Cue(r.start_ms, r.end_ms, s) for r, s in zip(rules, shapes, strict=True)])


def _anticipate(rules: tuple[ShapeRule, ...], shapes: list[str], i: int, stop: int) -> None:
    """Spread the vowel at ``i`` back over earlier rules that can take a similar shape."""
    target = shapes[i]
    reference = target
    for j in range(i - 1, stop, -1):
        if rules[i].start_ms - rules[j].start_ms > MAX_ANTICIPATION_MS:
            break
        shapes[j] = closest(reference, rules[j].options)
        if basic_shape(shapes[j]) != basic_shape(target):
            break
        reference = shapes[j]


def _join(cues: list[Cue]) -> tuple[Cue, ...]:
    out: list[Cue] = []
    for cue in cues:
        if out and out[-1].shape == cue.shape:
            out[-1] = Cue(out[-1].start_ms, cue.end_ms, cue.shape)
        else:
            out.append(cue)
    return tuple(out)
