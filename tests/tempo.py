"""The tempo a listener's beat tracker hears in rendered music.

librosa's beat tracker (an implementation independent of the music generator: onset
strength, then dynamic programming over beat times) runs on the audio at 22.05 kHz with a
256-sample hop; the tempo is 60 s over the median interval between the beats it found.
"""

from __future__ import annotations

import numpy as np

TRACKER_RATE = 22050
HOP = 256


def detected_bpm(audio: np.ndarray, sample_rate: int) -> float:
    """Beats per minute heard in ``audio`` (mono, or ``(n, channels)``); NaN when the
    tracker finds fewer than four beats."""
    import librosa

    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    mono = librosa.resample(mono, orig_sr=sample_rate, target_sr=TRACKER_RATE)
    onset = librosa.onset.onset_strength(y=mono, sr=TRACKER_RATE, hop_length=HOP)
    _, beats = librosa.beat.beat_track(
        onset_envelope=onset, sr=TRACKER_RATE, hop_length=HOP, units="time"
    )
    if len(beats) < 4:
        return float("nan")
    return 60.0 / float(np.median(np.diff(beats)))
