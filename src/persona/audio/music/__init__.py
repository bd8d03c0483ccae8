"""Music generated offline: MIDI composed in code, rendered with FluidSynth.

Public API (stable; other modules use it)::

    from persona.audio.music import MusicRequest, compose_music, tanpura_drone

    music = compose_music(MusicRequest(style="yaman", mood="calm", duration_s=60.0, seed=7))
    music.audio        # float32 (n, 2), n == round(duration_s * sample_rate), peaks ≤ −1 dBFS
    music.sample_rate  # 48000 (or 44100 when asked)
    music.bpm, music.key, music.mode, music.style, music.mood, music.lufs
    music.midi         # mido.MidiFile of the same piece
    drone = tanpura_drone("C#", 30.0, 48000, seed=1)   # float32 (n, 2), peaks near −6 dBFS

``style_names()`` and ``MOODS`` list the choices; a bad request raises
:class:`~persona.errors.InputError` naming them. See ``docs/music.md``.
"""

from __future__ import annotations

from persona.audio.music.brief import MOODS
from persona.audio.music.compose import compose_music, style_names
from persona.audio.music.tanpura import tanpura_drone
from persona.audio.music.types import Music, MusicRequest

__all__ = ["MOODS", "Music", "MusicRequest", "compose_music", "style_names", "tanpura_drone"]
