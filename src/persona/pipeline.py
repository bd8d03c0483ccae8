"""Script or recording → talking-avatar video, one call per stage.

    text ─parse→ Script ─voice→ Speech ──────────┐
    recording ─decode→ audio ─recognize→ Speech ─┤   (the avatar loads meanwhile)
                                                 └─lipsync→ MouthTrack ─motion→ FaceTrack
         ─avatar.render→ frames ─filters→ frames ─encode→ MP4 / WebM

* :func:`render_video`: a script spoken by a TTS voice;
* :func:`render_audio`: a recording (any audio file, or a video's sound) lip-synced;
* :func:`render_speech`: the tail both end in, from a :class:`~persona.types.Speech`.

Every check of the user's input (script, voice, language, recording, output path,
photo) runs before the first expensive stage, so a bad input fails in a second, not
after the TTS or the speech recognition.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from persona.avatar.background import Background, load_background
from persona.avatar.base import Avatar, open_avatar
from persona.avatar.library import resolved_ref
from persona.lipsync import animate
from persona.media import VideoWriter, check_spec, container_for_path, ensure_writable
from persona.motion import animate_face
from persona.progress import NullProgress, Progress, ProgressSink, StagedProgress
from persona.script import parse_script
from persona.script.langdetect import AUTO, detect_language
from persona.types import (
    FaceState,
    FaceTrack,
    Frame,
    MouthTrack,
    Prosody,
    RenderOptions,
    Script,
    Speech,
    VideoSpec,
)
from persona.voice import get_voice, synthesize_script
from persona.voice.espeak import reading_warnings
from persona.voice.prosody import check_prosody
from persona.watermark.options import Marks

if TYPE_CHECKING:
    from persona.audio.mix import MixOptions
    from persona.compose.caption_commands import CaptionRequest
    from persona.compose.captions import Cue
    from persona.provenance import ProvenanceInputs

STAGE_WEIGHTS = {
    "avatar": 0.03,
    "speech": 0.25,
    "lipsync": 0.01,
    "motion": 0.01,
    "mix": 0.04,
    "render": 0.66,
}
AUDIO_STAGE_WEIGHTS = {
    "avatar": 0.03,
    "recognize": 0.35,
    "lipsync": 0.01,
    "motion": 0.01,
    "mix": 0.04,
    "render": 0.56,
}
TAIL_STAGES = ("avatar", "lipsync", "motion", "mix", "render")
"""Stages of :func:`render_speech` ("avatar" only when it opens the avatar itself)."""


class FrameFilter(Protocol):
    """A step between the renderer and the encoder (overlays, captions, watermarks)."""

    def apply(self, frame: Frame, index: int) -> Frame: ...


@dataclass(frozen=True)
class Finishing:
    """What happens to a render besides the avatar: captions (burned in, written beside
    the video, or muxed as a track) and the soundtrack (music, ducking, effects,
    loudness). ``None`` leaves that part out: the speech goes to the video as it is.
    ``marks``: the visible AI-generated label and the video id the invisible watermark
    carries (:mod:`persona.watermark`); the watermark is always embedded."""

    captions: CaptionRequest | None = None
    mix: MixOptions | None = None
    marks: Marks = field(default_factory=Marks)


@dataclass(frozen=True, eq=False)
class RenderResult:
    path: Path
    speech: Speech
    mouth: MouthTrack
    face: FaceTrack
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    lang: str = "en"  # the language spoken (given, the voice's own, or detected)
    avatar: str = ""  # the avatar used: a saved one as "av_…@VERSION", else its path or name
    cues: tuple[Cue, ...] = ()  # the captions, when captions were asked for
    files: tuple[Path, ...] = ()  # caption files written beside the video
    provenance: Path | None = None  # the signed sidecar, VIDEO.provenance.json
    video_id: str = ""  # the id the invisible watermark carries

    @property
    def n_frames(self) -> int:
        return self.mouth.n_frames

    @property
    def duration_ms(self) -> int:
        return round(self.n_frames * 1000 / self.mouth.fps)


class _Worker:
    """Runs one call on a daemon thread; :meth:`result` waits and re-raises its error."""

    def __init__(self, fn: Callable[[], Speech], name: str) -> None:
        self.name = name  # the progress stage it reports as
        self._fn = fn
        self._value: Speech | None = None
        self._error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, name=f"persona-{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        t = time.perf_counter()
        try:
            self._value = self._fn()
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
        self.seconds = time.perf_counter() - t

    def result(self) -> Speech:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


class _Stages:
    """Progress per named stage (weighted into one overall fraction) and seconds per stage."""

    def __init__(self, weights: dict[str, float], sink: ProgressSink | None) -> None:
        self.staged = StagedProgress(weights, sink) if sink else None
        self.timings: dict[str, float] = {}

    def progress(self, name: str) -> Progress:
        return self.staged.stage(name) if self.staged else NullProgress()

    def done(self, name: str, started: float) -> None:
        self.timings[name] = time.perf_counter() - started
        self.progress(name).update(1.0)

    def forward(self) -> ProgressSink | None:
        """A sink for a nested call: its stages' fractions, weighted by these weights."""
        staged = self.staged
        if staged is None:
            return None
        return lambda stage, fraction, overall: staged.report(stage, fraction)


