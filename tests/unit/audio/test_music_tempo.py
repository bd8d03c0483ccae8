"""The tempo a listener's beat tracker hears is the tempo asked for.

librosa's beat tracker (an independent implementation: onset strength, then dynamic
programming over beat times; see ``tests/tempo.py``) runs on the rendered audio; the
tempo is 60 s over the median interval between the beats it found. It must be within
4 % of the requested BPM.
Electronic music in a calm mood may be heard at double time: off-beat hats and the
off-beat bass make every eighth note an onset as strong as the kick, so the tracker
counts eighths; twice the tempo is accepted there, and only there.
"""

from __future__ import annotations

import pytest
from tests.tempo import detected_bpm

from persona.audio.music import MusicRequest, compose_music

CASES = [
    ("pop", "uplifting", 100.0, (1,)),
    ("rock", "tense", 128.0, (1,)),
    ("bollywood", "calm", 84.0, (1,)),
    ("jazz", "uplifting", 100.0, (1,)),
    ("electronic", "uplifting", 124.0, (1,)),
    ("electronic", "calm", 84.0, (1, 2)),
    ("yaman", "uplifting", 100.0, (1,)),
    ("bhairav", "calm", 84.0, (1,)),
    ("bhajan", "calm", 84.0, (1,)),
]


@pytest.mark.slow
@pytest.mark.parametrize(("style", "mood", "bpm", "multiples"), CASES)
def test_detected_tempo_matches_the_request(
    style: str, mood: str, bpm: float, multiples: tuple[int, ...]
) -> None:
    music = compose_music(MusicRequest(style, mood, 12.0, tempo=bpm, seed=1))
    assert abs(music.bpm / bpm - 1) <= 0.03  # the piece's own tempo moved at most 3 %
    heard = detected_bpm(music.audio, music.sample_rate)
    assert any(abs(heard / (bpm * k) - 1) <= 0.04 for k in multiples), (style, heard)
