"""Snap pause boundaries to where the audio really falls silent or starts again.

A neural voice's durations are where the model *placed* each phone; the decoder may fade
a nasal out early or let a question's last vowel ring into the "?" that follows, so a
pause can be off by 30–60 ms. The lips should close when the sound stops, so each
:data:`~persona.types.SILENCE` boundary is moved (at most :data:`MAX_SHIFT_MS`) to the
nearest change between quiet and loud audio, measured in 5 ms steps (15 ms windows)
against a threshold 40 dB below the speech level.

A silence is never stretched over a stop consonant (p, t, k, b, d, g): the silent closure
belongs to the stop, which the lip-sync stage shows with closed lips.
"""

from __future__ import annotations

import numpy as np

from persona.types import SILENCE, Phone, Speech, Word
from persona.voice.timeline import ordered_words

FRAME_MS = 5
MAX_SHIFT_MS = 60
MIN_PHONE_MS = 20
QUIET_DB = -40.0
NO_SPEECH_DB = -60.0
"""Audio whose speech level (90th percentile of frame levels, dBFS) is below this is
left alone: there is nothing to snap to."""
_STOPS = frozenset("pbtdkgɡcɟqɢʔ")


def _loud_frames(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Per 5 ms step (step ``k`` starts at ``k * FRAME_MS`` ms): is the audio loud there?"""
    count = len(audio) * 1000 // (sample_rate * FRAME_MS)
    if count == 0:
        return np.zeros(0, bool)
    edges = (np.arange(count + 1) * FRAME_MS * sample_rate) // 1000
    power = np.empty(count)
    block = 12_000  # steps per pass (a minute): memory stays small for long scripts
    for a in range(0, count, block):
        b = min(count, a + block)
        part = audio[edges[a] : edges[b]].astype(np.float64)
        power[a:b] = np.add.reduceat(part * part, edges[a:b] - edges[a]) / np.diff(edges[a : b + 1])
    # average over three steps (15 ms), longer than a pitch period, so a voiced sound
    # does not flicker between loud and quiet
    smooth = np.convolve(np.pad(power, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    level = 10 * np.log10(smooth + 1e-12)
    speech_level = float(np.percentile(level, 90))
    if speech_level < NO_SPEECH_DB:
        return np.zeros(0, bool)
    return np.asarray(level >= speech_level + QUIET_DB)


def _loud(loud: np.ndarray, ms: int) -> bool:
    index = ms // FRAME_MS
    return bool(loud[index]) if 0 <= index < len(loud) else False


def _snap_start(loud: np.ndarray, boundary: int, low: int, high: int) -> int:
    """Where a pause should start: after the last loud frame near ``boundary``."""
    position = boundary
    if _loud(loud, position):  # the speech rings on into the pause
        while position + FRAME_MS <= high and _loud(loud, position):
            position += FRAME_MS
        return position
    while position - FRAME_MS >= low and not _loud(loud, position - FRAME_MS):
        position -= FRAME_MS  # the audio fell quiet before the pause began
    return position


def _snap_end(loud: np.ndarray, boundary: int, low: int, high: int) -> int:
    """Where a pause should end: at the first loud frame near ``boundary``."""
    position = boundary
    if _loud(loud, position - FRAME_MS):  # the speech starts before the pause ends
        while position - FRAME_MS >= low and _loud(loud, position - FRAME_MS):
            position -= FRAME_MS
        return position
    while position + FRAME_MS <= high and not _loud(loud, position):
        position += FRAME_MS  # the audio stays quiet after the pause ends
    return position


def snap_silences(speech: Speech) -> Speech:
    """``speech`` with its pause boundaries moved onto the audio's own (see module doc)."""
    loud = _loud_frames(speech.audio, speech.sample_rate)
    if not len(loud):
        return speech
    phones = list(speech.phones)
    moved: dict[int, int] = {}
    for index, phone in enumerate(phones):
        if phone.symbol != SILENCE:
            continue
        if index > 0:
            _move_start(phones, index, loud, moved)
        if index + 1 < len(phones):
            _move_end(phones, index, loud, moved)
    words = tuple(
        Word(w.text, moved.get(w.start_ms, w.start_ms), moved.get(w.end_ms, w.end_ms))
        for w in speech.words
    )
    return Speech(speech.audio, speech.sample_rate, tuple(phones), ordered_words(words))


def _move_start(phones: list[Phone], index: int, loud: np.ndarray, moved: dict[int, int]) -> None:
    before, silence = phones[index - 1], phones[index]
    low = before.start_ms + MIN_PHONE_MS
    if before.symbol[:1] in _STOPS:
        low = silence.start_ms
    low = max(low, silence.start_ms - MAX_SHIFT_MS)
    high = min(silence.end_ms - MIN_PHONE_MS, silence.start_ms + MAX_SHIFT_MS)
    if low > high:
        return
    new = _snap_start(loud, silence.start_ms, low, high)
    if new != silence.start_ms:
        moved[silence.start_ms] = new
        phones[index - 1] = Phone(before.symbol, before.start_ms, new, before.stress)
        phones[index] = Phone(SILENCE, new, silence.end_ms)


def _move_end(phones: list[Phone], index: int, loud: np.ndarray, moved: dict[int, int]) -> None:
    silence, after = phones[index], phones[index + 1]
    high = after.end_ms - MIN_PHONE_MS
    if after.symbol[:1] in _STOPS:
        high = silence.end_ms
    high = min(high, silence.end_ms + MAX_SHIFT_MS)
    low = max(silence.start_ms + MIN_PHONE_MS, silence.end_ms - MAX_SHIFT_MS)
    if low > high:
        return
    new = _snap_end(loud, silence.end_ms, low, high)
    if new != silence.end_ms:
        moved[silence.end_ms] = new
        phones[index] = Phone(SILENCE, silence.start_ms, new)
        phones[index + 1] = Phone(after.symbol, new, after.end_ms, after.stress)
