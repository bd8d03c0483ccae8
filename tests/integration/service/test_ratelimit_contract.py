"""The rate limiter contract, run against every backend: in memory, and a real Redis
(``PERSONA_TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/15``; skipped, saying why,
when it cannot be reached)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from persona.service.ratelimit import (
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    gcra,
    make_rate_limiter,
)
from tests.unit.service.servicedb import sqlite_settings

REDIS_URL = os.environ.get("PERSONA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def redis_limiter(clock: FakeClock) -> Iterator[RedisRateLimiter]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    prefix = f"persona-test:{secrets.token_hex(4)}:"
    yield RedisRateLimiter(client, prefix=prefix, clock=clock)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture(params=["memory", "redis"])
def limiter(request: pytest.FixtureRequest, clock: FakeClock) -> RateLimiter:
    if request.param == "redis":
        chosen: RateLimiter = request.getfixturevalue("redis_limiter")
        return chosen
    return MemoryRateLimiter(clock)


class TestRateLimiterContract:
    def test_a_full_bucket_lets_limit_requests_through(self, limiter: RateLimiter) -> None:
        decisions = [limiter.hit("ann", limit=5) for _ in range(5)]
        assert all(d.allowed for d in decisions)
        assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0]
        refused = limiter.hit("ann", limit=5)
        assert not refused.allowed
        assert refused.remaining == 0
        assert refused.retry_after_s == pytest.approx(12.0, abs=1e-3)  # 60 s / 5
        assert refused.retry_after_header == "12"

    def test_refused_hits_do_not_push_the_window(
        self, limiter: RateLimiter, clock: FakeClock
    ) -> None:
        for _ in range(3):
            limiter.hit("ann", limit=3)
        for _ in range(10):
            assert not limiter.hit("ann", limit=3).allowed
        clock.now += 20.0  # one token back (60 s / 3)
        assert limiter.hit("ann", limit=3).allowed
        assert not limiter.hit("ann", limit=3).allowed

    def test_tokens_come_back_evenly(self, limiter: RateLimiter, clock: FakeClock) -> None:
        for _ in range(4):
            limiter.hit("ann", limit=4)
        clock.now += 14.9
        refused = limiter.hit("ann", limit=4)
        assert not refused.allowed
        assert refused.retry_after_s == pytest.approx(0.1, abs=1e-3)
        clock.now += 0.1
        assert limiter.hit("ann", limit=4).allowed
        clock.now += 60.0  # a full minute later the bucket is full again
        assert [limiter.hit("ann", limit=4).allowed for _ in range(5)] == [True] * 4 + [False]

    def test_keys_are_independent(self, limiter: RateLimiter) -> None:
        assert limiter.hit("ann", limit=1).allowed
        assert not limiter.hit("ann", limit=1).allowed
        assert limiter.hit("bob", limit=1).allowed

    def test_reset_forgets_a_key(self, limiter: RateLimiter) -> None:
        limiter.hit("ann", limit=1)
        limiter.reset("ann")
        assert limiter.hit("ann", limit=1).allowed

    def test_a_custom_period(self, limiter: RateLimiter, clock: FakeClock) -> None:
        assert limiter.hit("ann", limit=2, period_s=1.0).allowed
        assert limiter.hit("ann", limit=2, period_s=1.0).allowed
        assert not limiter.hit("ann", limit=2, period_s=1.0).allowed
        clock.now += 0.5
        assert limiter.hit("ann", limit=2, period_s=1.0).allowed

    def test_a_limit_below_one_is_refused(self, limiter: RateLimiter) -> None:
        with pytest.raises(ValueError, match="limit >= 1"):
            limiter.hit("ann", limit=0)


def test_the_pure_algorithm_matches_the_backends(clock: FakeClock) -> None:
    decision, tat = gcra(None, 100.0, 100, 60.0)
    assert decision.allowed and decision.remaining == 99
    assert tat == pytest.approx(100.6)


def test_settings_pick_the_backend(tmp_path: Path, redis_limiter: RedisRateLimiter) -> None:
    plain = sqlite_settings(tmp_path / "a")
    assert isinstance(make_rate_limiter(plain), MemoryRateLimiter)
    shared = sqlite_settings(tmp_path / "b", broker_url=REDIS_URL)
    assert isinstance(make_rate_limiter(shared), RedisRateLimiter)
