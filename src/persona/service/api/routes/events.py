"""``GET /api/v1/events``: the signed-in user's job changes as Server-Sent Events.

    retry: 2000                      (once: how long a browser waits to reconnect)

    event: job
    data: {JobPublic as JSON}        on every change of a job's state, progress or attempt

    : ping                           every 15 s, so proxies keep the connection open

The jobs table is the source of truth, so this works the same with the embedded worker
and with workers in other processes or machines: every half second the stream reads the
user's jobs changed since the last look (one indexed query) and sends those whose state,
progress or attempt count differ from what it last sent. The look-back starts from the
newest ``updated_at`` in the table rather than this server's clock and overlaps the last
window by a few seconds, so a worker whose clock runs a little behind, or a commit that
lands late, is not missed; what was already sent is not sent twice.

Browsers' ``EventSource`` cannot send headers, so ``?access_token=`` (an access token or
an API key) is accepted as well as the ``Authorization`` header. The stream ends when the
client goes away, when the account is disabled or deleted (checked at every look), or
after ``timeout_s`` (default an hour), after which ``EventSource`` reconnects by itself.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select

from persona.service.api.deps import QueryUser, SessionDep
from persona.service.db.engine import Database
from persona.service.db.models import Job, User

router = APIRouter(prefix="/api/v1", tags=["events"])
POLL_S = 0.5
PING_S = 15.0
OVERLAP = timedelta(seconds=5)
RETRY_MS = 2000
MAX_BATCH = 200
EVENT_STREAM = {
    200: {
        "content": {
            "text/event-stream": {
                "schema": {"type": "string"},
                "example": 'event: job\ndata: {"id": "job_…", "state": "rendering", …}\n\n',
            }
        },
        "description": "`event: job` with a JobPublic as `data` on every change; "
        "`: ping` comments every 15 s",
    }
}


@dataclass
class JobWatch:
    """What one stream has sent: the newest ``updated_at`` it has seen and, per job in
    the overlap window, the signature of the state it last sent."""

    user_id: str
    cursor: datetime | None = None
    sent: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def start(self, database: Database) -> None:
        with database.session() as session:
            query = select(func.max(Job.updated_at)).where(Job.user_id == self.user_id)
            self.cursor = session.scalar(query)
            if self.cursor is not None:
                for job in self._recent(session):
                    self.sent[job.id] = _signature(job)

    def changes(self, database: Database) -> list[dict[str, Any]] | None:
        """The JobPublic JSON of every job that changed since the last call; ``None``
        once the account is disabled or deleted (the stream must end)."""
        from persona.service.api.routes.jobs import job_public

        with database.session() as session:
            user = session.get(User, self.user_id, populate_existing=True)
            if user is None or user.disabled_at is not None:
                return None
            jobs = self._recent(session)
            out = []
            for job in jobs:
                signature = _signature(job)
                if self.sent.get(job.id) != signature:
                    self.sent[job.id] = signature
                    out.append(job_public(job).model_dump(mode="json"))
            if jobs:
                newest = max(job.updated_at for job in jobs)
                self.cursor = max(newest, self.cursor) if self.cursor else newest
            self._forget_old(jobs)
            return out

    def _recent(self, session: Any) -> list[Job]:
        query = select(Job).where(Job.user_id == self.user_id)
        if self.cursor is not None:
            query = query.where(Job.updated_at >= self.cursor - OVERLAP)
        return list(session.scalars(query.order_by(Job.updated_at).limit(MAX_BATCH)))

    def _forget_old(self, jobs: list[Job]) -> None:
        if len(self.sent) > 4 * MAX_BATCH:
            keep = {job.id for job in jobs}
            self.sent = {k: v for k, v in self.sent.items() if k in keep}


def _signature(job: Job) -> tuple[Any, ...]:
    return (str(job.state), job.progress, job.attempts, job.error is None, job.result is None)


def format_event(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def job_events(
    request: Request, database: Database, user_id: str, timeout_s: float
) -> AsyncIterator[str]:
    """The stream's text, chunk by chunk, until the client leaves or ``timeout_s``;
    ``app.state.event_streams`` counts the streams open."""
    state = request.app.state
    poll_s = float(getattr(state, "events_poll_s", POLL_S))
    ping_s = float(getattr(state, "events_ping_s", PING_S))
    watch = JobWatch(user_id)
    await run_in_threadpool(watch.start, database)
    state.event_streams = getattr(state, "event_streams", 0) + 1
    try:
        yield f"retry: {RETRY_MS}\n\n"
        started = last_ping = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if await request.is_disconnected():
                return
            changed = await run_in_threadpool(watch.changes, database)
            if changed is None:  # the account was disabled or deleted meanwhile
                return
            for data in changed:
                yield format_event("job", data)
            if time.monotonic() - last_ping >= ping_s:
                last_ping = time.monotonic()
                yield ": ping\n\n"
            await asyncio.sleep(poll_s)
    finally:
        state.event_streams -= 1


@router.get("/events", response_class=StreamingResponse, responses=EVENT_STREAM)  # type: ignore[arg-type]
async def events(
    request: Request,
    user: QueryUser,
    session: SessionDep,
    timeout_s: Annotated[
        float, Query(gt=0, le=86_400, description="close the stream after this long")
    ] = 3600,
) -> StreamingResponse:
    """Your jobs' changes as Server-Sent Events (see the module doc); authenticate with
    the header or ``?access_token=``."""
    database: Database = request.app.state.database
    user_id = user.id
    session.close()  # the stream holds no connection between its looks
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    stream = job_events(request, database, user_id, timeout_s)
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)
