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
from typing import TYPE_CHECKING

from persona.audio import commands as audio_commands
from persona.audio.music import commands as music_commands
from persona.compose import caption_commands
from persona.errors import InputError, PersonaError
from persona.moderation import commands as moderation_commands
from persona.provenance import commands as provenance_commands
from persona.scene import commands as scene_commands
from persona.service import commands as service_commands
from persona.types import RenderOptions, VideoSpec

if TYPE_CHECKING:
    from persona.pipeline import Finishing

DEMO_SCRIPT = "demo_script.txt"
DEMO_PORTRAIT = "astronaut.jpg"
MIN_SIDE, MAX_W, MAX_H = 256, 1920, 1920


def asset(name: str) -> Path:
    return Path(str(resources.files("persona") / "assets" / name))


SIZE_ALIASES = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (1080, 1080)}


def parse_size(text: str) -> tuple[int, int]:
    if text.strip() in SIZE_ALIASES:
        return SIZE_ALIASES[text.strip()]
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x720, not {text!r}") from None
    if min(w, h) < MIN_SIDE or max(w, h) > MAX_W or w % 2 or h % 2:
        raise argparse.ArgumentTypeError(
            f"size {w}x{h} not supported: even numbers, each side {MIN_SIDE}..{MAX_W}"
        )
    return w, h


DEFAULT_SIZE, DEFAULT_FPS = (1280, 720), 25
EXPORT_NAMES = "youtube, shorts, tiktok, reels, instagram, linkedin"
"""persona.media.presets.PRESETS, named here so that building the parser imports no codec."""


def _add_render_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--size",
        type=parse_size,
        default=None,
        help="WxH, or 16:9 (1280x720), 9:16 (720x1280), 1:1 (1080x1080); default 1280x720",
    )
    p.add_argument(
        "--export",
        default=None,
        metavar="SITE",
        help=f"encode for an upload site ({EXPORT_NAMES}): its size and frame rate unless "
        "--size/--fps say otherwise, key frames every 2 s, a bitrate cap, no MP4 edit list",
    )
    p.add_argument(
        "--shot",
        default="head-and-shoulders",
        choices=("close-up", "head-and-shoulders", "medium"),
        help="how a photo is framed (default head-and-shoulders)",
    )
    p.add_argument("--fps", type=int, default=None, choices=(24, 25, 30, 50, 60), help="default 25")
    p.add_argument("--voice", default=None, help="voice id (see `persona voices`)")
    p.add_argument(
        "--lang",
        default="auto",
        help="language code, e.g. en, hi, es; auto (default): the voice's, else detected; "
        "with --audio: the recording's (auto: the transcript's, else en)",
    )
    p.add_argument("--speed", type=float, default=1.0, help="speaking rate 0.5..2.0")
    p.add_argument("--pitch", type=float, default=0.0, help="pitch shift in semitones -12..12")
    p.add_argument("--volume", type=float, default=0.0, help="volume gain in dB -40..12")
    p.add_argument(
        "--emotion",
        default="neutral",
        help="neutral, happy, sad, angry, calm or excited (SSML <emotion> overrides it)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for blinks and head motion")
    p.add_argument("--preset", default="veryfast", help="x264 preset (default veryfast)")
    p.add_argument(
        "--background",
        default=None,
        help="replace the photo's background: #rrggbb, blur, blur:SIGMA or a picture",
    )
    p.add_argument("--json", action="store_true", help="JSON progress events on stderr")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    from persona.audio.commands import add_mix_arguments
    from persona.compose.caption_commands import add_caption_arguments

    add_caption_arguments(p)
    add_mix_arguments(p)
    from persona.watermark.commands import add_label_arguments

    add_label_arguments(p)


def _finishing(args: argparse.Namespace, spec: VideoSpec) -> Finishing:
    """The captions and soundtrack the render's options ask for, checked before any work."""
    from persona.audio.commands import mix_options_from_args, wants_mix
    from persona.compose.caption_commands import caption_request
    from persona.pipeline import Finishing

    return Finishing(
        captions=caption_request(args, (spec.width, spec.height), spec.fps),
        mix=mix_options_from_args(args) if wants_mix(args) else None,
    )


