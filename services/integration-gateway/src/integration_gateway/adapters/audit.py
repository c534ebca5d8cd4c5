"""The audit log: who did what, when, with what outcome. Append-only (the database enforces it)."""

from __future__ import annotations

import json
from typing import Any

from pasc_runtime.db import Connection


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
