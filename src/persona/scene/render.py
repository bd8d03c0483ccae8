"""Dialogue + scene file → a multi-speaker video, one call per stage.

    dialogue ─parse_dialogue→ Dialogue ─speak_turns→ Speech per turn ─lay_out→ Conversation
        ─mouth_tracks / face_tracks→ SpeakerTracks ─plan_shots→ Shots ─plan_banners→ Banners
        ─avatar.render per region → Compositor → filters → VideoWriter → MP4 / WebM

Every check of the user's input (dialogue, scene, avatars' files, voices, output path,
logo, background) runs before speech synthesis starts. Speech is synthesized on a
daemon thread while the avatars are opened (photo rigging and TTS both spend their time
in native code); a photo without a face fails at once. Each avatar is opened once at
every size the layout shows it at.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from persona.avatar.base import Avatar, open_avatar
from persona.compose.backdrops import (
    Backdrop,
    GradientBackdrop,
    VideoBackdrop,
    colour_backdrop,
    image_backdrop,
)
from persona.compose.compositor import Compositor
from persona.compose.layouts import corner_radius, margin, region_sizes
from persona.compose.overlays import (
    ActiveRing,
    Logo,
    LowerThird,
    Overlay,
    Showing,
    TitleCard,
    load_logo,
    lower_third_clearance,
    title_card_image,
)
from persona.lipsync import frame_count
from persona.media import VideoWriter, check_spec, container_for_path, ensure_writable
from persona.pipeline import (
    Finishing,
    FrameFilter,
    face_states,
    fix_video_id,
    mark_filters_for,
    with_video_id,
)
from persona.progress import NullProgress, Progress, ProgressSink, StagedProgress
from persona.scene.animation import face_tracks, mouth_tracks
from persona.scene.conversation import LEAD_IN_MS, lay_out, speak_turns, turn_scripts
from persona.scene.dialogue import parse_dialogue
from persona.scene.director import active_spans, plan_banners, plan_shots
from persona.scene.finish import scene_cues, scene_soundtrack
from persona.scene.model import (
    Banner,
    Conversation,
    SceneResult,
    SceneSpec,
    Shot,
    SpeakerTrack,
)
from persona.types import FaceState, Frame, VideoSpec

if TYPE_CHECKING:
    from persona.provenance import ProvenanceInputs

STAGE_WEIGHTS = {
    "avatars": 0.04,
    "speech": 0.3,
    "lipsync": 0.01,
    "motion": 0.01,
    "mix": 0.03,
    "render": 0.61,
}
TITLE_FADE_MS = 600
BANNER_FADE_MS = 320

Warn = Callable[[str], None]
T = TypeVar("T")


def render_scene(
    dialogue_text: str,
    scene: SceneSpec,
    output: str | Path,
    *,
    preset: str = "veryfast",
    sink: ProgressSink | None = None,
    warn: Warn | None = None,
    filters: Sequence[FrameFilter] = (),
    finishing: Finishing | None = None,
    provenance: ProvenanceInputs | None = None,
) -> SceneResult:
    """Render ``dialogue_text`` (``NAME: text`` lines) as ``scene`` describes to ``output``.

    ``filters`` run on every composed frame before it is encoded (captions, marks); they
    receive a copy, so they may draw on it, and must widen its ``dirty`` rectangle to
    cover what they draw and what they drew on the previous frame. ``finishing`` adds
    captions (labelled with the speakers' names) and a soundtrack, as for single renders.
    The finished video gets its signed provenance (``VIDEO.provenance.json`` beside it),
    the speakers' avatars and voices filled in where ``provenance`` names none.
    """
    finishing = _clear_of_lower_thirds(finishing or Finishing(), scene)
    started = time.perf_counter()
    stage = _stager(sink)
    output = Path(output)
    spec = VideoSpec(scene.width, scene.height, scene.fps, container_for_path(output), preset)
    check_spec(spec)
    ensure_writable(output)
    dialogue = parse_dialogue(dialogue_text, scene.speakers)
    scripts = turn_scripts(dialogue, scene)
    backdrop, logo = open_backdrop(scene), open_logo(scene)
    timings: dict[str, float] = {}
    speaking = _in_background(
        lambda: _timed(lambda: speak_turns(dialogue, scene, scripts, stage("speech")))
    )
    t = time.perf_counter()
    avatars = open_avatars(scene, warn)  # a bad photo fails now, without waiting for TTS
    timings["avatars"] = time.perf_counter() - t
    stage("avatars").update(1.0)
    speeches, timings["speech"] = speaking.result()
    lead_in = (scene.title.duration_ms if scene.title else 0) + LEAD_IN_MS
    conversation = lay_out(
        dialogue, speeches, len(scene.speakers), lead_in_ms=lead_in, seed=scene.seed
    )
    tracks = _animate(conversation, scene, timings, stage)
    shots, banners, compositor = direct(scene, conversation, tracks, backdrop, logo)
    t = time.perf_counter()
    sound = scene_soundtrack(conversation, finishing.mix, stage("mix"))
    timings["mix"] = time.perf_counter() - t
    cues = scene_cues(finishing.captions, conversation, scripts, scene.speakers)
    if finishing.captions is not None and finishing.captions.burns:
        filters = [*filters, finishing.captions.burner(cues)]
    video_id = fix_video_id(finishing, provenance)
    filters = [*filters, *_mark_filters(finishing, scene, video_id)]
    drawing, total = encode_scene(
        output, spec, sound, tracks, shots, avatars, compositor, filters, stage("render")
    )
    files = (
        finishing.captions.finish(output, cues, scene.lang or "en") if finishing.captions else []
    )
    _provenance(with_video_id(provenance, video_id), scene, dialogue_text).write(output, spec, warn)
    timings.update(
        {"render": drawing, "render+encode": total, "total": time.perf_counter() - started}
    )
    n_frames = tracks[0].mouth.n_frames
    return SceneResult(
        output,
        scene.fps,
        n_frames,
        scene.speakers,
        conversation,
        tracks,
        shots,
        banners,
        timings,
        cues=tuple(cues),
        files=tuple(f for f in files if f != output),
        video_id=video_id,
    )


def _mark_filters(finishing: Finishing, scene: SceneSpec, video_id: str) -> list[FrameFilter]:
    """The AI-generated label, clear of burned captions, lower thirds and the logo, and
    the invisible watermark carrying ``video_id``."""
    lower = lower_third_clearance(scene.width, scene.height) if scene.lower_thirds else 0.0
    logo = (scene.logo.corner,) if scene.logo is not None else ()
    return mark_filters_for(finishing, video_id, bottom=lower, avoid=logo)


def _provenance(
    inputs: ProvenanceInputs | None, scene: SceneSpec, dialogue: str
) -> ProvenanceInputs:
    from persona.provenance import ProvenanceInputs

    return (inputs or ProvenanceInputs()).completed(
        avatars=[s.avatar for s in scene.speakers],
        voices=[s.voice for s in scene.speakers if s.voice],
        script=dialogue,
    )


def direct(
    scene: SceneSpec,
    conversation: Conversation,
    tracks: Sequence[SpeakerTrack],
    backdrop: Backdrop,
    logo: np.ndarray | None,
) -> tuple[tuple[Shot, ...], tuple[Banner, ...], Compositor]:
    """The shot list, the lower thirds and a compositor with every overlay."""
    size = (scene.width, scene.height)
    n_frames = tracks[0].mouth.n_frames
    shots = plan_shots(conversation, scene.layout, size, n_frames, scene.fps, host=scene.host)
    banners = plan_banners(conversation.turns, shots, scene.fps) if scene.lower_thirds else ()
    overlays = build_overlays(scene, conversation, shots, banners, backdrop, logo)
    fade = round(scene.fade_ms * scene.fps / 1000) if scene.transition == "fade" else 0
    return shots, banners, Compositor(*size, backdrop, overlays, fade_frames=fade)


def _stager(sink: ProgressSink | None) -> Callable[[str], Progress]:
    staged = StagedProgress(STAGE_WEIGHTS, sink) if sink else None

    def stage(name: str) -> Progress:
        return staged.stage(name) if staged else NullProgress()

    return stage


def _in_background(fn: Callable[[], T]) -> Future[T]:
    """Run ``fn`` on a daemon thread: whoever fails meanwhile need not wait for it."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(fn())
        except BaseException as exc:  # handed to the caller by future.result()
            future.set_exception(exc)

    threading.Thread(target=run, name="persona-tts", daemon=True).start()
    return future


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    t = time.perf_counter()
    return fn(), time.perf_counter() - t


def _animate(
    conversation: Conversation,
    scene: SceneSpec,
    timings: dict[str, float],
    stage: Callable[[str], Progress],
) -> tuple[SpeakerTrack, ...]:
    t = time.perf_counter()
    mouths = mouth_tracks(conversation, scene.fps)
    timings["lipsync"] = time.perf_counter() - t
    stage("lipsync").update(1.0)
    t = time.perf_counter()
    n_frames = frame_count(conversation.duration_ms, scene.fps)
    faces = face_tracks(conversation, n_frames, scene.fps, seed=scene.seed)
    timings["motion"] = time.perf_counter() - t
    stage("motion").update(1.0)
    return tuple(SpeakerTrack(k, m, f) for k, (m, f) in enumerate(zip(mouths, faces, strict=True)))


# ---------------------------------------------------------------------------- set-up


def open_avatars(scene: SceneSpec, warn: Warn | None = None) -> dict[tuple[int, int, int], Avatar]:
    """Every speaker's avatar at every size the layout shows it at, by (speaker, w, h)."""
    sizes = region_sizes(scene.layout, len(scene.speakers), scene.width, scene.height, scene.host)
    avatars: dict[tuple[int, int, int], Avatar] = {}
    for k, speaker in enumerate(scene.speakers):
        for w, h in sorted(sizes[k]):
            avatars[(k, w, h)] = open_avatar(speaker.avatar, w, h, fps=scene.fps, warn=warn)
    return avatars


def open_backdrop(scene: SceneSpec) -> Backdrop:
    bg, w, h = scene.background, scene.width, scene.height
    if bg.kind == "image" and bg.path is not None:
        return image_backdrop(bg.path, w, h)
    if bg.kind == "video" and bg.path is not None:
        return VideoBackdrop(bg.path, w, h, scene.fps)
    if bg.kind == "gradient":
        return GradientBackdrop(bg.colours, w, h, scene.fps, bg.period_s)
    return colour_backdrop(bg.colours[0], w, h)


def open_logo(scene: SceneSpec) -> np.ndarray | None:
    logo = scene.logo
    return load_logo(logo.path, round(logo.size * scene.height), logo.opacity) if logo else None


def build_overlays(
    scene: SceneSpec,
    conversation: Conversation,
    shots: Sequence[Shot],
    banners: Sequence[Banner],
    backdrop: Backdrop,
    logo: np.ndarray | None,
) -> list[Overlay]:
    """The speaking ring, the logo, the lower thirds and the title card, bottom to top."""
    size = (scene.width, scene.height)
    side = min(size)
    overlays: list[Overlay] = []
    if scene.active_ring:
        spans = [
            (a, b, rect, scene.speakers[s].colour)
            for a, b, s, rect in active_spans(conversation.turns, shots, scene.fps)
        ]
        overlays.append(ActiveRing(spans, corner_radius(*size), max(2.0, 0.005 * side)))
    if logo is not None and scene.logo is not None:
        overlays.append(Logo.place(logo, scene.logo.corner, size, round(1.5 * margin(*size))))
    fade = max(1, round(BANNER_FADE_MS * scene.fps / 1000))
    for banner in banners:
        who = scene.speakers[banner.speaker]
        showing = Showing(banner.start, banner.end, fade)
        overlays.append(
            LowerThird(who.name, who.title, who.colour, banner.region.rect, size, showing)
        )
    if scene.title is not None and scene.title.duration_ms > 0:
        accent = scene.speakers[scene.host].colour
        image = title_card_image(scene.title.text, scene.title.subtitle, backdrop.frame(0), accent)
        end = round(scene.title.duration_ms * scene.fps / 1000)
        overlays.append(TitleCard(image, Showing(0, end, round(TITLE_FADE_MS * scene.fps / 1000))))
    return overlays


# ---------------------------------------------------------------------------- frames


def scene_frames(
    tracks: Sequence[SpeakerTrack],
    shots: Sequence[Shot],
    avatars: dict[tuple[int, int, int], Avatar],
    compositor: Compositor,
) -> Iterator[Frame]:
    """The composed frames, in order (each reuses the compositor's buffers)."""
    states = [face_states(t.mouth, t.face) for t in tracks]
    shot_index = 0
    for k in range(tracks[0].mouth.n_frames):
        faces: list[FaceState] = [next(s) for s in states]
        while shots[shot_index].end <= k:
            shot_index += 1
        regions = shots[shot_index].regions
        pictures = [
            avatars[(r.speaker, r.rect.w, r.rect.h)].render(faces[r.speaker]) for r in regions
        ]
        yield compositor.compose(k, regions, pictures)


def _clear_of_lower_thirds(finishing: Finishing, scene: SceneSpec) -> Finishing:
    """Burned-in captions at the bottom are raised above the name plates."""
    captions = finishing.captions
    if captions is None or not captions.burns or not scene.lower_thirds:
        return finishing
    if captions.style.position != "bottom":
        return finishing
    lift = lower_third_clearance(scene.width, scene.height)
    style = replace(captions.style, margin=max(captions.style.margin, min(lift, 0.4)))
    return replace(finishing, captions=replace(captions, style=style))


def encode_scene(
    output: Path,
    spec: VideoSpec,
    sound: tuple[np.ndarray, int],
    tracks: Sequence[SpeakerTrack],
    shots: Sequence[Shot],
    avatars: dict[tuple[int, int, int], Avatar],
    compositor: Compositor,
    filters: Sequence[FrameFilter],
    progress: Progress,
) -> tuple[float, float]:
    """Draw and encode every frame with ``sound`` (audio, sample rate); (seconds
    drawing, seconds in all)."""
    t = time.perf_counter()
    drawing = 0.0
    n_frames = tracks[0].mouth.n_frames
    copy = np.empty((spec.height, spec.width, 3), np.uint8) if filters else None
    frames = scene_frames(tracks, shots, avatars, compositor)
    with VideoWriter(output, spec, sound[0], sound[1], progress, total_frames=n_frames) as writer:
        for k in range(n_frames):
            t0 = time.perf_counter()
            frame = next(frames)
            if copy is not None:  # filters draw on a copy: the compositor keeps its picture
                np.copyto(copy, frame.image)
                frame = Frame(copy, frame.dirty)
                for f in filters:
                    frame = f.apply(frame, k)
            drawing += time.perf_counter() - t0
            writer.write(frame)
    return drawing, time.perf_counter() - t
