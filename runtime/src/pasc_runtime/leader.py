"""One leader per schema for work that must not run twice at once (outbox relay, dispatcher...).

The leader holds a PostgreSQL session advisory lock on its own connection: when its process
dies the connection closes and the lock is free for a standby instance within a poll.
`lead` is the loop every leader runs (outbox relay, connector dispatcher, KPI snapshots): take
the lock, work while holding it, and when the work fails (the database went away, a bug) let
the lock go, wait, and try again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg

from pasc_runtime.db import UNAVAILABLE

log = logging.getLogger(__name__)


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


async def lead(
    what: str,
    database_url: str,
    schema: str,
    role: str,
    work: Callable[[asyncpg.Connection], Awaitable[None]],
    *,
    poll_s: float,
    retry_s: float,
) -> None:
    """Run `work` on the leader's connection whenever this instance holds `<schema>.<role>`,
    until cancelled. `poll_s`: how often a standby asks for the lock; `retry_s`: the pause after
    a failure. An unreachable database is a warning (it comes back); anything else is logged
    with its traceback. `what` names the loop in the logs."""
    while True:
        try:
            async with leadership(database_url, schema, role, poll_s) as conn:
                await work(conn)
        except asyncio.CancelledError:
            raise
        except UNAVAILABLE as exc:
            log.warning("%s: database unavailable (%s); retrying", what, type(exc).__name__)
        except Exception:
            log.exception("%s failed; retrying", what)
        await asyncio.sleep(retry_s)
