"""Rate limits with the `limits` package (moving windows, in this process's memory).

Kept per process: with N replicas a client gets up to N times the limit, which still stops
enumeration and password guessing at a rate the platform notices (`pasc_rate_limited_total`).
A shared storage (`limits` supports Redis) would make them exact across replicas.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from prometheus_client import CollectorRegistry, Counter


class Limited(Exception):
    """A limit is reached: answer 429 with Retry-After."""

    def __init__(self, limit: str, retry_after_s: int) -> None:
        super().__init__(f"rate limit {limit} reached; retry after {retry_after_s}s")
        self.limit, self.retry_after_s = limit, retry_after_s


class RateLimits:
    """Named limits ("public", "auth_failures", "subject", "api_key"), each a `limits` string
    like "60/minute"; `check` counts a hit, `exhausted` only looks."""

    def __init__(self, limits: dict[str, str], registry: CollectorRegistry) -> None:
        self._items: dict[str, RateLimitItem] = {name: parse(v) for name, v in limits.items()}
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self.limited = Counter(
            "pasc_rate_limited_total",
            "Requests answered 429 because a rate limit was reached",
            ["limit"],
            registry=registry,
        )

    async def _retry_after(self, name: str, key: str) -> int:
        stats = await self._limiter.get_window_stats(self._items[name], name, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def check(self, name: str, key: str) -> None:
        """Count one request of `key` against the limit; raise Limited when over it."""
        if not await self._limiter.hit(self._items[name], name, key):
            self.limited.labels(name).inc()
            raise Limited(name, await self._retry_after(name, key))

    async def exhausted(self, name: str, key: str) -> None:
        """Raise Limited when `key` has no hit left (counts nothing)."""
        if not await self._limiter.test(self._items[name], name, key):
            self.limited.labels(name).inc()
            raise Limited(name, await self._retry_after(name, key))

    async def count(self, name: str, key: str) -> None:
        """Count a hit (e.g. a failed authentication) without refusing this request."""
        await self._limiter.hit(self._items[name], name, key)
