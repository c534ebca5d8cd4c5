"""Idempotent consumers: the event ids a consumer has applied, recorded in the same transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from uuid import UUID

import asyncpg

from pasc_runtime.db import Connection

_CLAIM = """
INSERT INTO inbox (consumer, event_id)
SELECT $1, unnest($2::uuid[])
ON CONFLICT DO NOTHING
RETURNING event_id
"""


async def claim(conn: Connection, consumer: str, event_ids: Sequence[UUID]) -> set[UUID]:
    """Record the ids as applied by `consumer`; returns those not seen before (to apply now)."""
    rows = await conn.fetch(_CLAIM, consumer, list(dict.fromkeys(event_ids)))
    return {row["event_id"] for row in rows}


# In batches, so a large backlog never holds one long transaction and its row locks.
_PRUNE = """
DELETE FROM inbox WHERE ctid IN (
    SELECT ctid FROM inbox WHERE processed_at < now() - $1::interval LIMIT $2
)
"""
PRUNE_BATCH = 10_000
log = logging.getLogger(__name__)


async def prune(conn: Connection, older_than: timedelta, batch: int = PRUNE_BATCH) -> int:
    """Delete the entries recorded more than `older_than` ago; returns how many."""
    total = 0
    while True:
        status = await conn.execute(_PRUNE, older_than, batch)
        deleted = int(status.split()[-1])
        total += deleted
        if deleted < batch:
            return total


class InboxPruner:
    """The background loop that keeps the inbox to its retention (`INBOX_RETENTION_DAYS`).

    The inbox only has to outlive redeliveries, which come within minutes (offsets are committed
    right after each batch's transaction); without pruning it grows by every event forever."""

    def __init__(
        self, pool: Callable[[], asyncpg.Pool], retention: timedelta, interval_s: float
    ) -> None:
        self._pool = pool
        self._retention = retention
        self._interval_s = interval_s

    async def run(self) -> None:
        while True:
            try:
                async with self._pool().acquire() as conn:
                    deleted = await prune(conn, self._retention)
            except (OSError, asyncpg.PostgresError) as exc:
                # The database is away: nothing is lost by pruning at the next round.
                log.warning("inbox not pruned: %s", type(exc).__name__)
            else:
                if deleted:
                    log.info("inbox pruned: %d entries older than %s", deleted, self._retention)
            await asyncio.sleep(self._interval_s)
