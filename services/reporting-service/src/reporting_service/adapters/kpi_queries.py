"""The figures read back: sums over the daily rollups, and the dossiers in process as of now.

A month city-wide is a sum over ~30 days × (agency, procedure) rows of `kpi_daily`; the
dossiers in process are read through the partial index `dossiers_open`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from pasc_runtime.db import Connection
from reporting_service.domain.figures import COUNTS, Figures
from reporting_service.domain.periods import Period

# Identifiers below come from constants; every value is a bound parameter.
_SUMS = ", ".join(f"coalesce(sum({c}), 0)::bigint AS {c}" for c in COUNTS)
_AGENCY = "($3::text IS NULL OR agency_code = $3)"
_OPEN = "trang_thai_ho_so IN (2, 4, 5, 6)"
GROUPS: dict[str | None, str] = {
    "agency": "agency_code",
    "procedure": "ma_tthc",
    "field": "ma_linh_vuc",
    "day": "day",
}
_OPEN_GROUPS = {**GROUPS, None: "NULL::text"}

_TOTAL_SQL = f"SELECT {_SUMS} FROM kpi_daily WHERE day BETWEEN $1 AND $2 AND {_AGENCY}"  # noqa: S608
_GROUPED_SQL = {
    by: f"SELECT {column} AS k, {_SUMS} FROM kpi_daily"  # noqa: S608
    f" WHERE day BETWEEN $1 AND $2 AND {_AGENCY} GROUP BY {column}"
    for by, column in GROUPS.items()
}
_OPEN_SQL = {
    by: f"SELECT {column} AS k, count(*) AS in_process,"  # noqa: S608
    " count(*) FILTER (WHERE due_at_in_force < $2) AS overdue"
    f" FROM dossiers WHERE {_OPEN} AND received_day BETWEEN $4 AND $1 AND {_AGENCY} GROUP BY 1"
    for by, column in _OPEN_GROUPS.items()
}
_OVERDUE_SQL = f"""
SELECT d.ma_ho_so, d.agency_code, d.ma_tthc, p.ten_tthc, d.trang_thai_ho_so, d.ngay_tiep_nhan,
       d.due_at_in_force, d.supplement_count
FROM dossiers d LEFT JOIN procedures p USING (ma_tthc)
WHERE d.{_OPEN} AND d.due_at_in_force < $1 AND ($2::text IS NULL OR d.agency_code = $2)
ORDER BY d.due_at_in_force, d.ma_ho_so LIMIT $3
"""  # noqa: S608


async def rollup_sums(
    conn: Connection, period: Period, agency: str | None, by: str | None = None
) -> dict[Any, dict[str, int]]:
    """Sums of the rollup counts over the period, whole or grouped by agency/procedure/field/day."""
    if by is None:
        row = await conn.fetchrow(_TOTAL_SQL, period.start, period.end, agency)
        return {None: dict(row) if row else {}}
    rows = await conn.fetch(_GROUPED_SQL[by], period.start, period.end, agency)
    return {r["k"]: dict(r) for r in rows}


async def open_counts(
    conn: Connection,
    period: Period | None,
    now: datetime,
    agency: str | None,
    by: str | None = None,
) -> dict[Any, tuple[int, int]]:
    """(in process, overdue) as of `now`: of the dossiers received in `period`, or of all (None)."""
    start, end = (period.start, period.end) if period else (date.min, date.max)
    rows = await conn.fetch(_OPEN_SQL[by], end, now, agency, start)
    return {r["k"]: (int(r["in_process"]), int(r["overdue"])) for r in rows}


async def backlog(
    conn: Connection, now: datetime, agency: str | None, by: str | None = None
) -> dict[Any, tuple[int, int]]:
    """(in process, overdue) as of now, whenever received: the current backlog."""
    return await open_counts(conn, None, now, agency, by)


async def figures(conn: Connection, period: Period, agency: str | None, now: datetime) -> Figures:
    sums = (await rollup_sums(conn, period, agency))[None]
    in_process, overdue = (await open_counts(conn, period, now, agency)).get(None, (0, 0))
    return Figures.from_row(sums, in_process=in_process, overdue=overdue)


async def figures_by(
    conn: Connection, period: Period, agency: str | None, now: datetime, by: str
) -> dict[Any, Figures]:
    sums = await rollup_sums(conn, period, agency, by)
    opened = await open_counts(conn, period, now, agency, by) if by != "day" else {}
    keys = sorted(set(sums) | set(opened), key=str)
    return {
        k: Figures.from_row(
            sums.get(k, {}), in_process=opened.get(k, (0, 0))[0], overdue=opened.get(k, (0, 0))[1]
        )
        for k in keys
    }


async def overdue_dossiers(
    conn: Connection | asyncpg.Pool, now: datetime, agency: str | None, limit: int
) -> list[dict[str, Any]]:
    """The dossiers in process past their due date in force, the longest overdue first."""
    return [dict(r) for r in await conn.fetch(_OVERDUE_SQL, now, agency, limit)]


async def late_by_procedure(conn: Connection, period: Period) -> list[dict[str, Any]]:
    """Per (agency, procedure): processed and late in the period, where any was late."""
    rows = await conn.fetch(
        "SELECT k.agency_code, k.ma_tthc, p.ten_tthc, sum(k.processed)::bigint AS processed,"
        " sum(k.late)::bigint AS late FROM kpi_daily k LEFT JOIN procedures p USING (ma_tthc)"
        " WHERE k.day BETWEEN $1 AND $2 GROUP BY k.agency_code, k.ma_tthc, p.ten_tthc"
        " HAVING sum(k.late) > 0 ORDER BY late DESC, k.agency_code, k.ma_tthc",
        period.start,
        period.end,
    )
    return [dict(r) for r in rows]


async def agencies_with_data(conn: Connection) -> list[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT agency_code FROM kpi_daily UNION SELECT agency_code FROM coverage"
    )
    return sorted(r["agency_code"] for r in rows)


async def agency_known(conn: Connection | asyncpg.Pool, code: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM agencies WHERE agency_code = $1)"
            " OR EXISTS (SELECT 1 FROM kpi_daily WHERE agency_code = $1)",
            code,
        )
    )
