"""Rate limiting: ``PERSONA_RATE_LIMIT_PER_MINUTE`` requests per caller (default 100).

The caller is the user behind the request's API key or access token (in a header or
``?access_token=``); a request without
usable credentials counts against its client IP instead. Over the limit the API answers
``429`` with ``Retry-After`` (whole seconds) and the usual error body
``{"detail": ..., "code": "rate_limited"}``; every limited response carries
``X-RateLimit-Limit`` and ``X-RateLimit-Remaining``. ``/health`` and ``/metrics`` are
never limited (probes and scrapers call them all the time).

The algorithm is GCRA, the token bucket written as one timestamp per caller (the
*theoretical arrival time*): a bucket of ``limit`` requests that refills evenly over the
period, so a caller may burst ``limit`` requests and then gets one more every
``period / limit`` seconds. Backends (:class:`RateLimiter`):

* :class:`MemoryRateLimiter` for one process (the embedded mode);
* :class:`RedisRateLimiter` shared by every API process, one atomic Lua script per hit;
  chosen when ``PERSONA_BROKER_URL`` is a ``redis://`` URL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qs

import jwt
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persona.service.auth import API_KEY_MARK, JWT_ALGORITHM
from persona.service.db.models import ApiKey
from persona.service.logs import set_user_id

if TYPE_CHECKING:
    from redis import Redis

    from persona.service.db.engine import Database
    from persona.service.settings import Settings

PERIOD_S = 60.0
EXEMPT_PATHS = frozenset({"/health", "/metrics"})
Clock = Callable[[], float]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    """One request's verdict. ``retry_after_s``: when the next request would pass (0 if
    this one did); ``remaining``: how many more may come right now."""

    allowed: bool
    limit: int
    remaining: int
    retry_after_s: float

    @property
    def retry_after_header(self) -> str:
        return str(max(1, math.ceil(self.retry_after_s)))


def gcra(tat: float | None, now: float, limit: int, period_s: float) -> tuple[Decision, float]:
    """The verdict for one request at ``now`` given the stored arrival time ``tat``, and
    the arrival time to store (unchanged when refused)."""
    if limit < 1 or period_s <= 0:
        raise ValueError(f"a rate limit needs limit >= 1 and period > 0, not {limit}/{period_s}")
    interval = period_s / limit
    current = max(tat if tat is not None else now, now)
    new_tat = current + interval
    earliest = new_tat - period_s  # the request may pass from this moment on
    if now < earliest:
        remaining = 0
        return Decision(False, limit, remaining, earliest - now), current
    remaining = int((now - earliest) / interval + 1e-9)
    return Decision(True, limit, min(remaining, limit - 1), 0.0), new_tat


class RateLimiter(Protocol):
    """Counts hits per key. ``hit`` records one request (when allowed) and says whether
    it may pass; ``reset`` forgets a key."""

    def hit(self, key: str, *, limit: int, period_s: float = PERIOD_S) -> Decision: ...

    def reset(self, key: str) -> None: ...


class MemoryRateLimiter:
    """One process's limiter: a dict of arrival times under a lock; entries that have
    fully refilled are dropped as the dict grows."""

    def __init__(self, clock: Clock = time.time, *, prune_above: int = 10_000) -> None:
        self._clock = clock
        self._tats: dict[str, float] = {}
        self._lock = threading.Lock()
        self._prune_above = prune_above

    def hit(self, key: str, *, limit: int, period_s: float = PERIOD_S) -> Decision:
        with self._lock:
            now = self._clock()
            decision, tat = gcra(self._tats.get(key), now, limit, period_s)
            self._tats[key] = tat
            if len(self._tats) > self._prune_above:
                self._tats = {k: t for k, t in self._tats.items() if t > now}
            return decision

    def reset(self, key: str) -> None:
        with self._lock:
            self._tats.pop(key, None)


_GCRA_LUA = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local interval = period / limit
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval
local earliest = new_tat - period
if now < earliest then
  return {0, tostring(earliest - now)}
end
redis.call('SET', KEYS[1], string.format('%.6f', new_tat), 'PX',
           math.ceil((new_tat - now) * 1000) + 1000)
return {1, tostring(math.floor((now - earliest) / interval + 1e-9))}
"""


