"""Video tasks: ``video_generation`` (a script or a recording spoken by one avatar) and
``podcast_video`` (a dialogue of 2-4 avatars in a scene; ``ai_label`` as below, and
the scene's title, speakers' names and roles are screened like its dialogue).

Parameters of ``video_generation`` (JSON)::

    script | audio      the text to speak, or an uploaded recording's asset id
    transcript         what the recording says (with ``audio``)
    avatar             template:NAME, a saved av_…[@N] of the user, or an uploaded photo's asset id
    voice, lang, speed, pitch, volume, emotion       as ``persona render``
    size "256x256" | "16:9" | …, fps, preset ("veryfast"), format "mp4" | "webm"
    background         "#rrggbb", "blur" or "blur:SIGMA", or {"type": "image", "asset_id":
                       "asset_…"}: an uploaded picture of the user's, scaled to cover the frame
    captions           ["burn", "srt", "vtt", "track"]: srt/vtt files are stored beside the video
    music, music_volume   a music style (``persona music --list``) mixed under the voice
    ai_label           {position, opacity, enabled}: the visible AI-generated label
    preview_seconds    a quick preview: only the first sentences covering about this long,
                       at most 360 px (:mod:`persona.service.thumbnails`)

A finished video also gets ``thumbnail.jpg``, a 320 px wide still (none when it cannot
be made).
Every video is signed (:mod:`persona.provenance`) with the job id as its video id; its
``VIDEO.provenance.json`` sidecar is stored beside it.

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
PROVENANCE_TYPE = "application/json"
"""The signed provenance sidecar, ``video.mp4.provenance.json``, stored beside the video."""
PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium")
MAX_PREVIEW_S = 30.0
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
    preview = param(params, "preview_seconds", float)
    if preview is not None and not 0 < preview <= MAX_PREVIEW_S:
        raise InputError(f"preview_seconds must be above 0 and at most {MAX_PREVIEW_S:g}")
    if options.voice is not None:
        from persona.voice import get_voice

        get_voice(options.voice, None)
    return options, _finishing(params, options.video)


def video_generation(ctx: TaskContext) -> TaskOutput:
    params = ctx.params
    script, audio_id = text_param(params, "script"), param(params, "audio", str)
    options, finishing = check_video_params(params)
    if finishing.marks.label is None:  # only for the user's own likeness
        from persona.watermark.requests import require_service_label_removal

        require_service_label_removal(ctx.database, ctx.user_id, param(params, "avatar", str, ""))
    picture = image_background(params.get("background"))
    if picture is not None:
        from dataclasses import replace

        path = ctx.fetch_asset(picture, "background", ("image",))
        options = replace(options, background=str(path))
    preview = param(params, "preview_seconds", float)
    if preview is not None:
        options, script = quick_preview(options, script, preview)
    avatar = avatar_ref(ctx, param(params, "avatar", str, "template:maya"))
    output = ctx.workdir / f"video.{options.video.container}"
    sink = pipeline_sink(ctx.progress, *RENDER_SPAN)
    from persona.pipeline import render_audio, render_video
    from persona.provenance import ProvenanceInputs

    proof = ProvenanceInputs(video_id=ctx.job_id)  # the job id is the video's id
    if audio_id is not None:
        recording = ctx.fetch_asset(audio_id, "recording", ("audio", "video"))
        transcript = text_param(params, "transcript")
        result = render_audio(
            recording, avatar, output, options, transcript=transcript, sink=sink,
            finishing=finishing, provenance=proof,
        )  # fmt: skip
    else:
        assert script is not None
        result = render_video(
            script, avatar, output, options, sink=sink, finishing=finishing, provenance=proof
        )
    ctx.progress.report(JobState.POST_PROCESSING, 0.92)
    files = [OutputFile(output.name, output, CONTENT_TYPES[options.video.container])]
    for extra in result.files:
        kind = extra.suffix.lstrip(".")
        files.append(OutputFile(f"captions.{kind}", extra, CAPTION_FILES.get(kind, "text/plain")))
    if result.provenance is not None:
        files.append(OutputFile(result.provenance.name, result.provenance, PROVENANCE_TYPE))
    files.extend(_thumbnail(output, result.n_frames, options.video.fps))
    info = {
        "duration_s": round(result.duration_ms / 1000, 3),
        "frames": result.n_frames,
        "width": options.video.width,
        "height": options.video.height,
        "fps": options.video.fps,
        "lang": result.lang,
        "avatar": result.avatar,
    }
    if preview is not None:
        info["preview_seconds"] = preview
    return TaskOutput(tuple(files), info)


def quick_preview(
    options: RenderOptions, script: str | None, seconds: float
) -> tuple[RenderOptions, str | None]:
    """A quick preview's options and script: at most 360 px, the first sentences only."""
    from dataclasses import replace

    from persona.service.estimate import preview_script
    from persona.service.thumbnails import preview_size

    width, height = preview_size(options.video.width, options.video.height)
    if script is not None:
        script = preview_script(
            script, seconds, options.voice, speed=options.speed, lang=options.lang
        )
    return replace(options, video=replace(options.video, width=width, height=height)), script


def _thumbnail(video: Path, n_frames: int, fps: float) -> list[OutputFile]:
    from persona.service.thumbnails import THUMBNAIL_NAME, thumbnail_output

    still = thumbnail_output(video, n_frames, fps)
    return [] if still is None else [OutputFile(THUMBNAIL_NAME, still, "image/jpeg")]


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
    background = _background_text(params.get("background"))
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


