"""The ``persona mix`` and ``persona recite`` commands, and the mix options of renders.

    persona mix voice.wav [--music STYLE|FILE] [--music-volume -18] [--no-duck]
                [--loudness -14] [--voice-chain broadcast] -o out.wav
    persona recite verses.txt [--lang hi] [--tonic C#3] [--avatar X] -o out.wav|out.mp4

    add_parsers(sub); run(args) → exit code               (the CLI's registration)
    add_mix_arguments(parser); mix_options_from_args(args) → MixOptions
    mix_command(voice file, output .wav, MixOptions) → text to print
    recite_command(verses, output, ReciteOptions, avatar=None) → text to print

They return results and raise :class:`~persona.errors.PersonaError` subclasses; printing
and exit codes belong to the CLI. Outputs appear complete or not at all.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from persona.audio.effects import VOICE_CHAINS
from persona.errors import InputError, OutputPathError

if TYPE_CHECKING:
    from persona.audio.mix import MixOptions
    from persona.audio.recite import Recitation, ReciteOptions

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".webm")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``persona mix`` and ``persona recite``."""
    mix = sub.add_parser("mix", help="mix a voice recording with music, ducked, to a loudness")
    mix.add_argument("voice", help="the voice: WAV, MP3, M4A, OGG, ... or a video with sound")
    mix.add_argument("-o", "--output", required=True, help="output .wav")
    add_mix_arguments(mix)
    recite = sub.add_parser(
        "recite", help="chant slokas, sahasranamas or poems over a tanpura drone"
    )
    add_recite_arguments(recite)


def run(args: argparse.Namespace) -> int:
    """Run ``persona mix`` or ``persona recite``; prints one summary line."""
    if args.command == "mix":
        print(mix_command(args.voice, args.output, mix_options_from_args(args)))
    else:
        options = recite_options_from_args(args)
        print(recite_command(args.verses, args.output, options, args.avatar))
    return 0


DEFAULT_VOICE_CHAIN = "broadcast"


def loudness_arg(text: str) -> float | None:
    """``--loudness`` value: LUFS as a number, or ``off``."""
    if text.strip().lower() in ("off", "none"):
        return None
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"loudness must be a LUFS value such as -14, or off; not {text!r}"
        ) from None


def add_mix_arguments(parser: argparse.ArgumentParser) -> None:
    """The soundtrack options: ``--music``, ``--music-volume``, ``--no-duck``,
    ``--duck``, ``--loudness``, ``--voice-chain``, ``--music-seed``, ``--music-mood``."""
    group = parser.add_argument_group("soundtrack")
    group.add_argument(
        "--music", default=None, help="a music style (e.g. yaman, lofi) or an audio file"
    )
    group.add_argument(
        "--music-volume",
        type=float,
        default=-18.0,
        metavar="DB",
        help="music level relative to the voice, 0 or less (default -18)",
    )
    group.add_argument(
        "--duck", type=float, default=12.0, metavar="DB", help="music dips under speech (12)"
    )
    group.add_argument("--no-duck", action="store_true", help="keep the music level steady")
    group.add_argument(
        "--loudness",
        type=loudness_arg,
        default=argparse.SUPPRESS,  # absent unless given: see wants_mix
        metavar="LUFS",
        help="integrated loudness: -14 web video (default), -16 podcast, or off",
    )
    group.add_argument(
        "--voice-chain",
        default=None,
        metavar="NAME",
        help=f"voice effects: {', '.join(VOICE_CHAINS)} or none (default broadcast: "
        "EQ and compression, so the voice reaches the loudness target without heavy limiting)",
    )
    group.add_argument("--music-seed", type=int, default=0, help="seed of generated music")
    group.add_argument("--music-mood", default=None, help="mood of generated music")


def wants_mix(args: argparse.Namespace) -> bool:
    """Whether a render was given any soundtrack option (``--music``, ``--voice-chain``,
    ``--loudness``); without them its speech goes to the video as it was made."""
    return args.music is not None or args.voice_chain is not None or hasattr(args, "loudness")


def mix_options_from_args(args: argparse.Namespace) -> MixOptions:
    """:class:`MixOptions` from :func:`add_mix_arguments`' options, checked (the music
    file exists, the style is known). Raises :class:`~persona.errors.InputError`."""
    from persona.audio.mix import WEB_LUFS, MixOptions

    return MixOptions(
        music=args.music,
        music_volume_db=args.music_volume,
        duck=not args.no_duck,
        duck_db=args.duck,
        loudness_lufs=getattr(args, "loudness", WEB_LUFS),
        voice_chain=_chain(args.voice_chain),
        music_seed=args.music_seed,
        music_mood=args.music_mood,
    ).check()


def _chain(name: str | None) -> str | None:
    """``--voice-chain``: a chain's name, ``none`` for none; broadcast when not given."""
    if name is None:
        return DEFAULT_VOICE_CHAIN
    return None if name.strip().lower() == "none" else name


