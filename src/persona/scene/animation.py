"""Per-speaker animation: lip sync from their own phones, and a face that listens.

    speaker's Speech ─lipsync.animate→ MouthTrack
                     ─motion.animate_face→ FaceTrack ─listen→ FaceTrack

While someone else talks a speaker's own track is silence, so :func:`animate_face`
already gives them calm idle head motion and blinks (pulled towards pauses, which a
listener has plenty of). :func:`listen` adds what a listener does on top:

* a small nod at many of the other speakers' phrase ends (a pause of at least
  :data:`PHRASE_PAUSE_MS` inside their turn, or the end of it), never two within
  :data:`NOD_GAP_MS`;
* a smile when anyone laughs (the one who laughs smiles most) and through a happy turn
  (emotion happy or excited, or a ``[smiles]`` mark);
* raised brows at a surprise (``!``, "wow") in someone else's turn.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from persona.lipsync import animate, is_silence
from persona.motion import animate_face
from persona.motion.head import HEAD_LIMITS
from persona.motion.head import _bumps as bumps
from persona.scene.model import HAPPY, LAUGHTER, SURPRISE, Conversation, SpeakerTrack
from persona.types import HEAD_CHANNELS, FaceTrack, MouthTrack

PHRASE_PAUSE_MS = 180
NOD_CHANCE = 0.75
NOD_GAP_MS = 1800
NOD_DELAY_MS = 150
NOD_MS, NOD_DEG, NOD_SHIFT = 650.0, 2.2, 0.006
"""A listener's nod: length, pitch (degrees down and back) and vertical shift (face widths)."""
LAUGH_MS = 2200.0
LAUGH_SMILE = {True: 0.6, False: 0.45}
"""Smile bump length at laughter, and its height for the one who laughs / the others."""
HAPPY_SMILE = {True: 0.3, False: 0.12}
HAPPY_EDGE_MS = 250.0
SURPRISE_BROW, SURPRISE_MS, SURPRISE_DELAY_MS = 0.55, 800.0, 200
_PITCH, _TY = HEAD_CHANNELS.index("pitch"), HEAD_CHANNELS.index("ty")


def mouth_tracks(conversation: Conversation, fps: float) -> tuple[MouthTrack, ...]:
    """Lip sync for every speaker from their own phones (all of the same length)."""
    return tuple(animate(speech, fps) for speech in conversation.speeches)


def face_tracks(
    conversation: Conversation, n_frames: int, fps: float, *, seed: int = 0
) -> tuple[FaceTrack, ...]:
    """Blinks, head motion, brows and smiles for every speaker, listening included."""
    faces = []
    for k, speech in enumerate(conversation.speeches):
        face = animate_face(speech, n_frames, fps, seed=seed * 101 + k)
        faces.append(listen(face, k, conversation, np.random.default_rng([seed, k, 7])))
    return tuple(faces)


def animate_speakers(
    conversation: Conversation, fps: float, *, seed: int = 0
) -> tuple[SpeakerTrack, ...]:
    """A mouth and a face track for every speaker."""
    mouths = mouth_tracks(conversation, fps)
    faces = face_tracks(conversation, mouths[0].n_frames, fps, seed=seed)
    return tuple(SpeakerTrack(k, m, f) for k, (m, f) in enumerate(zip(mouths, faces, strict=True)))


def phrase_ends(conversation: Conversation, listener: int) -> list[int]:
    """Times (ms) where someone other than ``listener`` ends a phrase or a turn."""
    ends: list[int] = []
    for turn in conversation.turns:
        if turn.speaker == listener:
            continue
        speech = conversation.speeches[turn.speaker]
        ends += [
            p.start_ms
            for p in speech.phones
            if turn.start_ms < p.start_ms < turn.end_ms
            and is_silence(p.symbol)
            and p.duration_ms >= PHRASE_PAUSE_MS
        ]
        ends.append(turn.end_ms)
    return sorted(set(ends))


def talking(conversation: Conversation, speaker: int, n_frames: int, fps: float) -> np.ndarray:
    """True on the frames inside one of ``speaker``'s turns."""
    mask = np.zeros(n_frames, bool)
    for turn in conversation.turns:
        if turn.speaker == speaker:
            mask[round(turn.start_ms * fps / 1000) : round(turn.end_ms * fps / 1000)] = True
    return mask


def listen(
    face: FaceTrack, speaker: int, conversation: Conversation, rng: np.random.Generator
) -> FaceTrack:
    """``face`` with nods, smiles and brow raises in reply to the others."""
    n, fps = face.n_frames, face.fps
    own = talking(conversation, speaker, n, fps)
    nods = _nod_times(conversation, speaker, own, fps, rng)
    nod = bumps(nods, np.ones(nods.size), n, fps, NOD_MS)
    head = face.head.astype(np.float64)
    head[:, _PITCH] = np.clip(
        head[:, _PITCH] + NOD_DEG * nod, -2 * HEAD_LIMITS[_PITCH], 2 * HEAD_LIMITS[_PITCH]
    )
    head[:, _TY] += NOD_SHIFT * nod
    smile = face.smile.astype(np.float64) + _smiles(conversation, speaker, n, fps)
    brow = face.brow.astype(np.float64) + _surprise(conversation, speaker, n, fps)
    return FaceTrack(
        fps=fps,
        blink=face.blink,
        head=head.astype(np.float32),
        brow=np.clip(brow, 0.0, 1.0).astype(np.float32),
        smile=np.clip(smile, 0.0, 1.0).astype(np.float32),
    )


def _nod_times(
    conversation: Conversation, speaker: int, own: np.ndarray, fps: float, rng: np.random.Generator
) -> np.ndarray:
    chosen: list[int] = []
    for end in phrase_ends(conversation, speaker):
        t = end + NOD_DELAY_MS
        frame = min(len(own) - 1, round(t * fps / 1000))
        if frame < 0 or own[frame] or (chosen and t - chosen[-1] < NOD_GAP_MS):
            continue
        if rng.random() < NOD_CHANCE:
            chosen.append(t)
    return np.asarray(chosen, np.float64)


def _smiles(conversation: Conversation, speaker: int, n: int, fps: float) -> np.ndarray:
    laughs = [m for m in conversation.moments if m.kind == LAUGHTER]
    times = np.array([m.time_ms for m in laughs], np.float64)
    heights = np.array([LAUGH_SMILE[m.speaker == speaker] for m in laughs], np.float64)
    smile = bumps(times, heights, n, fps, LAUGH_MS)
    glow = np.zeros(n)
    happy_turns = {m.turn for m in conversation.moments if m.kind == HAPPY}
    for turn in conversation.turns:
        if turn.index in happy_turns:
            lo, hi = round(turn.start_ms * fps / 1000), round(turn.end_ms * fps / 1000)
            glow[lo:hi] = np.maximum(glow[lo:hi], HAPPY_SMILE[turn.speaker == speaker])
    if n:
        glow = gaussian_filter1d(glow, HAPPY_EDGE_MS * fps / 1000, mode="nearest")
    return np.minimum(smile, 0.7) + glow


def _surprise(conversation: Conversation, speaker: int, n: int, fps: float) -> np.ndarray:
    times = np.array(
        [
            m.time_ms + SURPRISE_DELAY_MS
            for m in conversation.moments
            if m.kind == SURPRISE and m.speaker != speaker
        ],
        np.float64,
    )
    return SURPRISE_BROW * np.minimum(bumps(times, np.ones(times.size), n, fps, SURPRISE_MS), 1.0)
