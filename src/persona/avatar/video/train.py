"""Training a video avatar from a clip, and saving it as an avatar.

    open and check ─→ track the face ─→ recognise the speech ─→ plan the idle loop
        ─→ pick the mouth samples ─→ read the kept frames ─→ cut the person out of the
        loop ─→ model file ─→ avatar store

Every check of the input (file, container, length, audio, face count and size) runs
before anything is saved; a failure at any stage leaves no avatar behind.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from persona.avatar.store import AvatarRecord, AvatarStore
from persona.avatar.video.cutout import encode_mask, loop_masks
from persona.avatar.video.harvest import (
    MouthSamples,
    Pick,
    assemble,
    choose_reference,
    cut_mouth,
    mouth_box,
    pick_samples,
)
from persona.avatar.video.ingest import (
    WORK_SIDE,
    ClipInfo,
    iter_frames,
    open_clip,
    read_clip_audio,
)
from persona.avatar.video.loop import (
    LoopPlan,
    loop_frame,
    loop_frames,
    loop_indices,
    plan_loop,
    speaking_frames,
)
from persona.avatar.video.model import VideoModel, encode_jpeg
from persona.avatar.video.render import VideoAvatar
from persona.avatar.video.track import Track, track_clip
from persona.errors import DependencyError, InputError
from persona.progress import NullProgress, Progress, ProgressSink, StagedProgress
from persona.types import MouthTrack, Speech

STAGE_WEIGHTS = {
    "read": 0.02,
    "track": 0.55,
    "speech": 0.2,
    "loop": 0.05,
    "harvest": 0.1,
    "cutout": 0.08,
}
MODEL_SUFFIX = ".zip"

Recognizer = Callable[[np.ndarray, int], Speech]


def train_video_avatar(
    path: str | Path,
    *,
    speech: Speech | None = None,
    transcript: str | None = None,
    lang: str = "en",
    work_side: int = WORK_SIDE,
    sink: ProgressSink | None = None,
) -> VideoModel:
    """Learn a video avatar from a 15–120 s clip of one person talking.

    ``speech`` gives the clip's phones when they are known already (sample 0 at the
    first frame); otherwise the clip's audio is recognised (``transcript``, when given,
    is aligned instead of transcribed). Stage times land in ``model.facts["timings"]``.
    """
    staged = StagedProgress(STAGE_WEIGHTS, sink) if sink else None
    timings: dict[str, float] = {}

    def stage(name: str) -> Progress:
        return staged.stage(name) if staged else NullProgress()

    with _timed(timings, "read"):
        info = open_clip(path, work_side=work_side)
        audio, rate = read_clip_audio(info)
    stage("read").update(1.0)
    with _timed(timings, "track"):
        track = track_clip(info, stage("track"))
    with _timed(timings, "speech"):
        if speech is None:
            speech = recognize(audio, rate, transcript=transcript, lang=lang)
        mouth = _clip_mouth(speech, info)
    stage("speech").update(1.0)
    with _timed(timings, "loop"):
        speaking = speaking_frames(speech, track.n_frames, info.fps)
        plan = plan_loop(track, speaking, info.fps)
        reference = choose_reference(track, speaking)
    stage("loop").update(1.0)
    with _timed(timings, "harvest"):
        picks = pick_samples(track, mouth, reference)
        model = _read_kept_frames(info, track, plan, reference, picks)
    stage("harvest").update(1.0)
    with _timed(timings, "cutout"):
        masks = loop_masks(model.loop_frame, model.n_loop, progress=stage("cutout"))
        model = replace(model, masks=tuple(encode_mask(a) for a in masks))
    model.facts["timings"] = {k: round(v, 3) for k, v in timings.items()}
    return model


def recognize(
    audio: np.ndarray, rate: int, *, transcript: str | None = None, lang: str = "en"
) -> Speech:
    """Timed phones of the clip's audio (Whisper words, PocketSphinx phone times)."""
    try:
        from persona.lipsync.recognize import speech_from_audio
    except ImportError as exc:
        raise DependencyError(
            "speech recognition (persona.lipsync.recognize) is not available in this "
            "installation; pass the clip's phones instead"
        ) from exc
    result: Speech = speech_from_audio(audio, rate, transcript=transcript, lang=lang)
    return result


def _clip_mouth(speech: Speech, info: ClipInfo) -> MouthTrack:
    """Our lip sync over the clip: mouth parameters and viseme for every clip frame."""
    from persona.lipsync import animate

    mouth = animate(speech, info.fps)
    n = info.n_frames
    params = np.zeros((n, mouth.params.shape[1]), np.float32)
    params[: min(n, mouth.n_frames)] = mouth.params[:n]
    names = (tuple(mouth.visemes) + ("X",) * n)[:n]
    return MouthTrack(fps=mouth.fps, params=params, visemes=names)


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    t = time.perf_counter()
    yield
    timings[name] = timings.get(name, 0.0) + time.perf_counter() - t


