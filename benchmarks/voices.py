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
  transform time / audio length (1 CPU thread for WORLD; Piper as configured).

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


@dataclass(frozen=True)
class Row:
    voice: str
    f0_hz: float
    band: tuple[float, float]
    formant_set: float
    formant_measured: float
    transform_rtf: float
    synthesis_rtf: float

    @property
    def passed(self) -> bool:
        return self.band[0] <= self.f0_hz <= self.band[1]


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


def measure(voice_id: str) -> Row:
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
    )


def table(rows: list[Row]) -> str:
    lines = [
        f"{'voice':<22} {'F0 Hz':>6} {'band Hz':>9} {'ok':>4}  {'formant set/meas':>16}"
        f"  {'transform RTF':>13} {'synthesis RTF':>13}"
    ]
    for r in rows:
        band = f"{r.band[0]:.0f}-{r.band[1]:.0f}"
        lines.append(
            f"{r.voice:<22} {r.f0_hz:6.1f} {band:>9} {'pass' if r.passed else 'FAIL':>4}"
            f"  {r.formant_set:7.2f} / {r.formant_measured:5.2f}"
            f"  {r.transform_rtf:13.3f} {r.synthesis_rtf:13.3f}"
        )
    passed = sum(r.passed for r in rows)
    lines.append(f"{passed}/{len(rows)} voices in their F0 band")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("voices", nargs="*", help="voice ids (default: joe and the catalog)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
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
        row = measure(voice_id)
        rows.append(row)
        if args.json:
            record = {**row.__dict__, "band": list(row.band), "passed": row.passed}
            print(json.dumps(record), flush=True)
    if not args.json:
        print(table(rows))
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
