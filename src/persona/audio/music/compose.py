"""``compose_music``: check the request, arrange, render, finish, level.

MusicRequest ─check→ Brief ─style.arrange→ Score ─render (FluidSynth + built-ins)→
             ─close the loop | ring out→ ─loudness + true-peak limit→ Music
"""

from __future__ import annotations

import math

from persona.audio.music.brief import MOODS, Brief
from persona.audio.music.master import LOOP_TAIL_S, close_loop, master, ring_out
from persona.audio.music.midi import to_midi
from persona.audio.music.render import render_score
from persona.audio.music.styles import STYLES, Style
from persona.audio.music.theory import KEY_CHOICES, parse_key
from persona.audio.music.types import Music, MusicRequest
from persona.errors import InputError
from persona.progress import NullProgress, Progress

MIN_DURATION_S = 2.0
MAX_DURATION_S = 15 * 60.0
MIN_BPM, MAX_BPM = 30.0, 300.0
SAMPLE_RATES = (44100, 48000)


def style_names() -> list[str]:
    return list(STYLES)


def get_style(name: str) -> Style:
    """The style called ``name`` (case and a ``raga`` prefix do not matter)."""
    key = name.strip().lower().replace("raag ", "").replace("raga ", "")
    if key not in STYLES:
        raise InputError(f"unknown music style {name!r}: choose one of {', '.join(STYLES)}")
    return STYLES[key]


def check_request(request: MusicRequest) -> tuple[Style, Brief]:
    """The style and the brief for ``request``; :class:`InputError` naming the valid
    choices for anything out of range. The tempo is drawn from the style's range for
    the mood (with the seed) when the request leaves it open."""
    style = get_style(request.style)
    mood = MOODS.get(request.mood.strip().lower())
    if mood is None:
        raise InputError(f"unknown mood {request.mood!r}: choose one of {', '.join(MOODS)}")
    d = request.duration_s
    if (
        not isinstance(d, int | float)
        or not math.isfinite(d)
        or not MIN_DURATION_S <= d <= MAX_DURATION_S
    ):
        raise InputError(
            f"music duration must be {MIN_DURATION_S:g} to {MAX_DURATION_S:g} seconds "
            f"(15 minutes), not {d}"
        )
    if request.tempo is not None and not (
        math.isfinite(request.tempo) and MIN_BPM <= request.tempo <= MAX_BPM
    ):
        raise InputError(f"tempo must be {MIN_BPM:g} to {MAX_BPM:g} BPM, not {request.tempo}")
    if request.sample_rate not in SAMPLE_RATES:
        raise InputError(
            f"sample rate must be one of {', '.join(map(str, SAMPLE_RATES))} Hz, "
            f"not {request.sample_rate}"
        )
    if request.key is not None and not request.key.strip():
        raise InputError(f"empty key: use one of {KEY_CHOICES}")
    tonic, minor = parse_key(request.key or style.default_key)
    brief = Brief(
        style.name,
        mood,
        float(d),
        0.0,
        tonic,
        mood.minor if minor is None else minor,
        request.loop,
        int(request.seed),
    )
    bpm = request.tempo
    if bpm is None:
        low, high = style.tempo[mood.name]
        bpm = float(round(brief.rng("tempo").uniform(low, high)))
    resolved = {"bpm": float(bpm), "tempo_free": request.tempo is None}
    return style, Brief(**{**brief.__dict__, **resolved})


def compose_music(request: MusicRequest, progress: Progress | None = None) -> Music:
    """Compose and render the music ``request`` asks for.

    The audio has exactly ``round(duration_s * sample_rate)`` stereo samples; the same
    request gives the same samples. Raises :class:`~persona.errors.InputError` for a bad
    request (before any work) and :class:`~persona.errors.DependencyError` when FluidSynth
    or the soundfont is missing.
    """
    progress = progress or NullProgress()
    style, brief = check_request(request)
    arrangement = style.arrange(brief)
    progress.update(0.1)
    sr = request.sample_rate
    n = round(brief.duration_s * sr)
    extra = round(LOOP_TAIL_S * sr) if brief.loop else 0
    audio = render_score(arrangement.score, n + extra, sr, brief.seed)
    progress.update(0.8)
    if brief.loop:
        audio = close_loop(audio, n)
    else:
        audio = ring_out(audio, sr, arrangement.score.seconds(arrangement.score.end))
    audio, lufs = master(audio, sr, brief.mood.lufs, brief.loop)
    progress.update(1.0)
    return Music(
        audio=audio,
        sample_rate=sr,
        bpm=round(arrangement.bpm, 3),
        key=arrangement.key,
        mode=arrangement.mode,
        style=style.name,
        mood=brief.mood.name,
        midi=to_midi(arrangement.score),
        loop=brief.loop,
        seed=brief.seed,
        lufs=lufs,
    )