def script_language(text: str, lang: str | None, voice_id: str | None) -> str:
    """The language to speak ``text`` in: ``lang`` when given; when it is None or "auto",
    the named voice's own language, or else the one detected from the text."""
    if lang is not None and lang.strip().lower() != AUTO:
        return lang
    if voice_id is not None:
        return get_voice(voice_id, None).lang
    return detect_language(text)


def face_states(mouth: MouthTrack, face: FaceTrack) -> Iterator[FaceState]:
    for k in range(mouth.n_frames):
        yield FaceState(
            mouth=tuple(float(x) for x in mouth.params[k]),
            blink=float(face.blink[k]),
            head=tuple(float(x) for x in face.head[k]),
            brow=float(face.brow[k]),
            smile=float(face.smile[k]),
            frame=k,
            viseme=mouth.visemes[k] if k < len(mouth.visemes) else "",
        )


def output_spec(options: RenderOptions, output: str | Path) -> VideoSpec:
    """``options.video`` in the container ``output``'s suffix names, checked, with the
    output path checked writable (:class:`~persona.errors.InputError` otherwise)."""
    spec = replace(options.video, container=container_for_path(output))
    check_spec(spec)
    ensure_writable(output)
    return spec


def avatar_name(avatar: str | Path | Avatar) -> str:
    """What a video records as its avatar; a saved avatar's version is fixed here."""
    return resolved_ref(avatar) if isinstance(avatar, str | Path) else type(avatar).__name__


def _background(options: RenderOptions) -> Background | None:
    return load_background(options.background) if options.background else None


