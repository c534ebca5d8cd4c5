"""The dossier read model in PostgreSQL, written a batch at a time (unnest, one round trip each)."""

from __future__ import annotations

from typing import Any

from pasc_runtime.db import Connection
from reporting_service.domain.figures import COUNTS, RollupKey
from reporting_service.domain.read_model import DossierChangePlan, DossierFacts

_FACT_COLUMNS = (
    "ma_ho_so, revision, ma_tthc, ma_linh_vuc, agency_code, trang_thai_ho_so, kenh_thuc_hien,"
    " ngay_tiep_nhan, ngay_hen_tra, due_at_in_force, supplement_count, ngay_ket_thuc_xu_ly,"
    " ngay_tra, digitized, reused, electronic_result, paid_online"
)

_LOCK = f"SELECT {_FACT_COLUMNS} FROM dossiers WHERE ma_ho_so = ANY($1::text[]) FOR UPDATE"  # noqa: S608

_UPSERT = f"""
INSERT INTO dossiers AS d ({_FACT_COLUMNS}, received_day, processed_day, events_applied)
SELECT * FROM unnest(
    $1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::smallint[],
    $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::int[], $12::timestamptz[],
    $13::timestamptz[], $14::bool[], $15::bool[], $16::bool[], $17::bool[], $18::date[],
    $19::date[], $20::int[])
ON CONFLICT (ma_ho_so) DO UPDATE SET
    revision = EXCLUDED.revision, ma_tthc = EXCLUDED.ma_tthc, ma_linh_vuc = EXCLUDED.ma_linh_vuc,
    agency_code = EXCLUDED.agency_code, trang_thai_ho_so = EXCLUDED.trang_thai_ho_so,
    kenh_thuc_hien = EXCLUDED.kenh_thuc_hien, ngay_tiep_nhan = EXCLUDED.ngay_tiep_nhan,
    ngay_hen_tra = EXCLUDED.ngay_hen_tra, due_at_in_force = EXCLUDED.due_at_in_force,
    supplement_count = EXCLUDED.supplement_count,
    ngay_ket_thuc_xu_ly = EXCLUDED.ngay_ket_thuc_xu_ly, ngay_tra = EXCLUDED.ngay_tra,
    digitized = EXCLUDED.digitized, reused = EXCLUDED.reused,
    electronic_result = EXCLUDED.electronic_result, paid_online = EXCLUDED.paid_online,
    received_day = EXCLUDED.received_day, processed_day = EXCLUDED.processed_day,
    events_applied = d.events_applied + EXCLUDED.events_applied, updated_at = now()
"""  # noqa: S608 (column names from constants)

_COUNT_EVENTS = """
UPDATE dossiers AS d SET events_applied = d.events_applied + c.n
FROM unnest($1::text[], $2::int[]) AS c(ma_ho_so, n) WHERE d.ma_ho_so = c.ma_ho_so
"""

_ADD_TO_ROLLUP = f"""
INSERT INTO kpi_daily AS k (day, agency_code, ma_tthc, ma_linh_vuc, {", ".join(COUNTS)})
SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::text[],
    {", ".join(f"${i}::int[]" for i in range(5, 5 + len(COUNTS)))})
ON CONFLICT (day, agency_code, ma_tthc, ma_linh_vuc) DO UPDATE SET
    {", ".join(f"{c} = k.{c} + EXCLUDED.{c}" for c in COUNTS)}
"""  # noqa: S608 (column names from constants)


def _facts(row: Any) -> DossierFacts:
    return DossierFacts(
        ma_ho_so=row["ma_ho_so"],
        revision=row["revision"],
        ma_tthc=row["ma_tthc"],
        ma_linh_vuc=row["ma_linh_vuc"],
        agency_code=row["agency_code"],
        status=row["trang_thai_ho_so"],
        channel=row["kenh_thuc_hien"],
        ngay_tiep_nhan=row["ngay_tiep_nhan"],
        ngay_hen_tra=row["ngay_hen_tra"] or row["due_at_in_force"],
        due_at_in_force=row["due_at_in_force"],
        supplement_count=row["supplement_count"],
        ngay_ket_thuc_xu_ly=row["ngay_ket_thuc_xu_ly"],
        ngay_tra=row["ngay_tra"],
        digitized=row["digitized"],
        reused=row["reused"],
        electronic_result=row["electronic_result"],
        paid_online=row["paid_online"],
    )


async def lock_stored(conn: Connection, keys: list[str]) -> dict[str, DossierFacts]:
    """The stored state of these dossiers, row-locked until the transaction ends."""
    rows = await conn.fetch(_LOCK, sorted(keys))
    return {row["ma_ho_so"]: _facts(row) for row in rows}


