"""Rhubarb Lip Sync's nine mouth shapes, and how far apart they are.

    A  closed: lips pressed together (p b m)
    B  slightly open, teeth clenched (most consonants; ee, ih)
    C  open (eh, ae, short uh)
    D  wide open (ah)
    E  slightly rounded (aw, er)
    F  puckered (oo, w)
    G  upper teeth on the lower lip (f v)          optional
    H  tongue raised behind the upper teeth (l)    optional
    X  idle: lips closed and relaxed (silence)     optional

The cue passes pick, for a sound that several shapes can show (a t looks fine as B or F),
the one closest to the shape before it, so the mouth moves as little as it must. Closeness
comes from four rough features per shape: how far the jaw opens, how round the lips are,
whether the lower lip is tucked under the teeth, and whether the tongue shows raised.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_SHAPES = "ABCDEFGHX"
"""Every shape, in letter order."""

BASIC_SHAPES = "ABCDEF"
"""The six shapes every character must have."""

EXTENDED_SHAPES = "GHX"
"""The optional shapes; each falls back to a basic one (see :data:`BASIC_FALLBACK`)."""

BASIC_FALLBACK = {"G": "A", "H": "C", "X": "A"}
"""What a character without an optional shape shows instead (Rhubarb's own choice)."""

TICK_MS = 10
"""Cue times are whole centiseconds, Rhubarb's time unit."""

RELAXED = {"A": "A", "B": "B", "C": "B", "D": "C", "E": "C", "F": "B", "G": "X", "H": "B", "X": "X"}
"""Where each shape settles when nothing pushes it: the jaw half closes, rounding and the
raised tongue let go, the lower lip drops off the teeth."""

_FEATURES: dict[str, tuple[float, float, float, float]] = {
    #     jaw   round  lip on teeth  tongue up
    "A": (0.0, 0.0, 0.0, 0.0),
    "B": (0.25, 0.0, 0.0, 0.0),
    "C": (0.55, 0.0, 0.0, 0.0),
    "D": (1.0, 0.0, 0.0, 0.0),
    "E": (0.5, 0.3, 0.0, 0.0),
    "F": (0.3, 1.0, 0.0, 0.0),
    "G": (0.1, 0.0, 0.2, 0.0),
    "H": (0.6, 0.0, 0.0, 0.2),
    "X": (0.0, 0.0, 0.0, 0.0),
}

_CHANGE_COST = 0.01
"""Any change of shape costs a little, so a shape that may stay, stays."""


@dataclass(frozen=True)
class Cue:
    """Mouth shape ``shape`` (one of ``A``-``H``, ``X``) from ``start_ms`` to ``end_ms``."""

    start_ms: int
    end_ms: int
    shape: str

    def __post_init__(self) -> None:
        if len(self.shape) != 1 or self.shape not in ALL_SHAPES:
            raise ValueError(f"unknown mouth shape {self.shape!r}; shapes are {ALL_SHAPES}")
        if not 0 <= self.start_ms <= self.end_ms:
            raise ValueError(f"bad cue span {self.start_ms}..{self.end_ms} ms")

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def basic_shape(shape: str) -> str:
    """The basic shape (A-F) that ``shape`` is a variant of."""
    return BASIC_FALLBACK.get(shape, shape)


def allowed_shape(shape: str, allowed: str) -> str:
    """``shape`` if ``allowed`` has it, else its basic fallback."""
    return shape if shape in allowed else basic_shape(shape)


def effort(start: str, end: str) -> float:
    """How much the mouth must move to go from shape ``start`` to shape ``end``."""
    if start == end:
        return 0.0
    a, b = _FEATURES[start], _FEATURES[end]
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) + _CHANGE_COST


def closest(reference: str, options: str) -> str:
    """The shape among ``options`` that is least effort from ``reference``; ties go to the
    earlier letter."""
    if not options:
        raise ValueError("no shapes to choose from")
    return min(options, key=lambda s: (effort(reference, s), s))


def is_closed(shape: str) -> bool:
    """Lips shut: a closure (A) or the idle mouth (X)."""
    return shape in "AX"
