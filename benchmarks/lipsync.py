"""Audio-driven lip sync, measured: how close are mouth cues recognized from audio to the
true ones?

    .venv/bin/python benchmarks/lipsync.py            # synthetic and real speech
    .venv/bin/python benchmarks/lipsync.py --detail   # one row per clip too
    .venv/bin/python benchmarks/lipsync.py --no-real  # only speech our engines made

Where the truth comes from:

* synthetic: our engines speak the sentences below (Piper joe, catalog voices made from
  it, eSpeak NG English) at speeds 0.8-1.3; the engine's own phone timings are the truth,
  and the recognizer gets only the audio (and, in the "transcript" mode, the text);
* real: the LibriVox read-speech clips of Debian's ``pocketsphinx-testdata``, with the
  truth from forced alignment of their known transcripts. The "transcript" mode is then
  the truth itself (a consistency check); "no transcript" measures Whisper plus alignment.

Both truth and recognition become Rhubarb mouth cues (:mod:`persona.lipsync.cues`),
sampled every 10 ms. Per mode it prints: exact shape agreement; agreement over four
classes {A,X} {B,G,H} {C,D} {E,F}; for every true closure (A) onset, the distance to the
nearest recognized A onset (median ms and share within 100 ms); seconds of processing per
second of audio. Targets: with transcript exact ≥ 66 %, four classes ≥ 73 %, closures
within 100 ms ≥ 90 %; without, exact ≥ 60 %; ≤ 0.3 s per second of audio.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from persona.types import Script, Speech

    Clip = tuple[str, Speech, str]
    """(name, true Speech, text) of one clip."""

SENTENCES = (
    "Please bring me a warm cup of milk before bedtime.",
    "My brother paid fifty dollars for a blue umbrella.",
    "The museum opens at nine, but the best rooms stay empty until noon.",
    "Would you mind if we moved the meeting to Thursday afternoon?",
    "Bright flames flickered while the old sailor whistled a happy tune.",
    "A small boat floated past the mossy bridge by the mill.",
    "Every morning she jogs along the beach with her puppy.",
    "Maybe the problem was never about money, but about time.",
    "Famous painters often visited this village in the summer.",
    "Keep your voice down, the baby is sleeping upstairs.",
    "We measured 42 samples in about 3 minutes.",
    "Big plans need patience, and patience needs practice.",
)
"""Sentences only the benchmark speaks (tests use their own)."""

CLIPS = (
    ("joe", 1.0),
    ("joe", 0.8),
    ("joe", 1.3),
    ("adult_female_1", 1.0),
    ("child_boy_1", 1.1),
    ("mature_male_2", 0.9),
    ("espeak-en", 1.0),
    ("espeak-en", 1.2),
)
"""(voice, speed) of the synthetic clips; each speaks three sentences in turn."""

REAL_DIR = Path("/usr/share/pocketsphinx/test/data/librivox")
FOUR_CLASSES = {"A": 0, "X": 0, "B": 1, "G": 1, "H": 1, "C": 2, "D": 2, "E": 3, "F": 3}
STEP_MS = 10
NEAR_MS = 100
PAUSE_MS = 400
MODES = {
    "transcript": (True, "auto"),
    "no transcript": (False, "auto"),
    "phonetic only": (False, "phonetic"),
}
"""Mode name: (recognizer gets the transcript, recognizer)."""


@dataclass
class Score:
    """Counts pooled over clips."""

    frames: int = 0
    exact: int = 0
    four: int = 0
    onsets: list[float] | None = None
    seconds_audio: float = 0.0
    seconds_work: float = 0.0

    def add(self, truth: list[str], found: list[str], audio_s: float, work_s: float) -> None:
        n = max(len(truth), len(found))
        truth = truth + ["X"] * (n - len(truth))
        found = found + ["X"] * (n - len(found))
        self.frames += n
        self.exact += sum(a == b for a, b in zip(truth, found, strict=True))
        self.four += sum(
            FOUR_CLASSES[a] == FOUR_CLASSES[b] for a, b in zip(truth, found, strict=True)
        )
        self.onsets = (self.onsets or []) + closure_distances(truth, found)
        self.seconds_audio += audio_s
        self.seconds_work += work_s

    def row(self, name: str) -> str:
        onsets = np.array(self.onsets or [np.nan])
        return (
            f"{name:<36} {self.seconds_audio:6.1f} {100 * self.exact / self.frames:7.1f}"
            f" {100 * self.four / self.frames:7.1f} {len(self.onsets or []):6d}"
            f" {np.median(onsets):8.0f} {100 * np.mean(onsets <= NEAR_MS):8.1f}"
            f" {self.seconds_work / self.seconds_audio:7.3f}"
        )


HEADER = (
    f"{'set / mode':<36} {'audio s':>6} {'exact %':>7} {'4-cls %':>7} {'A ons':>6}"
    f" {'med ms':>8} {'≤100 %':>8} {'s/s':>7}"
)


def onsets(shapes: list[str]) -> np.ndarray:
    """Sample indices where a closure (A) begins."""
    closed = np.array([s == "A" for s in shapes])
    starts = np.flatnonzero(closed & ~np.concatenate(([False], closed[:-1])))
    return starts


def closure_distances(truth: list[str], found: list[str]) -> list[float]:
    """For every true A onset, ms to the nearest recognized A onset (inf if none)."""
    mine = onsets(found)
    return [
        float(np.min(np.abs(mine - t)) * STEP_MS) if len(mine) else float("inf")
        for t in onsets(truth)
    ]


def shapes_of(speech: Speech) -> list[str]:
    from persona.lipsync.cues import cues_from_speech, sample_cues

    return sample_cues(cues_from_speech(speech), step_ms=STEP_MS)


def synthetic_clips() -> list[Clip]:
    """(name, truth Speech, text) for every synthetic clip."""
    from persona.voice import get_voice, synthesize_script

    clips = []
    for index, (voice_id, speed) in enumerate(CLIPS):
        sentences = [SENTENCES[(3 * index + k) % len(SENTENCES)] for k in range(3)]
        speech = synthesize_script(script(sentences), get_voice(voice_id, None), speed=speed)
        clips.append((f"{voice_id} x{speed}", speech, " ".join(sentences)))
    return clips


def script(sentences: list[str]) -> Script:
    """The sentences as a script, a pause after each (as a parsed script would have)."""
    from persona.script.normalize import normalize
    from persona.types import Script, Segment

    segments = [Segment(normalize(s, "en"), s, pause_after_ms=PAUSE_MS) for s in sentences]
    return Script(tuple(segments))


def real_clips() -> list[Clip]:
    """(name, truth Speech, text) for the LibriVox clips, truth by forced alignment."""
    from persona.lipsync.recognize import speech_from_audio
    from persona.media.audio import read_audio_file

    lines = (REAL_DIR / "transcription").read_text().splitlines()
    clips = []
    for line in lines:
        words, _, name = line.rpartition("(")
        text = words.replace("<s>", "").replace("</s>", "").strip()
        audio, rate = read_audio_file(REAL_DIR / f"{name.strip(') ')}.wav")
        truth = speech_from_audio(audio, rate, transcript=text, recognizer="align")
        clips.append((name.strip(") ")[-4:], truth, text))
    return clips


def evaluate(clips: list[Clip], detail: bool) -> dict[str, Score]:
    from persona.lipsync.recognize import speech_from_audio

    scores = {mode: Score() for mode in MODES}
    for name, truth, text in clips:
        audio, rate = truth.audio, truth.sample_rate
        true_shapes = shapes_of(truth)
        for mode, score in scores.items():
            transcript, recognizer = MODES[mode]
            started = time.perf_counter()
            found = speech_from_audio(
                audio, rate, transcript=text if transcript else None, recognizer=recognizer
            )
            work = time.perf_counter() - started
            score.add(true_shapes, shapes_of(found), len(audio) / rate, work)
            if detail:
                one = Score()
                one.add(true_shapes, shapes_of(found), len(audio) / rate, work)
                print(one.row(f"  {name} / {mode}"), flush=True)
    return scores


def warm_up() -> None:
    """Load Whisper, PocketSphinx and Piper before anything is timed."""
    from persona.lipsync.recognize import speech_from_audio
    from persona.voice import get_voice, synthesize_script

    speech = synthesize_script(script(["Warming up the engines."]), get_voice("joe", "en"))
    speech_from_audio(speech.audio, speech.sample_rate)
    speech_from_audio(speech.audio, speech.sample_rate, transcript="Warming up the engines.")
    speech_from_audio(speech.audio, speech.sample_rate, recognizer="phonetic")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detail", action="store_true", help="print a row per clip")
    parser.add_argument("--no-real", action="store_true", help="skip the LibriVox clips")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    warm_up()
    sets = {"synthetic": synthetic_clips()}
    if not args.no_real:
        if REAL_DIR.is_dir():
            sets["real (LibriVox)"] = real_clips()
        else:
            print(f"{REAL_DIR} missing: apt-get install pocketsphinx-testdata", file=sys.stderr)
    results = {name: evaluate(clips, args.detail) for name, clips in sets.items()}
    print(HEADER)
    for set_name, scores in results.items():
        for mode, score in scores.items():
            print(score.row(f"{set_name} / {mode}"))
    synthetic = results["synthetic"]
    with_text, without = synthetic["transcript"], synthetic["no transcript"]
    met = (
        with_text.exact >= 0.66 * with_text.frames
        and with_text.four >= 0.73 * with_text.frames
        and np.mean(np.array(with_text.onsets or [np.inf]) <= NEAR_MS) >= 0.9
        and without.exact >= 0.60 * without.frames
        and all(s.seconds_work <= 0.3 * s.seconds_audio for s in synthetic.values())
    )
    print("targets (synthetic):", "met" if met else "NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
