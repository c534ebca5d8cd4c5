"""Dossier state in PostgreSQL, read and written a request at a time."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from integration_gateway.domain.dossier_rules import DossierState
from pasc_runtime.db import Connection
from pasc_runtime.records import RecordTable

# The table's columns, its upsert and the row conversions, from DossierState's fields.
DOSSIERS = RecordTable(DossierState, "dossiers", key=("ma_ho_so",))
_UPSERT = DOSSIERS.insert(alias="d", also_set={"updated_at": "now()"})
_LOAD = DOSSIERS.select("ma_ho_so = ANY($1::text[])")


async def claim_and_lock(conn: Connection, agency_code: str, ma_ho_so: list[str]) -> dict[str, str]:
    """Who owns each dossier number (the agency that sent it first), with the numbers this
    request's agency sends first claimed for it; the owner rows stay locked until commit.

    Row locks live in the rows themselves, not in PostgreSQL's shared lock table, so a request
    of a thousand records takes no more of that table than one of a single record. Sorted, so
    two requests sharing numbers wait for each other instead of deadlocking."""
    keys = sorted(set(ma_ho_so))
    if not keys:
        return {}
    await conn.execute(
        "INSERT INTO dossier_owners (ma_ho_so, agency_code)"
        " SELECT k, $2 FROM unnest($1::text[]) AS k ORDER BY k ON CONFLICT DO NOTHING",
        keys,
        agency_code,
    )
    rows = await conn.fetch(
        "SELECT ma_ho_so, agency_code FROM dossier_owners WHERE ma_ho_so = ANY($1::text[])"
        " ORDER BY ma_ho_so FOR UPDATE",
        keys,
    )
    return {r["ma_ho_so"]: r["agency_code"] for r in rows}


async def rehome(conn: Connection, moved: dict[str, str]) -> None:
    """Dossier numbers (locked by claim_and_lock) now held by a predecessor's successor."""
    if moved:
        await conn.execute(
            "UPDATE dossier_owners o SET agency_code = m.agency FROM"
            " unnest($1::text[], $2::text[]) AS m(ma_ho_so, agency) WHERE o.ma_ho_so = m.ma_ho_so",
            list(moved),
            list(moved.values()),
        )


async def owners(conn: Connection, ma_ho_so: list[str]) -> dict[str, str]:
    """Who owns each of these dossier numbers (no claim, no lock)."""
    rows = await conn.fetch(
        "SELECT ma_ho_so, agency_code FROM dossier_owners WHERE ma_ho_so = ANY($1::text[])",
        sorted(set(ma_ho_so)),
    )
    return {r["ma_ho_so"]: r["agency_code"] for r in rows}


async def load(conn: Connection, ma_ho_so: list[str]) -> dict[str, DossierState]:
    """The dossiers' last accepted state (call claim_and_lock first: it serialises writers)."""
    rows = await conn.fetch(_LOAD, sorted(set(ma_ho_so)))
    return {r["ma_ho_so"]: DOSSIERS.record(r) for r in rows}


async def save(conn: Connection, states: list[DossierState]) -> None:
    if states:
        await conn.execute(_UPSERT, *DOSSIERS.arrays(states))


async def record_new_steps(conn: Connection, steps: list[tuple[UUID, str]]) -> set[UUID]:
    """Record processing steps (id, MaHoSo); the ids of those not recorded before."""
    rows = await conn.fetch(
        "INSERT INTO processing_steps (step_id, ma_ho_so)"
        " SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING"
        " RETURNING step_id",
        [step_id for step_id, _ in steps],
        [ma_ho_so for _, ma_ho_so in steps],
    )
    return {r["step_id"] for r in rows}


async def public_view(conn: Any, ma_ho_so: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT d.ma_ho_so, d.ma_tthc, p.ten_tthc, d.agency_code, d.trang_thai_ho_so,"
        " d.ngay_tiep_nhan, d.due_at_in_force, d.ngay_ket_thuc_xu_ly, d.ngay_tra"
        " FROM dossiers d LEFT JOIN procedures p USING (ma_tthc) WHERE d.ma_ho_so = $1",
        ma_ho_so,
    )
    return dict(row) if row else None
