"""API keys in PostgreSQL: stored hashed (lookup) and sealed (signature checks), never in clear."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pasc_runtime.db import Connection


async def add(
    conn: Connection,
    *,
    key_id: str,
    agency_code: str,
    key_hash: str,
    sealed: bytes,
    label: str | None,
    created_by: str,
) -> None:
    await conn.execute(
        "INSERT INTO api_keys (key_id, agency_code, key_hash, key_encrypted, label, created_by)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        key_id,
        agency_code,
        key_hash,
        sealed,
        label,
        created_by,
    )


async def active(conn: Any, key_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT key_id, agency_code, key_hash FROM api_keys WHERE key_id = $1 AND revoked_at IS NULL",
        key_id,
    )
    return dict(row) if row else None


async def sealed_keys_of(conn: Any, agency_code: str) -> list[bytes]:
    rows = await conn.fetch(
        "SELECT key_encrypted FROM api_keys WHERE agency_code = $1 AND revoked_at IS NULL",
        agency_code,
    )
    return [bytes(r["key_encrypted"]) for r in rows]


async def listing(conn: Any, agency_code: str | None = None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT key_id, agency_code, label, created_by, created_at, revoked_at FROM api_keys"
        " WHERE $1::text IS NULL OR agency_code = $1 ORDER BY created_at",
        agency_code,
    )
    return [dict(r) for r in rows]


async def revoke(conn: Connection, key_id: str, at: datetime) -> str | None:
    """Revoke the key; returns its agency, or None if no active key has that id."""
    result: str | None = await conn.fetchval(
        "UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL"
        " RETURNING agency_code",
        key_id,
        at,
    )
    return result
