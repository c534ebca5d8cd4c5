"""The one leader loop (outbox relay, connector dispatcher, KPI snapshots) on the real database:
one instance works at a time, and work that fails lets the lock go and is tried again."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Coroutine
from typing import Any

import asyncpg
import pytest

from pasc_runtime.leader import lead

pytestmark = pytest.mark.integration


async def test_one_leader_at_a_time_and_a_failed_leader_lets_the_lock_go(
    database_url: str,
) -> None:
    role = f"leader_test_{uuid.uuid4().hex[:8]}"
    working: list[str] = []
    turns: list[str] = []
    overlaps: list[list[str]] = []  # recorded, not asserted: lead() would log the error away
    first_failed = asyncio.Event()

    def instance(name: str) -> Coroutine[Any, Any, None]:
        async def work(conn: asyncpg.Connection) -> None:
            working.append(name)
            turns.append(name)
            if len(working) > 1:
                overlaps.append(list(working))
            try:
                if len(turns) == 1:  # the first leader's work fails once
                    await asyncio.sleep(0.3)
                    first_failed.set()
                    raise RuntimeError("a bug in the work")
                await asyncio.sleep(3600)
            finally:
                working.remove(name)

        return lead(f"test {name}", database_url, "public", role, work, poll_s=0.05, retry_s=0.5)

    tasks = [asyncio.create_task(instance(name)) for name in ("a", "b")]
    try:
        await asyncio.wait_for(first_failed.wait(), 10)
        for _ in range(100):  # the other instance takes over within a few polls
            if len(turns) == 2:
                break
            await asyncio.sleep(0.05)
        assert len(turns) == 2 and turns[0] != turns[1], turns
        assert working == [turns[1]]
        assert overlaps == []
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    assert all(task.cancelled() for task in tasks)
