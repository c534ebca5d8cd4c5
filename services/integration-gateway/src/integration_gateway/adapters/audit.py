"""The audit log: who did what, when, with what outcome. Append-only (the database enforces it:
the service's role may only insert, triggers refuse changes, and the entries form a hash chain)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from integration_gateway.domain.audit_chain import ChainEntry
from pasc_runtime.db import Connection

# The entry's canonical text, as the migration's audit_log_canonical() computes it at insert.
# Kept here on purpose rather than calling that function: a redefined function in the database
# must not be able to make `audit verify` accept an edited entry.
_CANONICAL = (
    "jsonb_build_array(seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
    " actor, agency_code, action, outcome, accepted, rejected, details)::text"
)


async def record(
    conn: Connection,
    *,
    actor: str,
    action: str,
    outcome: str,
    agency_code: str | None = None,
    accepted: int = 0,
    rejected: int = 0,
    details: dict[str, Any] | None = None,
) -> None:
    """`details` must never hold personal data: MaHoSo, codes and reasons only."""
    await conn.execute(
        "INSERT INTO audit_log (actor, agency_code, action, outcome, accepted, rejected, details)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)",
        actor,
        agency_code,
        action,
        outcome,
        accepted,
        rejected,
        json.dumps(details or {}, ensure_ascii=False, default=str),
    )


async def entries(
    conn: Any, *, agency_code: str | None = None, action: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, at, actor, agency_code, action, outcome, accepted, rejected, details"
        " FROM audit_log WHERE ($1::text IS NULL OR agency_code = $1)"
        " AND ($2::text IS NULL OR action = $2) ORDER BY id DESC LIMIT $3",
        agency_code,
        action,
        limit,
    )
    return [{**dict(r), "details": json.loads(r["details"])} for r in rows]


async def chain(conn: Connection, batch: int = 1000) -> AsyncIterator[ChainEntry]:
    """Every entry in chain order, read with a cursor (the log can be large); in a transaction."""
    query = f"SELECT id, seq, prev_hash, row_hash, {_CANONICAL} AS canonical FROM audit_log ORDER BY seq"  # noqa: S608 (a constant)
    async for r in conn.cursor(query, prefetch=batch):
        yield ChainEntry(
            id=r["id"],
            seq=r["seq"],
            prev_hash=bytes(r["prev_hash"]),
            row_hash=bytes(r["row_hash"]),
            canonical=r["canonical"],
        )
