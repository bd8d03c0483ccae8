"""The voice catalog, measured: pitch band, formant stretch and speed of every voice.

    .venv/bin/python benchmarks/voices.py                  # every catalog voice
    .venv/bin/python benchmarks/voices.py child_girl_1 joe # some voices
    .venv/bin/python benchmarks/voices.py --json           # one JSON object per voice

For each voice the base engine speaks the same three sentences at the voice's rate, then
the voice's transform (if any) is applied, timed apart. Per voice it prints:

* ``F0``: the median F0 of the result in Hz, measured on the audio with
  :func:`persona.voice.pitch.median_f0` (normalized cross-correlation on voiced frames),
  the band it must fall in for its age group and gender (``docs/voices.md``) and
  whether it does;
* ``formant``: the set formant ratio and the one measured on the audio: the stretch along
  frequency that best maps the base speech's long-term spectrum onto the result's
  (between 300 Hz and 3.5 kHz, spectra smoothed over 250 Hz);
* ``transform RTF``: transform time / audio length; ``synthesis RTF``: engine plus
  transform time / audio length (1 CPU thread for WORLD; Piper as configured);
* ``WER %``: intelligibility. The voice speaks ten fixed sentences and Whisper tiny.en
  (:func:`persona.lipsync.asr.transcribe`) writes down what it hears; the word error rate
  compares the two after normalization (numbers spelled out, lower case, no punctuation).
  Target ≤ 15 %. English voices only; ``--no-wer`` skips it (it is most of the run time).

Piper and the transform are loaded (and warmed up) before any timing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass

import numpy as np

SENTENCES = (
    "Hello there, my friend, look at the bright moon tonight.",
    "We shipped three features that customers asked for again and again.",
    "Are you ready to begin? Then take a deep breath and follow me.",
)

WER_SENTENCES = (
    "The weather will be warm and sunny for most of the week.",
    "Please remember to lock the front door when you leave.",
    "Our team finished the project two days ahead of schedule.",
    "She bought 3 apples, a loaf of bread and some fresh cheese.",
    "Learning a new language takes patience and daily practice.",
    "The museum is open from nine in the morning until six.",
    "Could you send me the report before the meeting on Friday?",
    "A gentle breeze moved through the tall grass by the river.",
    "He spent 25 minutes looking for his keys in the kitchen.",
    "Thank you all for coming, and enjoy the rest of the evening.",
)
"""Fixed sentences for the word error rate (Whisper's test of intelligibility)."""

WER_TARGET = 0.15


@dataclass(frozen=True)
class Row:
    voice: str
    f0_hz: float
    band: tuple[float, float]
    formant_set: float
    formant_measured: float
    transform_rtf: float
    synthesis_rtf: float
    wer: float | None = None  # None: not measured (not English, or --no-wer)

    @property
    def passed(self) -> bool:
        return self.band[0] <= self.f0_hz <= self.band[1]

    @property
    def intelligible(self) -> bool:
        return self.wer is None or self.wer <= WER_TARGET


def log_spectrum(audio: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """(frequencies, dB) of the long-term power spectrum, smoothed over 250 Hz."""
    size = 2048
    frames = np.lib.stride_tricks.sliding_window_view(audio.astype(np.float64), size)[::512]
    power = np.mean(np.abs(np.fft.rfft(frames * np.hanning(size), axis=1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(size, 1 / rate)
    width = max(1, int(250 / freqs[1]))
    smooth = np.convolve(power, np.ones(width) / width, mode="same")
    return freqs, 10 * np.log10(smooth + 1e-12)


def formant_stretch(base: np.ndarray, audio: np.ndarray, rate: int) -> float:
    """The stretch along frequency that best maps ``base``'s spectrum onto ``audio``'s."""
    freqs, before = log_spectrum(base, rate)
    _, after = log_spectrum(audio, rate)
    grid = np.linspace(300.0, 3500.0, 400)
    factors = np.arange(0.7, 1.6, 0.005)
    target = np.interp(grid, freqs, after)
    scores = [np.corrcoef(target, np.interp(grid / f, freqs, before))[0, 1] for f in factors]
    return float(factors[int(np.argmax(scores))])


def spoken_words(text: str) -> list[str]:
    """Words of ``text`` for scoring: numbers spelled out, lower case, no punctuation."""
    import re

    from persona.script.normalize import normalize_english

    return re.findall(r"[a-z0-9']+", normalize_english(text).lower())


def word_errors(reference: list[str], hypothesis: list[str]) -> int:
    """Substitutions + insertions + deletions turning ``reference`` into ``hypothesis``."""
    row = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        diagonal, row[0] = row[0], i
        for j, hyp in enumerate(hypothesis, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (ref != hyp))
    return row[-1]


def word_error_rate(voice_id: str) -> float:
    """Whisper's word error rate over :data:`WER_SENTENCES` spoken by the voice."""
    from persona.lipsync.asr import transcribe
    from persona.script.normalize import normalize_english
    from persona.voice import get_engine, get_voice
    from persona.voice.synth import speak

    voice = get_voice(voice_id, None)
    engine = get_engine(voice.engine)
    errors = words = 0
    for sentence in WER_SENTENCES:
        speech = speak(engine, normalize_english(sentence), voice)
        heard = transcribe(speech.audio, speech.sample_rate, word_times=False)
        reference = spoken_words(sentence)
        errors += word_errors(reference, spoken_words(heard.text))
        words += len(reference)
    return errors / words


def measure(voice_id: str, *, wer: bool = True) -> Row:
    from dataclasses import replace

    from persona.voice import f0_band, get_engine, get_voice
    from persona.voice.pitch import median_f0

    voice = get_voice(voice_id, None)
    engine = get_engine(voice.engine)
    plain = replace(voice, transform=None)
    spoken, changed, engine_s, transform_s = [], [], 0.0, 0.0
    for sentence in SENTENCES:
        started = time.perf_counter()
        speech = engine.synthesize(sentence, voice=plain, speed=voice.rate)
        engine_s += time.perf_counter() - started
        started = time.perf_counter()
        result = voice.transform.apply(speech) if voice.transform else speech
        transform_s += time.perf_counter() - started
        spoken.append(speech.audio)
        changed.append(result.audio)
    rate = speech.sample_rate
    base, audio = np.concatenate(spoken), np.concatenate(changed)
    seconds = len(audio) / rate
    return Row(
        voice=voice.id,
        f0_hz=median_f0(audio, rate),
        band=f0_band(voice),
        formant_set=voice.transform.formant_ratio if voice.transform else 1.0,
        formant_measured=formant_stretch(base, audio, rate),
        transform_rtf=transform_s / seconds,
        synthesis_rtf=(engine_s + transform_s) / seconds,
        wer=word_error_rate(voice_id) if wer and voice.lang == "en" else None,
    )


def table(rows: list[Row]) -> str:
    lines = [
        f"{'voice':<22} {'F0 Hz':>6} {'band Hz':>9} {'ok':>4}  {'formant set/meas':>16}"
        f"  {'transform RTF':>13} {'synthesis RTF':>13} {'WER %':>6}"
    ]
    for r in rows:
        band = f"{r.band[0]:.0f}-{r.band[1]:.0f}"
        lines.append(
            f"{r.voice:<22} {r.f0_hz:6.1f} {band:>9} {'pass' if r.passed else 'FAIL':>4}"
            f"  {r.formant_set:7.2f} / {r.formant_measured:5.2f}"
            f"  {r.transform_rtf:13.3f} {r.synthesis_rtf:13.3f}"
            f" {'-' if r.wer is None else f'{100 * r.wer:.1f}':>6}"
        )
    passed = sum(r.passed for r in rows)
    lines.append(f"{passed}/{len(rows)} voices in their F0 band")
    scored = [r for r in rows if r.wer is not None]
    if scored:
        clear = sum(r.intelligible for r in scored)
        mean = 100 * sum(r.wer or 0.0 for r in scored) / len(scored)
        lines.append(
            f"{clear}/{len(scored)} voices with WER ≤ {100 * WER_TARGET:.0f} % (mean {mean:.1f} %)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("voices", nargs="*", help="voice ids (default: joe and the catalog)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--no-wer", action="store_true", help="skip the word error rate")
    args = parser.parse_args(argv)

    from persona.voice import VoiceTransform, get_engine, get_voice
    from persona.voice.catalog import VOICE_SPECS

    ids = args.voices or ["joe", *(spec.id for spec in VOICE_SPECS)]
    joe = get_voice("joe", "en")  # load Piper and WORLD's helpers before timing
    VoiceTransform(pitch_ratio=1.5).apply(
        get_engine(joe.engine).synthesize("Warming up.", voice=joe, speed=1.0)
    )
    rows = []
    for voice_id in ids:
        row = measure(voice_id, wer=not args.no_wer)
        rows.append(row)
        if args.json:
            record = {**row.__dict__, "band": list(row.band), "passed": row.passed}
            print(json.dumps(record), flush=True)
    if not args.json:
        print(table(rows))
    return 0 if all(r.passed and r.intelligible for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
