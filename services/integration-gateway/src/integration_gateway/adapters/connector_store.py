"""Connectors and their durable delivery queue in PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from integration_gateway.domain.delivery import Connector, ConnectorKind
from pasc_runtime.db import Connection


def _connector(row: Any) -> Connector:
    return Connector(
        name=row["name"],
        kind=ConnectorKind(row["kind"]),
        endpoint=row["endpoint"],
        topics=tuple(row["topics"]),
        agency_code=row["agency_code"],
        secret=row["secret"],
        paused=row["paused"],
    )


async def save(conn: Connection, c: Connector) -> None:
    await conn.execute(
        """
        INSERT INTO connectors (name, kind, endpoint, secret, topics, agency_code, paused)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, endpoint = EXCLUDED.endpoint,
            secret = EXCLUDED.secret, topics = EXCLUDED.topics,
            agency_code = EXCLUDED.agency_code, updated_at = now()
        """,
        c.name,
        c.kind.value,
        c.endpoint,
        c.secret,
        list(c.topics),
        c.agency_code,
        c.paused,
    )


async def all_connectors(db: Any) -> list[Connector]:
    return [_connector(r) for r in await db.fetch("SELECT * FROM connectors ORDER BY name")]


async def by_name(db: Any, name: str) -> Connector | None:
    row = await db.fetchrow("SELECT * FROM connectors WHERE name = $1", name)
    return _connector(row) if row else None


async def set_paused(conn: Connection, name: str, paused: bool) -> bool:
    result = await conn.execute(
        "UPDATE connectors SET paused = $2, updated_at = now() WHERE name = $1", name, paused
    )
    return bool(result.endswith(" 1"))


async def enqueue(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """rows: (connector, event_id, event_type, message_key, payload); an event is queued once."""
    await conn.executemany(
        "INSERT INTO deliveries (connector, event_id, event_type, message_key, payload)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connector, event_id) DO NOTHING",
        rows,
    )


async def due_heads(db: Any, limit: int) -> list[dict[str, Any]]:
    """The oldest pending delivery of each (connector, key), if due: one key's deliveries stay in order."""
    rows = await db.fetch(
        """
        SELECT h.* FROM (
            SELECT DISTINCT ON (d.connector, d.message_key) d.id, d.connector, d.event_id,
                   d.event_type, d.message_key, d.payload, d.attempts, d.next_attempt_at
            FROM deliveries d JOIN connectors c ON c.name = d.connector AND NOT c.paused
            WHERE d.status = 'pending'
            ORDER BY d.connector, d.message_key, d.id
        ) h
        WHERE h.next_attempt_at <= now()
        ORDER BY h.id
        LIMIT $1
        """,
        limit,
    )
    return [dict(r) for r in rows]


async def mark_delivered(db: Any, ids: list[int]) -> None:
    await db.execute(
        "UPDATE deliveries SET status = 'delivered', delivered_at = now(), attempts = attempts + 1"
        " WHERE id = ANY($1::bigint[])",
        ids,
    )


async def mark_failed(
    db: Any, delivery_id: int, error: str, retry_at: datetime, dead: bool
) -> None:
    await db.execute(
        "UPDATE deliveries SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3,"
        " status = CASE WHEN $4 THEN 'dead' ELSE status END WHERE id = $1",
        delivery_id,
        error[:1000],
        retry_at,
        dead,
    )


async def replay(conn: Connection, connector: str, status: str) -> int:
    """Send again: dead deliveries (status='dead') or everything delivered too (status='all')."""
    statuses = ["dead"] if status == "dead" else ["dead", "delivered"]
    result = await conn.execute(
        "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(),"
        " last_error = NULL WHERE connector = $1 AND status = ANY($2::text[])",
        connector,
        statuses,
    )
    return int(result.split()[-1])


async def counts(db: Any) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT connector, status, count(*) AS n, min(created_at) AS oldest FROM deliveries"
        " GROUP BY connector, status ORDER BY connector, status"
    )
    return [dict(r) for r in rows]


async def listing(
    db: Any, connector: str | None, status: str | None, limit: int
) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT id, connector, event_id, event_type, message_key, status, attempts, last_error,"
        " created_at, delivered_at FROM deliveries WHERE ($1::text IS NULL OR connector = $1)"
        " AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3",
        connector,
        status,
        limit,
    )
    return [dict(r) for r in rows]
