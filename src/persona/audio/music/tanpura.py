"""The tanpura: a synthesized drone of four plucked strings, Pa–Sa–Sa–Sa.

General MIDI has no tanpura, so the strings are made here by additive synthesis:

* each string's partials are harmonic, their amplitude falling gently with their number
  and their decay faster the higher they are (a plucked string);
* the *jawari* (the flat bridge that makes a tanpura buzz) is a bump of extra energy over
  a band of partials that sweeps from high partials down to low ones in the first seconds
  of each note: the "blooming" shimmer of the instrument;
* the two middle Sa strings are a few cents apart, so they beat slowly against each other.

The pattern is the classical one: the first string (Pa of the lower octave, or Ma or Ni
for ragas without Pa), the two middle Sa strings, then the low Sa (kharaj), and a rest a
little longer than a pluck before the cycle repeats. Each pluck lets the same string's
previous note ring until it is plucked again.

Each string is synthesized in two variants once per call and reused for all its plucks
(with small random gain and timing differences), so a minute of drone takes a fraction of
a second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from persona.audio.music.additive import frame_times, harmonic_tone
from persona.audio.music.theory import midi_to_hz, parse_tonic
from persona.errors import InputError

FIRST_STRINGS = {"P": 7 - 12, "M": 5 - 12, "N": 11 - 12}
"""The first string's pitch relative to Sa: Pa or Ma of the lower octave, or Ni."""
CYCLE_S = 4.6
"""Default seconds per Pa–Sa–Sa–Sa cycle."""
PATTERN = ((0, 0.0), (1, 1.0), (2, 2.0), (3, 3.0))
"""(string, time in pluck intervals) for one cycle; the cycle lasts 4.6 intervals."""
CYCLE_UNITS = 4.6
STRING_PANS = (0.36, 0.46, 0.56, 0.5)
VARIANTS = 2
MAX_PARTIAL_HZ = 6000.0
MAX_PARTIALS = 40
RING_S = 9.0
"""Longest a string sounds before it is plucked again (a long cycle lets it die out)."""
DAMP_S = 0.03
"""A string's sound is stopped over this time when it is plucked again."""
LEVEL = 0.27
"""Gain that puts the drone's peaks near −6 dBFS (RMS about −20 dBFS)."""
MAX_SECONDS = 15 * 60.0


@dataclass(frozen=True)
class Pluck:
    """One stroke of one string."""

    time_s: float
    pitch: float
    """MIDI pitch (fractional for a slightly detuned string)."""
    gain: float
    string: int
    """Strings are damped when plucked again; a string keeps its pan."""
    pan: float = 0.5