def _add_store_parsers(avatar_sub: argparse._SubParsersAction) -> None:
    create = avatar_sub.add_parser(
        "create", help="save a new avatar (photo, template, spec, video)"
    )
    source = create.add_mutually_exclusive_group(required=True)
    source.add_argument("--photo", help="a portrait photo")
    source.add_argument("--template", help="an illustrated template (see `avatars templates`)")
    source.add_argument("--spec", help="an illustrated avatar spec .json")
    source.add_argument("--video", help="a 15-120 s clip of the person talking")
    create.add_argument("--name", default=None, help="display name (default: from the source)")
    create.add_argument("--background", default=None, help="photo: #rrggbb, blur or a picture")
    create.add_argument(
        "--consent", default=None, help="photo/video: consent record id of the person shown"
    )
    create.add_argument("--subject", default=None, help="or a new consent: who is shown")
    create.add_argument("--statement", default=None, help="their consent, in their words")
    create.add_argument("--purpose", default=None, help="what the likeness may be used for")
    create.add_argument("--uploader", default=None, help="who uploads it (default: you)")
    create.add_argument("--transcript", default=None, help="video: what is said, as a .txt file")
    create.add_argument("--json", action="store_true")
    for name, text in (("list", "list saved avatars"), ("show", "one avatar and its versions")):
        cmd = avatar_sub.add_parser(name, help=text)
        if name == "show":
            cmd.add_argument("id")
        cmd.add_argument("--json", action="store_true")
    edit = avatar_sub.add_parser("edit", help="change an illustrated avatar (a new version)")
    edit.add_argument("id")
    edit.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="e.g. --set hair.style=bun --set clothing.colour=#204060 (repeatable)",
    )
    edit.add_argument("--name", default=None, help="rename the avatar")
    edit.add_argument("--json", action="store_true")
    delete = avatar_sub.add_parser("delete", help="delete a saved avatar and its files")
    delete.add_argument("id")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="persona", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="render the bundled demo script with the bundled portrait")
    demo.add_argument("-o", "--output", default="demo.mp4")
    _add_render_options(demo)

    render = sub.add_parser(
        "render", help="render a script (text or .txt/.md file), or a recording, to video"
    )
    render.add_argument(
        "script",
        nargs="?",
        default=None,
        help="the script text, or a .txt / .md file; with --audio: what the recording says",
    )
    render.add_argument(
        "--audio",
        default=None,
        metavar="FILE",
        help="make the avatar speak this recording (WAV, MP3, M4A, OGG, ... or a video "
        "with sound) instead of a script",
    )
    render.add_argument(
        "--transcript", default=None, metavar="FILE", help="with --audio: what is said (.txt)"
    )
    render.add_argument(
        "--avatar",
        required=True,
        help="saved avatar id (av_…, av_…@VERSION), portrait photo, template:NAME or spec .json",
    )
    render.add_argument("-o", "--output", required=True, help="output .mp4 or .webm")
    render.add_argument(
        "--cues-out",
        default=None,
        help="also write the mouth cues (Rhubarb shapes) to a .tsv, .json, .xml or .dat file",
    )
    _add_render_options(render)
    moderation_commands.add_argument(render)

    voices = sub.add_parser("voices", help="list the voices, or preview one")
    voice_sub = voices.add_subparsers(dest="voice_command")
    for listing in (voices, voice_sub.add_parser("list", help="list the voices")):
        listing.add_argument("--lang", default=None, help="only voices for this language")
        listing.add_argument("--json", action="store_true")
    preview = voice_sub.add_parser("preview", help="speak a text with one voice to a WAV file")
    preview.add_argument("voice")
    preview.add_argument("text", nargs="?", default="")
    preview.add_argument("-o", "--output", required=True)
    _add_match_parsers(voice_sub)
    _add_consent_parser(sub)

    avatars = sub.add_parser("avatars", help="avatar tools")
    avatar_sub = avatars.add_subparsers(dest="avatar_command", required=True)
    check = avatar_sub.add_parser("check", help="quality report for a portrait photo")
    check.add_argument("photo")
    check.add_argument("--json", action="store_true")
    listing = avatar_sub.add_parser("templates", help="list the illustrated avatar templates")
    listing.add_argument("--json", action="store_true", help="JSON, with each full spec")
    one = avatar_sub.add_parser("template", help="print one template's spec (JSON)")
    one.add_argument("name")
    tsheet = avatar_sub.add_parser("template-sheet", help="PNG with every template side by side")
    tsheet.add_argument("-o", "--output", default="templates.png")
    tsheet.add_argument("--tile", type=int, default=256, help="tile side in pixels (default 256)")
    _add_store_parsers(avatar_sub)

    sheet = sub.add_parser(
        "contact-sheet", help="PNG with one frame per viseme, a blink, a close-up"
    )
    sheet.add_argument(
        "--avatar", default=None, help="portrait, template:NAME or spec .json (default: bundled)"
    )
    sheet.add_argument("-o", "--output", default="contact-sheet.png")

    quality = sub.add_parser("quality", help="measure lip-sync lag and face fidelity of a video")
    quality.add_argument("video")
    quality.add_argument("--avatar", default=None, help="the portrait it was made from")
    quality.add_argument("--json", action="store_true")
    _add_lipsync_parser(sub)
    caption_commands.add_parser(sub)
    scene_commands.add_parser(sub)
    music_commands.add_parser(sub)
    audio_commands.add_parsers(sub)
    service_commands.add_parser(sub)
    provenance_commands.add_parser(sub)
    return parser


