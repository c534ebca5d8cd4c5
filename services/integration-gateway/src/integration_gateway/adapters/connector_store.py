"""Connectors and their durable delivery queue in PostgreSQL; connector secrets sealed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from integration_gateway.adapters.key_vault import KeyVault
from integration_gateway.domain.delivery import Connector, ConnectorKind
from pasc_runtime.db import Connection


def _connector(row: Any, vault: KeyVault | None) -> Connector:
    """Without a vault the secret is not opened (left None): for callers that only route."""
    sealed = row["secret_sealed"]
    if vault is None:
        secret = None
    elif sealed is not None:
        secret = vault.open(bytes(sealed))
    else:  # stored in clear before sealing existed: used until the dispatcher seals it
        secret = row["secret"]
    return Connector(
        name=row["name"],
        kind=ConnectorKind(row["kind"]),
        endpoint=row["endpoint"],
        topics=tuple(row["topics"]),
        agency_code=row["agency_code"],
        secret=secret,
        paused=row["paused"],
    )


async def save(conn: Connection, c: Connector, vault: KeyVault) -> None:
    await conn.execute(
        """
        INSERT INTO connectors (name, kind, endpoint, secret, secret_sealed, topics, agency_code,
                                paused)
        VALUES ($1, $2, $3, NULL, $4, $5, $6, $7)
        ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, endpoint = EXCLUDED.endpoint,
            secret = NULL, secret_sealed = EXCLUDED.secret_sealed, topics = EXCLUDED.topics,
            agency_code = EXCLUDED.agency_code, updated_at = now()
        """,
        c.name,
        c.kind.value,
        c.endpoint,
        vault.seal(c.secret) if c.secret else None,
        list(c.topics),
        c.agency_code,
        c.paused,
    )


async def all_connectors(db: Any, vault: KeyVault | None) -> list[Connector]:
    rows = await db.fetch("SELECT * FROM connectors ORDER BY name")
    return [_connector(r, vault) for r in rows]


async def by_name(db: Any, name: str, vault: KeyVault | None) -> Connector | None:
    row = await db.fetchrow("SELECT * FROM connectors WHERE name = $1", name)
    return _connector(row, vault) if row else None


async def seal_plain_secrets(conn: Connection, vault: KeyVault) -> int:
    """Seal the secrets stored in clear before they were sealed; returns how many."""
    rows = await conn.fetch("SELECT name, secret FROM connectors WHERE secret IS NOT NULL")
    await conn.executemany(
        "UPDATE connectors SET secret_sealed = $2, secret = NULL WHERE name = $1",
        [(r["name"], vault.seal(r["secret"])) for r in rows],
    )
    return len(rows)


async def reseal_all(conn: Connection, vault: KeyVault) -> tuple[int, int]:
    """Seal every API key and connector secret again with the newest KEY_ENCRYPTION_SECRET
    (after a rotation, so the old one can be dropped). Returns (keys, connectors) resealed."""
    keys = await conn.fetch("SELECT key_id, key_encrypted FROM api_keys FOR UPDATE")
    await conn.executemany(
        "UPDATE api_keys SET key_encrypted = $2 WHERE key_id = $1",
        [(r["key_id"], vault.reseal(bytes(r["key_encrypted"]))) for r in keys],
    )
    sealed = await seal_plain_secrets(conn, vault)
    connectors = await conn.fetch(
        "SELECT name, secret_sealed FROM connectors WHERE secret_sealed IS NOT NULL FOR UPDATE"
    )
    await conn.executemany(
        "UPDATE connectors SET secret_sealed = $2 WHERE name = $1",
        [(r["name"], vault.reseal(bytes(r["secret_sealed"]))) for r in connectors],
    )
    del sealed  # counted again below, with the others
    return len(keys), len(connectors)


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