def render_video(
    text: str,
    avatar: str | Path | Avatar,
    output: str | Path,
    options: RenderOptions | None = None,
    *,
    sink: ProgressSink | None = None,
    warn: Callable[[str], None] | None = None,
    filters: Sequence[FrameFilter] = (),
    finishing: Finishing | None = None,
    provenance: ProvenanceInputs | None = None,
) -> RenderResult:
    """Render ``text`` spoken by ``avatar`` to ``output``.

    ``avatar`` is any :class:`~persona.avatar.base.Avatar` made for the output size, or
    what :func:`~persona.avatar.base.open_avatar` opens: a photo's path,
    ``"template:NAME"`` or an avatar spec ``.json`` file.
    """
    options = options or RenderOptions()
    lang = script_language(text, options.lang, options.voice)
    script = parse_script(text, lang)
    voice = get_voice(options.voice, lang)
    if voice.engine == "espeak" and warn is not None:
        for message in reading_warnings(text, voice.lang):
            warn(message)
    spec = output_spec(options, output)
    background = _background(options)
    ref = avatar_name(avatar)
    stages = _Stages(_weights(STAGE_WEIGHTS, finishing), sink)
    prosody = check_prosody(
        Prosody(pitch_st=options.pitch, volume_db=options.volume, emotion=options.emotion)
    )
    progress = stages.progress("speech")
    tts = _Worker(
        lambda: synthesize_script(
            script, voice, speed=options.speed, prosody=prosody, progress=progress
        ),
        "speech",
    )
    opening = partial(_opened, avatar, ref, spec, options, background, warn)
    rig, speech = _beside(tts, opening, stages)
    result = render_speech(
        speech,
        rig,
        output,
        options,
        sink=stages.forward(),
        warn=warn,
        filters=filters,
        lang=voice.lang,
        finishing=finishing,
        script=script,
        provenance=_provenance(provenance, avatar=ref, voice=voice.id, script=text),
    )
    return replace(result, timings={**stages.timings, **result.timings}, avatar=ref)


def render_audio(
    audio_path: str | Path,
    avatar: str | Path | Avatar,
    output: str | Path,
    options: RenderOptions | None = None,
    *,
    transcript: str | None = None,
    sink: ProgressSink | None = None,
    warn: Callable[[str], None] | None = None,
    filters: Sequence[FrameFilter] = (),
    finishing: Finishing | None = None,
    provenance: ProvenanceInputs | None = None,
) -> RenderResult:
    """Render the recording at ``audio_path`` (any audio file, or a video with sound)
    spoken by ``avatar``: the lips follow the phones recognized in it, and the recording
    is the video's sound track, as long as the video.

    ``transcript`` is what is said (script syntax; better timing than Whisper's ears).
    ``options.lang`` is the recording's language (None or "auto": the transcript's,
    else English); other languages get phone recognition, with a warning. The voice
    options (voice, speed, pitch, volume, emotion) do not apply.
    """
    from persona.lipsync.listen import (
        is_english,
        load_recording,
        recognize,
        recording_language,
        transcript_words,
    )

    options = options or RenderOptions()
    lang = recording_language(options.lang, transcript)
    words = transcript_words(transcript, lang, warn)
    spec = output_spec(options, output)
    background = _background(options)
    ref = avatar_name(avatar)
    audio, rate = load_recording(audio_path)
    stages = _Stages(_weights(AUDIO_STAGE_WEIGHTS, finishing), sink)
    progress = stages.progress("recognize")
    recognition = _Worker(lambda: recognize(audio, rate, words, lang, progress), "recognize")
    opening = partial(_opened, avatar, ref, spec, options, background, warn)
    rig, speech = _beside(recognition, opening, stages)
    if is_english(lang) and not speech.words and warn is not None:
        warn("no words could be aligned to the recording: the lips follow recognized phones")
    result = render_speech(
        speech,
        rig,
        output,
        options,
        sink=stages.forward(),
        warn=warn,
        filters=filters,
        lang=lang,
        finishing=finishing,
        transcript=transcript,
        provenance=_provenance(provenance, avatar=ref, script=transcript),
    )
    return replace(result, timings={**stages.timings, **result.timings}, avatar=ref)


