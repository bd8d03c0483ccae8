"""Lip sync: timed phones → visemes → per-frame mouth parameters.

    from persona.lipsync import animate
    track = animate(speech, fps=25)      # MouthTrack, one row of MOUTH_CHANNELS per frame

The viseme set and the IPA mapping are listed in ``docs/visemes.md``.
"""

from persona.lipsync.animate import animate, frame_count
from persona.lipsync.ipa import base_symbol, is_silence, phone_visemes, viseme_for
from persona.lipsync.visemes import VISEME_NAMES, VISEMES, Viseme, rhubarb_shape

__all__ = [
    "VISEMES",
    "VISEME_NAMES",
    "Viseme",
    "animate",
    "base_symbol",
    "frame_count",
    "is_silence",
    "phone_visemes",
    "rhubarb_shape",
    "viseme_for",
]
