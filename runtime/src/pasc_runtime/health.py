"""Probes: `/health` (liveness) and `/ready` (readiness), JSON naming every check.

- `/health` is 200 while the service runs (started, not stopping), whatever its dependencies:
  restarting a process does not bring a database back. The body still says whether the broker
  and the database answer ("degraded" when one does not); 503 before start-up completes.
- `/ready` is 200 when the broker and the database answer and every consumer has joined its
  group (the partitions it got are listed; 0 is a standby replica when replicas outnumber
  partitions, which is ready: otherwise a rollout would wait for it forever); else 503.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping

from faststream.asgi import AsgiResponse, get
from faststream.asgi.handlers import GetHandler

Check = Callable[[], Awaitable[bool]]


def make_health(checks: Mapping[str, Check], timeout_s: float = 2.0) -> GetHandler:
    """200 when every check passes, else 503; the body names each check's result."""

    @get(include_in_schema=False)
    async def health(scope: object) -> AsgiResponse:
        results = await _run_checks(checks, timeout_s)
        ok = all(results.values())
        return _json({"status": "ok" if ok else "unavailable", **results}, ok)

    return health


async def _run_checks(checks: Mapping[str, Check], timeout_s: float) -> dict[str, bool]:
    async def run(check: Check) -> bool:
        try:
            return await asyncio.wait_for(check(), timeout_s)
        except Exception:
            return False

    results = await asyncio.gather(*(run(c) for c in checks.values()))
    return dict(zip(checks, results, strict=True))


def _json(body: dict[str, object], ok: bool) -> AsgiResponse:
    return AsgiResponse(
        json.dumps(body).encode(),
        200 if ok else 503,
        headers={"content-type": "application/json"},
    )


def make_liveness(
    running: Callable[[], bool], checks: Mapping[str, Check], timeout_s: float = 2.0
) -> GetHandler:
    @get(include_in_schema=False)
    async def health(scope: object) -> AsgiResponse:
        results = await _run_checks(checks, timeout_s)
        alive = running()
        status = "unavailable" if not alive else "ok" if all(results.values()) else "degraded"
        return _json({"status": status, **results}, alive)

    return health


def make_readiness(
    checks: Mapping[str, Check],
    consumers: Callable[[], dict[str, int | None]],
    timeout_s: float = 2.0,
) -> GetHandler:
    """`consumers`: "group topic" -> partitions assigned, None before the group was joined."""

    @get(include_in_schema=False)
    async def ready(scope: object) -> AsgiResponse:
        results = await _run_checks(checks, timeout_s)
        partitions = consumers()
        ok = all(results.values()) and all(n is not None for n in partitions.values())
        body: dict[str, object] = {"status": "ok" if ok else "unavailable", **results}
        if partitions:
            body["consumers"] = partitions
        return _json(body, ok)

    return ready
