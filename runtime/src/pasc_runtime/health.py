"""`/health`: the broker answers and the database answers, 200; otherwise 503 with which one failed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

from faststream.asgi import AsgiResponse, get
from faststream.asgi.handlers import GetHandler

Check = Callable[[], Awaitable[bool]]


def make_health(checks: dict[str, Check], timeout_s: float = 2.0) -> GetHandler:
    async def run(check: Check) -> bool:
        try:
            return await asyncio.wait_for(check(), timeout_s)
        except Exception:
            return False

    @get(include_in_schema=False)
    async def health(scope: object) -> AsgiResponse:
        results = dict(
            zip(checks, await asyncio.gather(*(run(c) for c in checks.values())), strict=True)
        )
        ok = all(results.values())
        body = {"status": "ok" if ok else "unavailable", **results}
        return AsgiResponse(
            json.dumps(body).encode(),
            200 if ok else 503,
            headers={"content-type": "application/json"},
        )

    return health
