"""Voice matching, measured on speakers whose truth is known.

    .venv/bin/python benchmarks/voice_matching.py

Each speaker says the same six Harvard sentences (list 2, about 14 s; the base voice is
measured on list 1): ``joe`` changed by a known :class:`~persona.voice.VoiceTransform`
(the true formant scale is known), ``joe`` at 0.8 times his pace (the true rate is known)
and eSpeak NG variants (no known truth: their formants are eSpeak's own). Every sample is
matched with the WORLD matcher (pace matching on) under a throw-away consent in a
temporary data directory.
Per speaker it prints:

* ``sample F0``: the sample's median F0; ``base F0``: ``joe``'s, on his reference text;
  ``matched F0``: the new voice's, speaking a text neither said; ``F0 err joe/matched``:
  how far ``joe`` and the new voice are from the sample (Hz);
* ``formant est/true``: the estimated formant scale and the true one (``-`` unknown);
* ``rate est/true``: the rate given to the new voice and the true one (``-`` unknown:
  eSpeak speaks at its own pace);
* ``match s``: wall time of the match (analysis, plus the base's reference once, plus a
  check sentence spoken by the new voice).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_TEXT = (
    "The boy was there when the sun rose. A rod is used to catch pink salmon. "
    "The source of the huge river is the clear spring. Kick the ball straight and follow "
    "through. Help the woman get back to her feet. A pot of tea helps to pass the evening."
)
NEW_TEXT = "Smoky fires lack flame and heat. The soft cushion broke the man's fall."


@dataclass(frozen=True)
class Speaker:
    label: str
    engine: str
    model: str
    pitch: float = 1.0
    formant: float | None = None
    speed: float | None = 1.0


SPEAKERS = (
    Speaker("joe x1.7 pitch, x1.15 formants", "piper", "en_US-joe-medium", 1.7, 1.15),
    Speaker("joe x1.3, x0.92", "piper", "en_US-joe-medium", 1.3, 0.92),
    Speaker("joe x2.6, x1.30 (child-like)", "piper", "en_US-joe-medium", 2.6, 1.30),
    Speaker("joe at 0.8 pace", "piper", "en_US-joe-medium", 1.0, 1.0, 0.8),
    Speaker("joe at 1.25 pace", "piper", "en_US-joe-medium", 1.0, 1.0, 1.25),
    Speaker("eSpeak en-us+f3 (female)", "espeak", "en-us+f3", speed=None),
    Speaker("eSpeak en-us+f2 (female)", "espeak", "en-us+f2", speed=None),
)


def _sample(speaker: Speaker, folder: Path) -> Path:
    from persona.media.audio import write_wav
    from persona.script import parse_script
    from persona.voice import Voice, VoiceTransform, synthesize_script

    voice = Voice(speaker.label, "x", speaker.engine, "en", "unknown", "", speaker.model)
    speed = 1.0 if speaker.speed is None else speaker.speed
    speech = synthesize_script(parse_script(SAMPLE_TEXT), voice, speed=speed)
    if speaker.formant is not None:
        transform = VoiceTransform(pitch_ratio=speaker.pitch, formant_ratio=speaker.formant)
        speech = transform.apply(speech)
    path = folder / f"{abs(hash(speaker.label))}.wav"
    write_wav(path, speech.audio, speech.sample_rate)
    return path


def _spoken_f0(voice_id: str) -> float:
    from persona.script import parse_script
    from persona.voice import get_voice, synthesize_script
    from persona.voice.pitch import median_f0

    speech = synthesize_script(parse_script(NEW_TEXT), get_voice(voice_id))
    return median_f0(speech.audio, speech.sample_rate)


def main() -> int:
    from persona.consent import create_consent
    from persona.voice.matching import match_voice, register_matcher
    from persona.voice.store import save_voice
    from persona.voice.world_matcher import WorldMatcher

    header = (
        f"{'speaker':<32} {'sample F0':>9} {'base F0':>8} {'matched F0':>10} "
        f"{'F0 err joe/matched':>18} {'formant est/true':>16} {'rate est/true':>13} "
        f"{'match s':>7}"
    )
    register_matcher("world-pace", lambda: WorldMatcher(match_rate=True))
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PERSONA_DATA_DIR"] = folder
        consent = create_consent("voice", "Benchmark", "Synthetic speaker", "benchmark")
        joe_f0 = _spoken_f0("joe")
        for speaker in SPEAKERS:
            path = _sample(speaker, Path(folder))
            started = time.perf_counter()
            saved = match_voice(path, speaker.label, consent, matcher="world-pace")
            wall = time.perf_counter() - started
            save_voice(saved)
            f = saved.figures
            sample_f0, matched = f["sample_f0_median_hz"], _spoken_f0(saved.id)
            truth = "-" if speaker.formant is None else f"{speaker.formant:.3f}"
            pace = "-" if speaker.speed is None else f"{speaker.speed:.2f}"
            print(
                f"{speaker.label:<32} {sample_f0:>9.0f} {f['base_f0_median_hz']:>8.0f} "
                f"{matched:>10.0f} "
                f"{abs(joe_f0 - sample_f0):>9.0f}/{abs(matched - sample_f0):<8.0f} "
                f"{f['formant_scale']:>10.3f}/{truth:<5} "
                f"{saved.voice.rate:>7.2f}/{pace:<5} {wall:>7.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