def _add_lipsync_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``persona lipsync``; Rhubarb Lip Sync's option names work too."""
    lip = sub.add_parser(
        "lipsync", help="mouth cues (Rhubarb Lip Sync shapes and formats) for a recording"
    )
    lip.add_argument("audio", help="WAV, OGG, MP3, FLAC, ... or a video with sound")
    lip.add_argument("-o", "--output", default=None, help="cue file (default: stdout)")
    lip.add_argument(
        "-f",
        "--format",
        "--exportFormat",
        dest="format",
        default=None,
        help="tsv, json, xml or dat (default: from the output's suffix, else tsv)",
    )
    lip.add_argument(
        "-d",
        "--dialog",
        "--dialogFile",
        default=None,
        metavar="TRANSCRIPT.txt",
        help="text file of what is said",
    )
    lip.add_argument(
        "--dat-frame-rate",
        "--datFrameRate",
        type=float,
        default=24.0,
        metavar="FPS",
        help="frame rate of a DAT file, 24-100 (default 24)",
    )
    lip.add_argument(
        "--preston-blair",
        "--datUsePrestonBlair",
        action="store_true",
        help="DAT with Preston Blair shape names (MBP, etc, E, AI, O, U, FV, L, rest)",
    )
    lip.add_argument(
        "--shapes",
        "--extendedShapes",
        default="ABCDEFGHX",
        metavar="LETTERS",
        help="shapes your character has: ABCDEFGHX (default); the optional G H X may go",
    )
    lip.add_argument(
        "-r",
        "--recognizer",
        default="auto",
        metavar="NAME",
        help="auto (default), align or phonetic",
    )
    lip.add_argument("--lang", default="en", help="language of the recording (default en)")
    lip.add_argument(
        "--machine-readable",
        "--machineReadable",
        action="store_true",
        help="JSON events on stderr: start, progress, done or failure",
    )
    lip.add_argument("-q", "--quiet", action="store_true", help=argparse.SUPPRESS)


