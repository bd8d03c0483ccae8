"""Per-speaker animation: each mouth follows its own turns; listeners nod, smile, blink."""

from __future__ import annotations

import numpy as np
from tests.unit.scene.scenes import FPS, fake_conversation, frames

from persona.motion import animate_face
from persona.scene.animation import (
    NOD_DELAY_MS,
    SURPRISE_DELAY_MS,
    animate_speakers,
    listen,
    phrase_ends,
)
from persona.scene.model import LAUGHTER, SURPRISE
from persona.types import HEAD_CHANNELS

PITCH = HEAD_CHANNELS.index("pitch")
LONG = (
    "Alex: Tell me about your work. What do you build? Who is it for?\n"
    "Sam: We build small robots for farms. They weed the fields at night. "
    "They run on solar power. They are quiet. They are cheap. Farmers like them a lot. "
    "We started five years ago. Now we have three hundred robots in the fields.\n"
    "Alex: Impressive.\n"
)


def test_mouths_follow_their_own_turns_only() -> None:
    conv = fake_conversation(LONG)
    tracks = animate_speakers(conv, FPS)
    assert len({t.mouth.n_frames for t in tracks} | {t.face.n_frames for t in tracks}) == 1
    for track in tracks:
        jaw = track.mouth.channel("jaw")
        for turn in conv.turns:
            inside = jaw[frames(turn.start_ms) + 3 : frames(turn.end_ms) - 3]
            if turn.speaker == track.speaker:
                assert inside.max() > 0.3
            else:
                assert inside.max() == 0.0  # listening with a closed mouth


def test_listeners_keep_moving_and_blinking() -> None:
    conv = fake_conversation(LONG)
    alex = animate_speakers(conv, FPS)[0]
    sam_turn = conv.turns[1]
    span = slice(frames(sam_turn.start_ms), frames(sam_turn.end_ms))
    assert sam_turn.duration_ms > 10_000
    head = alex.face.head[span]
    assert np.all(head.std(axis=0)[:3] > 0.05)  # yaw, pitch and roll all move
    assert np.count_nonzero(np.abs(np.diff(head[:, 0])) < 1e-6) < 0.05 * len(head)  # never frozen
    blinks = alex.face.blink[span]
    assert (blinks > 0.9).any()  # at least one full blink while listening


def test_listeners_nod_at_phrase_ends() -> None:
    conv = fake_conversation(LONG)
    raw = animate_face(conv.speeches[0], frames(conv.duration_ms) + 1, FPS)
    face = listen(raw, 0, conv, np.random.default_rng(1))
    nod = face.head[:, PITCH] - raw.head[:, PITCH]
    ends = phrase_ends(conv, 0)
    sam = conv.turns[1]
    assert len([e for e in ends if sam.start_ms < e < sam.end_ms]) >= 7  # Sam's sentence ends
    peaks = [frames(e + NOD_DELAY_MS) for e in ends]
    nodded = [p for p in peaks if p < len(nod) and nod[p] > 0.5]
    assert len(nodded) >= 3
    assert len(nodded) <= 1 + (sam.end_ms - sam.start_ms) // 1800  # not on every phrase end
    for turn in conv.turns:  # no nods while talking
        if turn.speaker == 0:
            inside = nod[frames(turn.start_ms) + 20 : frames(turn.end_ms) - 20]
            assert np.all(np.abs(inside) < 1e-6)


def test_everyone_smiles_at_laughter_the_laugher_most() -> None:
    conv = fake_conversation(
        "Alex: So the robot fell into the pond. [laughs]\n"
        "Sam: That is a very long and rather serious answer about something else entirely.\n"
    )
    tracks = animate_speakers(conv, FPS)
    laugh = next(m for m in conv.moments if m.kind == LAUGHTER)
    at = frames(laugh.time_ms)
    quiet = frames(conv.turns[1].end_ms) - 5
    for track in tracks:
        assert track.face.smile[at] > track.face.smile[quiet] + 0.3
    assert tracks[0].face.smile[at] > tracks[1].face.smile[at]


def test_happy_turns_smile_and_surprise_raises_the_listeners_brows() -> None:
    conv = fake_conversation(
        "Alex: A plain first sentence to begin the show with nothing special in it.\n"
        "Sam (happy): What a lovely day it is today for a talk about robots and farms.\n"
        "Alex: No way!\n"
    )
    sam = animate_speakers(conv, FPS)[1]
    plain, happy = conv.turns[0], conv.turns[1]
    mid = lambda t: frames((t.start_ms + t.end_ms) // 2)  # noqa: E731
    assert sam.face.smile[mid(happy)] > sam.face.smile[mid(plain)] + 0.2
    moment = next(m for m in conv.moments if m.kind == SURPRISE)
    assert moment.speaker == 0
    assert sam.face.brow[frames(moment.time_ms + SURPRISE_DELAY_MS)] > 0.3
