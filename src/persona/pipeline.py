"""Script → talking-photo video, one call per stage.

    text ─parse→ Script ─voice→ Speech ─lipsync→ MouthTrack ─motion→ FaceTrack
         ─avatar.render→ frames ─filters→ frames ─encode→ MP4 / WebM

Every check of the user's input (script, voice, language, output path, photo) runs
before the first expensive stage, so a bad input fails in a second, not after the TTS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from persona.avatar.background import load_background
from persona.avatar.base import Avatar, open_avatar
from persona.avatar.library import resolved_ref
from persona.lipsync import animate
from persona.media import VideoWriter, container_for_path, ensure_writable
from persona.motion import animate_face
from persona.progress import NullProgress, Progress, ProgressSink, StagedProgress
from persona.script import parse_script
from persona.script.langdetect import AUTO, detect_language
from persona.types import FaceState, FaceTrack, Frame, MouthTrack, Prosody, RenderOptions, Speech
from persona.voice import get_voice, synthesize_script
from persona.voice.espeak import reading_warnings
from persona.voice.prosody import check_prosody

STAGE_WEIGHTS = {"avatar": 0.03, "speech": 0.25, "lipsync": 0.01, "motion": 0.01, "render": 0.70}


class FrameFilter(Protocol):
    """A step between the renderer and the encoder (overlays, captions, watermarks)."""

    def apply(self, frame: Frame, index: int) -> Frame: ...


@dataclass(frozen=True, eq=False)
class RenderResult:
    path: Path
    speech: Speech
    mouth: MouthTrack
    face: FaceTrack
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    lang: str = "en"  # the language spoken (given, the voice's own, or detected)
    avatar: str = ""  # the avatar used: a saved one as "av_…@VERSION", else its path or name

    @property
    def n_frames(self) -> int:
        return self.mouth.n_frames


class _Worker:
    """Runs one call on a daemon thread; :meth:`result` waits and re-raises its error."""

    def __init__(self, fn: Callable[[], Speech]) -> None:
        self._fn = fn
        self._value: Speech | None = None
        self._error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="persona-tts", daemon=True)
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


def render_video(
    text: str,
    avatar: str | Path | Avatar,
    output: str | Path,
    options: RenderOptions | None = None,
    *,
    sink: ProgressSink | None = None,
    warn: Callable[[str], None] | None = None,
    filters: Sequence[FrameFilter] = (),
) -> RenderResult:
    """Render ``text`` spoken by ``avatar`` to ``output``.

    ``avatar`` is any :class:`~persona.avatar.base.Avatar` made for the output size, or
    what :func:`~persona.avatar.base.open_avatar` opens: a photo's path,
    ``"template:NAME"`` or an avatar spec ``.json`` file.
    """
    options = options or RenderOptions()
    spec = options.video
    output = Path(output)
    timings: dict[str, float] = {}
    staged = StagedProgress(STAGE_WEIGHTS, sink) if sink else None

    def stage(name: str) -> Progress:
        return staged.stage(name) if staged else NullProgress()

    lang = script_language(text, options.lang, options.voice)
    script = parse_script(text, lang)
    voice = get_voice(options.voice, lang)
    if voice.engine == "espeak" and warn is not None:
        for message in reading_warnings(text, voice.lang):
            warn(message)
    spec = replace(spec, container=container_for_path(output))  # the suffix decides
    ensure_writable(output)
    background = load_background(options.background) if options.background else None
    # A saved avatar's version is fixed here, so the video records the one it used.
    avatar_ref = resolved_ref(avatar) if isinstance(avatar, str | Path) else type(avatar).__name__

    # Speech synthesis runs in the background while the face is found and rigged; both
    # spend their time in native code that releases the GIL. A bad photo still fails at
    # once: the daemon thread's result is then simply dropped.
    prosody = check_prosody(
        Prosody(pitch_st=options.pitch, volume_db=options.volume, emotion=options.emotion)
    )
    tts = _Worker(
        lambda: synthesize_script(
            script, voice, speed=options.speed, prosody=prosody, progress=stage("speech")
        )
    )
    t = time.perf_counter()
    if isinstance(avatar, str | Path):  # saved av_…, a photo, "template:NAME" or a spec .json
        avatar = open_avatar(
            avatar_ref,
            spec.width,
            spec.height,
            fps=spec.fps,
            warn=warn,
            background=background,
            shot=options.shot,
        )

    timings["avatar"] = time.perf_counter() - t
    speech = tts.result()
    stage("avatar").update(1.0)
    timings["speech"] = tts.seconds

    t = time.perf_counter()
    mouth = animate(speech, spec.fps)
    stage("lipsync").update(1.0)
    timings["lipsync"] = time.perf_counter() - t
    t = time.perf_counter()
    face = animate_face(speech, mouth.n_frames, spec.fps, seed=options.seed)
    stage("motion").update(1.0)
    timings["motion"] = time.perf_counter() - t

    t = time.perf_counter()
    drawing = 0.0
    with VideoWriter(
        output,
        spec,
        speech.audio,
        speech.sample_rate,
        progress=stage("render"),
        total_frames=mouth.n_frames,
    ) as writer:
        for k, state in enumerate(face_states(mouth, face)):
            t0 = time.perf_counter()
            frame = avatar.render(state)
            for f in filters:
                frame = f.apply(frame, k)
            drawing += time.perf_counter() - t0
            writer.write(frame)
    timings["render+encode"] = time.perf_counter() - t
    timings["render"] = drawing
    return RenderResult(
        path=output,
        speech=speech,
        mouth=mouth,
        face=face,
        timings=timings,
        lang=voice.lang,
        avatar=avatar_ref,
    )
