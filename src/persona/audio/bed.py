"""The music bed under a voice: from a file or from the music generator, fitted to length.

    "yaman" ─compose_music→ ─┐
    "song.mp3" ─decode→ ─────┴─resample→ ─loop with crossfades / cut→ ─fade in, fade out→ bed

A ``music`` setting is a path when it names an existing file, contains a folder
separator or ends in an audio suffix; otherwise it is a style of
:mod:`persona.audio.music`. A missing file and an unknown style are
:class:`~persona.errors.InputError`, checked by :func:`check_music` before any work.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from persona.errors import AudioError, InputError

AUDIO_SUFFIXES = frozenset(
    [
        ".wav",
        ".flac",
        ".ogg",
        ".oga",
        ".opus",
        ".mp3",
        ".m4a",
        ".aac",
        ".wma",
        ".aif",
        ".aiff",
        ".mp4",
        ".webm",
        ".mkv",
        ".mov",
    ]
)
LOOP_CROSSFADE_MS = 2000
MAX_FADE_MS = 30_000


LONGEST_LOOP_S = 90.0
"""Generated beds longer than this repeat a loop of this length."""


def is_music_file(music: str) -> bool:
    """Does the ``music`` setting name a file rather than a style?"""
    text = music.strip()
    return (
        Path(text).suffix.lower() in AUDIO_SUFFIXES
        or "/" in text
        or os.sep in text
        or Path(text).is_file()
    )


def music_styles() -> tuple[str, ...]:
    """The style names the music generator knows."""
    from persona.audio.music.compose import style_names

    return tuple(style_names())


def check_music(music: str | None) -> None:
    """:class:`~persona.errors.InputError` unless ``music`` is None, an existing file or a
    known style (the file is not decoded here)."""
    if music is None:
        return
    text = music.strip()
    if not text:
        raise InputError("music must be a style name or an audio file, not an empty string")
    if is_music_file(text):
        path = Path(text).expanduser()
        if not path.is_file():
            reason = "it is a folder" if path.is_dir() else "file not found"
            raise AudioError(f"cannot read music {text}: {reason}")
        return
    from persona.audio.music.compose import get_style

    try:
        get_style(text)
    except InputError:
        raise InputError(
            f"unknown music style {music!r}: choose one of {', '.join(music_styles())}, "
            "or give the path of an audio file"
        ) from None


def load_bed(
    music: str, n_samples: int, sample_rate: int, *, seed: int = 0, mood: str | None = None
) -> np.ndarray:
    """The music ``music`` names as mono float32, exactly ``n_samples`` long at
    ``sample_rate`` (looped or cut), without fades."""
    check_music(music)
    seconds = max(n_samples / sample_rate, 1.0)
    text = music.strip()
    if is_music_file(text):
        from persona.media.audio import read_audio_file

        audio, _ = read_audio_file(Path(text).expanduser(), sample_rate)
    else:
        audio = _composed(text.lower(), seconds, sample_rate, seed, mood)
    return fit_length(audio, n_samples, sample_rate)


def _composed(style: str, seconds: float, sample_rate: int, seed: int, mood: str | None) -> Any:
    """A seamless loop of ``style``, mono at ``sample_rate``: as long as ``seconds`` up to
    :data:`LONGEST_LOOP_S`; longer beds repeat it (:func:`fit_length`), which costs a
    fraction of composing and mastering the whole length."""
    from persona.audio.music.compose import MIN_DURATION_S, SAMPLE_RATES, compose_music
    from persona.audio.music.types import MusicRequest
    from persona.media.audio import as_mono_float32, resample

    rate = sample_rate if sample_rate in SAMPLE_RATES else max(SAMPLE_RATES)
    request = MusicRequest(
        style=style,
        duration_s=min(max(seconds, MIN_DURATION_S), LONGEST_LOOP_S),
        seed=seed,
        loop=True,
        sample_rate=rate,
    )
    if mood is not None:  # else the generator's default mood
        request = replace(request, mood=mood)
    piece = compose_music(request)
    return resample(as_mono_float32(piece.audio), piece.sample_rate, sample_rate)


def fit_length(
    audio: np.ndarray, n_samples: int, sample_rate: int, crossfade_ms: int = LOOP_CROSSFADE_MS
) -> np.ndarray:
    """``audio`` cut to ``n_samples``, or looped with equal-power crossfades of
    ``crossfade_ms`` (shorter for short loops) until it is that long."""
    a = np.asarray(audio, np.float32)
    if not len(a):
        raise AudioError("the music is empty")
    if len(a) >= n_samples:
        return a[:n_samples].copy()
    overlap = min(round(crossfade_ms * sample_rate / 1000), len(a) // 4)
    pieces, length = [a], len(a)
    while length < n_samples:
        pieces.append(a)
        length += len(a) - overlap
    return _crossfaded(pieces, overlap)[:n_samples]


def _crossfaded(pieces: list[np.ndarray], overlap: int) -> np.ndarray:
    if overlap <= 0:
        return np.concatenate(pieces)
    t = np.linspace(0.0, math.pi / 2, overlap, dtype=np.float32)
    fade_in, fade_out = np.sin(t), np.cos(t)
    out = pieces[0].copy()
    for piece in pieces[1:]:
        joint = out[-overlap:] * fade_out + piece[:overlap] * fade_in
        out = np.concatenate([out[:-overlap], joint, piece[overlap:]])
    return out


def apply_fades(
    audio: np.ndarray, sample_rate: int, fade_in_ms: int, fade_out_ms: int
) -> np.ndarray:
    """``audio`` fading in from silence over ``fade_in_ms`` and out to silence over the
    last ``fade_out_ms`` (raised-cosine curves; each at most half the length)."""
    out = np.array(audio, np.float32)
    half = len(out) // 2
    for ms, head in ((fade_in_ms, True), (fade_out_ms, False)):
        n = min(round(max(0, ms) * sample_rate / 1000), half)
        if n <= 0:
            continue
        curve = (0.5 - 0.5 * np.cos(np.linspace(0.0, math.pi, n))).astype(np.float32)
        curve = curve if head else curve[::-1]
        shaped = curve if out.ndim == 1 else curve[:, None]
        if head:
            out[:n] *= shaped
        else:
            out[len(out) - n :] *= shaped
    return out
