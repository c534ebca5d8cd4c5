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
    username: str | None = None,
    unit_code: str | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO api_keys (key_id, agency_code, key_hash, key_encrypted, label, created_by,"
        " username, unit_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        key_id,
        agency_code,
        key_hash,
        sealed,
        label,
        created_by,
        username,
        unit_code,
    )


async def username_taken(conn: Any, username: str) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM api_keys WHERE username = $1", username))


async def by_username(conn: Any, username: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT key_id, agency_code, key_hash, unit_code, created_at FROM api_keys"
        " WHERE username = $1 AND revoked_at IS NULL",
        username,
    )
    return dict(row) if row else None


async def unit_code_of(conn: Any, agency_code: str) -> str | None:
    found: str | None = await conn.fetchval(
        "SELECT unit_code FROM api_keys WHERE agency_code = $1 AND unit_code IS NOT NULL"
        " AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1",
        agency_code,
    )
    return found


async def add_session(conn: Connection, token_hash: str, key_id: str, expires_at: datetime) -> None:
    await conn.execute(
        "INSERT INTO adapter_sessions (token_hash, key_id, expires_at) VALUES ($1, $2, $3)",
        token_hash,
        key_id,
        expires_at,
    )
    # Expired sessions are of no use to anyone: each new one clears a few of them.
    await conn.execute(
        "DELETE FROM adapter_sessions WHERE token_hash IN (SELECT token_hash FROM adapter_sessions"
        " WHERE expires_at < now() LIMIT 100)"
    )


async def session(conn: Any, token_hash: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT k.key_id, k.agency_code, k.unit_code, k.created_at FROM adapter_sessions s"
        " JOIN api_keys k USING (key_id)"
        " WHERE s.token_hash = $1 AND s.expires_at > now() AND k.revoked_at IS NULL",
        token_hash,
    )
    return dict(row) if row else None


async def active(conn: Any, key_id: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT key_id, agency_code, key_hash, unit_code, created_at FROM api_keys"
        " WHERE key_id = $1 AND revoked_at IS NULL",
        key_id,
    )
    return dict(row) if row else None


async def sealed_keys_of(conn: Any, agency_code: str) -> list[tuple[bytes, datetime]]:
    """The agency's active keys, sealed, with when each was issued."""
    rows = await conn.fetch(
        "SELECT key_encrypted, created_at FROM api_keys WHERE agency_code = $1"
        " AND revoked_at IS NULL",
        agency_code,
    )
    return [(bytes(r["key_encrypted"]), r["created_at"]) for r in rows]


async def listing(conn: Any, agency_code: str | None = None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT key_id, agency_code, username, unit_code, label, created_by, created_at,"
        " revoked_at FROM api_keys"
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
