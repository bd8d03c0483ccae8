"""The ``persona`` command.

Errors the user can fix print one line and exit 2; failures of an engine print one line
and exit 1; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from persona.errors import InputError, PersonaError
from persona.types import RenderOptions, VideoSpec

DEMO_SCRIPT = "demo_script.txt"
DEMO_PORTRAIT = "astronaut.jpg"
MIN_SIDE, MAX_W, MAX_H = 256, 1920, 1920


def asset(name: str) -> Path:
    return Path(str(resources.files("persona") / "assets" / name))


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x720, not {text!r}") from None
    if min(w, h) < MIN_SIDE or max(w, h) > MAX_W or w % 2 or h % 2:
        raise argparse.ArgumentTypeError(
            f"size {w}x{h} not supported: even numbers, each side {MIN_SIDE}..{MAX_W}"
        )
    return w, h


def _add_render_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--size", type=parse_size, default=(1280, 720), help="WxH (default 1280x720)")
    p.add_argument("--fps", type=int, default=25, choices=(24, 25, 30, 50, 60))
    p.add_argument("--voice", default=None, help="voice id (see `persona voices`)")
    p.add_argument("--lang", default="en", help="language code, e.g. en, hi, es (default en)")
    p.add_argument("--speed", type=float, default=1.0, help="speaking rate 0.5..2.0")
    p.add_argument("--seed", type=int, default=0, help="seed for blinks and head motion")
    p.add_argument("--preset", default="veryfast", help="x264 preset (default veryfast)")
    p.add_argument(
        "--background",
        default=None,
        help="replace the photo's background: #rrggbb, blur, blur:SIGMA or a picture",
    )
    p.add_argument("--json", action="store_true", help="JSON progress events on stderr")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="persona", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="render the bundled demo script with the bundled portrait")
    demo.add_argument("-o", "--output", default="demo.mp4")
    _add_render_options(demo)

    render = sub.add_parser("render", help="render a script (text or .txt/.md file) to video")
    render.add_argument("script", help="the script text, or a .txt / .md file")
    render.add_argument("--avatar", required=True, help="portrait photo (jpg, png, webp, ...)")
    render.add_argument("-o", "--output", required=True, help="output .mp4 or .webm")
    _add_render_options(render)

    voices = sub.add_parser("voices", help="list the voices, or preview one")
    voice_sub = voices.add_subparsers(dest="voice_command")
    for listing in (voices, voice_sub.add_parser("list", help="list the voices")):
        listing.add_argument("--lang", default=None, help="only voices for this language")
        listing.add_argument("--json", action="store_true")
    preview = voice_sub.add_parser("preview", help="speak a text with one voice to a WAV file")
    preview.add_argument("voice")
    preview.add_argument("text", nargs="?", default="")
    preview.add_argument("-o", "--output", required=True)

    avatars = sub.add_parser("avatars", help="avatar tools")
    avatar_sub = avatars.add_subparsers(dest="avatar_command", required=True)
    check = avatar_sub.add_parser("check", help="quality report for a portrait photo")
    check.add_argument("photo")
    check.add_argument("--json", action="store_true")

    sheet = sub.add_parser(
        "contact-sheet", help="PNG with one frame per viseme, a blink, a close-up"
    )
    sheet.add_argument("--avatar", default=None, help="portrait (default: the bundled one)")
    sheet.add_argument("-o", "--output", default="contact-sheet.png")

    quality = sub.add_parser("quality", help="measure lip-sync lag and face fidelity of a video")
    quality.add_argument("video")
    quality.add_argument("--avatar", default=None, help="the portrait it was made from")
    quality.add_argument("--json", action="store_true")
    return parser


def _options(args: argparse.Namespace) -> RenderOptions:
    if not 0.5 <= args.speed <= 2.0:
        raise InputError(f"--speed must be between 0.5 and 2.0, not {args.speed}")
    w, h = args.size
    # The container follows the output's suffix (the pipeline sets it).
    spec = VideoSpec(width=w, height=h, fps=args.fps, preset=args.preset)
    return RenderOptions(
        video=spec,
        voice=args.voice,
        lang=args.lang,
        speed=args.speed,
        seed=args.seed,
        background=args.background,
    )


def _render(args: argparse.Namespace, text: str, avatar: Path) -> int:
    from persona.pipeline import render_video
    from persona.progress import BarSink, JsonSink, ProgressSink

    bar: BarSink | None = None
    sink: ProgressSink | None = None
    if args.json:
        sink = JsonSink(sys.stderr)
    elif not args.quiet:
        sink = bar = BarSink(sys.stderr)
    started = time.perf_counter()
    result = render_video(text, avatar, args.output, _options(args), sink=sink, warn=_warn)
    wall = time.perf_counter() - started
    if bar is not None:
        bar.close()
    seconds = result.n_frames / args.fps
    if args.json:
        event = {
            "event": "done",
            "output": str(result.path),
            "duration_s": round(seconds, 3),
            "frames": result.n_frames,
            "wall_s": round(wall, 3),
            "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
        }
        sys.stderr.write(json.dumps(event) + "\n")
    elif not args.quiet:
        print(f"wrote {result.path} ({seconds:.1f} s of video in {wall:.1f} s)")
    return 0


def _warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def cmd_demo(args: argparse.Namespace) -> int:
    text = asset(DEMO_SCRIPT).read_text(encoding="utf-8")
    return _render(args, text, asset(DEMO_PORTRAIT))


def cmd_render(args: argparse.Namespace) -> int:
    from persona.script import load_script

    return _render(args, load_script(args.script), Path(args.avatar))


def cmd_voices(args: argparse.Namespace) -> int:
    from persona.voice.commands import list_command, preview

    if args.voice_command == "preview":
        path = preview(args.voice, args.text, Path(args.output))
        print(f"wrote {path}")
        return 0
    print(list_command(args.lang, args.json))
    return 0


def cmd_avatars(args: argparse.Namespace) -> int:
    """``persona avatars check``: exit 0 when the photo passes or only warns, 2 on a fail."""
    from persona.avatar.quality import check_photo_file

    report = check_photo_file(Path(args.photo))
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.table())
    return 2 if report.status == "fail" else 0


def cmd_contact_sheet(args: argparse.Namespace) -> int:
    from persona.quality import contact_sheet

    avatar = Path(args.avatar) if args.avatar else asset(DEMO_PORTRAIT)
    contact_sheet(avatar, Path(args.output))
    print(f"wrote {args.output}")
    return 0


def cmd_quality(args: argparse.Namespace) -> int:
    from persona.quality import measure_video

    avatar = Path(args.avatar) if args.avatar else asset(DEMO_PORTRAIT)
    report = measure_video(Path(args.video), avatar)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(report.table())
    return 0


COMMANDS = {
    "demo": cmd_demo,
    "render": cmd_render,
    "voices": cmd_voices,
    "avatars": cmd_avatars,
    "contact-sheet": cmd_contact_sheet,
    "quality": cmd_quality,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("GLOG_minloglevel", "2")  # quiet MediaPipe's C++ logging
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        return COMMANDS[args.command](args)
    except PersonaError as exc:
        if args.debug:
            raise
        sys.stderr.write(f"\nerror: {exc}\n")
        return 2 if isinstance(exc, InputError) else 1
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return 130
    except BrokenPipeError:  # e.g. `persona voices | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
