"""The read model in PostgreSQL, written a batch at a time."""

from __future__ import annotations

from collections import Counter
from typing import Any

import asyncpg

from reporting_service.domain.read_model import DossierFold

_UPSERT = """
INSERT INTO dossiers AS d (
    ma_ho_so, revision, ma_tthc, agency_code, trang_thai_ho_so, kenh_thuc_hien, ngay_tiep_nhan,
    due_at_in_force, supplement_count, ngay_ket_thuc_xu_ly, digitized, events_applied)
SELECT * FROM unnest(
    $1::text[], $2::int[], $3::text[], $4::text[], $5::smallint[], $6::smallint[],
    $7::timestamptz[], $8::timestamptz[], $9::int[], $10::timestamptz[], $11::bool[], $12::int[])
ON CONFLICT (ma_ho_so) DO UPDATE SET
    revision            = greatest(d.revision, EXCLUDED.revision),
    ma_tthc             = CASE WHEN EXCLUDED.revision > d.revision THEN EXCLUDED.ma_tthc ELSE d.ma_tthc END,
    agency_code         = CASE WHEN EXCLUDED.revision > d.revision THEN EXCLUDED.agency_code ELSE d.agency_code END,
    trang_thai_ho_so    = CASE WHEN EXCLUDED.revision > d.revision THEN EXCLUDED.trang_thai_ho_so ELSE d.trang_thai_ho_so END,
    kenh_thuc_hien      = CASE WHEN EXCLUDED.revision > d.revision THEN EXCLUDED.kenh_thuc_hien ELSE d.kenh_thuc_hien END,
    ngay_tiep_nhan      = CASE WHEN EXCLUDED.revision > d.revision THEN EXCLUDED.ngay_tiep_nhan ELSE d.ngay_tiep_nhan END,
    due_at_in_force     = CASE WHEN EXCLUDED.revision > d.revision THEN EXCLUDED.due_at_in_force ELSE d.due_at_in_force END,
    supplement_count    = CASE WHEN EXCLUDED.revision > d.revision THEN EXCLUDED.supplement_count ELSE d.supplement_count END,
    ngay_ket_thuc_xu_ly = CASE WHEN EXCLUDED.revision > d.revision THEN EXCLUDED.ngay_ket_thuc_xu_ly ELSE d.ngay_ket_thuc_xu_ly END,
    digitized           = CASE WHEN EXCLUDED.revision > d.revision THEN EXCLUDED.digitized ELSE d.digitized END,
    events_applied      = d.events_applied + EXCLUDED.events_applied,
    updated_at          = now()
RETURNING ma_ho_so, (xmax = 0) AS inserted
"""

_ADD_RECEIVED = """
INSERT INTO received_daily AS r (day, agency_code, ma_tthc, received)
SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::int[])
ON CONFLICT (day, agency_code, ma_tthc) DO UPDATE SET received = r.received + EXCLUDED.received
"""


def _columns(folds: list[DossierFold]) -> list[list[Any]]:
    rows = [
        (
            f.latest.ma_ho_so,
            f.latest.revision,
            f.latest.ma_tthc,
            f.latest.agency_code,
            int(f.latest.trang_thai_ho_so),
            int(f.latest.kenh_thuc_hien),
            f.latest.ngay_tiep_nhan,
            f.latest.due_at_in_force,
            f.latest.supplement_count,
            f.latest.ngay_ket_thuc_xu_ly,
            f.latest.digitized,
            f.events,
        )
        for f in folds
    ]
    return [list(col) for col in zip(*rows, strict=True)]


async def save(conn: asyncpg.Connection, folds: dict[str, DossierFold]) -> int:
    """Upsert the dossiers and count the new ones as received; returns how many were new."""
    if not folds:
        return 0
    result = await conn.fetch(_UPSERT, *_columns(list(folds.values())))
    new = [folds[row["ma_ho_so"]] for row in result if row["inserted"]]
    per_day = Counter((f.received_day, f.latest.agency_code, f.latest.ma_tthc) for f in new)
    if per_day:
        keys = list(per_day)
        await conn.execute(
            _ADD_RECEIVED,
            [k[0] for k in keys],
            [k[1] for k in keys],
            [k[2] for k in keys],
            [per_day[k] for k in keys],
        )
    return len(new)


async def dossier(conn: asyncpg.Connection | asyncpg.Pool, ma_ho_so: str) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM dossiers WHERE ma_ho_so = $1", ma_ho_so)
    return dict(row) if row else None