def _columns(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [list(col) for col in zip(*rows, strict=True)]


async def save(conn: Connection, plans: list[DossierChangePlan]) -> None:
    """Write the new states; count the events of dossiers whose state did not change."""
    changed = [(p.new, p.events) for p in plans if p.new is not None]
    if changed:
        rows = []
        for f, events in changed:
            rows.append(
                (
                    f.ma_ho_so,
                    f.revision,
                    f.ma_tthc,
                    f.ma_linh_vuc,
                    f.agency_code,
                    f.status,
                    f.channel,
                    f.ngay_tiep_nhan,
                    f.ngay_hen_tra,
                    f.due_at_in_force,
                    f.supplement_count,
                    f.ngay_ket_thuc_xu_ly,
                    f.ngay_tra,
                    f.digitized,
                    f.reused,
                    f.electronic_result,
                    f.paid_online,
                    f.received_day,
                    f.processed_day,
                    events,
                )
            )
        await conn.execute(_UPSERT, *_columns(rows))
    stale = [p for p in plans if p.new is None]
    if stale:
        await conn.execute(_COUNT_EVENTS, [p.ma_ho_so for p in stale], [p.events for p in stale])


async def add_to_rollup(conn: Connection, delta: dict[RollupKey, dict[str, int]]) -> None:
    if not delta:
        return
    keys = sorted(delta, key=lambda k: (k.day, k.agency_code, k.ma_tthc, k.ma_linh_vuc))
    columns: list[list[Any]] = [
        [k.day for k in keys],
        [k.agency_code for k in keys],
        [k.ma_tthc for k in keys],
        [k.ma_linh_vuc for k in keys],
    ]
    columns += [[delta[k][c] for k in keys] for c in COUNTS]
    await conn.execute(_ADD_TO_ROLLUP, *columns)


async def dossier(conn: Connection | Any, ma_ho_so: str) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM dossiers WHERE ma_ho_so = $1", ma_ho_so)
    return dict(row) if row else None


# The rollups as recomputed from the stored dossiers: used by the benchmark's bulk load and
# to check that the incremental rollups never drift (they must be equal at all times).
RECOMPUTE_ROLLUP = """
WITH contributions AS (
    SELECT received_day AS day, agency_code, ma_tthc, ma_linh_vuc, 1 AS received,
           (kenh_thuc_hien = 2)::int AS online, (kenh_thuc_hien = 3)::int AS postal,
           digitized::int AS digitized, reused::int AS reused, paid_online::int AS paid_online,
           (trang_thai_ho_so = 3)::int AS refused, (trang_thai_ho_so = 7)::int AS withdrawn,
           (trang_thai_ho_so = 8)::int AS stopped, 0 AS processed, 0 AS on_time, 0 AS late,
           0 AS result_returned, 0 AS electronic_result
    FROM dossiers
    UNION ALL
    SELECT processed_day, agency_code, ma_tthc, ma_linh_vuc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
           on_time::int, (NOT on_time)::int, (trang_thai_ho_so = 10)::int, electronic_result::int
    FROM (SELECT *, (supplement_count <= 1
                     AND coalesce(ngay_ket_thuc_xu_ly, ngay_tra) <= due_at_in_force) AS on_time
          FROM dossiers WHERE processed_day IS NOT NULL) AS p
)
SELECT day, agency_code, ma_tthc, ma_linh_vuc, sum(received)::int AS received,
       sum(online)::int AS online, sum(postal)::int AS postal, sum(digitized)::int AS digitized,
       sum(reused)::int AS reused, sum(paid_online)::int AS paid_online,
       sum(refused)::int AS refused, sum(withdrawn)::int AS withdrawn,
       sum(stopped)::int AS stopped, sum(processed)::int AS processed,
       sum(on_time)::int AS on_time, sum(late)::int AS late,
       sum(result_returned)::int AS result_returned,
       sum(electronic_result)::int AS electronic_result
FROM contributions GROUP BY 1, 2, 3, 4
"""


async def rollup_drift(conn: Connection) -> int:
    """How many rollup rows differ from a recomputation from the dossiers (0 when consistent)."""
    counts = ", ".join(COUNTS)
    return int(
        await conn.fetchval(
            f"""
            WITH recomputed AS ({RECOMPUTE_ROLLUP}),
                 stored AS (SELECT day, agency_code, ma_tthc, ma_linh_vuc, {counts}
                            FROM kpi_daily WHERE ({" + ".join(COUNTS)}) <> 0)
            SELECT count(*) FROM (
                (SELECT * FROM recomputed EXCEPT ALL SELECT * FROM stored)
                UNION ALL
                (SELECT * FROM stored EXCEPT ALL SELECT * FROM recomputed)) AS diff
            """  # noqa: S608 (column names from constants)
        )
    )
