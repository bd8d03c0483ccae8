"""The registry of styles: one :class:`Style` per name, each with its arranger.

Every arranger has the same contract: ``arrange(brief) -> Arrangement`` whose score lasts
exactly as the brief's form says (see :mod:`persona.audio.music.form`), is the same for
the same brief and seed, and ends with a final chord (or wraps, for a loop).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from persona.audio.music.brief import Arrangement, Brief
from persona.audio.music.ragas import RAGAS
from persona.audio.music.styles import band, devotional, electronic, indian, jazz, western

TempoRanges = Mapping[str, tuple[int, int]]


@dataclass(frozen=True)
class Style:
    name: str
    family: str
    description: str
    arrange: Callable[[Brief], Arrangement]
    tempo: TempoRanges
    default_key: str
    percussive: bool
    """Has a drum or tabla part that keeps a steady beat (its tempo can be measured)."""


def _raga_styles() -> list[Style]:
    return [
        Style(
            name,
            "indian classical",
            f"raga {raga.name}: {raga.feeling}; {raga.time}",
            partial(indian.arrange_raga, raga=raga),
            indian.TEMPO,
            "C#",
            True,
        )
        for name, raga in RAGAS.items()
    ]


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        *_raga_styles(),
        Style(
            "bhajan",
            "devotional",
            "harmonium, call and response, tabla, tanpura",
            devotional.arrange_bhajan,
            devotional.BHAJAN_TEMPO,
            "D",
            True,
        ),
        Style(
            "kirtan",
            "devotional",
            "chorus call and response, kartal, speeding up",
            devotional.arrange_kirtan,
            devotional.KIRTAN_TEMPO,
            "D",
            True,
        ),
        Style(
            "bollywood",
            "bollywood",
            "film-song pop: strings, sitar hook, dholak and kit",
            band.arrange_bollywood,
            band.BOLLYWOOD_TEMPO,
            "D",
            True,
        ),
        Style(
            "classical",
            "western classical",
            "strings or piano, functional harmony, cadences",
            western.arrange_classical,
            western.TEMPO,
            "D",
            False,
        ),
        Style(
            "pop",
            "pop",
            "drums, bass, piano and synth hook, verse and chorus",
            band.arrange_pop,
            band.POP_TEMPO,
            "C",
            True,
        ),
        Style(
            "rock",
            "rock",
            "power chords on distorted guitar, bass, rock kit",
            band.arrange_rock,
            band.ROCK_TEMPO,
            "E",
            True,
        ),
        Style(
            "jazz",
            "jazz",
            "swing, ii-V-I, walking bass, piano comping, ride cymbal",
            jazz.arrange_jazz,
            jazz.TEMPO,
            "F",
            True,
        ),
        Style(
            "electronic",
            "electronic",
            "four on the floor, arpeggios, pumping pads",
            electronic.arrange_electronic,
            electronic.ELECTRONIC_TEMPO,
            "A",
            True,
        ),
        Style(
            "ambient",
            "ambient",
            "slow pads, sparse bells, long reverb, no drums",
            electronic.arrange_ambient,
            electronic.AMBIENT_TEMPO,
            "D",
            False,
        ),
    )
}
