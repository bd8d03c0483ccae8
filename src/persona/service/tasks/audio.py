"""Sound and text tasks: ``voice_synthesis`` (text → WAV), ``music_generation`` (a style
→ WAV), ``subtitle_generation`` (media → SRT/VTT) and ``lipsync_animation`` (a recording
→ Rhubarb mouth cues as JSON).

    voice_synthesis      text, voice, lang, speed, pitch, volume, emotion
    music_generation     style, mood, duration_s (1-600), tempo, key, seed, loop
    subtitle_generation  media (asset id), format "srt" | "vtt", transcript, lang, max_chars
    lipsync_animation    audio (asset id), transcript (dialog text), shapes, recognizer, lang
"""

from __future__ import annotations

from persona.errors import InputError
from persona.service.jobs.states import JobState
from persona.service.tasks.context import (
    OutputFile,
    StepProgress,
    TaskContext,
    TaskOutput,
    param,
    text_param,
)

WAV = "audio/wav"
MAX_MUSIC_S = 600.0
SUBTITLE_TYPES = {"srt": "application/x-subrip", "vtt": "text/vtt"}


def voice_synthesis(ctx: TaskContext) -> TaskOutput:
    from persona.audio.commands import write_wav_atomically
    from persona.pipeline import script_language
    from persona.script import parse_script
    from persona.service.tasks.video import render_options
    from persona.types import Prosody
    from persona.voice import get_voice, synthesize_script

    text = text_param(ctx.params, "text")
    if text is None:
        raise InputError("voice synthesis needs 'text'")
    options = render_options(ctx.params)
    lang = script_language(text, options.lang, options.voice)
    script, voice = parse_script(text, lang), get_voice(options.voice, lang)
    prosody = Prosody(pitch_st=options.pitch, volume_db=options.volume, emotion=options.emotion)
    progress = StepProgress(ctx.progress, JobState.PROCESSING, 0.0, 0.9)
    speech = synthesize_script(
        script, voice, speed=options.speed, prosody=prosody, progress=progress
    )
    out = ctx.workdir / "speech.wav"
    write_wav_atomically(out, speech.audio, speech.sample_rate)
    info = {
        "duration_s": round(len(speech.audio) / speech.sample_rate, 3),
        "sample_rate": speech.sample_rate,
        "voice": voice.id,
        "lang": voice.lang,
    }
    return TaskOutput((OutputFile(out.name, out, WAV),), info)


def music_generation(ctx: TaskContext) -> TaskOutput:
    from persona.audio.music import MusicRequest
    from persona.audio.music.commands import write_music
    from persona.audio.music.compose import check_request

    style = param(ctx.params, "style", str)
    if style is None:
        raise InputError("music generation needs a 'style' (persona music --list)")
    duration = param(ctx.params, "duration_s", float, 30.0)
    if not 1.0 <= duration <= MAX_MUSIC_S:
        raise InputError(f"duration_s must be between 1 and {MAX_MUSIC_S:g}, not {duration}")
    request = MusicRequest(
        style=style,
        mood=param(ctx.params, "mood", str, "calm"),
        duration_s=duration,
        tempo=param(ctx.params, "tempo", float),
        key=param(ctx.params, "key", str),
        seed=param(ctx.params, "seed", int, 0),
        loop=param(ctx.params, "loop", bool, False),
    )
    check_request(request)
    ctx.progress.report(JobState.PROCESSING, 0.05)
    out = ctx.workdir / "music.wav"
    summary = write_music(request, out)
    ctx.progress.report(JobState.POST_PROCESSING, 0.9)
    info = {k: summary[k] for k in ("style", "mood", "key", "mode", "bpm", "duration_s", "lufs")}
    return TaskOutput((OutputFile(out.name, out, WAV),), info)


def subtitle_generation(ctx: TaskContext) -> TaskOutput:
    from persona.compose.caption_commands import recording_words
    from persona.compose.caption_formats import write_caption_file
    from persona.compose.captions import CaptionSettings, segment_captions
    from persona.media.audio import read_audio_file

    fmt = param(ctx.params, "format", str, "srt").lower()
    if fmt not in SUBTITLE_TYPES:
        raise InputError(f"format must be srt or vtt, not {fmt!r}")
    media_id = param(ctx.params, "media", str)
    if media_id is None:
        raise InputError("subtitle generation needs 'media': an uploaded audio or video")
    settings = CaptionSettings(max_chars=param(ctx.params, "max_chars", int, 42))
    source = ctx.fetch_asset(media_id, "media", ("audio", "video"))
    ctx.progress.report(JobState.PROCESSING, 0.05)
    audio, rate = read_audio_file(source)
    words = recording_words(
        audio,
        rate,
        transcript=text_param(ctx.params, "transcript"),
        lang=param(ctx.params, "lang", str, "en"),
    )
    if not words:
        raise InputError(f"no words were found in {media_id}")
    ctx.progress.report(JobState.POST_PROCESSING, 0.85)
    out = write_caption_file(ctx.workdir / f"captions.{fmt}", segment_captions(words, settings))
    info = {"words": len(words), "format": fmt}
    return TaskOutput((OutputFile(out.name, out, SUBTITLE_TYPES[fmt]),), info)


def lipsync_animation(ctx: TaskContext) -> TaskOutput:
    from persona.lipsync.commands import LipsyncOptions, lipsync_file
    from persona.lipsync.cues import ALL_SHAPES

    audio_id = param(ctx.params, "audio", str)
    if audio_id is None:
        raise InputError("lip-sync cues need 'audio': an uploaded recording")
    recording = ctx.fetch_asset(audio_id, "recording", ("audio", "video"))
    dialog = None
    transcript = text_param(ctx.params, "transcript")
    if transcript is not None:
        dialog = ctx.workdir / "dialog.txt"
        dialog.write_text(transcript, encoding="utf-8")
    options = LipsyncOptions(
        fmt="json",
        shapes=param(ctx.params, "shapes", str, ALL_SHAPES),
        recognizer=param(ctx.params, "recognizer", str, "auto"),
        lang=param(ctx.params, "lang", str, "en"),
        dialog=dialog,
    )
    out = ctx.workdir / "cues.json"

    def sink(stage: str, fraction: float, overall: float) -> None:
        ctx.progress.report(JobState.PROCESSING, 0.9 * overall)

    result = lipsync_file(recording, out, options, sink)
    info = {"cues": len(result.sheet.cues), "duration_ms": result.sheet.duration_ms}
    return TaskOutput((OutputFile(out.name, out, "application/json"),), info)
