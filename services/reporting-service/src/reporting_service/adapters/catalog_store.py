"""The catalog as reporting needs it: procedure names, agencies, coverage, decisions (latest wins)."""

from __future__ import annotations

from typing import Any

from pasc_runtime.db import Connection
from reporting_service.domain.lineage import Succession, today_mapping

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


# -- agency lineage: figures as the organisation is today -------------------------------------


async def save_lineage(
    conn: Connection,
    successions: list[tuple[str, list[str], str, Any, str]],
    moves: list[tuple[str, str, str]],
) -> None:
    """successions: (predecessor, successors, kind, effective_from, decision_no);
    moves: (ma_tthc, from_agency, to_agency). Then the today mapping is derived again."""
    if successions:
        await conn.executemany(
            "INSERT INTO agency_successions (predecessor, successors, kind, effective_from,"
            " decision_no) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (predecessor) DO UPDATE SET"
            " successors = EXCLUDED.successors, kind = EXCLUDED.kind,"
            " effective_from = EXCLUDED.effective_from, decision_no = EXCLUDED.decision_no",
            successions,
        )
    if moves:
        await conn.executemany(
            "INSERT INTO procedure_moves (ma_tthc, from_agency, to_agency) VALUES ($1, $2, $3)"
            " ON CONFLICT (ma_tthc, from_agency) DO UPDATE SET to_agency = EXCLUDED.to_agency",
            moves,
        )
    rows = await conn.fetch(
        "SELECT predecessor, successors, effective_from FROM agency_successions"
    )
    moved = await conn.fetch("SELECT ma_tthc, from_agency, to_agency FROM procedure_moves")
    mapping = today_mapping(
        {
            r["predecessor"]: Succession(
                r["predecessor"], tuple(r["successors"]), r["effective_from"]
            )
            for r in rows
        },
        {(r["ma_tthc"], r["from_agency"]): r["to_agency"] for r in moved},
    )
    await conn.execute("DELETE FROM agency_today")
    if mapping:
        await conn.executemany(
            "INSERT INTO agency_today (agency_code, ma_tthc, today_code, effective_from)"
            " VALUES ($1, $2, $3, $4)",
            mapping,
        )


async def predecessors_today(conn: Connection) -> dict[str, list[str]]:
    """Each agency holding others' figures today, and theirs (for the answer's explanation)."""
    rows = await conn.fetch(
        "SELECT today_code, array_agg(DISTINCT agency_code ORDER BY agency_code) AS codes"
        " FROM agency_today WHERE effective_from <= current_date GROUP BY today_code"
    )
    return {r["today_code"]: list(r["codes"]) for r in rows}