def render_speech(
    speech: Speech,
    avatar: str | Path | Avatar,
    output: str | Path,
    options: RenderOptions | None = None,
    *,
    sink: ProgressSink | None = None,
    warn: Callable[[str], None] | None = None,
    filters: Sequence[FrameFilter] = (),
    lang: str | None = None,
    finishing: Finishing | None = None,
    script: Script | None = None,
    transcript: str | None = None,
    provenance: ProvenanceInputs | None = None,
) -> RenderResult:
    """Render ``speech`` (audio with timed phones, from a TTS engine or a recognizer)
    spoken by ``avatar`` to ``output``: lipsync → motion → mix → render → encode.

    The video lasts as long as the audio (rounded up to whole frames). Without a mix in
    ``finishing`` it carries the audio unchanged (resampled to what the encoder takes).
    ``lang`` is recorded in the result (default: ``options.lang``, else "en"). Captions
    show ``script``'s display text when given, else ``transcript``'s, else the words
    recognized in the speech.

    The finished video gets its signed provenance (:mod:`persona.provenance`) for
    ``provenance``'s ids and consents, the avatar filled in when it names none.
    """
    options = options or RenderOptions()
    finishing = finishing or Finishing()
    spec = output_spec(options, output)
    ref = avatar_name(avatar)
    lang = lang or (options.lang if options.lang and options.lang != AUTO else "en")
    opens = isinstance(avatar, str | Path)
    tail = {k: STAGE_WEIGHTS[k] for k in TAIL_STAGES if opens or k != "avatar"}
    stages = _Stages(_weights(tail, finishing), sink)
    if isinstance(avatar, str | Path):
        t = time.perf_counter()
        avatar = _opened(avatar, ref, spec, options, _background(options), warn)
        stages.done("avatar", t)
    t = time.perf_counter()
    mouth = animate(speech, spec.fps)
    prepare = getattr(avatar, "prepare", None)
    if callable(prepare):  # avatars that choose per frame with the whole track in view
        prepare(mouth)
    stages.done("lipsync", t)
    t = time.perf_counter()
    face = animate_face(speech, mouth.n_frames, spec.fps, seed=options.seed)
    stages.done("motion", t)
    sound = speech.audio, speech.sample_rate
    if finishing.mix is not None:
        t = time.perf_counter()
        from persona.audio.mix import speech_soundtrack

        progress = stages.progress("mix")
        sound = speech_soundtrack(
            speech.audio, speech.sample_rate, finishing.mix, [speech.phones], progress
        )
        stages.done("mix", t)
    cues = _cues(finishing.captions, speech, script, transcript, lang)
    if finishing.captions is not None and finishing.captions.burns:
        filters = [*filters, finishing.captions.burner(cues)]
    video_id = fix_video_id(finishing, provenance)
    filters = [*filters, *mark_filters_for(finishing, video_id)]
    t = time.perf_counter()
    progress = stages.progress("render")
    drawing = _encode(Path(output), spec, sound, avatar, mouth, face, filters, progress)
    stages.timings["render+encode"] = time.perf_counter() - t
    stages.timings["render"] = drawing
    files = finishing.captions.finish(Path(output), cues, lang) if finishing.captions else []
    proof = _provenance(with_video_id(provenance, video_id), avatar=ref).write(
        Path(output), spec, warn
    )
    return RenderResult(
        path=Path(output),
        speech=speech,
        mouth=mouth,
        face=face,
        timings=stages.timings,
        lang=lang,
        avatar=ref,
        cues=tuple(cues),
        files=tuple(f for f in files if f != Path(output)),
        provenance=proof,
        video_id=video_id,
    )


def fix_video_id(finishing: Finishing, provenance: ProvenanceInputs | None) -> str:
    """The video's id, fixed before the first frame is drawn: the watermark carries it
    and the provenance records it (the marks' own id, else the provenance's, else new)."""
    from persona.watermark.options import new_video_id

    given = provenance.video_id if provenance is not None else None
    return finishing.marks.video_id or given or new_video_id()


def with_video_id(inputs: ProvenanceInputs | None, video_id: str) -> ProvenanceInputs:
    """``inputs`` (or empty ones) for the video ``video_id``."""
    from persona.provenance import ProvenanceInputs

    return replace(inputs or ProvenanceInputs(), video_id=video_id)


