"""``avatar_training``: a training clip the user uploaded → a saved video avatar.

    params {video: asset_…, avatar_id: av_… (reserved by the route), name, transcript,
            consent_id}
    fetch the clip ─train (read, track, speech → processing; loop, harvest, cutout →
        rendering)→ save under the reserved id ─→ record the user as its owner

The avatar id is reserved when the job is made, so every attempt saves under the same
id: a job delivered again after its avatar was saved (its worker died before it could
record the end) finds the avatar and only makes sure of its owner. The job stores no
files; its result names the avatar. A clip that cannot be used (too short, no sound, no
face) fails the job at once and its upload is removed, as a refused upload costs nothing;
a cancelled job leaves no avatar behind (:func:`discard_avatar`).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from persona.avatar.store import AvatarNotFoundError, AvatarRecord, AvatarStore
from persona.errors import InputError
from persona.progress import ProgressSink
from persona.service.db.engine import Database
from persona.service.db.models import Job, OwnedResource, ResourceKind
from persona.service.jobs.states import JobState
from persona.service.tasks.context import JobProgress, TaskContext, TaskOutput, text_param

log = logging.getLogger("persona.service.tasks")
TRAIN_SPAN = (0.02, 0.9)
"""The part of the job's progress that training takes (fetching before, saving after)."""
RENDER_STAGES = frozenset({"loop", "harvest", "cutout"})
"""Training stages shown as ``rendering``: the ones that make the avatar's pictures."""


def avatar_training(ctx: TaskContext) -> TaskOutput:
    avatar_id, video = _required(ctx, "avatar_id"), _required(ctx, "video")
    store = AvatarStore()
    record = _saved(store, avatar_id, ctx.user_id)
    if record is None:
        record = _train(ctx, store, avatar_id, video)
    ctx.progress.report(JobState.POST_PROCESSING, 0.92)
    _record_owner(ctx.database, ctx.user_id, avatar_id)
    return TaskOutput(files=(), info=training_result(record))


def training_sink(progress: JobProgress) -> ProgressSink:
    """Training's progress as the job's: tracking and recognising speech are
    ``processing``, building the loop and mouth samples ``rendering``; the overall
    fraction spread over :data:`TRAIN_SPAN`."""
    start, stop = TRAIN_SPAN
    rendering = False

    def sink(stage: str, fraction: float, overall: float) -> None:
        nonlocal rendering
        rendering = rendering or stage in RENDER_STAGES
        state = JobState.RENDERING if rendering else JobState.PROCESSING
        progress.report(state, start + (stop - start) * overall)

    return sink


def training_result(record: AvatarRecord) -> dict[str, Any]:
    """The job's result: the avatar's id, name and what training learned."""
    video = dict(record.meta.get("video") or {})
    covered = len(video.get("visemes_covered", []))
    return {
        "avatar_id": record.id,
        "avatar_name": record.name,
        "version": record.latest.version,
        "consent_id": record.consent_id,
        "note": f"{covered} mouth shapes learned from the clip",
    }


def discard_avatar(database: Database, job: Job) -> None:
    """Remove the avatar a cancelled training job saved (if it got that far)."""
    from persona.service.ownership import forget_owner

    avatar_id = str((job.params or {}).get("avatar_id") or "")
    store = AvatarStore()
    with contextlib.suppress(AvatarNotFoundError):
        if store.get(avatar_id).owner == job.user_id:
            store.delete(avatar_id)
    with database.transaction() as session:
        record = session.get(OwnedResource, (ResourceKind.AVATAR, avatar_id))
        if record is not None and record.user_id == job.user_id:
            forget_owner(session, ResourceKind.AVATAR, avatar_id)


def _required(ctx: TaskContext, name: str) -> str:
    value = text_param(ctx.params, name)
    if value is None:
        raise InputError(f"an avatar_training job needs the parameter {name!r}")
    return value.strip()


def _saved(store: AvatarStore, avatar_id: str, user_id: str) -> AvatarRecord | None:
    """The avatar an earlier attempt saved under this id; ``None`` when there is none."""
    try:
        record = store.get(avatar_id)
    except AvatarNotFoundError:
        return None
    if record.owner != user_id:
        raise InputError(f"avatar id {avatar_id} is taken")
    return record


def _train(ctx: TaskContext, store: AvatarStore, avatar_id: str, video: str) -> AvatarRecord:
    from persona.avatar.video.train import create_video_avatar
    from persona.consent import require_consent

    consent_id = text_param(ctx.params, "consent_id")
    if consent_id is not None:
        require_consent(consent_id, "avatar")  # still holds: not revoked meanwhile
    clip = ctx.fetch_asset(video, "clip", kinds=("avatar_video",))
    ctx.progress.report(JobState.PROCESSING, TRAIN_SPAN[0])
    try:
        return create_video_avatar(
            clip,
            text_param(ctx.params, "name") or "video avatar",
            progress=training_sink(ctx.progress),
            store=store,
            consent_id=consent_id,
            owner=ctx.user_id,
            transcript=text_param(ctx.params, "transcript"),
            avatar_id=avatar_id,
        )
    except InputError:
        _forget_upload(ctx, video)
        raise


def _record_owner(database: Database, user_id: str, avatar_id: str) -> None:
    """(The audit log has the avatar from the request that queued its training.)"""
    with database.transaction() as session:
        if session.get(OwnedResource, (ResourceKind.AVATAR, avatar_id)) is None:
            owned = OwnedResource(kind=ResourceKind.AVATAR, resource_id=avatar_id, user_id=user_id)
            session.add(owned)


def _forget_upload(ctx: TaskContext, asset_id: str) -> None:
    """The clip was refused: remove its upload (the job fails; it would fail again)."""
    from persona.service.storage.usage import delete_asset

    try:
        with ctx.database.transaction() as session:
            delete_asset(session, ctx.storage, asset_id, user_id=ctx.user_id)
    except Exception:
        log.warning("could not remove the refused upload %s", asset_id, exc_info=True)
