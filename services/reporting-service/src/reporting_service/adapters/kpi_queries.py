"""The figures read back: sums over the daily rollups, and the dossiers in process as of now.

A month city-wide is a sum over ~30 days × (agency, procedure) rows of `kpi_daily`; the
dossiers in process are read through the partial index `dossiers_in_process`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

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
_TOTAL_SQL = f"SELECT {_SUMS} FROM kpi_daily WHERE day BETWEEN $1 AND $2 AND {_AGENCY}"  # noqa: S608
_GROUPED_SQL = {
    by: f"SELECT {column} AS k, {_SUMS} FROM kpi_daily"  # noqa: S608
    f" WHERE day BETWEEN $1 AND $2 AND {_AGENCY} GROUP BY {column}"
    for by, column in GROUPS.items()
}
BREAKDOWNS: tuple[str, ...] = tuple(by for by in GROUPS if by is not None)
# Every grouping at once (the API's breakdowns): one scan of the period's rollup rows instead
# of one per grouping (four queries 184 ms, this 79 ms, over a month of 1 M dossiers' rollups).
_EACH_SQL = (
    f"SELECT {', '.join(f'grouping({GROUPS[by]}) = 0 AS by_{by}' for by in BREAKDOWNS)},"  # noqa: S608
    f" {', '.join(GROUPS[by] for by in BREAKDOWNS)}, {_SUMS} FROM kpi_daily"
    f" WHERE day BETWEEN $1 AND $2 AND {_AGENCY}"
    f" GROUP BY GROUPING SETS ({', '.join(f'({GROUPS[by]})' for by in BREAKDOWNS)})"
)
_OPEN_GROUPS = {**GROUPS, "day": "received_day", None: "NULL::text"}


# The dossiers in process as of $2: open now (status 2, 4, 5, 6) and received by then, or closed
# after it. `waiting`: still waiting on the applicant now (status 5, 6), the legal clock stopped.
# $4..$1 bound the day of reception (the period, or everything for the backlog). Mirrors
# DossierFacts.in_process_at / overdue_at.
# Both branches are found by index whatever the history (migration reporting_0009): the open
# dossiers by the partial index dossiers_in_process, the closed ones by the moment they closed
# (dossiers_closed_at, with statistics that tell the planner how few close after a moment).
def _in_process_at(columns: str) -> str:
    return f"""
SELECT {columns}, trang_thai_ho_so IN (5, 6) AS waiting
FROM dossiers
WHERE {_OPEN} AND received_day BETWEEN $4 AND $1 AND ngay_tiep_nhan <= $2 AND {_AGENCY}
UNION ALL
SELECT {columns}, false
FROM dossiers
WHERE trang_thai_ho_so IN (3, 7, 8, 9, 10) AND coalesce(ngay_ket_thuc_xu_ly, ngay_tra) > $2
  AND received_day BETWEEN $4 AND $1 AND ngay_tiep_nhan <= $2 AND {_AGENCY}
"""  # noqa: S608


_IN_PROCESS_AT = _in_process_at(
    "ma_ho_so, agency_code, ma_tthc, ma_linh_vuc, received_day, ngay_tiep_nhan,"
    " due_at_in_force, trang_thai_ho_so, supplement_count"
)
# What the counts read: only columns dossiers_in_process carries (an index-only scan).
_IN_PROCESS_COUNTED = _in_process_at(
    "agency_code, ma_tthc, ma_linh_vuc, received_day, due_at_in_force"
)
_OVERDUE_AT = "due_at_in_force < $2 AND NOT waiting"
_OPEN_SQL = {
    by: f"SELECT {column} AS k, count(*) AS in_process,"  # noqa: S608
    f" count(*) FILTER (WHERE {_OVERDUE_AT}) AS overdue"
    f" FROM ({_IN_PROCESS_COUNTED}) AS d GROUP BY 1"
    for by, column in _OPEN_GROUPS.items()
}
_OVERDUE_SQL = f"""
SELECT d.ma_ho_so, d.agency_code, d.ma_tthc, p.ten_tthc, d.trang_thai_ho_so, d.ngay_tiep_nhan,
       d.due_at_in_force, d.supplement_count
FROM ({_IN_PROCESS_AT}) AS d LEFT JOIN procedures p USING (ma_tthc)
WHERE {_OVERDUE_AT}
ORDER BY d.due_at_in_force, d.ma_ho_so LIMIT $5
"""  # noqa: S608
_PROCESSING_DAYS_SQL = f"""
SELECT coalesce(sum(extract(epoch FROM coalesce(ngay_ket_thuc_xu_ly, ngay_tra) - ngay_tiep_nhan)
                / 86400.0), 0)::float8 AS days
FROM dossiers WHERE processed_day BETWEEN $1 AND $2 AND {_AGENCY}
"""  # noqa: S608
_CATALOG_ONLINE_SQL = """
SELECT count(*) AS procedures,
       count(*) FILTER (WHERE muc_do_dvc IN ('toan_trinh', 'mot_phan')) AS procedures_online
