"""Webhooks against a real HTTP receiver on 127.0.0.1 (a tiny server in a thread) that
fails its first attempts: signatures, the retry schedule, redirects, unsafe targets."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy import select

from persona.service.db.base import utcnow
from persona.service.db.engine import Database
from persona.service.db.models import Job, User, WebhookDelivery
from persona.service.jobs.repository import cancel, create_job
from persona.service.settings import Settings
from persona.service.webhooks import (
    BASE_DELAY_S,
    MAX_ATTEMPTS,
    SIGNATURE_HEADER,
    WebhookTargetError,
    backoff_s,
    check_target,
    deliver_due,
    event_for,
    new_user_secret,
    notify,
    sign,
    verify_signature,
    webhook_secret,
)
from tests.unit.service.servicedb import add_user


@dataclass
class Receiver:
    """Answers ``fail_first`` requests with 500, then 204 (or ``redirect_to`` with 302)."""

    fail_first: int = 0
    redirect_to: str | None = None
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers.items()), body))
            if state.redirect_to:
                self.send_response(302)
                self.send_header("Location", state.redirect_to)
            else:
                self.send_response(500 if len(state.requests) <= state.fail_first else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/persona"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def _finished_job(database: Database, url: str | None, job_type: str = "video_generation") -> Job:
    with database.transaction() as session:
        user = add_user(session)
        job = create_job(
            session, user_id=user.id, job_type=job_type, webhook_url=url, allow_http_webhooks=True
        )
        job.state, job.result = "completed", {"video": "asset_1"}  # type: ignore[assignment]
        job.finished_at = utcnow()
        notify(session, job)
        return job


def test_a_failing_receiver_gets_retries_with_backoff_until_it_answers(
    database: Database, settings: Settings, receiver: Receiver, client: httpx.Client
) -> None:
    receiver.fail_first = 2
    job = _finished_job(database, receiver.url)
    now, rng = utcnow(), random.Random(7)
    schedule = []
    with database.session() as session:
        for _ in range(3):
            (attempt,) = deliver_due(session, client, settings, now=now, rng=rng)
            schedule.append(attempt)
            assert deliver_due(session, client, settings, now=now, rng=rng) == []  # not due yet
            if attempt.next_attempt_at is not None:
                now = attempt.next_attempt_at
    assert [a.status_code for a in schedule] == [500, 500, 204]
    assert [a.attempt for a in schedule] == [1, 2, 3]
    assert schedule[2].ok and schedule[2].next_attempt_at is None
    first_wait = (schedule[1].next_attempt_at - schedule[0].next_attempt_at).total_seconds()  # type: ignore[operator]
    assert BASE_DELAY_S <= first_wait <= 2 * BASE_DELAY_S  # 2nd delay: 20 s x [0.5, 1]
    with database.session() as session:
        rows = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [(r.attempt, r.status_code, r.delivered_at is not None) for r in rows] == [
        (1, 500, False),
        (2, 500, False),
        (3, 204, True),
    ]
    assert all(r.event == "avatar_video.success" and r.job_id == job.id for r in rows)
    assert all(r.next_attempt_at is None for r in rows)


def test_each_request_is_signed_over_timestamp_and_body(
    database: Database, settings: Settings, receiver: Receiver, client: httpx.Client
) -> None:
    job = _finished_job(database, receiver.url)
    with database.session() as session:
        deliver_due(session, client, settings)
    ((headers, body),) = receiver.requests
    secret = webhook_secret(settings)
    assert verify_signature(secret, body, headers[SIGNATURE_HEADER])
    assert not verify_signature(secret, body + b" ", headers[SIGNATURE_HEADER])
    assert not verify_signature("another secret", body, headers[SIGNATURE_HEADER])
    timestamp = int(headers[SIGNATURE_HEADER].split(",")[0].removeprefix("t="))
    assert not verify_signature(secret, body, headers[SIGNATURE_HEADER], now=timestamp + 301)
    assert headers["X-Persona-Event"] == "avatar_video.success"
    payload = json.loads(body)
    assert payload["event_type"] == "avatar_video.success"
    assert payload["event_data"]["job_id"] == job.id
    assert payload["event_data"]["result"] == {"video": "asset_1"}


def test_a_user_with_a_secret_of_their_own_gets_requests_signed_with_it(
    database: Database, settings: Settings, receiver: Receiver, client: httpx.Client
) -> None:
    job = _finished_job(database, receiver.url)
    first, second = new_user_secret(), new_user_secret()
    assert first != second and first.startswith("whsec_") and len(first) > 40
    with database.transaction() as session:
        owner = session.get(User, job.user_id)
        assert owner is not None
        owner.webhook_secret = first
    with database.session() as session:
        deliver_due(session, client, settings)
    ((headers, body),) = receiver.requests
    assert verify_signature(first, body, headers[SIGNATURE_HEADER])
    assert not verify_signature(webhook_secret(settings), body, headers[SIGNATURE_HEADER])
    # rotated meanwhile: a delivery sent later is signed with the secret of that moment
    receiver.requests.clear()
    with database.transaction() as session:
        owner = session.get(User, job.user_id)
        assert owner is not None
        owner.webhook_secret = second
        notify(session, session.get(Job, job.id))  # type: ignore[arg-type]
    with database.session() as session:
        deliver_due(session, client, settings)
    ((headers, body),) = receiver.requests
    assert verify_signature(second, body, headers[SIGNATURE_HEADER])
    assert not verify_signature(first, body, headers[SIGNATURE_HEADER])


def test_the_signature_scheme_is_hmac_sha256_of_t_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign("k", b"{}", 1_700_000_000) == f"t=1700000000,v1={expected}"
    assert not verify_signature("k", b"{}", "v1=abc")
    assert not verify_signature("k", b"{}", "garbage")


def test_a_receiver_that_never_answers_is_given_up_after_max_attempts(
    database: Database, settings: Settings, receiver: Receiver, client: httpx.Client
) -> None:
    receiver.fail_first = 100
    _finished_job(database, receiver.url)
    now = utcnow()
    with database.session() as session:
        for _ in range(MAX_ATTEMPTS + 2):
            now += timedelta(days=1)
            deliver_due(session, client, settings, now=now)
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_redirects_are_never_followed(
    database: Database, settings: Settings, receiver: Receiver, client: httpx.Client
) -> None:
    receiver.redirect_to = "http://169.254.169.254/latest/meta-data"
    _finished_job(database, receiver.url)
    with database.session() as session:
        (attempt,) = deliver_due(session, client, settings)
    assert attempt.status_code == 302 and not attempt.ok
    assert attempt.error == "the receiver answered 302"
    assert len(receiver.requests) == 1


def test_an_unreachable_receiver_is_an_error_and_a_retry(
    database: Database, settings: Settings, client: httpx.Client
) -> None:
    _finished_job(database, "http://127.0.0.1:9/nothing-listens-here")
    with database.session() as session:
        (attempt,) = deliver_due(session, client, settings)
    assert attempt.status_code is None and attempt.error and "ConnectError" in attempt.error
    assert attempt.next_attempt_at is not None


def test_production_refuses_private_and_plain_http_targets(
    settings: Settings, database: Database, receiver: Receiver, client: httpx.Client
) -> None:
    production = settings.model_copy(update={"environment": "production"})
    for url in ("https://127.0.0.1/x", "https://10.1.2.3/x", "https://[::1]/x",
                "https://169.254.169.254/x", "https://localhost/x"):  # fmt: skip
        with pytest.raises(WebhookTargetError, match="non-public"):
            check_target(url, production)
    with pytest.raises(WebhookTargetError, match="https"):
        check_target("http://example.com/x", production)
    allowed = production.model_copy(update={"allow_private_webhooks": True})
    check_target("https://127.0.0.1/x", allowed)
    check_target(receiver.url, settings)  # development: local receivers are fine
    _finished_job(database, receiver.url)
    with database.session() as session:
        (attempt,) = deliver_due(session, client, production)
    assert attempt.next_attempt_at is None and "https" in (attempt.error or "")
    assert receiver.requests == []


def test_notify_schedules_only_final_jobs_with_a_url(database: Database) -> None:
    with database.transaction() as session:
        user = add_user(session)
        running = create_job(session, user_id=user.id, job_type="voice_synthesis",
                             webhook_url="https://example.com/h")  # fmt: skip
        assert notify(session, running) is None
        silent = create_job(session, user_id=user.id, job_type="voice_synthesis")
        assert notify(session, cancel(session, silent.id)) is None
        cancelled = cancel(session, running.id)
        assert event_for(cancelled) == "job.cancelled"
        row = notify(session, cancelled)
        assert row is not None and row.attempt == 1 and row.next_attempt_at is not None
        cancelled.state = "failed"  # type: ignore[assignment]
        assert event_for(cancelled) == "job.fail"
        cancelled.type = "podcast_video"  # type: ignore[assignment]
        assert event_for(cancelled) == "avatar_video.fail"


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(1)
    for attempt in range(1, 12):
        ceiling = min(3600.0, BASE_DELAY_S * 2 ** (attempt - 1))
        delays = [backoff_s(attempt, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert max(delays) - min(delays) > ceiling / 10  # jittered, not fixed


def test_two_senders_never_send_one_delivery_twice(
    database: Database, settings: Settings, receiver: Receiver, client: httpx.Client
) -> None:
    _finished_job(database, receiver.url)
    results: list[int] = []

    def send() -> None:
        with database.session() as session:
            results.append(len(deliver_due(session, client, settings)))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert len(receiver.requests) == 1
