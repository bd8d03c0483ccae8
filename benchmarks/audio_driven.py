"""Audio-driven rendering, measured: how close are the mouth shapes recovered from a
recording to the true ones, how well does recognition do on real speech, and how long
does a 35 s audio-driven render take?

    .venv/bin/python benchmarks/audio_driven.py               # all three tables
    .venv/bin/python benchmarks/audio_driven.py --detail      # one row per clip too
    .venv/bin/python benchmarks/audio_driven.py --no-render   # skip the 720p render
    .venv/bin/python benchmarks/audio_driven.py --render-only # only the 720p render

1. Synthetic speech with known truth: Piper ``joe`` and eSpeak NG English speak three
   sentences each (at two speeds); the engine's own phone timings are the truth and stay
   hidden: the recognizer gets only the audio ("audio alone": Whisper hears the words,
   PocketSphinx aligns them), the audio and its text ("with transcript"), or the audio
   with phone recognition only ("phones only", what languages other than English get).
   Truth and recovery both go through :func:`persona.lipsync.animate`; per 25 fps video
   frame we compare ``MouthTrack.visemes``: the share of frames with the same viseme,
   the same Rhubarb mouth shape, and the same class of four ({closed, rest}, {teeth and
   tongue, spread}, {open}, {rounded}). Boundaries: every change of viseme in the truth
   (sampled at 100 fps) is matched to the nearest change into the same viseme in the
   recovery within 250 ms; we print the share matched and the mean error in ms.
2. Real speech: the LibriVox clips of Debian's ``pocketsphinx-testdata`` with their
   transcripts: Whisper's word error rate, and how often forced alignment succeeds with
   the known transcript and with Whisper's words.
3. Speed: a 35 s recording of Piper ``joe`` (the passage ``engine.py`` speaks) rendered
   at 1280x720, 25 fps with the bundled portrait, from the audio alone and with its
   transcript, and the same text rendered through TTS beside them: seconds per stage.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from engine import PASSAGE  # the 30 s passage the engine benchmark speaks
from lipsync import FOUR_CLASSES, REAL_DIR, SENTENCES, script, warm_up
from voices import spoken_words, word_errors

if TYPE_CHECKING:
    from persona.types import Speech

VOICES = (("joe", 1.0), ("joe", 1.25), ("espeak-en", 1.0), ("espeak-en", 1.25))
"""(voice, speed) of the synthetic clips."""

MODES = {"audio alone": (False, "auto"), "with transcript": (True, "auto")}
MODES["phones only"] = (False, "phonetic")
"""Mode: (recognizer gets the transcript, recognizer)."""

FPS = 25
FINE_FPS = 100
MATCH_MS = 250
PORTRAIT = Path(__file__).resolve().parents[1] / "src" / "persona" / "assets" / "astronaut.jpg"


@dataclass
class Tally:
    """Frame and boundary counts pooled over clips."""

    frames: int = 0
    exact: int = 0
    shape: int = 0
    four: int = 0
    errors_ms: list[float] = field(default_factory=list)
    boundaries: int = 0
    audio_s: float = 0.0
    work_s: float = 0.0

    def add(self, truth: Speech, found: Speech, work_s: float) -> None:
        from persona.lipsync import animate, rhubarb_shape

        want, got = animate(truth, FPS).visemes, animate(found, FPS).visemes
        assert len(want) == len(got)  # same audio, same frames
        self.frames += len(want)
        self.exact += sum(a == b for a, b in zip(want, got, strict=True))
        shapes = [(rhubarb_shape(a), rhubarb_shape(b)) for a, b in zip(want, got, strict=True)]
        self.shape += sum(a == b for a, b in shapes)
        self.four += sum(FOUR_CLASSES[a] == FOUR_CLASSES[b] for a, b in shapes)
        true_changes = changes(animate(truth, FINE_FPS).visemes)
        self.boundaries += len(true_changes)
        self.errors_ms += boundary_errors(true_changes, changes(animate(found, FINE_FPS).visemes))
        self.audio_s += truth.duration_ms / 1000
        self.work_s += work_s

    def row(self, name: str) -> str:
        share = 100 / max(1, self.frames)
        matched = 100 * len(self.errors_ms) / max(1, self.boundaries)
        error = float(np.mean(self.errors_ms)) if self.errors_ms else float("nan")
        speed = self.work_s / self.audio_s
        return (
            f"{name:<34} {self.audio_s:7.1f} {self.exact * share:7.1f} {self.shape * share:7.1f}"
            f" {self.four * share:7.1f} {matched:8.1f} {error:8.1f} {speed:6.3f}"
        )


HEADER = (
    f"{'clips / mode':<34} {'audio s':>7} {'exact%':>7} {'shape%':>7} {'4-cls%':>7}"
    f" {'bnd ok%':>8} {'bnd ms':>8} {'s/s':>6}"
)


def changes(names: tuple[str, ...]) -> list[tuple[int, str]]:
    """(ms, viseme entered) at every change of a :data:`FINE_FPS` viseme sequence."""
    return [
        (round(k * 1000 / FINE_FPS), names[k])
        for k in range(1, len(names))
        if names[k] != names[k - 1]
    ]


def boundary_errors(truth: list[tuple[int, str]], found: list[tuple[int, str]]) -> list[float]:
    """For each true change, ms to the nearest recovered change into the same viseme;
    changes with none within :data:`MATCH_MS` are left out (they count as missed)."""
    errors = []
    for ms, name in truth:
        near = [abs(t - ms) for t, n in found if n == name and abs(t - ms) <= MATCH_MS]
        if near:
            errors.append(float(min(near)))
    return errors


def synthetic(detail: bool) -> dict[str, Tally]:
    from persona.lipsync.recognize import speech_from_audio
    from persona.voice import get_voice, synthesize_script

    tallies = {mode: Tally() for mode in MODES}
    for index, (voice_id, speed) in enumerate(VOICES):
        sentences = [SENTENCES[(3 * index + 1 + k) % len(SENTENCES)] for k in range(3)]
        truth = synthesize_script(script(sentences), get_voice(voice_id, None), speed=speed)
        for mode, (with_text, recognizer) in MODES.items():
            started = time.perf_counter()
            found = speech_from_audio(
                truth.audio,
                truth.sample_rate,
                transcript=" ".join(sentences) if with_text else None,
                recognizer=recognizer,
            )
            work = time.perf_counter() - started
            tallies[mode].add(truth, found, work)
            if detail:
                one = Tally()
                one.add(truth, found, work)
                print(one.row(f"  {voice_id} x{speed} / {mode}"), flush=True)
    return tallies


def real_speech() -> list[str]:
    """Rows for the LibriVox clips: WER, alignment success with either transcript."""
    from persona.lipsync.align import AlignmentError
    from persona.lipsync.asr import transcribe
    from persona.lipsync.recognize import speech_from_audio
    from persona.media.audio import read_audio_file

    errors = words = clips = 0
    aligned = {"known transcript": 0, "Whisper's words": 0}
    for line in (REAL_DIR / "transcription").read_text().splitlines():
        found = re.fullmatch(r"(?:<s>)?(.*?)(?:</s>)?\s*\((\S+)\)\s*", line)
        if found is None:
            continue
        text, name = found.group(1).strip(), found.group(2)
        audio, rate = read_audio_file(REAL_DIR / f"{name}.wav")
        reference = spoken_words(text)
        errors += word_errors(reference, spoken_words(transcribe(audio, rate).text))
        words += len(reference)
        clips += 1
        for kind, transcript in (("known transcript", text), ("Whisper's words", None)):
            try:
                speech_from_audio(audio, rate, transcript=transcript, recognizer="align")
                aligned[kind] += 1
            except AlignmentError:
                pass
    rows = [f"Whisper tiny.en word error rate: {100 * errors / max(1, words):.1f} % of {words}"]
    rows += [f"alignment with {k}: {n}/{clips} clips" for k, n in aligned.items()]
    return rows


def cpu_seconds() -> float:
    """CPU time of this process so far, every thread counted (wall time on a shared
    2-core machine says more about the neighbours than about the render)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def render_timing() -> list[tuple[str, dict[str, float]]]:
    """Seconds per stage of 720p renders of the passage: from its recording alone, with
    its transcript, and (for comparison, on the same machine at the same time) from the
    text through TTS."""
    from persona.media.audio import write_wav
    from persona.pipeline import render_audio, render_video
    from persona.script import parse_script
    from persona.types import RenderOptions, VideoSpec
    from persona.voice import get_voice, synthesize_script

    speech = synthesize_script(parse_script(PASSAGE, "en"), get_voice("joe", "en"))
    options = RenderOptions(video=VideoSpec(1280, 720, FPS))
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        wav, out = Path(folder) / "speech.wav", Path(folder) / "out.mp4"
        write_wav(wav, speech.audio, speech.sample_rate)
        for name in ("audio alone", "with transcript", "text (TTS)"):
            started, cpu = time.perf_counter(), cpu_seconds()
            if name == "text (TTS)":
                result = render_video(PASSAGE, PORTRAIT, out, options)
            else:
                text = PASSAGE if name == "with transcript" else None
                result = render_audio(wav, PORTRAIT, out, options, transcript=text)
            total, cpu = time.perf_counter() - started, cpu_seconds() - cpu
            video = result.n_frames / FPS
            runs.append((name, {**result.timings, "total": total, "cpu": cpu, "video": video}))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detail", action="store_true", help="print a row per clip")
    parser.add_argument("--no-render", action="store_true", help="skip the 720p render")
    parser.add_argument("--render-only", action="store_true", help="only the 720p render")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    warm_up()
    if not args.render_only:
        accuracy(args.detail)
    if not args.no_render:
        speed()
    return 0


