"""Audio effects as small frozen objects with one method: ``apply(audio, sample_rate)``.

    HighPass(80) · LowShelf · Peak (presence) · HighShelf · Compress · Limit · Gain
    Reverb.preset("hall") · Echo(300 ms) · Chain(effects...) · voice_chain("broadcast")

Each effect wraps one ``pedalboard`` plugin (Spotify's JUCE-based effects) and returns a
new array of the same length and shape: mono ``(n,)`` or ``(n, channels)`` float32. A
reverb or an echo rings on after the input ends; :func:`pad_tail` adds the silence it
rings into (:attr:`Chain.tail_ms` says how much), so a caller that keeps timings (a
voice with lip sync) can choose.

Named voice chains (:data:`VOICE_CHAINS`) are what a user picks with one word:
``broadcast`` is a high-pass at 80 Hz, gentle 3:1 compression and a presence lift at
3.5 kHz; ``podcast`` adds warmth; ``room``, ``hall`` and ``temple`` add a space.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from persona.errors import DependencyError, InputError


class Effect(Protocol):
    """Anything that turns audio into new audio of the same length."""

    def apply(self, audio: np.ndarray, sample_rate: int) -> np.ndarray: ...


def _pedalboard() -> Any:
    try:
        import pedalboard
    except ImportError as exc:
        raise DependencyError("audio effects need pedalboard: pip install pedalboard") from exc
    return pedalboard


def _check(name: str, value: float, low: float, high: float) -> None:
    if not (math.isfinite(value) and low <= value <= high):
        raise InputError(f"{name} must be between {low:g} and {high:g}, not {value:g}")


def run_plugins(plugins: Sequence[Any], audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """``audio`` through ``pedalboard`` plugins in order, same shape, float32."""
    a = np.asarray(audio, np.float32)
    if not len(a) or not plugins:
        return a.copy()
    board = _pedalboard().Pedalboard(list(plugins))
    channels_first = a[None, :] if a.ndim == 1 else np.ascontiguousarray(a.T)
    out = board(channels_first, sample_rate, reset=True)
    return np.asarray(out[0] if a.ndim == 1 else out.T, np.float32)


class _Plugged:
    """Mixin for effects made of one pedalboard plugin: ``apply`` runs :meth:`plugin`."""

    @property
    def tail_ms(self) -> int:
        """How long the effect rings after its input stops (ms)."""
        return 0

    def plugin(self) -> Any:
        raise NotImplementedError

    def apply(self, audio: np.ndarray, sample_rate: int) -> np.ndarray:
        return run_plugins([self.plugin()], audio, sample_rate)


@dataclass(frozen=True)
class HighPass:
    """Cut rumble below ``cutoff_hz``: a Butterworth high-pass of ``order`` (2: 12 dB per
    octave; pedalboard's own high-pass has one pole, 6 dB per octave)."""

    cutoff_hz: float = 80.0
    order: int = 2

    def __post_init__(self) -> None:
        _check("high-pass cutoff (Hz)", self.cutoff_hz, 10.0, 2000.0)
        _check("high-pass order", self.order, 1, 8)

    def apply(self, audio: np.ndarray, sample_rate: int) -> np.ndarray:
        from scipy.signal import butter, sosfilt

        a = np.asarray(audio, np.float32)
        if not len(a):
            return a.copy()
        sos = butter(self.order, self.cutoff_hz, "highpass", fs=sample_rate, output="sos")
        return np.asarray(sosfilt(sos, a, axis=0), np.float32)


@dataclass(frozen=True)
class LowShelf(_Plugged):
    """Raise (or lower) everything below ``cutoff_hz`` by ``gain_db``: warmth."""

    cutoff_hz: float = 150.0
    gain_db: float = 2.0
    q: float = 0.707

    def __post_init__(self) -> None:
        _check("low-shelf cutoff (Hz)", self.cutoff_hz, 20.0, 2000.0)
        _check("low-shelf gain (dB)", self.gain_db, -24.0, 24.0)
        _check("low-shelf q", self.q, 0.1, 10.0)

    def plugin(self) -> Any:
        return _pedalboard().LowShelfFilter(self.cutoff_hz, self.gain_db, self.q)


@dataclass(frozen=True)
class HighShelf(_Plugged):
    """Raise (or lower) everything above ``cutoff_hz`` by ``gain_db``: air."""

    cutoff_hz: float = 8000.0
    gain_db: float = 2.0
    q: float = 0.707

    def __post_init__(self) -> None:
        _check("high-shelf cutoff (Hz)", self.cutoff_hz, 500.0, 20000.0)
        _check("high-shelf gain (dB)", self.gain_db, -24.0, 24.0)
        _check("high-shelf q", self.q, 0.1, 10.0)

    def plugin(self) -> Any:
        return _pedalboard().HighShelfFilter(self.cutoff_hz, self.gain_db, self.q)


@dataclass(frozen=True)
class Peak(_Plugged):
    """A bell around ``centre_hz``: +3 dB at 3.5 kHz is a voice's presence."""

    centre_hz: float = 3500.0
    gain_db: float = 3.0
    q: float = 1.0

    def __post_init__(self) -> None:
        _check("peak centre (Hz)", self.centre_hz, 20.0, 20000.0)
        _check("peak gain (dB)", self.gain_db, -24.0, 24.0)
        _check("peak q", self.q, 0.1, 20.0)

    def plugin(self) -> Any:
        return _pedalboard().PeakFilter(self.centre_hz, self.gain_db, self.q)


@dataclass(frozen=True)
class Compress(_Plugged):
    """Above ``threshold_db`` the level grows ``ratio`` times slower; ``makeup_db``
    lifts the result back."""

    threshold_db: float = -20.0
    ratio: float = 3.0
    attack_ms: float = 5.0
    release_ms: float = 100.0
    makeup_db: float = 0.0

    def __post_init__(self) -> None:
        _check("compressor threshold (dB)", self.threshold_db, -60.0, 0.0)
        _check("compressor ratio", self.ratio, 1.0, 50.0)
        _check("compressor attack (ms)", self.attack_ms, 0.1, 500.0)
        _check("compressor release (ms)", self.release_ms, 1.0, 5000.0)
        _check("compressor makeup (dB)", self.makeup_db, 0.0, 30.0)

    def apply(self, audio: np.ndarray, sample_rate: int) -> np.ndarray:
        pb = _pedalboard()
        plugins = [pb.Compressor(self.threshold_db, self.ratio, self.attack_ms, self.release_ms)]
        if self.makeup_db:
            plugins.append(pb.Gain(self.makeup_db))
        return run_plugins(plugins, audio, sample_rate)


@dataclass(frozen=True)
class Limit(_Plugged):
    """Keep sample peaks under ``threshold_db`` (for true peaks and loudness targets see
    :mod:`persona.audio.loudness`)."""

    threshold_db: float = -1.0
    release_ms: float = 100.0

    def __post_init__(self) -> None:
        _check("limiter threshold (dB)", self.threshold_db, -40.0, 0.0)
        _check("limiter release (ms)", self.release_ms, 1.0, 5000.0)

    def plugin(self) -> Any:
        return _pedalboard().Limiter(self.threshold_db, self.release_ms)


@dataclass(frozen=True)
class Gain(_Plugged):
    gain_db: float = 0.0

    def __post_init__(self) -> None:
        _check("gain (dB)", self.gain_db, -60.0, 30.0)

    def plugin(self) -> Any:
        return _pedalboard().Gain(self.gain_db)


@dataclass(frozen=True)
class Reverb(_Plugged):
    """Freeverb: ``room_size`` 0..1 (bigger rings longer), ``damping`` of the highs,
    ``wet`` and ``dry`` levels (0..1). :meth:`preset` names a few spaces."""

    room_size: float = 0.3
    damping: float = 0.5
    wet: float = 0.12
    dry: float = 0.9
    width: float = 1.0

    def __post_init__(self) -> None:
        for name in ("room_size", "damping", "wet", "dry", "width"):
            _check(f"reverb {name.replace('_', ' ')}", getattr(self, name), 0.0, 1.0)

    @property
    def tail_ms(self) -> int:
        """About how long the reverb rings after the sound stops (−60 dB)."""
        return round(300 + 4000 * self.room_size**2)

    @classmethod
    def preset(cls, name: str) -> Reverb:
        """The reverb called ``name`` (see :data:`REVERB_PRESETS`)."""
        key = name.strip().lower()
        if key not in REVERB_PRESETS:
            raise InputError(f"unknown reverb {name!r}: choose one of {', '.join(REVERB_PRESETS)}")
        return REVERB_PRESETS[key]

    def plugin(self) -> Any:
        return _pedalboard().Reverb(
            room_size=self.room_size,
            damping=self.damping,
            wet_level=self.wet,
            dry_level=self.dry,
            width=self.width,
        )


REVERB_PRESETS: dict[str, Reverb] = {
    "room": Reverb(room_size=0.3, damping=0.5, wet=0.12, dry=0.9),
    "hall": Reverb(room_size=0.75, damping=0.4, wet=0.22, dry=0.8),
    "temple": Reverb(room_size=0.9, damping=0.25, wet=0.28, dry=0.75),
}
"""Spaces by name: a small room, a concert hall, a stone temple (long and bright)."""


@dataclass(frozen=True)
class Echo(_Plugged):
    """Repeats ``delay_ms`` apart, each ``feedback`` times the last, mixed in at ``mix``."""

    delay_ms: float = 300.0
    feedback: float = 0.3
    mix: float = 0.25

    def __post_init__(self) -> None:
        _check("echo delay (ms)", self.delay_ms, 1.0, 5000.0)
        _check("echo feedback", self.feedback, 0.0, 0.95)
        _check("echo mix", self.mix, 0.0, 1.0)

    @property
    def tail_ms(self) -> int:
        """How long the repeats last until 60 dB down."""
        if self.feedback <= 0.0:
            return round(self.delay_ms)
        return round(self.delay_ms * (1 + 3 / -math.log10(self.feedback)))

    def plugin(self) -> Any:
        return _pedalboard().Delay(self.delay_ms / 1000.0, self.feedback, self.mix)


@dataclass(frozen=True)
class Chain:
    """Effects one after another."""

    effects: tuple[Effect, ...] = ()

    @property
    def tail_ms(self) -> int:
        return sum(int(getattr(e, "tail_ms", 0)) for e in self.effects)

    def apply(self, audio: np.ndarray, sample_rate: int) -> np.ndarray:
        out = np.asarray(audio, np.float32)
        for effect in self.effects:
            out = effect.apply(out, sample_rate)
        return out


_BROADCAST = (HighPass(80.0), Compress(-22.0, 3.0, 5.0, 120.0, 4.0), Peak(3500.0, 3.0, 0.9))

VOICE_CHAINS: dict[str, Chain] = {
    "broadcast": Chain(_BROADCAST),
    "podcast": Chain((HighPass(70.0), LowShelf(150.0, 2.0), *_BROADCAST[1:])),
    "room": Chain((*_BROADCAST, REVERB_PRESETS["room"])),
    "hall": Chain((*_BROADCAST, REVERB_PRESETS["hall"])),
    "temple": Chain(
        (HighPass(80.0), Compress(-30.0, 4.0, 2.0, 100.0, 6.0), REVERB_PRESETS["temple"])
    ),
}
"""Voice chains by name (``--voice-chain``)."""


def voice_chain(name: str) -> Chain:
    """The voice chain called ``name``; :class:`~persona.errors.InputError` lists them."""
    key = name.strip().lower()
    if key not in VOICE_CHAINS:
        raise InputError(f"unknown voice chain {name!r}: choose one of {', '.join(VOICE_CHAINS)}")
    return VOICE_CHAINS[key]


def pad_tail(audio: np.ndarray, sample_rate: int, tail_ms: int) -> np.ndarray:
    """``audio`` followed by ``tail_ms`` of silence for a reverb or echo to ring into."""
    extra = round(max(0, tail_ms) * sample_rate / 1000)
    widths = ((0, extra),) if np.ndim(audio) == 1 else ((0, extra), (0, 0))
    return np.pad(np.asarray(audio, np.float32), widths)
