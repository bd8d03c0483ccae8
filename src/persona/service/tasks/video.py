"""Video tasks: ``video_generation`` (a script or a recording spoken by one avatar) and
``podcast_video`` (a dialogue of 2-4 avatars in a scene).

Parameters of ``video_generation`` (JSON)::

    script | audio      the text to speak, or an uploaded recording's asset id
    transcript         what the recording says (with ``audio``)
    avatar             template:NAME, a saved av_…[@N] of the user, or an uploaded photo's asset id
    voice, lang, speed, pitch, volume, emotion       as ``persona render``
    size "256x256" | "16:9" | …, fps, preset ("veryfast"), format "mp4" | "webm"
    background         "#rrggbb", "blur" or "blur:SIGMA"
    captions           ["burn", "srt", "vtt", "track"]: srt/vtt files are stored beside the video
    music, music_volume   a music style (``persona music --list``) mixed under the voice

Nothing in the parameters names a file on the server: files come only as asset ids.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from persona.errors import InputError
from persona.service.jobs.states import JobState
from persona.service.tasks.context import (
    OutputFile,
    TaskContext,
    TaskOutput,
    param,
    pipeline_sink,
    text_param,
)
from persona.types import RenderOptions, VideoSpec

CONTENT_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
CAPTION_FILES = {"srt": "application/x-subrip", "vtt": "text/vtt"}
CAPTION_KINDS = ("burn", "srt", "vtt", "track")
PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium")
RENDER_SPAN = (0.0, 0.9)
"""The share of a job's progress the pipeline reports; post-processing and upload follow."""


OPTION_KEYS = frozenset(
    {"size", "fps", "preset", "format", "background", "captions", "music", "music_volume",
     "speed", "pitch", "volume", "emotion", "seed", "shot"}
)  # fmt: skip
"""The render options a request may set besides script, audio, avatar, voice and lang."""


def check_video_params(params: Mapping[str, Any]) -> tuple[RenderOptions, Any]:
    """The render options and finishing of a ``video_generation`` job, checked without
    doing any work: a bad request fails when it is submitted."""
    script, audio_id = text_param(params, "script"), param(params, "audio", str)
    if (script is None) == (audio_id is None):
        raise InputError("give either 'script' (text to speak) or 'audio' (an uploaded file)")
    options = render_options(params)
    if options.voice is not None:
        from persona.voice import get_voice

        get_voice(options.voice, None)
    return options, _finishing(params, options.video)


def video_generation(ctx: TaskContext) -> TaskOutput:
    params = ctx.params
    script, audio_id = text_param(params, "script"), param(params, "audio", str)
    options, finishing = check_video_params(params)
    avatar = avatar_ref(ctx, param(params, "avatar", str, "template:maya"))
    output = ctx.workdir / f"video.{options.video.container}"
    sink = pipeline_sink(ctx.progress, *RENDER_SPAN)
    from persona.pipeline import render_audio, render_video

    if audio_id is not None:
        recording = ctx.fetch_asset(audio_id, "recording", ("audio", "video"))
        transcript = text_param(params, "transcript")
        result = render_audio(
            recording, avatar, output, options, transcript=transcript, sink=sink,
            finishing=finishing,
        )  # fmt: skip
    else:
        assert script is not None
        result = render_video(script, avatar, output, options, sink=sink, finishing=finishing)
    ctx.progress.report(JobState.POST_PROCESSING, 0.92)
    files = [OutputFile(output.name, output, CONTENT_TYPES[options.video.container])]
    for extra in result.files:
        kind = extra.suffix.lstrip(".")
        files.append(OutputFile(f"captions.{kind}", extra, CAPTION_FILES.get(kind, "text/plain")))
    info = {
        "duration_s": round(result.duration_ms / 1000, 3),
        "frames": result.n_frames,
        "width": options.video.width,
        "height": options.video.height,
        "fps": options.video.fps,
        "lang": result.lang,
        "avatar": result.avatar,
    }
    return TaskOutput(tuple(files), info)