def accuracy(detail: bool) -> None:
    """Tables 1 and 2: synthetic speech against its truth, recognition of real speech."""
    tallies = synthetic(detail)
    print(HEADER)
    for mode, tally in tallies.items():
        print(tally.row(f"all clips / {mode}"))
    if REAL_DIR.is_dir():
        print("\nreal speech (LibriVox, pocketsphinx-testdata)")
        for row in real_speech():
            print(f"  {row}")
    else:
        print(f"{REAL_DIR} missing: apt-get install pocketsphinx-testdata", file=sys.stderr)


def speed() -> None:
    """Table 3: seconds per stage of a 35 s audio-driven render at 720p."""
    columns = {  # timing key: column title
        "avatar": "avatar",
        "recognize": "recognize",
        "speech": "tts",
        "lipsync": "lipsync",
        "motion": "motion",
        "render": "drawing",
        "render+encode": "draw+enc",
        "total": "wall",
        "cpu": "cpu",
        "video": "video",
    }
    print("\n35 s recording (the engine benchmark's passage) → 1280x720, 25 fps, seconds")
    print(f"{'mode':<16}" + "".join(f"{title:>10}" for title in columns.values()))
    for name, seconds in render_timing():
        print(f"{name:<16}" + "".join(f"{seconds.get(key, 0.0):10.2f}" for key in columns))


if __name__ == "__main__":
    sys.exit(main())
