"""The office's outside figures for the 766 index: appended, never changed (a trigger refuses)."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from pasc_runtime.db import Connection
from reporting_service.domain.periods import Period
from reporting_service.domain.scoring import OutsideFigure

_COLUMNS = (
    "id, indicator, agency_code, period_from, period_to, numerator, denominator, source,"
    " entered_by, reason, recorded_at"
)
_INSERT = f"""
INSERT INTO index766_inputs (indicator, agency_code, period_from, period_to, numerator,
                             denominator, source, entered_by, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {_COLUMNS}
"""  # noqa: S608 (column names from a constant)

# Per indicator, the entry for this scope whose period overlaps the one asked for: the one
# reaching latest, then the latest recorded (a correction is a new entry, the old one stays).
_LATEST = f"""
SELECT DISTINCT ON (indicator) {_COLUMNS} FROM index766_inputs
WHERE agency_code IS NOT DISTINCT FROM $1 AND period_from <= $3 AND period_to >= $2
ORDER BY indicator, period_to DESC, id DESC
"""  # noqa: S608

_HISTORY = f"""
SELECT {_COLUMNS} FROM index766_inputs
WHERE ($1::text IS NULL OR indicator = $1) AND ($2::boolean OR agency_code IS NOT DISTINCT FROM $3)
ORDER BY id DESC LIMIT $4
"""  # noqa: S608


def _figure(row: Any) -> OutsideFigure:
    return OutsideFigure(
        id=row["id"],
        numerator=float(row["numerator"]),
        denominator=float(row["denominator"]),
        source=row["source"],
        entered_by=row["entered_by"],
        reason=row["reason"],
        recorded_at=row["recorded_at"],
        period_from=row["period_from"],
        period_to=row["period_to"],
    )


async def append(
    conn: Connection | asyncpg.Pool,
    *,
    indicator: str,
    agency: str | None,
    start: date,
    end: date,
    numerator: float,
    denominator: float,
    source: str,
    entered_by: str,
    reason: str,
) -> dict[str, Any]:
    row = await conn.fetchrow(
        _INSERT, indicator, agency, start, end, numerator, denominator, source, entered_by, reason
    )
    return _row(row)


def _row(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["numerator"], out["denominator"] = float(out["numerator"]), float(out["denominator"])
    return out


async def latest(conn: Connection, period: Period, agency: str | None) -> dict[str, OutsideFigure]:
    """The outside figure in force per indicator for this scope (None: city) and period."""
    rows = await conn.fetch(_LATEST, agency, period.start, period.end)
    return {r["indicator"]: _figure(r) for r in rows}


async def history(
    conn: Connection | asyncpg.Pool,
    indicator: str | None,
    agency: str | None,
    *,
    every_scope: bool,
    limit: int,
) -> list[dict[str, Any]]:
    rows = await conn.fetch(_HISTORY, indicator, every_scope, agency, limit)
    return [_row(r) for r in rows]
