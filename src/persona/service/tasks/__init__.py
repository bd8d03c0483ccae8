"""The work behind each job type: one function per type, from the job's parameters to
files, and :func:`run_task`, which runs one in a private work folder and stores what it
made.

    video_generation     tasks/video.py   script or recording → MP4/WebM (+ caption files)
    podcast_video        tasks/video.py   dialogue + scene → MP4/WebM
    voice_synthesis      tasks/audio.py   text → WAV
    music_generation     tasks/audio.py   style → WAV
    subtitle_generation  tasks/audio.py   media → SRT/VTT
    lipsync_animation    tasks/audio.py   recording → mouth cues JSON
    avatar_training      tasks/avatar.py  training clip → a saved video avatar (no files)

Outputs go to ``users/<user>/jobs/<job>/<name>`` (e.g. ``…/video.mp4``): a job that runs
again (a retry, or a redelivery after its worker died) overwrites the same objects, and
its asset records are updated rather than added, so a job never holds two copies.
A cancelled job's partial outputs are removed (:func:`discard_outputs`), and with them
whatever else the job made (an avatar that training saved).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from persona.service.db.base import new_id, utcnow
from persona.service.db.engine import Database
from persona.service.db.models import Asset, Job
from persona.service.jobs.states import JobState, JobType
from persona.service.storage.base import Storage
from persona.service.tasks.context import (
    JobAborted,
    JobProgress,
    OutputFile,
    TaskContext,
    TaskOutput,
)

Task = Callable[[TaskContext], TaskOutput]


def _registry() -> dict[JobType, Task]:
    from persona.service.tasks import audio, avatar, video

    return {
        JobType.AVATAR_TRAINING: avatar.avatar_training,
        JobType.VIDEO_GENERATION: video.video_generation,
        JobType.PODCAST_VIDEO: video.podcast_video,
        JobType.VOICE_SYNTHESIS: audio.voice_synthesis,
        JobType.MUSIC_GENERATION: audio.music_generation,
        JobType.SUBTITLE_GENERATION: audio.subtitle_generation,
        JobType.LIPSYNC_ANIMATION: audio.lipsync_animation,
    }


TASKS: dict[JobType, Task] = {}
"""Extra or replacement tasks by job type (tests register failing ones here); the
built-in ones are looked up lazily so that importing this package loads no engine."""


def task_for(job_type: JobType) -> Task:
    return TASKS.get(job_type) or _registry()[job_type]


def output_key(user_id: str, job_id: str, name: str) -> str:
    """Where output ``name`` of a job is stored: the same key on every attempt."""
    return f"users/{user_id}/jobs/{job_id}/{name}"


def run_task(
    job_type: JobType,
    *,
    job_id: str,
    user_id: str,
    params: dict[str, Any],
    storage: Storage,
    database: Database,
    progress: JobProgress,
) -> dict[str, Any]:
    """Run the job's task in a fresh work folder (removed afterwards), store its files
    and return the job's result: ``{"outputs": {name: {key, size, ...}}, **info}``."""
    workdir = Path(tempfile.mkdtemp(prefix=f"persona-{job_id}-"))
    try:
        context = TaskContext(job_id, user_id, params, workdir, storage, database, progress)
        output = task_for(job_type)(context)
        progress.report(JobState.UPLOADING, 0.95)
        outputs = store_outputs(storage, database, user_id, job_id, output.files, progress)
        return {"outputs": outputs, **output.info}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def store_outputs(
    storage: Storage,
    database: Database,
    user_id: str,
    job_id: str,
    files: tuple[OutputFile, ...],
    progress: JobProgress,
) -> dict[str, dict[str, Any]]:
    """Upload each file to its key and record it as an asset of the job (updating the
    record a previous attempt left)."""
    outputs: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(files):
        key = output_key(user_id, job_id, item.name)
        with item.path.open("rb") as source:
            stored = storage.put(key, source, content_type=item.content_type)
        asset_id = _record(database, user_id, job_id, key, item, stored.size, stored.sha256)
        outputs[item.name] = {
            "key": key,
            "asset_id": asset_id,
            "size": stored.size,
            "sha256": stored.sha256,
            "content_type": item.content_type,
        }
        progress.report(JobState.UPLOADING, 0.95 + 0.05 * (index + 1) / len(files))
    return outputs


def _record(
    database: Database,
    user_id: str,
    job_id: str,
    key: str,
    item: OutputFile,
    size: int,
    sha256: str,
) -> str:
    with database.transaction() as session:
        asset = session.scalar(select(Asset).where(Asset.storage_key == key))
        if asset is None:
            asset = Asset(id=new_id("asset"), user_id=user_id, storage_key=key, created_at=utcnow())
            session.add(asset)
        asset.job_id, asset.kind, asset.content_type = job_id, "result", item.content_type
        asset.size_bytes, asset.sha256 = size, sha256
        return asset.id


def delete_outputs(database: Database, storage: Storage, job_id: str) -> int:
    """Remove a job's stored outputs and their records; returns how many there were."""
    with database.transaction() as session:
        assets = list(session.scalars(select(Asset).where(Asset.job_id == job_id)))
        keys = [a.storage_key for a in assets if a.kind == "result"]
        for asset in assets:
            if asset.kind == "result":
                session.delete(asset)
    for key in keys:
        storage.delete(key)
    return len(keys)


def discard_outputs(database: Database, storage: Storage, job: Job) -> None:
    """Remove what a cancelled job made: its stored outputs and, for training, the
    avatar (when an attempt had saved it already)."""
    delete_outputs(database, storage, job.id)
    if job.type == JobType.AVATAR_TRAINING:
        from persona.service.tasks.avatar import discard_avatar

        discard_avatar(database, job)


__all__ = [
    "TASKS",
    "JobAborted",
    "JobProgress",
    "Task",
    "TaskContext",
    "TaskOutput",
    "delete_outputs",
    "discard_outputs",
    "output_key",
    "run_task",
    "task_for",
]
