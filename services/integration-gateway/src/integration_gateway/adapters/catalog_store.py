"""The gateway's read model of the catalog: which agency owns which procedure (from catalog events)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pasc_runtime.db import Connection


@dataclass(frozen=True)
class KnownProcedure:
    ma_tthc: str
    ten_tthc: str
    agency_code: str
    withdrawn: bool
    working_days: int | None = None
    # (effective_from, agency_code) of every version the gateway has seen.
    owners: tuple[tuple[date, str], ...] = field(default=())


async def upsert(
    conn: Connection, rows: list[tuple[str, str, str, bool, bool, int, int | None]]
) -> None:
    """rows: (ma_tthc, ten_tthc, agency_code, at_center, withdrawn, version, working_days);
    older versions lose."""
    await conn.executemany(
        """
        INSERT INTO procedures AS p
            (ma_tthc, ten_tthc, agency_code, at_center, withdrawn, version, working_days)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (ma_tthc) DO UPDATE SET
            ten_tthc = EXCLUDED.ten_tthc, agency_code = EXCLUDED.agency_code,
            at_center = EXCLUDED.at_center, withdrawn = EXCLUDED.withdrawn,
            version = EXCLUDED.version, working_days = EXCLUDED.working_days
        WHERE p.version <= EXCLUDED.version
        """,
        rows,
    )


async def record_owners(conn: Connection, rows: list[tuple[str, str, date]]) -> None:
    """rows: (ma_tthc, agency_code, effective_from) of each version seen; kept once."""
    await conn.execute(
        """
        INSERT INTO procedure_owners (ma_tthc, agency_code, effective_from)
        SELECT * FROM unnest($1::text[], $2::text[], $3::date[])
        ON CONFLICT DO NOTHING
        """,
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
    )


async def mark_withdrawn(conn: Connection, rows: list[tuple[str, int]]) -> None:
    await conn.executemany(
        "UPDATE procedures SET withdrawn = true, version = $2 WHERE ma_tthc = $1 AND version <= $2",
        rows,
    )


async def lookup(conn: Any, codes: list[str]) -> dict[str, KnownProcedure]:
    """The procedures of these codes with the owner of each version seen, in one round trip."""
    rows = await conn.fetch(
        """
        SELECT p.ma_tthc, p.ten_tthc, p.agency_code, p.withdrawn, p.working_days,
               array_agg(o.effective_from ORDER BY o.effective_from, o.agency_code)
                   FILTER (WHERE o.ma_tthc IS NOT NULL) AS owner_dates,
               array_agg(o.agency_code ORDER BY o.effective_from, o.agency_code)
                   FILTER (WHERE o.ma_tthc IS NOT NULL) AS owner_agencies
        FROM procedures p LEFT JOIN procedure_owners o ON o.ma_tthc = p.ma_tthc
        WHERE p.ma_tthc = ANY($1::text[])
        GROUP BY p.ma_tthc
        """,
        codes,
    )
    return {
        r["ma_tthc"]: KnownProcedure(
            r["ma_tthc"],
            r["ten_tthc"],
            r["agency_code"],
            r["withdrawn"],
            r["working_days"],
            owners=tuple(zip(r["owner_dates"] or (), r["owner_agencies"] or (), strict=True)),
        )
        for r in rows
    }
