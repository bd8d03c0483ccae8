"""Do the SILENCE phones of a Speech fall where its audio is silent?

Silences are found in the audio itself (energy in 10 ms frames, 40 dB below the speech
level, at least 80 ms long) and compared with the SILENCE phones of the timeline. A stop
consonant's closure is silent too, so a silence may reach across a p/t/k/b/d/g next to it;
otherwise every boundary must agree within :data:`TOLERANCE_MS`.
"""

from __future__ import annotations

import numpy as np

from persona.types import SILENCE, Phone, Speech

FRAME_MS = 10
RELATIVE_DB = -40.0
MIN_SILENCE_MS = 80
COMPARED_MS = 150
TOLERANCE_MS = 40
"""One video frame at 25 fps. Piper samples fresh noise on every call, so its pause
boundaries move from call to call (6–33 ms seen over repeated runs of one script)."""
STOPS = set("pbtdkgɡʔc")


def detect_silences(audio: np.ndarray, sample_rate: int) -> list[tuple[int, int]]:
    """(start, end) ms of the stretches quieter than the speech level by 40 dB."""
    count = len(audio) * 1000 // (sample_rate * FRAME_MS)
    edges = (np.arange(count + 1) * FRAME_MS * sample_rate) // 1000  # frame k starts at k*10 ms
    squared = np.square(audio[: edges[-1]].astype(np.float64))
    level = 10 * np.log10(np.add.reduceat(squared, edges[:-1]) / np.diff(edges) + 1e-12)
    quiet = level < np.percentile(level, 90) + RELATIVE_DB
    silences, start = [], None
    for index, is_quiet in enumerate([*quiet, False]):
        if is_quiet and start is None:
            start = index
        elif not is_quiet and start is not None:
            if (index - start) * FRAME_MS >= MIN_SILENCE_MS:
                silences.append((start * FRAME_MS, index * FRAME_MS))
            start = None
    return silences


def silence_windows(phones: tuple[Phone, ...]) -> list[tuple[int, int, int, int]]:
    """Each SILENCE phone as (earliest start, start, end, latest end) in ms.

    The earliest start / latest end reach across an adjacent stop's closure.
    """
    windows = []
    for index, phone in enumerate(phones):
        if phone.symbol != SILENCE:
            continue
        before = phones[index - 1] if index else None
        after = phones[index + 1] if index + 1 < len(phones) else None
        early = before.start_ms if before and before.symbol[0] in STOPS else phone.start_ms
        late = after.end_ms if after and after.symbol[0] in STOPS else phone.end_ms
        windows.append((early, phone.start_ms, phone.end_ms, late))
    return windows


def boundary_error(value: int, low: int, high: int) -> int:
    return max(0, low - value, value - high)


def boundary_errors(speech: Speech) -> list[int]:
    """Errors of every compared boundary, after checking each long silence, in the audio
    or in the timeline, has a partner in the other."""
    detected = detect_silences(speech.audio, speech.sample_rate)
    windows = silence_windows(speech.phones)
    errors = []
    for start, end in detected:
        if end - start < COMPARED_MS:
            continue
        partners = [w for w in windows if min(end, w[3]) > max(start, w[0])]
        assert partners, f"silence {start}-{end} ms in the audio has no SILENCE phone"
        early, first, last, late = max(partners, key=lambda w: min(end, w[3]) - max(start, w[0]))
        errors += [boundary_error(start, early, first), boundary_error(end, last, late)]
    for early, first, last, late in windows:
        if last - first < COMPARED_MS:
            continue
        partners = [(s, e) for s, e in detected if min(e, late) > max(s, early)]
        assert partners, f"SILENCE phone {first}-{last} ms is not silent in the audio"
    return errors
