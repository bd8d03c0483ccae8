"""Webhooks: a signed ``POST`` to a job's ``webhook_url`` when the job ends.

Events (named like HeyGen's): ``avatar_video.success`` / ``avatar_video.fail`` for
video jobs (``video_generation``, ``podcast_video``), ``job.success`` / ``job.fail`` for
the other types, and ``job.cancelled`` for any cancelled job. The body is JSON::

    {"event_type": "avatar_video.success",
     "event_data": {"job_id": "job_…", "video_id": "job_…", "type": "video_generation",
                    "state": "completed", "result": {...}, "error": null,
                    "finished_at": "2026-…Z"}}

**Signature.** Each request carries ``X-Persona-Signature: t=<unix seconds>,v1=<hex>``
where ``hex = HMAC-SHA256(secret, f"{t}.{raw body}")``. The secret is the job owner's
own (``users.webhook_secret``, made by :func:`new_user_secret` and shown to them once)
when they set one, else the service's: ``PERSONA_WEBHOOK_SECRET`` (or, when unset, one
derived from ``PERSONA_SECRET_KEY``: :func:`webhook_secret` prints it for the receiver).
The owner's secret is read at each attempt, so a rotation applies to deliveries still
pending. A receiver recomputes the HMAC over
the raw bytes it got, compares in constant time and rejects timestamps older than a few
minutes (:func:`verify_signature` does all three).

**Delivery.** :func:`notify` (called in the transaction that ends the job) records a
first attempt due now in ``webhook_deliveries``; :func:`deliver_due` (a worker loop calls
it every few seconds) sends what is due. Each row is one attempt: its ``status_code`` or
``error``, and ``delivered_at`` on success. A failure (no 2xx, a network error) schedules
the next attempt as a new row: ``BASE_DELAY_S * 2**(attempt-1)`` seconds, capped at
``MAX_DELAY_S``, times a random factor in [0.5, 1] (jitter, so failed receivers are not
hit in lockstep); after ``MAX_ATTEMPTS`` it gives up. Redirects are never followed.

**Targets.** ``http://`` only where allowed (``PERSONA_ALLOW_HTTP_WEBHOOKS``, or in
development). In production a URL whose host resolves to a loopback, private, link-local
or otherwise non-public address is refused (so a webhook cannot probe the internal
network) unless ``PERSONA_ALLOW_PRIVATE_WEBHOOKS=true``; development allows them, for
local receivers.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import random
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from persona import __version__
from persona.errors import InputError
from persona.service.db.base import utcnow
from persona.service.db.models import Job, User, WebhookDelivery
from persona.service.jobs.repository import check_webhook_url
from persona.service.jobs.states import JobState, JobType
from persona.service.settings import Settings, get_settings

SIGNATURE_HEADER = "X-Persona-Signature"
EVENT_HEADER = "X-Persona-Event"
MAX_ATTEMPTS = 8
BASE_DELAY_S = 10.0
MAX_DELAY_S = 3600.0
TIMEOUT_S = 10.0
TOLERANCE_S = 300
VIDEO_TYPES = frozenset({JobType.VIDEO_GENERATION, JobType.PODCAST_VIDEO})


class WebhookTargetError(InputError):
    """A webhook URL the service will not call."""


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt did."""

    delivery_id: int
    job_id: str
    event: str
    attempt: int
    status_code: int | None
    error: str | None
    next_attempt_at: datetime | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


# Events and bodies ---------------------------------------------------------------------------


def event_for(job: Job) -> str | None:
    """The event a job in its current state announces (``None``: not final)."""
    if job.state == JobState.CANCELLED:
        return "job.cancelled"
    outcome = {JobState.COMPLETED: "success", JobState.FAILED: "fail"}.get(job.state)
    if outcome is None:
        return None
    return f"{'avatar_video' if job.type in VIDEO_TYPES else 'job'}.{outcome}"


def payload(job: Job, event: str) -> bytes:
    finished = job.finished_at.isoformat().replace("+00:00", "Z") if job.finished_at else None
    data: dict[str, Any] = {
        "job_id": job.id,
        "video_id": job.id,
        "type": str(job.type),
        "state": str(job.state),
        "result": job.result,
        "error": job.error,
        "finished_at": finished,
    }
    body = {"event_type": event, "event_data": data}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


# Signatures ----------------------------------------------------------------------------------


def webhook_secret(settings: Settings) -> str:
    """``PERSONA_WEBHOOK_SECRET``, or a key derived from the token-signing key."""
    if settings.webhook_secret is not None and settings.webhook_secret.get_secret_value():
        return settings.webhook_secret.get_secret_value()
    derived = hmac.new(settings.signing_key().encode(), b"persona-webhooks-v1", hashlib.sha256)
    return derived.hexdigest()


def new_user_secret() -> str:
    """A fresh per-user signing secret: ``whsec_`` + 43 URL-safe characters (256 bits)."""
    return "whsec_" + secrets.token_urlsafe(32)


