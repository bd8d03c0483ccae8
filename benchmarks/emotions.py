"""The emotions, measured: what each does to pitch, intonation, rate and energy.

    .venv/bin/python benchmarks/emotions.py                 # joe
    .venv/bin/python benchmarks/emotions.py adult_female_1  # another voice

The voice speaks the same three sentences with every emotion of
:data:`persona.voice.prosody.EMOTIONS`. Per emotion it prints, over the three:

* ``F0``: the median F0 (Hz) of the voiced frames (:func:`persona.voice.pitch.track_f0`),
  and its change from neutral in semitones;
* ``spread``: the 10-90 % range of F0 in semitones around each sentence's median (frames
  more than an octave off are left out as tracker errors): how wide the intonation is;
* ``rate``: phones per second of speech (pauses left out), and the total duration;
* ``energy``: the RMS level (dBFS) of the spoken phones; ``peak``: the largest sample;
* ``RTF``: synthesis time / audio length.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from persona.types import Speech

SENTENCES = (
    "The weather report says we will have sunshine all week, and the beach will be open.",
    "We shipped three features that customers asked for again and again.",
    "Are you ready to begin? Then take a deep breath and follow me.",
)


def measure(speeches: list[Speech]) -> dict[str, float]:
    from persona.types import SILENCE
    from persona.voice.pitch import track_f0

    f0s, spreads, phones, spoken_ms, duration, power, samples, peak = [], [], 0, 0, 0, 0.0, 0, 0.0
    for speech in speeches:
        f0 = track_f0(speech.audio, speech.sample_rate)
        voiced = f0[f0 > 0]
        st = 12 * np.log2(voiced / np.median(voiced))
        st = st[np.abs(st) <= 12]
        f0s.append(voiced)
        spreads.append(float(np.percentile(st, 90) - np.percentile(st, 10)))
        rate = speech.sample_rate
        for p in speech.phones:
            if p.symbol == SILENCE:
                continue
            phones += 1
            spoken_ms += p.duration_ms
            part = speech.audio[p.start_ms * rate // 1000 : p.end_ms * rate // 1000]
            power += float(np.sum(np.square(part.astype(np.float64))))
            samples += len(part)
        duration += speech.duration_ms
        peak = max(peak, float(np.max(np.abs(speech.audio))))
    return {
        "f0": float(np.median(np.concatenate(f0s))),
        "spread": float(np.mean(spreads)),
        "rate": phones * 1000 / spoken_ms,
        "duration": duration / 1000,
        "energy": 10 * np.log10(power / samples),
        "peak": peak,
    }


def main(voice_id: str) -> None:
    from persona.script import parse_script
    from persona.types import Prosody
    from persona.voice import get_voice, synthesize_script
    from persona.voice.prosody import EMOTIONS

    voice = get_voice(voice_id, None)
    scripts = [parse_script(s, voice.lang) for s in SENTENCES]
    synthesize_script(scripts[0], voice)  # load and warm up the engine
    rows = {}
    for name in EMOTIONS:
        t = time.perf_counter()
        speeches = [synthesize_script(s, voice, prosody=Prosody(emotion=name)) for s in scripts]
        seconds = time.perf_counter() - t
        figures = measure(speeches)
        figures["rtf"] = seconds / figures["duration"]
        rows[name] = figures
    neutral = rows["neutral"]
    print(f"voice {voice.id}: {len(SENTENCES)} sentences per emotion")
    print(
        f"{'emotion':<8} {'F0 Hz':>6} {'ΔF0 st':>7} {'spread st':>9} {'rate ph/s':>9} "
        f"{'dur s':>6} {'energy dB':>9} {'Δ dB':>5} {'peak':>5} {'RTF':>5}"
    )
    for name, f in rows.items():
        shift = 12 * np.log2(f["f0"] / neutral["f0"])
        print(
            f"{name:<8} {f['f0']:6.1f} {shift:+7.2f} {f['spread']:9.2f} {f['rate']:9.2f} "
            f"{f['duration']:6.2f} {f['energy']:9.1f} {f['energy'] - neutral['energy']:+5.1f} "
            f"{f['peak']:5.2f} {f['rtf']:5.2f}"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "joe")
