"""``persona music``: compose music to a WAV file, or list the styles and moods.

persona music --style yaman --mood calm --duration 60 [--tempo BPM] [--key D]
              [--seed 7] [--loop] [--midi bed.mid] -o bed.wav
persona music --list [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from persona.errors import InputError, OutputPathError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    music = sub.add_parser("music", help="compose music offline (MIDI + FluidSynth) to a WAV file")
    music.add_argument("--style", default=None, help="a style (see --list), e.g. yaman, pop, jazz")
    music.add_argument("--mood", default="calm", help="calm (default), uplifting, tense or sad")
    music.add_argument("--duration", type=float, default=60.0, help="seconds, exact (default 60)")
    music.add_argument("--tempo", type=float, default=None, help="BPM 30..300 (default: by mood)")
    music.add_argument("--key", default=None, help="tonic (Sa for ragas): C, F#, Bb, Am...")
    music.add_argument("--seed", type=int, default=0, help="same seed, same music (default 0)")
    music.add_argument("--loop", action="store_true", help="make the end join the start seamlessly")
    music.add_argument("--sample-rate", type=int, default=48000, help="44100 or 48000 (default)")
    music.add_argument("--midi", default=None, metavar="FILE.mid", help="also write the MIDI score")
    music.add_argument("-o", "--output", default=None, help="output .wav (16-bit stereo)")
    music.add_argument("--list", action="store_true", help="list the styles and moods")
    music.add_argument("--json", action="store_true", help="machine-readable output")
    music.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")


def run(args: argparse.Namespace) -> int:
    """Run ``persona music``; :class:`InputError` for bad options before any work."""
    if args.list:
        print(list_text(args.json))
        return 0
    if not args.style:
        raise InputError("give a --style (persona music --list shows them)")
    if not args.output:
        raise InputError("give an output file: -o music.wav")
    from persona.audio.music.compose import check_request
    from persona.audio.music.types import MusicRequest

    request = MusicRequest(
        style=args.style,
        mood=args.mood,
        duration_s=args.duration,
        tempo=args.tempo,
        key=args.key,
        seed=args.seed,
        loop=args.loop,
        sample_rate=args.sample_rate,
    )
    check_request(request)
    out = _checked(Path(args.output), ".wav")
    midi_out = _checked(Path(args.midi), ".mid") if args.midi else None
    summary = write_music(request, out, midi_out)
    if args.json:
        print(json.dumps(summary))
    elif not args.quiet:
        s = summary
        print(
            f"wrote {out} ({s['duration_s']:.3f} s, {s['style']}, {s['mood']}, {s['key']} "
            f"{s['mode']}, {s['bpm']:g} BPM, {s['lufs']:.1f} LUFS)"
        )
    return 0


def _checked(path: Path, suffix: str) -> Path:
    from persona.media.output import ensure_file_writable

    if path.suffix.lower() != suffix:
        raise OutputPathError(f"cannot write {path}: the file must end in {suffix}")
    return ensure_file_writable(path)


def write_music(request: Any, out: Path, midi_out: Path | None = None) -> dict[str, Any]:
    """Compose ``request`` and write it to ``out`` (and its score to ``midi_out``); each
    file appears complete or not at all. Returns a summary."""
    import numpy as np
    from scipy.io import wavfile

    from persona.audio.music.compose import compose_music
    from persona.media.output import create_temp_beside, discard, publish

    music = compose_music(request)
    pcm = np.round(np.clip(music.audio, -1.0, 1.0) * 32767.0).astype("<i2")
    for path, write in (
        (out, lambda p: wavfile.write(p, music.sample_rate, pcm)),
        (midi_out, lambda p: music.midi.save(filename=str(p))),
    ):
        if path is None:
            continue
        temp = create_temp_beside(path)
        try:
            write(temp)
            publish(temp, path)
        except OSError as exc:
            raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}") from exc
        finally:
            discard(temp)
    return {
        "output": str(out),
        "midi": str(midi_out) if midi_out else None,
        "style": music.style,
        "mood": music.mood,
        "key": music.key,
        "mode": music.mode,
        "bpm": music.bpm,
        "duration_s": music.duration_s,
        "samples": len(music.audio),
        "sample_rate": music.sample_rate,
        "loop": music.loop,
        "seed": music.seed,
        "lufs": round(music.lufs, 2),
    }


def list_text(as_json: bool) -> str:
    """The styles (with family, description, tempo ranges) and the moods."""
    from persona.audio.music.brief import MOODS
    from persona.audio.music.styles import STYLES

    if as_json:
        styles = [
            {
                "name": s.name,
                "family": s.family,
                "description": s.description,
                "default_key": s.default_key,
                "tempo_bpm": {m: list(r) for m, r in s.tempo.items()},
            }
            for s in STYLES.values()
        ]
        moods = [{"name": m.name, "description": m.description} for m in MOODS.values()]
        return json.dumps({"styles": styles, "moods": moods}, indent=2)
    width = max(len(s) for s in STYLES)
    lines = ["STYLES"]
    lines += [f"  {s.name:<{width}}  {s.family:<18} {s.description}" for s in STYLES.values()]
    lines += ["", "MOODS"]
    lines += [f"  {m.name:<{width}}  {m.description}" for m in MOODS.values()]
    return "\n".join(lines)
