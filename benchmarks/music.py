"""Procedural music, measured: render time, tempo heard, peak and loudness per style.

    .venv/bin/python benchmarks/music.py                      # every style, 60 s, calm
    .venv/bin/python benchmarks/music.py pop yaman --mood uplifting --duration 30
    .venv/bin/python benchmarks/music.py --png out/ yaman jazz   # also piano rolls + spectrograms
    .venv/bin/python benchmarks/music.py --json

Each style is composed at the middle of its tempo range for the mood (given explicitly,
so the request has a tempo to compare with) and a fixed seed. Per style it prints:

* ``render s``: wall time of ``compose_music`` (compose, FluidSynth and built-in
  instruments, finishing, loudness), after one warm-up render that loads the libraries;
* ``RTF``: render time / music duration (< 1 is faster than real time);
* ``asked``, ``bpm``: the requested tempo and the piece's (moved by at most 3 % so whole
  bars fit the duration); ``mean``: the average tempo up to the final chord (higher for
  the kirtan's accelerando);
* ``heard``: the tempo librosa's beat tracker finds in the audio (``tests/tempo.py``:
  60 s over the median beat interval; ``-`` for styles without a steady beat); ``x2``
  marks a double-time reading;
* ``peak dBFS``: the sample peak; ``LUFS``: the integrated loudness (pyloudnorm,
  ITU-R BS.1770) and the mood's target.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from persona.audio.music import MusicRequest, compose_music
from persona.audio.music.brief import MOODS
from persona.audio.music.styles import STYLES

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.tempo import detected_bpm  # the same tracker as the tests


def mean_bpm(midi: object) -> float:
    """Beats per minute averaged up to the piece's end marker (differs from the start
    tempo only for an accelerando)."""
    now = 0.0
    ticks = 0
    for msg in midi:  # type: ignore[attr-defined]
        now += msg.time
        if msg.type == "marker" and msg.text == "end":
            break
    for msg in midi.tracks[0]:  # type: ignore[attr-defined]
        ticks += msg.time
        if msg.type == "marker" and msg.text == "end":
            break
    beats = ticks / midi.ticks_per_beat  # type: ignore[attr-defined]
    return 60.0 * beats / now if now > 0 else math.nan


def loudness(audio: np.ndarray, sample_rate: int) -> float:
    import pyloudnorm

    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(audio.astype(np.float64)))


def measure(style: str, mood: str, duration: float, seed: int) -> tuple[dict, object]:  # type: ignore[type-arg]
    low, high = STYLES[style].tempo[mood]
    asked = round((low + high) / 2)
    request = MusicRequest(style, mood, duration, tempo=float(asked), seed=seed)
    started = time.perf_counter()
    music = compose_music(request)
    wall = time.perf_counter() - started
    heard = detected_bpm(music.audio, music.sample_rate) if STYLES[style].percussive else math.nan
    row = {
        "style": style,
        "mood": mood,
        "render_s": round(wall, 2),
        "rtf": round(wall / duration, 3),
        "asked_bpm": asked,
        "bpm": music.bpm,
        "mean_bpm": round(mean_bpm(music.midi), 2),
        "heard_bpm": None if math.isnan(heard) else round(heard, 1),
        "peak_dbfs": round(20 * math.log10(float(np.abs(music.audio).max())), 2),
        "lufs": round(loudness(music.audio, music.sample_rate), 1),
        "target_lufs": MOODS[mood].lufs,
        "samples_exact": len(music.audio) == round(duration * music.sample_rate),
    }
    return row, music


def _heard_text(row: dict) -> str:  # type: ignore[type-arg]
    heard = row["heard_bpm"]
    if heard is None:
        return "-"
    ratio = heard / row["mean_bpm"]
    mark = " x2" if abs(ratio - 2) < 0.08 else (" x½" if abs(ratio - 0.5) < 0.04 else "")
    return f"{heard:.1f}{mark}"


def table(rows: list[dict]) -> str:  # type: ignore[type-arg]
    head = (
        f"{'style':<11} {'mood':<9} {'render s':>8} {'RTF':>6} {'asked':>5} {'bpm':>7} {'mean':>7} "
        f"{'heard':>9} {'peak dBFS':>9} {'LUFS':>6} {'target':>6} {'exact':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['style']:<11} {r['mood']:<9} {r['render_s']:>8.2f} {r['rtf']:>6.3f} "
            f"{r['asked_bpm']:>5} {r['bpm']:>7.2f} {r['mean_bpm']:>7.2f} {_heard_text(r):>9} "
            f"{r['peak_dbfs']:>9.2f} "
            f"{r['lufs']:>6.1f} {r['target_lufs']:>6.1f} {'yes' if r['samples_exact'] else 'NO':>5}"
        )
    return "\n".join(lines)


def piano_roll(music: object, path: Path, seconds: float = 30.0) -> None:
    """A piano roll of the MIDI (pitch up, time right, one colour per channel; the
    percussion channel along the bottom) as a PNG."""
    from PIL import Image, ImageDraw

    width, height, px = 1600, 700, 1600 / seconds
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    for octave in range(1, 8):  # C lines
        y = height - (12 * (octave + 1) - 20) * 7
        draw.line([(0, y), (width, y)], fill="#dddddd")
        draw.text((2, y - 12), f"C{octave}", fill="#888888")
    for beat_s in np.arange(0, seconds, 60.0 / music.bpm):  # type: ignore[attr-defined]
        draw.line([(beat_s * px, 0), (beat_s * px, height)], fill="#f2f2f2")
    now, held = 0.0, {}
    for msg in music.midi:  # type: ignore[attr-defined]
        now += msg.time
        key = (getattr(msg, "channel", -1), getattr(msg, "note", -1))
        if msg.type == "note_on" and msg.velocity:
            held[key] = now
        elif msg.type in ("note_on", "note_off") and key in held:
            start = held.pop(key)
            y = height - ((key[1] - 20) * 7 if key[0] != 9 else 4 + (key[1] % 24) * 3)
            colour = colours[key[0] % len(colours)] if key[0] != 9 else "#444444"
            draw.rectangle([start * px, y - 3, max(start * px + 2, now * px), y + 3], fill=colour)
    image.save(path)


def spectrogram(music: object, path: Path, seconds: float = 30.0) -> None:
    """A log-frequency spectrogram (50 Hz to 8 kHz) of the first ``seconds`` as a PNG."""
    from PIL import Image
    from scipy.signal import stft

    sr = music.sample_rate  # type: ignore[attr-defined]
    mono = music.audio[: round(seconds * sr)].mean(axis=1)  # type: ignore[attr-defined]
    freqs, _, z = stft(mono, sr, nperseg=4096, noverlap=4096 - 512)
    db = 20 * np.log10(np.abs(z) + 1e-7)
    rows = np.geomspace(50, 8000, 400)
    img = np.stack([db[np.argmin(np.abs(freqs - f))] for f in rows[::-1]])
    img = np.clip((img - img.max() + 80) / 80, 0, 1)
    Image.fromarray((img * 255).astype(np.uint8)).resize((1600, 400)).save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("styles", nargs="*", default=list(STYLES))
    parser.add_argument("--mood", default="calm", choices=list(MOODS))
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--png", type=Path, default=None, help="write piano rolls here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    compose_music(MusicRequest("pop", "calm", 4.0))  # warm-up: libraries, soundfont cache
    rows = []
    for style in args.styles:
        row, music = measure(style, args.mood, args.duration, args.seed)
        rows.append(row)
        if args.png:
            args.png.mkdir(parents=True, exist_ok=True)
            piano_roll(music, args.png / f"{style}-{args.mood}-roll.png")
            spectrogram(music, args.png / f"{style}-{args.mood}-spectrogram.png")
        if args.json:
            print(json.dumps(row), flush=True)
    if not args.json:
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
