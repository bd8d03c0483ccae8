"""Pitch, keys, scales and chords: the Western half of the music theory.

Pitches are MIDI note numbers (60 = middle C, 261.6 Hz); pitch classes are 0..11 from C.
Chords are written as Roman numerals relative to a key (``"I"``, ``"vi7"``, ``"V7"``,
``"iiø7"``, ``"bVII"``, ``"V/V"`` is not supported): upper case is a major triad, lower case
minor, ``°`` or ``dim`` diminished, ``ø`` half-diminished seventh; suffixes ``7``,
``maj7``, ``6``, ``9``, ``sus2``, ``sus4``, ``add9``; a leading ``b`` or ``#`` moves the
root by a semitone. Degrees count in the major scale of the tonic for upper- and
lower-case numerals alike (``"bIII"`` in C is E♭), so minor-key progressions spell their
flat degrees (``"i"``, ``"bVI"``, ``"bVII"``).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

from persona.errors import InputError

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTALS = {"": 0, "#": 1, "♯": 1, "b": -1, "♭": -1}
KEY_CHOICES = "C, C#/Db, D, D#/Eb, E, F, F#/Gb, G, G#/Ab, A, A#/Bb, B (add m for minor: Am)"

SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "major_pentatonic": (0, 2, 4, 7, 9),
    "minor_pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
}

_MAJOR = SCALES["major"]
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7}
_QUALITIES: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
}
_NUMERAL = re.compile(
    r"^(?P<acc>[b#]?)(?P<num>VII|VI|V|IV|III|II|I|vii|vi|v|iv|iii|ii|i)"
    r"(?P<qual>°|dim|ø|\+)?(?P<ext>maj7|7|6|9|sus2|sus4|add9)?(?P<b9>b9)?$"
)


def parse_key(text: str) -> tuple[int, bool | None]:
    """``"D"`` → (2, None); ``"F#m"``/``"F# minor"`` → (6, True); ``"Eb major"`` →
    (3, False). ``None`` means the mode is left to the mood. Raises :class:`InputError`."""
    t = text.strip().replace("♯", "#").replace("♭", "b")
    m = re.fullmatch(r"([A-Ga-g])([#b]?)\s*(m|min|minor|maj|major)?", t)
    if not m:
        raise InputError(f"unknown key {text!r}: use one of {KEY_CHOICES}")
    pc = (_LETTERS[m.group(1).upper()] + _ACCIDENTALS[m.group(2)]) % 12
    mode = m.group(3)
    return pc, (None if mode is None else mode.startswith("m") and not mode.startswith("maj"))


def parse_tonic(tonic: str | int) -> int:
    """A tonic as a MIDI pitch: an int is taken as is; ``"C#"`` is the C# in the octave
    from C3 (MIDI 48) up; ``"C#4"`` names the octave (C4 = 60). Raises :class:`InputError`."""
    if isinstance(tonic, int):
        if not 24 <= tonic <= 96:
            raise InputError(f"tonic must be a MIDI pitch 24..96, not {tonic}")
        return tonic
    m = re.fullmatch(r"\s*([A-Ga-g][#b♯♭]?)(-?\d)?\s*", str(tonic))
    if not m:
        raise InputError(f"unknown tonic {tonic!r}: use a note name ({KEY_CHOICES}) or C#3")
    pc, _ = parse_key(m.group(1))
    octave = int(m.group(2)) if m.group(2) else 3
    return parse_tonic(12 * (octave + 1) + pc)


def note_name(pc: int) -> str:
    return NOTE_NAMES[pc % 12]


def midi_to_hz(pitch: float) -> float:
    return 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)


def scale_pitches(tonic: int, scale: Sequence[int], low: int, high: int) -> list[int]:
    """Every pitch of ``scale`` on ``tonic`` (a pitch class or pitch) in ``[low, high]``."""
    pcs = {(tonic + s) % 12 for s in scale}
    return [p for p in range(low, high + 1) if p % 12 in pcs]


def chord(numeral: str, tonic: int) -> tuple[int, ...]:
    """Pitch classes of a Roman-numeral chord in the key of ``tonic``, root first.

    >>> chord("V7", 0)
    (7, 11, 2, 5)
    """
    m = _NUMERAL.match(numeral.strip())
    if not m:
        raise ValueError(f"not a chord numeral: {numeral!r}")
    num = m.group("num")
    root = (tonic + _MAJOR[_ROMAN[num.lower()] - 1] + _ACCIDENTALS[m.group("acc")]) % 12
    qual = {"°": "dim", "dim": "dim", "ø": "dim", "+": "aug"}.get(m.group("qual") or "", "")
    qual = qual or ("maj" if num.isupper() else "min")
    ext = m.group("ext") or ""
    if ext in ("sus2", "sus4"):
        qual = ext
    intervals = list(_QUALITIES[qual])
    if ext in ("7", "9") or m.group("qual") == "ø":
        intervals.append(9 if m.group("qual") == "°" else 10)
    intervals += {"maj7": [11], "6": [9], "9": [14], "add9": [14]}.get(ext, [])
    if m.group("b9"):
        intervals.append(13)
    return tuple((root + i) % 12 for i in intervals)


def voice_chord(
    pcs: Sequence[int], previous: Sequence[int] | None, low: int, high: int, size: int = 4
) -> tuple[int, ...]:
    """Pitches for a chord of pitch classes ``pcs`` in ``[low, high]``: ``size`` voices
    (the root doubled when the chord has fewer notes, upper notes dropped when it has
    more), within an octave and a half, placed closest to ``previous`` (smooth voice
    leading) or to the middle of the range."""
    wanted = list(pcs[:size]) + [pcs[0]] * max(0, size - len(pcs))
    options = [[p for p in range(low, high + 1) if p % 12 == pc] for pc in wanted]
    best: tuple[float, tuple[int, ...]] | None = None
    for combo in itertools.product(*options):
        voiced = tuple(sorted(combo))
        if len(set(voiced)) < len(voiced) or voiced[-1] - voiced[0] > 19:
            continue
        if previous:
            cost = _distance(voiced, previous)
        else:
            cost = abs(sum(voiced) / len(voiced) - (low + high) / 2)
        cost += 0.5 * (voiced[0] % 12 != pcs[0])  # prefer root position a little
        if best is None or cost < best[0]:
            best = (cost, voiced)
    if best is None:
        if size > min(3, len(pcs)):
            return voice_chord(pcs, previous, low, high, size - 1)
        return tuple(sorted({low + (pc - low) % 12 for pc in wanted}))
    return best[1]


def _distance(a: Sequence[int], b: Sequence[int]) -> float:
    return sum(min(abs(x - y) for y in b) for x in a) + abs(sum(a) / len(a) - sum(b) / len(b))


def nearest(pitch: float, pitches: Sequence[int]) -> int:
    """The member of ``pitches`` closest to ``pitch`` (ties go down)."""
    return min(pitches, key=lambda p: (abs(p - pitch), p))


def bass_pitch(pc: int, low: int = 36) -> int:
    """The pitch of class ``pc`` in the octave starting at ``low``."""
    return low + (pc - low) % 12


def cents_to_bend(semitones: float, bend_range: float = 2.0) -> int:
    """A MIDI pitch-bend value (-8192..8191) for an offset in semitones."""
    return max(-8192, min(8191, math.floor(semitones / bend_range * 8192)))
