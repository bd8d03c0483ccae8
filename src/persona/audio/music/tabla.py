"""The tabla: strokes of the two drums synthesized by modal (harmonic) synthesis.

The right drum (dayan) is tuned to Sa; its loaded membrane rings in nearly harmonic
modes (1 : 2 : 3 : 4 : 5, as C. V. Raman showed), and each stroke excites them
differently: *na/ta* on the rim brings out the upper modes, *tin* on the tuned ring the
fundamental, *te/ti* in the middle is damped at once. The left drum (bayan) is a low,
mostly fundamental tone whose pitch the heel of the hand pushes up and lets fall (*ge*),
or a flat damped slap (*ka*). Every stroke starts with a short noise click.

Bols combine strokes: *dha* = na + ge, *dhin* = tin + ge (see
:mod:`persona.audio.music.talas`). The strokes are numbered with the General MIDI
percussion keys that stand in for them in a MIDI file (bongos and congas).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from persona.audio.music.additive import frame_times, harmonic_tone
from persona.audio.music.theory import midi_to_hz

NA, KA, TE, TIN, GE = 60, 61, 62, 63, 64
"""Stroke numbers: General MIDI hi bongo, low bongo, mute hi conga, open hi conga,
low conga."""
STROKE_NAMES = {NA: "na", KA: "ka", TE: "te", TIN: "tin", GE: "ge"}
VARIANTS = 3
LEVEL = 0.35
ATTACK_S = 0.0015
"""A stroke's sound rises over this time: no step (click) at its first sample."""


@dataclass(frozen=True)
class Recipe:
    """How a stroke sounds: mode amplitudes and decay times (s), click level and length
    (s), which drum (bayan strokes are an octave and a fifth below Sa and glide)."""

    amplitudes: tuple[float, ...]
    decays: tuple[float, ...]
    click: float
    click_s: float
    bayan: bool = False
    length_s: float = 0.9


RECIPES = {
    NA: Recipe(
        (0.55, 1.0, 0.7, 0.45, 0.3, 0.15), (0.25, 0.22, 0.16, 0.12, 0.08, 0.06), 0.35, 0.004
    ),
    TIN: Recipe((1.0, 0.35, 0.22, 0.1, 0.05), (0.42, 0.24, 0.15, 0.1, 0.08), 0.2, 0.003),
    TE: Recipe((0.45, 0.6, 0.4, 0.3), (0.035, 0.03, 0.025, 0.02), 0.6, 0.012, length_s=0.15),
    GE: Recipe((1.0, 0.3, 0.12), (0.5, 0.22, 0.12), 0.25, 0.006, bayan=True, length_s=1.1),
    KA: Recipe((0.8, 0.3), (0.05, 0.03), 0.5, 0.02, bayan=True, length_s=0.15),
}


def render_strokes(
    strokes: Sequence[tuple[float, int, int]],
    n_samples: int,
    sample_rate: int,
    seed: int,
    pan: float = 0.5,
    sa: int = 61,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Strokes ``(time_s, stroke, velocity)`` mixed into ``n_samples`` of ``float32``
    stereo; the dayan is tuned to MIDI pitch ``sa`` (in the fourth octave for realism).
    Unknown stroke numbers are skipped. Added into ``out`` when given (and returned)."""
    if out is None:
        out = np.zeros((n_samples, 2), np.float32)
    rng = np.random.default_rng([seed, 0x7AB1A])
    cache: dict[tuple[int, int], np.ndarray] = {}
    for time_s, stroke, velocity in strokes:
        recipe = RECIPES.get(stroke)
        start = round(time_s * sample_rate)
        if recipe is None or not 0 <= start < n_samples:
            continue
        key = (stroke, int(rng.integers(VARIANTS)))
        if key not in cache:
            cache[key] = stroke_tone(recipe, sa, sample_rate, seed * 7 + key[1])
        tone = cache[key][: n_samples - start] * np.float32(LEVEL * (velocity / 127.0) ** 1.5)
        side = pan + (-0.12 if recipe.bayan else 0.12)
        side = min(1.0, max(0.0, side))
        out[start : start + len(tone), 0] += tone * np.float32(math.cos(side * math.pi / 2))
        out[start : start + len(tone), 1] += tone * np.float32(math.sin(side * math.pi / 2))
    return out


def stroke_tone(recipe: Recipe, sa: int, sample_rate: int, seed: int) -> np.ndarray:
    """One stroke (mono ``float32``)."""
    rng = np.random.default_rng([abs(seed), len(recipe.amplitudes), int(recipe.bayan)])
    n = round(recipe.length_s * sample_rate)
    f0 = midi_to_hz(sa - 19 if recipe.bayan else sa) * (1.0 + rng.normal(0.0, 0.004))
    t = frame_times(n, sample_rate)[:, None]
    amps = np.asarray(recipe.amplitudes, np.float32) * rng.uniform(
        0.85, 1.15, len(recipe.amplitudes)
    )
    decays = np.asarray(recipe.decays, np.float32)
    amplitudes = (amps * np.exp(-t / decays)).astype(np.float32)
    glide = None
    if recipe.bayan:
        ts = np.arange(n, dtype=np.float32) / sample_rate
        rise = rng.uniform(0.06, 0.16)
        glide = 1.0 + rise * (1.0 - np.exp(-ts / 0.03)) * np.exp(-ts / 0.35)
    phases = rng.uniform(0.0, 2.0 * np.pi, len(recipe.amplitudes))
    tone = harmonic_tone(f0, amplitudes, phases, n, sample_rate, glide)
    tone += _click(recipe, n, sample_rate, rng)
    rise = min(n, round(ATTACK_S * sample_rate))
    tone[:rise] *= np.sin(np.linspace(0.0, np.pi / 2, rise, dtype=np.float32)) ** 2
    fade = min(n, round(0.01 * sample_rate))
    tone[n - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return tone


def _click(recipe: Recipe, n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """A noise burst: bright for the dayan, dull for the bayan."""
    length = min(n, max(1, round(recipe.click_s * sample_rate)))
    noise = rng.standard_normal(length).astype(np.float32)
    if recipe.bayan:
        kernel = np.float32(0.24) * np.float32(0.92) ** np.arange(64, dtype=np.float32)
        noise = np.convolve(noise, kernel)[:length].astype(np.float32)  # one-pole low-pass
    else:
        noise = np.diff(noise, prepend=np.float32(0.0)) * np.float32(0.5)
    envelope = np.exp(-np.arange(length, dtype=np.float32) / np.float32(length / 4))
    out = np.zeros(n, np.float32)
    out[:length] = noise * envelope * np.float32(recipe.click)
    return out