def mark_filters_for(
    finishing: Finishing, video_id: str, *, bottom: float = 0.0, avoid: Sequence[str] = ()
) -> list[FrameFilter]:
    """The AI-generated label, kept clear of burned captions, and the watermark carrying
    ``video_id``. ``bottom``: the share of the frame's height that other overlays (a
    scene's lower thirds) hold at the bottom; ``avoid``: corners a logo holds."""
    from persona.watermark.filters import mark_filters
    from persona.watermark.label import caption_clearance

    captions = finishing.captions
    style = captions.style if captions is not None and captions.burns else None
    top, low = caption_clearance(style)
    return [*mark_filters(finishing.marks, video_id, (top, max(low, bottom)), avoid)]


def _provenance(
    inputs: ProvenanceInputs | None,
    *,
    avatar: str | None = None,
    voice: str | None = None,
    script: str | None = None,
) -> ProvenanceInputs:
    """``inputs`` with what this render knows filled in where the caller left gaps."""
    from persona.provenance import ProvenanceInputs

    return (inputs or ProvenanceInputs()).completed(
        avatars=[avatar] if avatar else [], voices=[voice] if voice else [], script=script
    )


def _weights(weights: dict[str, float], finishing: Finishing | None) -> dict[str, float]:
    """``weights`` without the "mix" stage when there is no soundtrack to mix."""
    if finishing is not None and finishing.mix is not None:
        return weights
    return {k: w for k, w in weights.items() if k != "mix"}


def _cues(
    captions: CaptionRequest | None,
    speech: Speech,
    script: Script | None,
    transcript: str | None,
    lang: str,
) -> tuple[Cue, ...]:
    """The caption cues of ``speech``, in the author's spelling where it is known."""
    if captions is None:
        return ()
    if script is not None:
        return captions.cues_for(script, speech)
    from persona.compose.caption_text import caption_words
    from persona.compose.captions import segment_captions

    return segment_captions(caption_words(speech, transcript, lang=lang), captions.settings)


def _opened(
    avatar: str | Path | Avatar,
    ref: str,
    spec: VideoSpec,
    options: RenderOptions,
    background: Background | None,
    warn: Callable[[str], None] | None,
) -> Avatar:
    """``avatar`` itself when it is one, else the avatar ``ref`` names (a saved ``av_…``,
    a photo, ``template:NAME``, a spec ``.json``) made for ``spec``'s size and rate."""
    if not isinstance(avatar, str | Path):
        return avatar
    return open_avatar(
        ref,
        spec.width,
        spec.height,
        fps=spec.fps,
        warn=warn,
        background=background,
        shot=options.shot,
    )


def _beside(
    worker: _Worker, opening: Callable[[], Avatar], stages: _Stages
) -> tuple[Avatar, Speech]:
    """Open the avatar while ``worker`` makes the speech: both spend their time in native
    code that releases the GIL. A bad photo still fails at once: the daemon thread's
    result is then simply dropped."""
    t = time.perf_counter()
    avatar = opening()
    opened = time.perf_counter() - t
    speech = worker.result()
    stages.progress("avatar").update(1.0)  # after the speech: one progress bar at a time
    stages.timings.update({"avatar": opened, worker.name: worker.seconds})
    return avatar, speech


def _encode(
    output: Path,
    spec: VideoSpec,
    sound: tuple[np.ndarray, int],
    avatar: Avatar,
    mouth: MouthTrack,
    face: FaceTrack,
    filters: Sequence[FrameFilter],
    progress: Progress,
) -> float:
    """Draw every frame, pass it through ``filters`` and encode it with ``sound``
    (audio, sample rate); returns the seconds spent drawing (the encoder works beside
    the drawing)."""
    drawing = 0.0
    with VideoWriter(
        output,
        spec,
        sound[0],
        sound[1],
        progress=progress,
        total_frames=mouth.n_frames,
    ) as writer:
        for k, state in enumerate(face_states(mouth, face)):
            t0 = time.perf_counter()
            frame = avatar.render(state)
            for f in filters:
                frame = f.apply(frame, k)
            drawing += time.perf_counter() - t0
            writer.write(frame)
    return drawing