def render_options(params: Mapping[str, Any]) -> RenderOptions:
    """:class:`RenderOptions` from a job's parameters, checked as ``persona render``
    checks its options."""
    fmt = param(params, "format", str, "mp4").lower()
    if fmt not in CONTENT_TYPES:
        raise InputError(f"format must be mp4 or webm, not {fmt!r}")
    preset = param(params, "preset", str, "veryfast")
    if preset not in PRESETS:
        raise InputError(f"preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    width, height = _size(param(params, "size", str, "1280x720"))
    fps = param(params, "fps", int, 25)
    spec = VideoSpec(width=width, height=height, fps=fps, preset=preset, container=fmt)
    background = param(params, "background", str)
    if background is not None and not (
        background.startswith("#") or background.split(":")[0] == "blur"
    ):
        raise InputError("background must be a colour '#rrggbb', 'blur' or 'blur:SIGMA'")
    speed = param(params, "speed", float, 1.0)
    if not 0.5 <= speed <= 2.0:
        raise InputError(f"speed must be between 0.5 and 2.0, not {speed}")
    return RenderOptions(
        video=spec,
        voice=param(params, "voice", str),
        lang=param(params, "lang", str, "auto"),
        speed=speed,
        seed=param(params, "seed", int, 0),
        background=background,
        shot=param(params, "shot", str, "head-and-shoulders"),
        pitch=param(params, "pitch", float, 0.0),
        volume=param(params, "volume", float, 0.0),
        emotion=param(params, "emotion", str, "neutral").strip().lower(),
    )


def _size(text: str) -> tuple[int, int]:
    from persona.cli import parse_size

    try:
        return parse_size(text)
    except argparse.ArgumentTypeError as exc:
        raise InputError(str(exc)) from None


def _finishing(params: Mapping[str, Any], spec: VideoSpec) -> Any:
    """The pipeline's :class:`~persona.pipeline.Finishing`: captions and music."""
    from persona.pipeline import Finishing

    return Finishing(captions=caption_request(params, spec), mix=_mix(params))


def caption_request(params: Mapping[str, Any], spec: VideoSpec) -> Any:
    kinds = param(params, "captions", list, [])
    for kind in kinds:
        if kind not in CAPTION_KINDS:
            raise InputError(f"captions must be a list of {', '.join(CAPTION_KINDS)}: {kind!r}")
    if not kinds:
        return None
    from persona.compose.caption_commands import caption_request as request_from_options

    options = argparse.Namespace(
        captions=list(kinds), caption_track=[], caption_style=[], caption_max_chars=None,
        speaker_labels="none",
    )  # fmt: skip
    return request_from_options(options, (spec.width, spec.height), spec.fps)


def _mix(params: Mapping[str, Any]) -> Any:
    music = param(params, "music", str)
    if music is None:
        return None
    from persona.audio.mix import MixOptions
    from persona.audio.music import style_names

    if music not in style_names():
        raise InputError(f"unknown music style {music!r}: one of {', '.join(style_names())}")
    volume = param(params, "music_volume", float, -18.0)
    return MixOptions(music=music, music_volume_db=volume).check()


def avatar_ref(ctx: TaskContext, ref: str) -> str | Path:
    """What the pipeline opens for ``ref``: a template as is, a saved avatar the user
    owns, or an uploaded photo copied into the work folder."""
    from persona.avatar.base import TEMPLATE_PREFIX
    from persona.avatar.store import parse_ref

    ref = ref.strip()
    if ref.startswith(TEMPLATE_PREFIX):
        return ref
    saved = parse_ref(ref)
    if saved is not None:
        ctx.require_avatar(saved[0])
        return ref
    if ref.startswith("asset_"):
        return ctx.fetch_asset(ref, f"avatar-{ref}", ("image",))
    raise InputError(
        f"avatar {ref!r}: use template:NAME, a saved avatar av_… or an uploaded photo asset_…"
    )


def podcast_video(ctx: TaskContext) -> TaskOutput:
    """``dialogue`` (``NAME: text`` lines) and ``scene`` (a scene file's contents, with
    avatars as template:NAME, av_… or photo asset ids) → a conversation video."""
    from persona.scene.config import scene_from_dict
    from persona.scene.render import render_scene

    dialogue = text_param(ctx.params, "dialogue")
    if dialogue is None:
        raise InputError("a podcast needs 'dialogue': lines like 'HOST: Welcome back.'")
    scene_data = param(ctx.params, "scene", dict)
    if scene_data is None:
        raise InputError("a podcast needs 'scene': speakers, layout, size, background")
    scene = scene_from_dict(_local_scene(ctx, scene_data), ctx.workdir)
    fmt = param(ctx.params, "format", str, "mp4").lower()
    if fmt not in CONTENT_TYPES:
        raise InputError(f"format must be mp4 or webm, not {fmt!r}")
    preset = param(ctx.params, "preset", str, "veryfast")
    if preset not in PRESETS:
        raise InputError(f"preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    output = ctx.workdir / f"podcast.{fmt}"
    sink = pipeline_sink(ctx.progress, *RENDER_SPAN)
    result = render_scene(dialogue, scene, output, preset=preset, sink=sink)
    ctx.progress.report(JobState.POST_PROCESSING, 0.92)
    info = {
        "width": scene.width,
        "height": scene.height,
        "fps": scene.fps,
        "frames": result.n_frames,
        "duration_s": round(result.n_frames / result.fps, 3),
    }
    return TaskOutput((OutputFile(output.name, output, CONTENT_TYPES[fmt]),), info)


def _local_scene(ctx: TaskContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """The scene with every avatar resolved and no server paths: backgrounds are colours
    or gradients, logos are not taken."""
    scene = dict(data)
    if "logo" in scene:
        raise InputError("scene: a logo is not available through the service")
    background = scene.get("background")
    if background is not None and not (
        (isinstance(background, str) and background.startswith("#"))
        or (isinstance(background, Mapping) and set(background) <= {"colour", "color", "gradient"})
    ):
        raise InputError("scene: background must be a colour '#rrggbb' or {gradient: [...]}")
    speakers = scene.get("speakers")
    if isinstance(speakers, Mapping):
        scene["speakers"] = {k: _local_speaker(ctx, v) for k, v in speakers.items()}
    elif isinstance(speakers, list):
        scene["speakers"] = [_local_speaker(ctx, v) for v in speakers]
    return scene


def _local_speaker(ctx: TaskContext, entry: Any) -> Any:
    if isinstance(entry, str):
        entry = {"avatar": entry}
    if not isinstance(entry, Mapping) or not isinstance(entry.get("avatar"), str):
        return entry  # the scene checker says what is wrong
    return {**entry, "avatar": str(avatar_ref(ctx, entry["avatar"]))}