def _background_text(value: Any) -> str | None:
    """A colour or blur background as the renderer's text; ``None`` for none and for a
    picture (:func:`background_asset`; the task fetches it)."""
    if value is None or image_background(value) is not None:
        return None
    if not isinstance(value, str) or not (value.startswith("#") or value.split(":")[0] == "blur"):
        raise InputError(
            "background must be a colour '#rrggbb', 'blur', 'blur:SIGMA' or "
            "{'type': 'image', 'asset_id': 'asset_…'}"
        )
    return value


def image_background(value: Any) -> str | None:
    """The asset id of a picture background ``{"type": "image", "asset_id": "asset_…"}``,
    ``None`` for any other background; a malformed picture background is an
    :class:`InputError`."""
    if not isinstance(value, Mapping) or value.get("type") != "image":
        return None
    asset_id = value.get("asset_id")
    if set(value) != {"type", "asset_id"} or not (
        isinstance(asset_id, str) and asset_id.startswith("asset_")
    ):
        raise InputError(
            "background: a picture is {'type': 'image', 'asset_id': 'asset_…'}, the id of "
            "an image uploaded with POST /api/v1/assets"
        )
    return asset_id


def background_asset(params: Mapping[str, Any]) -> str | None:
    """The picture background's asset id of a ``video_generation`` job (``background``)
    or a ``podcast_video`` job (``scene.background``), if it has one. (The rest of a
    scene is checked when it is rendered.)"""
    scene = params.get("scene")
    found = image_background(params.get("background"))
    if found is None and isinstance(scene, Mapping):
        found = image_background(scene.get("background"))
    return found


def scene_background(value: Any) -> str | None:
    """The picture's asset id of a podcast scene's background, ``None`` for a colour or a
    gradient; anything else (a server path, a video) is an :class:`InputError`."""
    picture = image_background(value)
    if picture is None and not (
        value is None
        or (isinstance(value, str) and value.startswith("#"))
        or (isinstance(value, Mapping) and set(value) <= {"colour", "color", "gradient"})
    ):
        raise InputError(
            "scene: background must be a colour '#rrggbb', {gradient: [...]} or "
            "{type: 'image', asset_id: 'asset_…'}"
        )
    return picture


def _size(text: str) -> tuple[int, int]:
    from persona.cli import parse_size

    try:
        return parse_size(text)
    except argparse.ArgumentTypeError as exc:
        raise InputError(str(exc)) from None


def _finishing(params: Mapping[str, Any], spec: VideoSpec) -> Any:
    """The pipeline's :class:`~persona.pipeline.Finishing`: captions, music and the
    AI-generated label (``ai_label``)."""
    from persona.pipeline import Finishing
    from persona.watermark.requests import marks_from_request

    return Finishing(
        captions=caption_request(params, spec),
        mix=_mix(params),
        marks=marks_from_request(params.get("ai_label")),
    )


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
    from persona.provenance import ProvenanceInputs, sidecar_path

    proof = ProvenanceInputs(video_id=ctx.job_id)
    finishing = _podcast_finishing(ctx, scene_data)
    result = render_scene(
        dialogue, scene, output, preset=preset, sink=sink, provenance=proof, finishing=finishing
    )
    ctx.progress.report(JobState.POST_PROCESSING, 0.92)
    files = [OutputFile(output.name, output, CONTENT_TYPES[fmt])]
    files.append(OutputFile(sidecar_path(output).name, sidecar_path(output), PROVENANCE_TYPE))
    files.extend(_thumbnail(output, result.n_frames, result.fps))
    info = {
        "width": scene.width,
        "height": scene.height,
        "fps": scene.fps,
        "frames": result.n_frames,
        "duration_s": round(result.n_frames / result.fps, 3),
    }
    return TaskOutput(tuple(files), info)


def _podcast_finishing(ctx: TaskContext, scene: Mapping[str, Any]) -> Any:
    """The AI-generated label ``ai_label`` asks for; leaving it off needs every speaker
    to be the user's own likeness (:func:`~persona.watermark.requests.
    require_service_label_removal`)."""
    from persona.pipeline import Finishing
    from persona.watermark.requests import marks_from_request, require_service_label_removal

    marks = marks_from_request(ctx.params.get("ai_label"))
    if marks.label is None:
        for entry in _speaker_list(scene.get("speakers")):
            avatar = entry.get("avatar") if isinstance(entry, Mapping) else entry
            require_service_label_removal(ctx.database, ctx.user_id, str(avatar))
    return Finishing(marks=marks)


def _speaker_list(speakers: Any) -> list[Any]:
    if isinstance(speakers, Mapping):
        return list(speakers.values())
    return list(speakers) if isinstance(speakers, list) else []


def _local_scene(ctx: TaskContext, data: Mapping[str, Any]) -> dict[str, Any]:
    """The scene with every avatar and picture resolved and no server paths: backgrounds
    are colours, gradients or uploaded pictures (``{type: image, asset_id}``), logos are
    not taken."""
    scene = dict(data)
    if "logo" in scene:
        raise InputError("scene: a logo is not available through the service")
    picture = scene_background(scene.get("background"))
    if picture is not None:
        scene["background"] = {"image": str(ctx.fetch_asset(picture, "background", ("image",)))}
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