FROM procedures WHERE NOT withdrawn AND ten_tthc IS NOT NULL
  AND ($1::text IS NULL OR agency_code = $1)
"""
# Per procedure over the period, joined with the catalog: what online service and online
# payment are divided by (dossiers of procedures offered online; of fee-bearing procedures).
_BY_PROCEDURE_KIND_SQL = f"""
WITH per AS (
    SELECT k.ma_tthc, sum(k.received) AS received, sum(k.online) AS online,
           sum(k.paid_online) AS paid_online
    FROM kpi_daily k WHERE k.day BETWEEN $1 AND $2 AND {_AGENCY.replace("agency_code", "k.agency_code")}
    GROUP BY k.ma_tthc HAVING sum(k.received) > 0
)
SELECT
  coalesce(sum(per.received) FILTER (WHERE p.muc_do_dvc IN ('toan_trinh', 'mot_phan')), 0)::bigint
    AS received_online_capable,
  coalesce(sum(per.online) FILTER (WHERE p.muc_do_dvc IN ('toan_trinh', 'mot_phan')), 0)::bigint
    AS online_of_capable,
  count(*) FILTER (WHERE p.fee_bearing) AS fee_procedures_with_dossiers,
  count(*) FILTER (WHERE p.fee_bearing AND per.paid_online > 0) AS fee_procedures_paid_online,
  coalesce(sum(per.received) FILTER (WHERE p.fee_bearing), 0)::bigint AS fee_dossiers,
  coalesce(sum(per.paid_online) FILTER (WHERE p.fee_bearing), 0)::bigint
    AS fee_dossiers_paid_online