def tanpura_drone(
    tonic: str | int,
    seconds: float,
    sample_rate: int = 48000,
    seed: int = 0,
    *,
    first: str = "P",
    cycle_s: float = CYCLE_S,
) -> np.ndarray:
    """A tanpura drone on ``tonic`` (Sa) lasting exactly ``round(seconds * sample_rate)``
    samples, as ``float32`` stereo ``(n, 2)`` with peaks near −6 dBFS.

    ``tonic`` is a note name (``"C#"``: Sa in the octave from C3, the usual male pitch;
    ``"G#3"`` names the octave) or a MIDI pitch. ``first`` tunes the first string: ``"P"``
    (Pa, most ragas), ``"M"`` (Ma, for ragas without Pa such as Malkauns) or ``"N"`` (Ni).
    The same ``seed`` gives the same samples. The last second (at most a tenth of the
    length) fades out to silence. Raises :class:`~persona.errors.InputError`.
    """
    sa = parse_tonic(tonic)
    if first not in FIRST_STRINGS:
        raise InputError(f"first tanpura string must be one of P, M, N, not {first!r}")
    if not 0 < seconds <= MAX_SECONDS or not math.isfinite(seconds):
        raise InputError(f"drone length must be in (0, {MAX_SECONDS:g}] seconds, not {seconds}")
    if not 8000 <= sample_rate <= 192000:
        raise InputError(f"sample rate must be 8000..192000 Hz, not {sample_rate}")
    if not 1.0 <= cycle_s <= 20.0:
        raise InputError(f"tanpura cycle must be 1..20 seconds, not {cycle_s}")
    rng = np.random.default_rng([seed, 0x7A4])
    plucks = drone_plucks(sa, seconds, FIRST_STRINGS[first], cycle_s, rng)
    n = round(seconds * sample_rate)
    audio = render_plucks(plucks, n, sample_rate, seed)
    fade = min(round(sample_rate * 1.0), n // 10)
    if fade > 0:
        audio[n - fade :] *= np.cos(np.linspace(0.0, np.pi / 2, fade, dtype=np.float32))[:, None]
        audio[n - 1] = 0.0
    return audio


def drone_plucks(
    sa: int, seconds: float, first: int, cycle_s: float, rng: np.random.Generator
) -> list[Pluck]:
    """The plucks of a drone on ``sa`` (MIDI) for ``seconds``: the pattern repeated, with
    a little human unevenness in time and force; the first pluck is at 0."""
    unit = cycle_s / CYCLE_UNITS
    pitches = (sa + first, sa + 0.04, sa - 0.04, sa - 12)
    plucks: list[Pluck] = []
    start = 0.0
    while start < seconds:
        for string, at in PATTERN:
            t = start + at * unit + (rng.normal(0.0, 0.012) if start or at else 0.0)
            if 0.0 <= t < seconds:
                gain = float(np.clip(rng.normal(1.0, 0.07), 0.8, 1.2))
                plucks.append(Pluck(t, pitches[string], gain, string, STRING_PANS[string]))
        start += cycle_s
    return plucks


def render_plucks(
    plucks: Sequence[Pluck],
    n_samples: int,
    sample_rate: int,
    seed: int,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Plucks rendered and panned into ``n_samples`` of ``float32`` stereo (added into
    ``out`` when given, which is returned).

    A note rings until the same string is plucked again (then it is damped over
    :data:`DAMP_S`) or for at most :data:`RING_S`; notes running past the end are cut.
    """
    if out is None:
        out = np.zeros((n_samples, 2), np.float32)
    rng = np.random.default_rng([seed, 0x5A])
    order = sorted(plucks, key=lambda p: p.time_s)
    rings: list[tuple[Pluck, int, bool]] = []  # pluck, samples it sounds, damped at the end
    for i, pluck in enumerate(order):
        nxt = next((q.time_s for q in order[i + 1 :] if q.string == pluck.string), None)
        ring = min(RING_S, (nxt if nxt is not None else n_samples / sample_rate) - pluck.time_s)
        ring += DAMP_S if nxt is not None else 0.0
        rings.append((pluck, round(ring * sample_rate), nxt is not None))
    longest: dict[float, int] = {}
    for pluck, length, _ in rings:
        longest[pluck.pitch] = max(longest.get(pluck.pitch, 0), length)
    cache: dict[tuple[float, int], np.ndarray] = {}
    for pluck, ring, damped in rings:
        start = round(pluck.time_s * sample_rate)
        length = min(ring, n_samples - start)
        if length <= 0:
            continue
        key = (pluck.pitch, int(rng.integers(VARIANTS)))
        if key not in cache:
            cache[key] = string_tone(pluck.pitch, longest[pluck.pitch], sample_rate, seed, key[1])
        tone = cache[key][:length] * np.float32(pluck.gain * LEVEL)
        if damped and length == ring:
            damp = min(length, round(DAMP_S * sample_rate))
            tone[length - damp :] *= np.linspace(1.0, 0.0, damp, dtype=np.float32)
        left, right = math.cos(pluck.pan * math.pi / 2), math.sin(pluck.pan * math.pi / 2)
        out[start : start + length, 0] += tone * np.float32(left * math.sqrt(2))
        out[start : start + length, 1] += tone * np.float32(right * math.sqrt(2))
    return out


def string_tone(
    pitch: float, n: int, sample_rate: int, seed: int = 0, variant: int = 0
) -> np.ndarray:
    """``n`` samples of one plucked tanpura string (mono ``float32``), peak about 1.

    The tone depends only on its arguments: the first ``m`` samples are the same
    whatever ``n`` is (for ``m <= n`` and ``n`` of half a second or more).
    """
    rng = np.random.default_rng([abs(seed), round(pitch * 100) % 100000, variant])
    f0 = midi_to_hz(pitch)
    count = max(1, min(MAX_PARTIALS, int(MAX_PARTIAL_HZ / f0)))
    k = np.arange(1, count + 1, dtype=np.float32)
    t = frame_times(n, sample_rate)[:, None]
    sweep_from, sweep_to = rng.uniform(18, 26), rng.uniform(4, 7)
    centre = np.log(sweep_to + (sweep_from - sweep_to) * np.exp(-t / np.float32(1.6)))
    bump = 1.0 + 2.5 * np.exp(-((np.log(k) - centre) ** 2) / np.float32(0.18))
    tau = 3.4 / (1.0 + 0.09 * (k - 1.0))
    amplitudes = np.exp(-t / tau) * bump * k ** np.float32(-0.8)
    phases = rng.uniform(0.0, 2.0 * np.pi, count)
    tone = harmonic_tone(f0, amplitudes.astype(np.float32), phases, n, sample_rate)
    tone *= np.minimum(1.0, np.arange(n, dtype=np.float32) / np.float32(0.004 * sample_rate))
    head = tone[: min(n, sample_rate // 2)]
    return tone / np.float32(max(1e-9, float(np.abs(head).max()) if len(head) else 1.0))