class RedisRateLimiter:
    """A limiter shared through Redis: the same GCRA as :func:`gcra`, run atomically
    in one Lua script per hit; keys expire once their bucket is full again."""

    def __init__(
        self, client: Redis, *, prefix: str = "persona:ratelimit:", clock: Clock = time.time
    ):
        self._client = client
        self._prefix = prefix
        self._clock = clock
        self._script = client.register_script(_GCRA_LUA)

    @classmethod
    def from_url(cls, url: str, **kwargs: object) -> RedisRateLimiter:
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=2.0), **kwargs)  # type: ignore[arg-type]

    def hit(self, key: str, *, limit: int, period_s: float = PERIOD_S) -> Decision:
        if limit < 1 or period_s <= 0:
            raise ValueError(f"a rate limit needs limit >= 1 and period > 0, not {limit}")
        now = self._clock()
        allowed, value = self._script(keys=[self._prefix + key], args=[repr(now), limit, period_s])
        number = float(value)
        if int(allowed):
            return Decision(True, limit, min(int(number), limit - 1), 0.0)
        return Decision(False, limit, 0, number)

    def reset(self, key: str) -> None:
        self._client.delete(self._prefix + key)


def make_rate_limiter(settings: Settings) -> RateLimiter:
    """Redis when the broker is Redis (every API process shares the counts), else memory."""
    url = settings.broker_url or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisRateLimiter.from_url(url)
    return MemoryRateLimiter()


# Who is calling ----------------------------------------------------------------------------


def _credential(scope: Scope) -> str | None:
    """The credential as the routes read it: a header, else ``?access_token=`` (what a
    browser loads without headers counts against its user too)."""
    headers = Headers(scope=scope)
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if key := headers.get("x-api-key", "").strip():
        return key
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return next((v.strip() for v in query.get("access_token", []) if v.strip()), None)


def _user_of_credential(credential: str, database: Database, settings: Settings) -> str | None:
    """The user id a credential claims (the key's owner, the token's subject), or
    ``None``. Only identifies the caller for counting; authentication happens later."""
    if credential.startswith(API_KEY_MARK):
        digest = hashlib.sha256(credential.encode()).hexdigest()
        with database.session() as session:
            return session.scalar(select(ApiKey.user_id).where(ApiKey.secret_hash == digest))
    try:
        claims = jwt.decode(credential, settings.signing_key(), algorithms=[JWT_ALGORITHM])
    except jwt.InvalidTokenError:
        return None
    subject = claims.get("sub")
    return str(subject) if subject else None


def _client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RateLimitMiddleware:
    """Applies ``app.state.rate_limiter`` with ``settings.rate_limit_per_minute`` to every
    HTTP request except :data:`EXEMPT_PATHS`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        settings: Settings = state.settings
        credential = _credential(scope)
        user_id = None
        if credential is not None:
            user_id = await run_in_threadpool(
                _user_of_credential, credential, state.database, settings
            )
        set_user_id(user_id)
        key = f"user:{user_id}" if user_id else f"ip:{_client_ip(scope)}"
        limiter: RateLimiter = state.rate_limiter
        limit = settings.rate_limit_per_minute
        try:
            decision = await run_in_threadpool(limiter.hit, key, limit=limit)
        except Exception:  # a broken limiter must not take the API down: let it through
            log.exception("the rate limiter failed; letting the request through")
            await self.app(scope, receive, send)
            return
        headers = [
            (b"x-ratelimit-limit", str(decision.limit).encode()),
            (b"x-ratelimit-remaining", str(decision.remaining).encode()),
        ]
        if not decision.allowed:
            await _refuse(decision, headers, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(decision: Decision, headers: list[tuple[bytes, bytes]], send: Send) -> None:
    wait = decision.retry_after_header
    body = json.dumps(
        {
            "detail": f"too many requests: {decision.limit} per minute; retry in {wait} s",
            "code": "rate_limited",
        }
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", wait.encode()),
        *headers,
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
