"""What a task receives and returns: :class:`TaskContext` (the job's params, a private
work folder, a progress reporter) and :class:`TaskOutput` (local files to store).

A task never touches the job row: it reports progress through :class:`JobProgress`
(which may raise :class:`JobAborted` to stop it: the job was cancelled, taken back,
or ran out of time) and returns files; the runner uploads them under keys derived from
the job id, so a job that runs twice stores the same objects once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from persona.errors import InputError, PersonaError
from persona.progress import ProgressSink
from persona.service.db.engine import Database
from persona.service.db.models import Asset, ResourceKind, User
from persona.service.jobs.states import JobState
from persona.service.storage.base import Storage


class JobAborted(PersonaError):
    """The job must stop now: it was cancelled, taken back, or ran out of time."""


class JobProgress(Protocol):
    def report(self, state: JobState, fraction: float) -> None:
        """The job is in ``state`` and ``fraction`` (0..1) of the whole job is done;
        raises :class:`JobAborted` when the job must stop."""
        ...


@dataclass(frozen=True)
class OutputFile:
    name: str  # the file's name in the job's storage folder: "video.mp4"
    path: Path
    content_type: str


@dataclass(frozen=True)
class TaskOutput:
    files: tuple[OutputFile, ...]
    info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskContext:
    job_id: str
    user_id: str
    params: Mapping[str, Any]
    workdir: Path
    storage: Storage
    database: Database
    progress: JobProgress

    def fetch_asset(self, asset_id: str, stem: str, kinds: tuple[str, ...] = ()) -> Path:
        """Copy the user's uploaded asset into the work folder as ``stem`` + its suffix;
        another user's asset, or one of the wrong kind, is not found."""
        with self.database.session() as session:
            asset = session.get(Asset, asset_id)
            if asset is None or asset.user_id != self.user_id:
                raise InputError(f"no uploaded file {asset_id!r}")
            if kinds and asset.kind not in kinds:
                raise InputError(
                    f"{asset_id} is a {asset.kind} file; expected {' or '.join(kinds)}"
                )
            key, suffix = asset.storage_key, _suffix(asset.content_type)
        path = self.workdir / f"{stem}{suffix}"
        with path.open("wb") as out:
            for chunk in self.storage.open(key):
                out.write(chunk)
        return path

    def require_avatar(self, avatar_id: str) -> None:
        """Pass when the user owns the saved avatar (an admin too: only their own)."""
        from persona.service.ownership import require_owner

        with self.database.session() as session:
            user = session.get(User, self.user_id)
            if user is None:
                raise InputError(f"no user {self.user_id}")
            require_owner(session, user, ResourceKind.AVATAR, avatar_id, to_use=True)


def pipeline_sink(progress: JobProgress, start: float, stop: float) -> ProgressSink:
    """A pipeline progress sink that reports to the job: the "render" stage as
    ``rendering``, every other stage as ``processing``; the overall fraction spread
    over ``[start, stop]`` of the job. Once rendering has begun, later stages of the
    pipeline (captions, muxing) still count as rendering: a job never goes back."""
    rendering = False

    def sink(stage: str, fraction: float, overall: float) -> None:
        nonlocal rendering
        rendering = rendering or stage == "render"
        state = JobState.RENDERING if rendering else JobState.PROCESSING
        progress.report(state, start + (stop - start) * overall)

    return sink


class StepProgress:
    """A :class:`persona.progress.Progress` that reports one step of a task as ``state``,
    its fraction spread over ``[start, stop]`` of the job."""

    def __init__(self, progress: JobProgress, state: JobState, start: float, stop: float):
        self.progress, self.state, self.start, self.stop = progress, state, start, stop

    def update(self, fraction: float) -> None:
        done = min(1.0, max(0.0, fraction))
        self.progress.report(self.state, self.start + (self.stop - self.start) * done)


def param(params: Mapping[str, Any], name: str, kind: type, default: Any = None) -> Any:
    """``params[name]`` checked to be a ``kind`` (``default`` when absent or null)."""
    value = params.get(name)
    if value is None:
        return default
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise InputError(f"parameter {name!r} must be a {kind.__name__}, not {value!r}")
    return value


def text_param(params: Mapping[str, Any], name: str) -> str | None:
    value = param(params, name, str)
    if value is not None and not value.strip():
        raise InputError(f"parameter {name!r} is empty")
    return value


def _suffix(content_type: str) -> str:
    """The file suffix decoders go by, for a stored asset's content type."""
    from persona.service.uploads import extension_for

    try:
        return extension_for(content_type)
    except InputError:
        return ".bin"
