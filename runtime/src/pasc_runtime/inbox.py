"""Idempotent consumers: the event ids a consumer has applied, recorded in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

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
