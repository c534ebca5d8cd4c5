"""Dossier state in PostgreSQL, read and written a request at a time."""

from __future__ import annotations

import json
from typing import Any

from integration_gateway.domain.dossier_rules import DossierState
from pasc_contracts.events.dossier import KenhThucHien, LoaiDoiTuong, TrangThaiHoSo
from pasc_runtime.db import Connection

_COLUMNS = (
    "ma_ho_so, ma_tthc, ma_linh_vuc, agency_code, kenh_thuc_hien, loai_doi_tuong, applicant_id,"
    " trang_thai_ho_so, ngay_tiep_nhan, ngay_hen_tra, due_at_in_force, supplement_count,"
    " ngay_ket_thuc_xu_ly, ngay_tra, digitized_docs, digitized, reused_data, electronic_result,"
    " paid_online, revision, due_derived, submitted_docs"
)
_UPSERT = f"""
INSERT INTO dossiers ({_COLUMNS})
SELECT * FROM unnest(
    $1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::smallint[], $7::text[],
    $8::smallint[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::int[],
    $13::timestamptz[], $14::timestamptz[], $15::jsonb[], $16::bool[], $17::bool[], $18::bool[],
    $19::bool[], $20::int[], $21::bool[], $22::jsonb[])
ON CONFLICT (ma_ho_so) DO UPDATE SET ({_COLUMNS}, updated_at) = (
    EXCLUDED.ma_ho_so, EXCLUDED.ma_tthc, EXCLUDED.ma_linh_vuc, EXCLUDED.agency_code,
    EXCLUDED.kenh_thuc_hien, EXCLUDED.loai_doi_tuong, EXCLUDED.applicant_id,
    EXCLUDED.trang_thai_ho_so, EXCLUDED.ngay_tiep_nhan, EXCLUDED.ngay_hen_tra,
    EXCLUDED.due_at_in_force, EXCLUDED.supplement_count, EXCLUDED.ngay_ket_thuc_xu_ly,
    EXCLUDED.ngay_tra, EXCLUDED.digitized_docs, EXCLUDED.digitized, EXCLUDED.reused_data,
    EXCLUDED.electronic_result, EXCLUDED.paid_online, EXCLUDED.revision, EXCLUDED.due_derived,
    EXCLUDED.submitted_docs, now())
"""  # noqa: S608 (a constant column list, no input)


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


async def owners(conn: Connection, ma_ho_so: list[str]) -> dict[str, str]:
    """Who owns each of these dossier numbers (no claim, no lock)."""
    rows = await conn.fetch(
        "SELECT ma_ho_so, agency_code FROM dossier_owners WHERE ma_ho_so = ANY($1::text[])",
        sorted(set(ma_ho_so)),
    )
    return {r["ma_ho_so"]: r["agency_code"] for r in rows}


async def load(conn: Connection, ma_ho_so: list[str]) -> dict[str, DossierState]:
    """The dossiers' last accepted state (call claim_and_lock first: it serialises writers)."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM dossiers WHERE ma_ho_so = ANY($1::text[])",  # noqa: S608
        sorted(set(ma_ho_so)),
    )
    return {r["ma_ho_so"]: _state(r) for r in rows}


def _state(row: Any) -> DossierState:
    data = dict(row)
    data["kenh_thuc_hien"] = KenhThucHien(data["kenh_thuc_hien"])
    data["loai_doi_tuong"] = (
        LoaiDoiTuong(data["loai_doi_tuong"]) if data["loai_doi_tuong"] is not None else None
    )
    data["trang_thai_ho_so"] = TrangThaiHoSo(data["trang_thai_ho_so"])
    data["digitized_docs"] = frozenset(json.loads(data["digitized_docs"]))
    data["submitted_docs"] = frozenset(json.loads(data["submitted_docs"]))
    return DossierState(**data)


async def save(conn: Connection, states: list[DossierState]) -> None:
    if not states:
        return
    names = [n.strip() for n in _COLUMNS.split(",")]
    by_name = {name: [getattr(s, name) for s in states] for name in names}
    by_name["kenh_thuc_hien"] = [int(v) for v in by_name["kenh_thuc_hien"]]
    by_name["loai_doi_tuong"] = [
        int(v) if v is not None else None for v in by_name["loai_doi_tuong"]
    ]
    by_name["trang_thai_ho_so"] = [int(v) for v in by_name["trang_thai_ho_so"]]
    by_name["digitized_docs"] = [json.dumps(sorted(v)) for v in by_name["digitized_docs"]]
    by_name["submitted_docs"] = [json.dumps(sorted(v)) for v in by_name["submitted_docs"]]
    await conn.execute(_UPSERT, *by_name.values())


async def public_view(conn: Any, ma_ho_so: str) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT d.ma_ho_so, d.ma_tthc, p.ten_tthc, d.agency_code, d.trang_thai_ho_so,"
        " d.ngay_tiep_nhan, d.due_at_in_force, d.ngay_ket_thuc_xu_ly, d.ngay_tra"
        " FROM dossiers d LEFT JOIN procedures p USING (ma_tthc) WHERE d.ma_ho_so = $1",
        ma_ho_so,
    )
    return dict(row) if row else None
