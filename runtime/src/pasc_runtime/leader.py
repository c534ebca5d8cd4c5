"""One leader per schema for work that must not run twice at once (outbox relay, dispatcher...).

The leader holds a PostgreSQL session advisory lock on its own connection: when its process
dies the connection closes and the lock is free for a standby instance within a poll.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg


@contextlib.asynccontextmanager
async def leadership(
    database_url: str, schema: str, role: str, poll_s: float
) -> AsyncIterator[asyncpg.Connection]:
    """A connection (search_path = `schema`) holding the lock `<schema>.<role>`; waits for it."""
    conn: asyncpg.Connection = await asyncpg.connect(
        database_url, server_settings={"search_path": schema}
    )
    try:
        lock = f"{schema}.{role}"
        # Another instance leads while it holds the lock: poll until it is released.
        while not await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", lock):  # noqa: ASYNC110
            await asyncio.sleep(poll_s)
        yield conn
    finally:
        with contextlib.suppress(Exception):
            await conn.close()
