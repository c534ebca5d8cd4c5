"""The catalog as reporting needs it: procedure names, agencies, coverage, decisions (latest wins)."""

from __future__ import annotations

from typing import Any

from pasc_runtime.db import Connection

_PROCEDURE = """
INSERT INTO procedures AS p (ma_tthc, ten_tthc, ma_linh_vuc, ten_linh_vuc, agency_code, at_center,
                             muc_do_dvc, withdrawn, catalog_version, fee_bearing)
VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, $9)
ON CONFLICT (ma_tthc) DO UPDATE SET
    ten_tthc = EXCLUDED.ten_tthc, ma_linh_vuc = EXCLUDED.ma_linh_vuc,
    ten_linh_vuc = EXCLUDED.ten_linh_vuc, agency_code = EXCLUDED.agency_code,
    at_center = EXCLUDED.at_center, muc_do_dvc = EXCLUDED.muc_do_dvc, withdrawn = false,
    catalog_version = EXCLUDED.catalog_version, fee_bearing = EXCLUDED.fee_bearing,
    updated_at = now()
WHERE p.catalog_version <= EXCLUDED.catalog_version
"""

_WITHDRAWN = """
INSERT INTO procedures AS p (ma_tthc, agency_code, withdrawn, catalog_version)
VALUES ($1, $2, true, $3)
ON CONFLICT (ma_tthc) DO UPDATE SET withdrawn = true, catalog_version = EXCLUDED.catalog_version,
    updated_at = now()
WHERE p.catalog_version <= EXCLUDED.catalog_version
"""

_AGENCY = """
INSERT INTO agencies AS a (agency_code, name, kind, occurred_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (agency_code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
    occurred_at = EXCLUDED.occurred_at
WHERE a.occurred_at <= EXCLUDED.occurred_at
"""

# The newest coverage wins: a later as_of, or the same day with a later event.
_COVERAGE = """
INSERT INTO coverage AS c (agency_code, eligible, at_center, excluded, as_of, occurred_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (agency_code) DO UPDATE SET eligible = EXCLUDED.eligible,
    at_center = EXCLUDED.at_center, excluded = EXCLUDED.excluded, as_of = EXCLUDED.as_of,
    occurred_at = EXCLUDED.occurred_at
WHERE (c.as_of, c.occurred_at) <= (EXCLUDED.as_of, EXCLUDED.occurred_at)
"""

_DECISION = """
INSERT INTO decisions (decision_no, signed_on, effective_from, added, changed, withdrawn)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (decision_no) DO UPDATE SET signed_on = EXCLUDED.signed_on,
    effective_from = EXCLUDED.effective_from, added = EXCLUDED.added,
    changed = EXCLUDED.changed, withdrawn = EXCLUDED.withdrawn
"""


async def save_procedures(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await conn.executemany(_PROCEDURE, rows)


async def save_withdrawals(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await conn.executemany(_WITHDRAWN, rows)


async def save_agencies(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await conn.executemany(_AGENCY, rows)


async def save_coverage(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await conn.executemany(_COVERAGE, rows)


async def save_decisions(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await conn.executemany(_DECISION, rows)


async def procedure_names(conn: Connection, codes: list[str]) -> dict[str, dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT ma_tthc, ten_tthc, ten_linh_vuc, at_center FROM procedures"
        " WHERE ma_tthc = ANY($1::text[])",
        codes,
    )
    return {r["ma_tthc"]: dict(r) for r in rows}


async def agency_names(conn: Connection) -> dict[str, str]:
    rows = await conn.fetch("SELECT agency_code, name FROM agencies")
    return {r["agency_code"]: r["name"] for r in rows}


async def coverage(conn: Connection) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT agency_code, eligible, at_center, excluded, as_of FROM coverage ORDER BY agency_code"
    )
    return [dict(r) for r in rows]


async def decisions_between(conn: Connection, start: Any, end: Any) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT * FROM decisions WHERE effective_from BETWEEN $1 AND $2 ORDER BY effective_from",
        start,
        end,
    )
    return [dict(r) for r in rows]
