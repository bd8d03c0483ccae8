"""``persona scene DIALOGUE --scene SCENE.yaml -o OUT.mp4``: a conversation of 2-4 avatars.

Command-line options override the scene file's size, frame rate and layout.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from persona.pipeline import Finishing
    from persona.scene.model import SceneResult, SceneSpec

SCENE_HELP = "render a conversation of 2-4 avatars (podcast style) from a dialogue script"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from persona.cli import parse_size
    from persona.compose.layouts import ALIASES, LAYOUTS

    p = sub.add_parser("scene", help=SCENE_HELP, description=SCENE_HELP)
    p.add_argument("dialogue", help="dialogue script (.txt): lines of 'NAME: text'")
    p.add_argument(
        "--scene", required=True, help="scene file (.yaml or .json): speakers, layout, look"
    )
    p.add_argument("-o", "--output", required=True, help="output .mp4 or .webm")
    p.add_argument(
        "--size",
        type=parse_size,
        default=None,
        help="WxH, 16:9, 9:16 or 1:1 (default: the scene file's)",
    )
    p.add_argument("--fps", type=int, default=None, choices=(24, 25, 30, 50, 60))
    p.add_argument(
        "--layout",
        default=None,
        metavar="LAYOUT",
        help=f"override the scene file's layout: {', '.join(LAYOUTS)} (or {', '.join(ALIASES)})",
    )
    p.add_argument("--seed", type=int, default=None, help="seed for gaps, blinks and head motion")
    p.add_argument("--preset", default="veryfast", help="x264 preset (default veryfast)")
    p.add_argument("--json", action="store_true", help="JSON progress events on stderr")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    from persona.audio.commands import add_mix_arguments
    from persona.compose.caption_commands import add_caption_arguments

    add_caption_arguments(p)
    add_mix_arguments(p)
    from persona.watermark.commands import add_label_arguments

    add_label_arguments(p)
    from persona.moderation import commands as moderation

    moderation.add_argument(p)


def run(args: argparse.Namespace) -> int:
    from persona.compose.layouts import check_speaker_count, layout_name
    from persona.progress import command_sink
    from persona.scene.config import load_scene
    from persona.scene.render import render_scene
    from persona.script import load_script

    scene = load_scene(args.scene)
    changes: dict[str, Any] = {}
    if args.size is not None:
        changes["width"], changes["height"] = args.size
    if args.fps is not None:
        changes["fps"] = args.fps
    if args.seed is not None:
        changes["seed"] = args.seed
    if args.layout is not None:
        changes["layout"] = layout_name(args.layout)
        check_speaker_count(changes["layout"], len(scene.speakers))
    scene = replace(scene, **changes)
    text = load_script(args.dialogue)
    from persona.cli import _warn
    from persona.moderation import commands as moderation
    from persona.scene.screening import spec_texts

    moderation.check_script(text, args.moderation, _warn)  # refuses a flagged dialogue
    for where, shown in spec_texts(scene):  # the title card, the lower thirds
        moderation.check_script(shown, args.moderation, _warn, f"the scene's {where}")
    finishing = _finishing(args, scene)
    sink, bar = command_sink(args.json, args.quiet)
    started = time.perf_counter()
    result = render_scene(
        text, scene, args.output, preset=args.preset, sink=sink, warn=_warn, finishing=finishing
    )
    wall = time.perf_counter() - started
    if bar is not None:
        bar.close()
    seconds = result.n_frames / result.fps
    if args.json:
        sys.stderr.write(json.dumps(done_event(result, wall)) + "\n")
    elif not args.quiet:
        print(
            f"wrote {result.path} ({seconds:.1f} s, {len(result.conversation.turns)} turns, "
            f"{len(result.shots)} shots, in {wall:.1f} s)"
        )
    return 0


def _finishing(args: argparse.Namespace, scene: SceneSpec) -> Finishing:
    """The captions and soundtrack asked for, checked before any work."""
    from persona.audio.commands import mix_options_from_args, wants_mix
    from persona.compose.caption_commands import caption_request
    from persona.pipeline import Finishing
    from persona.watermark.commands import marks_from_args

    return Finishing(
        captions=caption_request(args, (scene.width, scene.height), scene.fps),
        mix=mix_options_from_args(args) if wants_mix(args) else None,
        marks=marks_from_args(args, [s.avatar for s in scene.speakers]),
    )


def done_event(result: SceneResult, wall: float) -> dict[str, Any]:
    """The final ``--json`` event: the file, its length, the shot list and timings."""
    fps = result.fps
    return {
        "event": "done",
        "output": str(result.path),
        "duration_s": round(result.n_frames / fps, 3),
        "frames": result.n_frames,
        "speakers": [s.id for s in result.speakers],
        "turns": len(result.conversation.turns),
        "shots": [
            {
                "start_s": round(s.start / fps, 3),
                "end_s": round(s.end / fps, 3),
                "kind": s.kind,
                "regions": [
                    {
                        "speaker": result.speakers[r.speaker].id,
                        "x": r.rect.x,
                        "y": r.rect.y,
                        "w": r.rect.w,
                        "h": r.rect.h,
                    }
                    for r in s.regions
                ],
            }
            for s in result.shots
        ],
        "wall_s": round(wall, 3),
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
    }


def _warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")
