"""The gateway's read model of the catalog: which agency owns which procedure (from catalog events)."""

from __future__ import annotations

from collections import defaultdict
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
    rows = await conn.fetch(
        "SELECT ma_tthc, ten_tthc, agency_code, withdrawn, working_days FROM procedures"
        " WHERE ma_tthc = ANY($1::text[])",
        codes,
    )
    owners: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for r in await conn.fetch(
        "SELECT ma_tthc, effective_from, agency_code FROM procedure_owners"
        " WHERE ma_tthc = ANY($1::text[]) ORDER BY effective_from, agency_code",
        codes,
    ):
        owners[r["ma_tthc"]].append((r["effective_from"], r["agency_code"]))
    return {
        r["ma_tthc"]: KnownProcedure(**dict(r), owners=tuple(owners[r["ma_tthc"]])) for r in rows
    }


async def agency_codes(conn: Any) -> set[str]:
    """Every agency that owns a procedure (for the MaHoSo prefix rule)."""
    return {
        r["agency_code"] for r in await conn.fetch("SELECT DISTINCT agency_code FROM procedures")
    }