def secret_for(session: Session, job: Job, settings: Settings) -> str:
    """The secret that signs ``job``'s webhooks: its owner's, else the service's."""
    owner = session.get(User, job.user_id)
    if owner is not None and owner.webhook_secret:
        return owner.webhook_secret
    return webhook_secret(settings)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Persona-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str,
    body: bytes,
    header: str,
    *,
    tolerance_s: int = TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """What a receiver does: the header's HMAC matches ``body`` and its timestamp is
    within ``tolerance_s`` of ``now``."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


# Targets -------------------------------------------------------------------------------------


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_target(url: str, settings: Settings) -> None:
    """Raise :class:`WebhookTargetError` unless the service may call ``url`` now."""
    try:
        check_webhook_url(url, allow_http=settings.http_webhooks_allowed)
    except InputError as exc:
        raise WebhookTargetError(str(exc)) from None
    parts = urlsplit(url)
    if not parts.hostname:
        raise WebhookTargetError(f"webhook URL has no host: {url!r}")
    if not settings.is_production or settings.allow_private_webhooks:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise WebhookTargetError(f"cannot resolve webhook host {parts.hostname!r}") from exc
    for info in infos:
        if not _is_public(str(info[4][0])):
            raise WebhookTargetError(
                f"webhook host {parts.hostname!r} resolves to a non-public address "
                f"({info[4][0]}); set PERSONA_ALLOW_PRIVATE_WEBHOOKS=true to allow it"
            )


# Scheduling ----------------------------------------------------------------------------------


def backoff_s(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): exponential,
    capped, with jitter in [50 %, 100 %]."""
    ceiling = min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (attempt - 1))
    return ceiling * (0.5 + 0.5 * (rng or random).random())


def notify(session: Session, job: Job, *, now: datetime | None = None) -> WebhookDelivery | None:
    """Schedule the job's webhook for its final state (nothing without a URL or before
    the job ends). Works in the caller's transaction and never commits, so the
    delivery exists exactly when the job's end does."""
    event = event_for(job)
    if event is None or not job.webhook_url:
        return None
    now = now or utcnow()
    row = WebhookDelivery(
        job_id=job.id, event=event, attempt=1, created_at=now, next_attempt_at=now
    )
    session.add(row)
    session.flush()
    return row


def deliver_due(
    session: Session,
    client: httpx.Client,
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
    limit: int = 100,
    rng: random.Random | None = None,
) -> list[Attempt]:
    """Send every delivery due at ``now`` (at most ``limit``). Each one is claimed with a
    conditional UPDATE and committed before the request goes out, so several workers can
    call this at once and no transaction stays open while waiting on a receiver. Pass a
    plain session (``database.session()``): this function commits."""
    settings = settings or get_settings()
    now = now or utcnow()
    due = session.scalars(
        select(WebhookDelivery.id)
        .where(WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    session.commit()
    attempts = []
    for delivery_id in due:
        row = _claim(session, delivery_id, now)
        if row is not None:
            attempts.append(_attempt(session, client, settings, row, now, rng))
    return attempts


def _claim(session: Session, delivery_id: int, now: datetime) -> WebhookDelivery | None:
    claimed = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.next_attempt_at <= now)
        .values(next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(WebhookDelivery, delivery_id, populate_existing=True)


def _attempt(
    session: Session,
    client: httpx.Client,
    settings: Settings,
    row: WebhookDelivery,
    now: datetime,
    rng: random.Random | None,
) -> Attempt:
    job = session.get(Job, row.job_id, populate_existing=True)
    status, error, retry = None, None, True
    if job is None or not job.webhook_url:
        error, retry = "the job or its webhook URL is gone", False
    else:
        try:
            check_target(job.webhook_url, settings)
            body, secret = payload(job, row.event), secret_for(session, job, settings)
            status = _post(client, job.webhook_url, row.event, body, secret)
            if not 200 <= status < 300:
                error = f"the receiver answered {status}"
        except WebhookTargetError as exc:
            error, retry = str(exc), False
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    row.status_code, row.error = status, error
    if error is None:
        row.delivered_at = now
    following = None
    if error is not None and retry and row.attempt < MAX_ATTEMPTS:
        following = now + timedelta(seconds=backoff_s(row.attempt, rng))
        session.add(
            WebhookDelivery(
                job_id=row.job_id,
                event=row.event,
                attempt=row.attempt + 1,
                created_at=now,
                next_attempt_at=following,
            )
        )
    session.commit()
    return Attempt(row.id, row.job_id, row.event, row.attempt, status, error, following)


def _post(client: httpx.Client, url: str, event: str, body: bytes, secret: str) -> int:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"PersonaStudio-Webhooks/{__version__}",
        EVENT_HEADER: event,
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
    }
    response = client.post(
        url, content=body, headers=headers, follow_redirects=False, timeout=TIMEOUT_S
    )
    return response.status_code