def add_recite_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``persona recite``."""
    parser.add_argument("verses", help="the verses, or a .txt file of them")
    parser.add_argument("-o", "--output", required=True, help=".wav, or .mp4/.webm with --avatar")
    parser.add_argument(
        "--lang",
        default="hi",
        help="language (default hi; sa: Sanskrit, read with the Hindi voice)",
    )
    parser.add_argument("--voice", default=None, help="voice id (default: the language's)")
    parser.add_argument("--avatar", default=None, help="for a video: an avatar (as in render)")
    parser.add_argument(
        "--tonic", default=None, help="Sa as a note, e.g. C#3 (default: the voice's)"
    )
    parser.add_argument("--rate", type=float, default=0.8, help="speaking rate 0.5..1.2 (0.8)")
    parser.add_argument(
        "--drone-volume", type=float, default=-8.0, metavar="DB", help="tanpura vs voice (-8)"
    )
    parser.add_argument("--no-drone", action="store_true", help="no tanpura")
    parser.add_argument(
        "--voice-chain",
        default="temple",
        help=f"voice effects: {', '.join(VOICE_CHAINS)} or none (default temple)",
    )
    parser.add_argument("--loudness", type=float, default=-14.0, metavar="LUFS")
    parser.add_argument("--seed", type=int, default=0)


def recite_options_from_args(args: argparse.Namespace) -> ReciteOptions:
    from persona.audio.recite import ReciteOptions

    chain = None if args.voice_chain.strip().lower() == "none" else args.voice_chain
    tonic: str | int | None = args.tonic
    if isinstance(tonic, str) and tonic.strip().isdigit():
        tonic = int(tonic)
    return ReciteOptions(
        lang=args.lang,
        voice=args.voice,
        rate=args.rate,
        tonic=tonic,
        drone_volume_db=None if args.no_drone else args.drone_volume,
        voice_chain=chain,
        loudness_lufs=args.loudness,
        seed=args.seed,
    )


def _wav_output(path: Path) -> Path:
    from persona.media.output import ensure_file_writable

    if path.suffix.lower() != ".wav":
        raise OutputPathError(f"cannot write {path}: the sound is written as a .wav file")
    return ensure_file_writable(path)


def write_wav_atomically(path: Path, audio: np.ndarray, sample_rate: int) -> None:
    """Write ``audio`` (mono) to ``path`` through a temporary file beside it."""
    from persona.media import write_wav
    from persona.media.output import create_temp_beside, discard, publish

    temp = create_temp_beside(path)
    try:
        write_wav(temp, audio, sample_rate)
        publish(temp, path)
    finally:
        discard(temp)


def mix_command(voice: str, output: str, options: MixOptions) -> str:
    """Mix the recording ``voice`` with ``options``' music into the WAV file ``output``;
    returns a summary line (loudness, true peak, ducking)."""
    from persona.audio.mix import mix
    from persona.media.audio import read_audio_file

    out = _wav_output(Path(output))
    options.check()
    audio, rate = read_audio_file(voice)
    result = mix(audio, rate, options)
    write_wav_atomically(out, result.audio, result.sample_rate)
    report = result.loudness
    seconds = len(result.audio) / result.sample_rate
    return (
        f"wrote {out} ({seconds:.1f} s, {_number(report.lufs)} LUFS, "
        f"true peak {_number(report.true_peak_dbtp)} dBTP)"
    )


def _number(value: float) -> str:
    return "-inf" if value == -math.inf else f"{value:.1f}"


def recite_command(
    verses: str, output: str, options: ReciteOptions, avatar: str | None = None
) -> str:
    """Recite ``verses`` (text, or a .txt file) into ``output``: a WAV file or, with an
    ``avatar``, a video (:func:`persona.pipeline.render_speech` lip-syncs the avatar to
    :meth:`~persona.audio.recite.Recitation.as_speech`). Returns a summary line."""
    from persona.audio.recite import recite
    from persona.script import load_script

    out = Path(output)
    is_video = out.suffix.lower() in VIDEO_SUFFIXES
    if is_video:
        from persona.media import ensure_writable

        if avatar is None:
            raise InputError(f"a video ({out.name}) needs --avatar; or write a .wav file")
        ensure_writable(out)
    else:
        _wav_output(out)
    recitation = recite(load_script(verses), options)
    if is_video:
        from persona.pipeline import render_speech
        from persona.types import RenderOptions

        assert avatar is not None
        render_speech(recitation.as_speech(), avatar, out, RenderOptions(lang=options.lang))
    else:
        write_wav_atomically(out, recitation.audio, recitation.sample_rate)
    return _recited(out, recitation)


def _recited(out: Path, recitation: Recitation) -> str:
    from persona.audio.music.theory import note_name

    verses = len({line.verse for line in recitation.lines})
    seconds = len(recitation.audio) / recitation.sample_rate
    tonic = f"{note_name(recitation.tonic % 12)}{recitation.tonic // 12 - 1}"
    return (
        f"wrote {out} ({seconds:.1f} s, {verses} verses, {len(recitation.lines)} lines, "
        f"Sa = {tonic}, {_number(recitation.loudness.lufs)} LUFS)"
    )