def _add_match_parsers(voice_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    match = voice_sub.add_parser(
        "match", help="save a voice matched to a 10-60 s sample of someone, with consent"
    )
    match.add_argument("sample", help="recording of the person (wav, mp3, m4a, ogg, ...)")
    match.add_argument("--name", required=True, help="name of the new voice")
    match.add_argument("--subject", help="who is speaking in the sample")
    match.add_argument("--statement", help="their consent statement, in their words")
    match.add_argument("--purpose", help="what the voice may be used for")
    match.add_argument("--uploader", default=None, help="who uploads it (default: OS user)")
    match.add_argument("--consent", default=None, help="an existing consent id instead")
    match.add_argument("--json", action="store_true")
    delete = voice_sub.add_parser("delete", help="delete a matched voice")
    delete.add_argument("voice")


def _add_consent_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    consent = sub.add_parser("consent", help="create, list or revoke consent records")
    consent_sub = consent.add_subparsers(dest="consent_command", required=True)
    create = consent_sub.add_parser("create", help="record someone's consent to their likeness")
    create.add_argument("--kind", choices=("avatar", "voice"), required=True)
    create.add_argument("--subject", required=True, help="who is shown or heard")
    create.add_argument("--statement", required=True, help="their consent, in their words")
    create.add_argument("--purpose", default=None, help="what the likeness may be used for")
    create.add_argument("--uploader", default=None, help="who uploads it (default: you)")
    create.add_argument("--json", action="store_true")
    listing = consent_sub.add_parser("list", help="list the consent records")
    listing.add_argument("--kind", choices=("voice", "avatar"), default=None)
    listing.add_argument("--json", action="store_true")
    revoke = consent_sub.add_parser("revoke", help="revoke a consent: its voices stop working")
    revoke.add_argument("consent_id")


def _options(args: argparse.Namespace) -> RenderOptions:
    if not 0.5 <= args.speed <= 2.0:
        raise InputError(f"--speed must be between 0.5 and 2.0, not {args.speed}")
    if not -12.0 <= args.pitch <= 12.0:
        raise InputError(f"--pitch must be between -12 and 12 semitones, not {args.pitch}")
    if not -40.0 <= args.volume <= 12.0:
        raise InputError(f"--volume must be between -40 and 12 dB, not {args.volume}")
    from persona.voice.prosody import EMOTIONS

    emotion = args.emotion.strip().lower()
    if emotion not in EMOTIONS:
        raise InputError(f"--emotion must be one of {', '.join(EMOTIONS)}, not {args.emotion!r}")
    # The container follows the output's suffix (the pipeline sets it).
    if args.export:
        from persona.media.presets import get_preset

        export = get_preset(args.export)
        spec = export.video_spec(size=args.size, fps=args.fps, preset=args.preset)
    else:
        w, h = args.size or DEFAULT_SIZE
        spec = VideoSpec(width=w, height=h, fps=args.fps or DEFAULT_FPS, preset=args.preset)
    return RenderOptions(
        video=spec,
        voice=args.voice,
        lang=args.lang,
        speed=args.speed,
        seed=args.seed,
        background=args.background,
        shot=args.shot,
        pitch=args.pitch,
        volume=args.volume,
        emotion=emotion,
    )


def _render(
    args: argparse.Namespace, text: str | None, avatar: Path, audio: Path | None = None
) -> int:
    """Render ``text`` (TTS), or the recording ``audio`` with ``text`` as its transcript."""
    from persona.pipeline import render_audio, render_video
    from persona.progress import command_sink

    if text is not None:  # moderation: refuses a flagged script unless --moderation off
        moderation_commands.check_script(text, getattr(args, "moderation", None), _warn)
    cues_out = getattr(args, "cues_out", None)
    if cues_out:
        from persona.lipsync.commands import check_output

        check_output(Path(cues_out))
    options = _options(args)
    from dataclasses import replace

    from persona.watermark.commands import marks_from_args

    finishing = replace(_finishing(args, options.video), marks=marks_from_args(args, [avatar]))
    sink, bar = command_sink(args.json, args.quiet)
    started = time.perf_counter()
    if audio is not None:
        result = render_audio(
            audio,
            avatar,
            args.output,
            options,
            transcript=text,
            sink=sink,
            warn=_warn,
            finishing=finishing,
        )
    else:
        assert text is not None
        result = render_video(
            text, avatar, args.output, options, sink=sink, warn=_warn, finishing=finishing
        )
    if cues_out:
        from persona.lipsync.commands import write_cues_for_speech

        write_cues_for_speech(Path(cues_out), result.speech, result.path)
    wall = time.perf_counter() - started
    if bar is not None:
        bar.close()
    if args.export:
        from persona.media.presets import get_preset, length_warnings

        for message in length_warnings(get_preset(args.export), result.duration_ms):
            _warn(message)
    seconds = result.duration_ms / 1000
    if args.json:
        event = {
            "event": "done",
            "output": str(result.path),
            "duration_s": round(seconds, 3),
            "frames": result.n_frames,
            "lang": result.lang,
            "avatar": result.avatar,
            "wall_s": round(wall, 3),
            "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
            "captions": [str(f) for f in result.files],
            "provenance": str(result.provenance) if result.provenance else None,
        }
        sys.stderr.write(json.dumps(event) + "\n")
    elif not args.quiet:
        print(f"wrote {result.path} ({seconds:.1f} s of video, {result.lang}, in {wall:.1f} s)")
        for extra in (*result.files, *filter(None, [result.provenance])):
            print(f"wrote {extra}")
    return 0


def _warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def cmd_demo(args: argparse.Namespace) -> int:
    text = asset(DEMO_SCRIPT).read_text(encoding="utf-8")
    return _render(args, text, asset(DEMO_PORTRAIT))


def cmd_render(args: argparse.Namespace) -> int:
    from persona.script import load_script

    if args.audio is None:
        if args.script is None:
            raise InputError("give a script to speak, or a recording with --audio FILE")
        if args.transcript is not None:
            raise InputError("--transcript goes with --audio: a script is its own transcript")
        return _render(args, load_script(args.script), Path(args.avatar))
    _check_voice_options(args)
    if args.script is not None and args.transcript is not None:
        raise InputError("give the transcript once: as the script argument or as --transcript")
    if args.transcript is not None:
        from persona.lipsync.commands import read_dialog

        transcript: str | None = read_dialog(Path(args.transcript))
    else:
        transcript = load_script(args.script) if args.script is not None else None
    return _render(args, transcript, Path(args.avatar), Path(args.audio))


def _check_voice_options(args: argparse.Namespace) -> None:
    """With --audio nothing is synthesized: an option for the voice is a mistake."""
    given = [
        name
        for name, value, default in (
            ("--voice", args.voice, None),
            ("--speed", args.speed, 1.0),
            ("--pitch", args.pitch, 0.0),
            ("--volume", args.volume, 0.0),
            ("--emotion", args.emotion.strip().lower(), "neutral"),
        )
        if value != default
    ]
    if given:
        raise InputError(f"{', '.join(given)} shape(s) a synthesized voice; --audio uses yours")


def cmd_voices(args: argparse.Namespace) -> int:
    from persona.voice.commands import list_command, preview

    if args.voice_command == "preview":
        path = preview(args.voice, args.text, Path(args.output))
        print(f"wrote {path}")
        return 0
    if args.voice_command in ("match", "delete"):
        return _voices_match(args)
    print(list_command(args.lang, args.json))
    return 0


def _voices_match(args: argparse.Namespace) -> int:
    from persona.voice.match_commands import delete_command, match_command

    if args.voice_command == "delete":
        print(delete_command(args.voice))
        return 0
    _, report = match_command(
        Path(args.sample),
        args.name,
        subject=args.subject,
        statement=args.statement,
        purpose=args.purpose,
        uploader=args.uploader,
        consent_id=args.consent,
        as_json=args.json,
    )
    moderation_commands.warn_public_figure("voice", args.name, _warn)
    print(report)
    return 0


def cmd_consent(args: argparse.Namespace) -> int:
    from persona.voice.match_commands import (
        consent_create_command,
        consent_list_command,
        consent_revoke_command,
    )

    if args.consent_command == "create":
        _, text = consent_create_command(
            args.kind, args.subject, args.statement, args.purpose, args.uploader, args.json
        )
        print(text)
    elif args.consent_command == "revoke":
        print(consent_revoke_command(args.consent_id))
    else:
        print(consent_list_command(args.kind, args.json))
    return 0


def cmd_avatars(args: argparse.Namespace) -> int:
    """``persona avatars check``: exit 0 when the photo passes or only warns, 2 on a fail."""
    from persona.avatar.creator import commands as creator
    from persona.avatar.quality import check_photo_file

    if args.avatar_command == "templates":
        print(creator.templates_command(args.json))
        return 0
    if args.avatar_command == "template":
        print(creator.template_command(args.name))
        return 0
    if args.avatar_command == "template-sheet":
        print(f"wrote {creator.template_sheet_command(Path(args.output), args.tile)}")
        return 0

    if args.avatar_command in ("create", "list", "show", "edit", "delete"):
        return _avatar_store_command(args)
    report = check_photo_file(Path(args.photo))
    print(json.dumps(report.as_dict(), indent=2) if args.json else report.table())
    return 2 if report.status == "fail" else 0


def _avatar_store_command(args: argparse.Namespace) -> int:
    from persona.avatar import commands
    from persona.avatar.store import AvatarStore
    from persona.progress import JsonSink

    if args.avatar_command == "create":
        sink = JsonSink(sys.stderr) if args.json else None
        record, note = commands.create_command(
            photo=args.photo,
            template=args.template,
            spec=args.spec,
            video=args.video,
            name=args.name,
            background=args.background,
            consent=commands.ConsentOptions(
                args.consent, args.subject, args.statement, args.purpose, args.uploader
            ),
            transcript=args.transcript,
            sink=sink,
        )
        moderation_commands.warn_public_figure("avatar", record.name, _warn)
        if args.json:
            print(json.dumps({**commands.summary(record), "note": note}, indent=2))
        else:
            print(f"created {record.id} ({record.kind} avatar {record.name!r}, {note})")
    elif args.avatar_command == "list":
        print(commands.list_command(args.json))
    elif args.avatar_command == "show":
        print(commands.show_command(args.id, args.json))
    elif args.avatar_command == "edit":
        from persona.avatar.library import edit_creator_avatar

        store = AvatarStore()
        record = store.get(args.id)
        if args.settings:
            record = edit_creator_avatar(args.id, args.settings, store=store)
        if args.name:
            record = store.rename(args.id, args.name)
        elif not args.settings:
            raise InputError("nothing to change: give --set FIELD=VALUE or --name")
        if args.json:
            print(json.dumps(commands.summary(record), indent=2))
        else:
            print(f"{record.id} is now at version {record.latest.version}")
    else:
        AvatarStore().delete(args.id)
        print(f"deleted {args.id}")
    return 0


def cmd_contact_sheet(args: argparse.Namespace) -> int:
    from persona.quality import contact_sheet

    avatar = args.avatar if args.avatar else asset(DEMO_PORTRAIT)
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


def cmd_lipsync(args: argparse.Namespace) -> int:
    from persona.lipsync.commands import LipsyncOptions, run_command

    options = LipsyncOptions(
        fmt=args.format,
        shapes=args.shapes,
        dat_fps=args.dat_frame_rate,
        preston_blair=args.preston_blair,
        recognizer=args.recognizer,
        lang=args.lang,
        dialog=Path(args.dialog) if args.dialog else None,
    )
    return run_command(args.audio, args.output, options, args.machine_readable)


COMMANDS = {
    "demo": cmd_demo,
    "render": cmd_render,
    "voices": cmd_voices,
    "consent": cmd_consent,
    "avatars": cmd_avatars,
    "contact-sheet": cmd_contact_sheet,
    "quality": cmd_quality,
    "lipsync": cmd_lipsync,
    "subtitle": caption_commands.run,
    "scene": scene_commands.run,
    "music": music_commands.run,
    "mix": audio_commands.run,
    "recite": audio_commands.run,
    "users": service_commands.run,
    "keys": service_commands.run,
    "db": service_commands.run,
    "serve": service_commands.run,
    "worker": service_commands.run,
    "verify": provenance_commands.run,
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