FROM per LEFT JOIN procedures p USING (ma_tthc)
"""  # noqa: S608


# "then": each dossier under the agency that held it ("as the organisation was", the default);
# "today": under the agency that holds its series today (renames, merges, splits applied):
# the same queries over views that map the agency (migration reporting_0004).
Organisation = Literal["then", "today"]
_TODAY_TABLES = re.compile(r"\bFROM (kpi_daily|dossiers)\b")


def _both(sql: str) -> dict[str, str]:
    return {"then": sql, "today": _TODAY_TABLES.sub(r"FROM \1_today", sql)}


_TOTAL = _both(_TOTAL_SQL)
_GROUPED = {by: _both(sql) for by, sql in _GROUPED_SQL.items()}
_EACH = _both(_EACH_SQL)
_OPEN_COUNTS = {by: _both(sql) for by, sql in _OPEN_SQL.items()}
_OVERDUE = _both(_OVERDUE_SQL)
_PROCESSING_DAYS = _both(_PROCESSING_DAYS_SQL)
_BY_PROCEDURE_KIND = _both(_BY_PROCEDURE_KIND_SQL)


async def rollup_sums(
    conn: Connection,
    period: Period,
    agency: str | None,
    by: str | None = None,
    organisation: Organisation = "then",
) -> dict[Any, dict[str, int]]:
    """Sums of the rollup counts over the period, whole or grouped by agency/procedure/field/day."""
    if by is None:
        row = await conn.fetchrow(_TOTAL[organisation], period.start, period.end, agency)
        return {None: dict(row) if row else {}}
    rows = await conn.fetch(_GROUPED[by][organisation], period.start, period.end, agency)
    return {r["k"]: dict(r) for r in rows}


async def rollup_sums_each(
    conn: Connection, period: Period, agency: str | None, organisation: Organisation = "then"
) -> dict[str, dict[Any, dict[str, int]]]:
    """`rollup_sums` grouped each way of GROUPS, from one query (GROUPING SETS)."""
    rows = await conn.fetch(_EACH[organisation], period.start, period.end, agency)
    sums: dict[str, dict[Any, dict[str, int]]] = {by: {} for by in BREAKDOWNS}
    for row in rows:
        by = next(b for b in BREAKDOWNS if row[f"by_{b}"])
        sums[by][row[GROUPS[by]]] = {c: row[c] for c in COUNTS}
    return sums


async def open_counts(
    conn: Connection,
    period: Period | None,
    now: datetime,
    agency: str | None,
    by: str | None = None,
    organisation: Organisation = "then",
) -> dict[Any, tuple[int, int]]:
    """(in process, overdue) as of the moment `now`: of the dossiers received in `period`, or of
    all (None). A past moment counts the dossiers closed since as still in process then."""
    start, end = (period.start, period.end) if period else (date.min, date.max)
    rows = await conn.fetch(_OPEN_COUNTS[by][organisation], end, now, agency, start)
    return {r["k"]: (int(r["in_process"]), int(r["overdue"])) for r in rows}


async def backlog(
    conn: Connection,
    now: datetime,
    agency: str | None,
    by: str | None = None,
    organisation: Organisation = "then",
) -> dict[Any, tuple[int, int]]:
    """(in process, overdue) as of the moment `now`, whenever received: the backlog then."""
    return await open_counts(conn, None, now, agency, by, organisation)


async def figures(
    conn: Connection,
    period: Period,
    agency: str | None,
    now: datetime,
    organisation: Organisation = "then",
) -> Figures:
    sums = (await rollup_sums(conn, period, agency, None, organisation))[None]
    opened = await open_counts(conn, period, now, agency, None, organisation)
    in_process, overdue = opened.get(None, (0, 0))
    return Figures.from_row(sums, in_process=in_process, overdue=overdue)


async def figures_by(
    conn: Connection,
    period: Period,
    agency: str | None,
    now: datetime,
    by: str,
    organisation: Organisation = "then",
) -> dict[Any, Figures]:
    sums = await rollup_sums(conn, period, agency, by, organisation)
    opened = await open_counts(conn, period, now, agency, by, organisation) if by != "day" else {}
    return _figures(sums, opened)


async def figures_by_each(
    conn: Connection,
    period: Period,
    agency: str | None,
    now: datetime,
    organisation: Organisation = "then",
) -> dict[str, dict[Any, Figures]]:
    """`figures_by` for every grouping of GROUPS, the rollup sums read in one query."""
    sums = await rollup_sums_each(conn, period, agency, organisation)
    each = {}
    for by in BREAKDOWNS:
        opened = (
            await open_counts(conn, period, now, agency, by, organisation) if by != "day" else {}
        )
        each[by] = _figures(sums[by], opened)
    return each


def _figures(
    sums: dict[Any, dict[str, int]], opened: dict[Any, tuple[int, int]]
) -> dict[Any, Figures]:
    keys = sorted(set(sums) | set(opened), key=str)
    return {
        k: Figures.from_row(
            sums.get(k, {}), in_process=opened.get(k, (0, 0))[0], overdue=opened.get(k, (0, 0))[1]
        )
        for k in keys
    }


async def overdue_dossiers(
    conn: Connection | asyncpg.Pool,
    now: datetime,
    agency: str | None,
    limit: int,
    organisation: Organisation = "then",
) -> list[dict[str, Any]]:
    """The dossiers in process past their due date in force as of `now`, longest overdue first."""
    rows = await conn.fetch(_OVERDUE[organisation], date.max, now, agency, date.min, limit)
    return [{k: v for k, v in r.items() if k != "waiting"} for r in rows]


async def processing_days(
    conn: Connection, period: Period, agency: str | None, organisation: Organisation = "then"
) -> float:
    """Sum over the dossiers processed in the period of their processing time, in days."""
    sql = _PROCESSING_DAYS[organisation]
    return float(await conn.fetchval(sql, period.start, period.end, agency) or 0)


async def catalog_online(conn: Connection, agency: str | None) -> tuple[int, int]:
    """(procedures in the catalog, of which offered online), for the agency or city-wide."""
    row = await conn.fetchrow(_CATALOG_ONLINE_SQL, agency)
    return (int(row["procedures"]), int(row["procedures_online"])) if row else (0, 0)


async def by_procedure_kind(
    conn: Connection, period: Period, agency: str | None, organisation: Organisation = "then"
) -> dict[str, int]:
    """Dossiers of procedures offered online, of fee-bearing procedures; paid online."""
    sql = _BY_PROCEDURE_KIND[organisation]
    row = await conn.fetchrow(sql, period.start, period.end, agency)
    return {k: int(v or 0) for k, v in dict(row or {}).items()}


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


# One index probe per distinct agency (a "loose index scan"), not a pass over every rollup row.
_AGENCIES_WITH_ROLLUPS = """
WITH RECURSIVE agency AS (
    (SELECT agency_code FROM kpi_daily ORDER BY agency_code LIMIT 1)
    UNION ALL
    SELECT (SELECT k.agency_code FROM kpi_daily AS k WHERE k.agency_code > agency.agency_code
            ORDER BY k.agency_code LIMIT 1)
    FROM agency WHERE agency.agency_code IS NOT NULL
)
SELECT agency_code FROM agency WHERE agency_code IS NOT NULL
UNION SELECT agency_code FROM coverage
"""


async def agencies_with_data(conn: Connection) -> list[str]:
    rows = await conn.fetch(_AGENCIES_WITH_ROLLUPS)
    return sorted(r["agency_code"] for r in rows)


_AGENCIES_ACTIVE = _both(
    "SELECT DISTINCT agency_code FROM kpi_daily WHERE day BETWEEN $1 AND $2"
    " UNION SELECT DISTINCT agency_code FROM dossiers WHERE trang_thai_ho_so IN (2, 4, 5, 6)"
)


async def agencies_active(
    conn: Connection, period: Period, organisation: Organisation = "then"
) -> list[str]:
    """Agencies with dossiers in the period or a backlog (in process) now."""
    rows = await conn.fetch(_AGENCIES_ACTIVE[organisation], period.start, period.end)
    return sorted(r["agency_code"] for r in rows)


async def agency_known(conn: Connection | asyncpg.Pool, code: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM agencies WHERE agency_code = $1)"
            " OR EXISTS (SELECT 1 FROM kpi_daily WHERE agency_code = $1)",
            code,
        )
    )