def _read_kept_frames(
    info: ClipInfo,
    track: Track,
    plan: LoopPlan,
    reference: int,
    picks: list[Pick],
) -> VideoModel:
    """Second pass over the clip: encode the loop, cut the mouths, keep the reference.

    Only the few frames a cross-fade needs are held at once; the rest are encoded or
    cut as they are decoded.
    """
    ref_points = track.points[reference]
    box = mouth_box(ref_points)
    sampled = {p.frame for p in picks}
    loop_set = loop_indices(plan)
    held: dict[int, np.ndarray] = {}
    cuts: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    jpegs: list[bytes] = []
    ref_image: np.ndarray | None = None
    fade_from = plan.stop - plan.fade
    for k, image in iter_frames(info, loop_set | sampled | {reference}):
        if k in sampled:
            cuts[k] = cut_mouth(image, track.points[k], ref_points, box)
        if k == reference:
            ref_image = image.copy()
        if plan.start - plan.fade <= k < plan.start or k >= fade_from:
            held[k] = image.copy()
        if plan.start <= k < fade_from:
            jpegs.append(encode_jpeg(image))
    assert ref_image is not None
    jpegs += [
        encode_jpeg(loop_frame(held, plan, i)) for i in range(fade_from - plan.start, plan.length)
    ]
    points = np.stack(loop_frames({k: track.points[k] for k in loop_set}, plan))
    samples = assemble(box, picks, cuts)
    return VideoModel(
        fps=info.fps,
        width=info.work_width,
        height=info.work_height,
        mode=plan.mode,
        loop=tuple(jpegs),
        loop_points=points.astype(np.float32),
        reference=ref_image,
        reference_points=ref_points,
        reference_depth=track.depth[reference],
        samples=samples,
        facts=_facts(info, plan, reference, samples),
    )


def _facts(info: ClipInfo, plan: LoopPlan, reference: int, samples: MouthSamples) -> dict[str, Any]:
    return {
        "clip": {
            "name": info.path.name,
            "duration_s": round(info.duration_s, 3),
            "size": [info.width, info.height],
            "rotation": info.rotation,
            "source_fps": round(info.source_fps, 3),
        },
        "loop": {
            "start": plan.start,
            "stop": plan.stop,
            "fade": plan.fade,
            "mode": plan.mode,
            "seam": round(plan.seam, 5),
        },
        "reference_frame": reference,
        "visemes_covered": list(samples.covered),
        "samples": len(samples),
    }


def create_video_avatar(
    path: str | Path,
    name: str | None = None,
    *,
    progress: ProgressSink | None = None,
    store: AvatarStore | None = None,
    consent_id: str | None = None,
    owner: str | None = None,
    transcript: str | None = None,
    speech: Speech | None = None,
    avatar_id: str | None = None,
) -> AvatarRecord:
    """Train on the clip at ``path`` and save a ``video`` avatar (clip and model file),
    under ``avatar_id`` when one was reserved.

    The record's version source names the stored ``video`` and ``model`` files and the
    training settings; ``meta`` carries the training facts (loop, coverage, timings).
    """
    path = Path(path)
    model = train_video_avatar(path, speech=speech, transcript=transcript, sink=progress)
    store = store or AvatarStore()
    with tempfile.TemporaryDirectory(prefix="persona-video-") as tmp:
        model_path = model.save(Path(tmp) / f"model{MODEL_SUFFIX}")
        return store.create(
            name=name or path.stem,
            kind="video",
            source={"work_side": WORK_SIDE, "transcript": transcript},
            files={"video": path, "model": model_path},
            consent_id=consent_id,
            owner=owner,
            meta={"video": model.facts},
            avatar_id=avatar_id,
        )


def open_video_avatar(
    record: AvatarRecord,
    width: int,
    height: int,
    *,
    version: int | None = None,
    store: AvatarStore | None = None,
    fps: float = 25,
) -> VideoAvatar:
    """The renderer of a saved ``video`` avatar (its latest version, or ``version``)."""
    if record.kind != "video":
        raise InputError(f"avatar {record.id} is a {record.kind} avatar, not a video avatar")
    store = store or AvatarStore()
    model = store.file(record, str(record.version(version).source["model"]))
    return VideoAvatar.load(model, width, height, fps=fps)
