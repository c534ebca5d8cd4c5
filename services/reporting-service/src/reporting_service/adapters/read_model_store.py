"""The dossier read model in PostgreSQL, written a batch at a time (unnest, one round trip each)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pasc_runtime.db import Connection
from pasc_runtime.records import RecordTable
from reporting_service.domain.figures import COUNTS, RollupKey
from reporting_service.domain.read_model import NOT_KEPT, DossierChangePlan, DossierFacts

# The table's columns, its upsert and the row conversions, from DossierFacts' fields (the
# snapshot's, less NOT_KEPT); beside them what the figures derive, stored so that SQL
# (RECOMPUTE_ROLLUP, the backlog queries) reads it instead of restating the rules, and how many
# events the dossier has had.
DERIVED = ("received_day", "processed_day", "counted_digitized", "counted_reused")
DOSSIERS = RecordTable(
    DossierFacts,
    "dossiers",
    key=("ma_ho_so",),
    omit=NOT_KEPT,
    extra={
        "received_day": "date",
        "processed_day": "date",
        "counted_digitized": "boolean",
        "counted_reused": "boolean",
        "events_applied": "integer",
    },
)
_LOCK = DOSSIERS.select("ma_ho_so = ANY($1::text[])", suffix="FOR UPDATE")
_UPSERT = DOSSIERS.insert(
    alias="d",
    also_set={
        "events_applied": "d.events_applied + EXCLUDED.events_applied",
        "updated_at": "now()",
    },
)

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


async def lock_stored(conn: Connection, keys: list[str]) -> dict[str, DossierFacts]:
    """The stored state of these dossiers, row-locked until the transaction ends."""
    rows = await conn.fetch(_LOCK, sorted(keys))
    return {row["ma_ho_so"]: DOSSIERS.record(row) for row in rows}


async def save(conn: Connection, plans: list[DossierChangePlan]) -> None:
    """Write the new states; count the events of dossiers whose state did not change."""
    changed = [p for p in plans if p.new is not None]
    if changed:
        facts = [p.new for p in changed if p.new is not None]
        await conn.execute(_UPSERT, *DOSSIERS.arrays(facts, derived_columns(facts, changed)))
    stale = [p for p in plans if p.new is None]
    if stale:
        await conn.execute(_COUNT_EVENTS, [p.ma_ho_so for p in stale], [p.events for p in stale])


def derived_columns(
    facts: Sequence[DossierFacts], plans: Sequence[DossierChangePlan] | None = None
) -> dict[str, list[Any]]:
    """The extra columns' values for these dossiers (events_applied: the plans', else 0)."""
    columns: dict[str, list[Any]] = {name: [getattr(f, name) for f in facts] for name in DERIVED}
    columns["events_applied"] = [p.events for p in plans] if plans else [0] * len(facts)
    return columns


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
           counted_digitized::int AS digitized, counted_reused::int AS reused,
           reused_from_national_db::int AS reused_from_national_db, paid_online::int AS paid_online,
           (trang_thai_ho_so = 3)::int AS refused, (trang_thai_ho_so = 7)::int AS withdrawn,
           (trang_thai_ho_so = 8)::int AS stopped, 0 AS processed, 0 AS on_time, 0 AS late,
           0 AS result_returned, 0 AS electronic_result
    FROM dossiers
    UNION ALL
    SELECT processed_day, agency_code, ma_tthc, ma_linh_vuc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
           on_time::int, (NOT on_time)::int, (trang_thai_ho_so = 10)::int, electronic_result::int
    FROM (SELECT *, (supplement_count <= 1
                     AND coalesce(ngay_ket_thuc_xu_ly, ngay_tra) <= due_at_in_force) AS on_time
          FROM dossiers WHERE processed_day IS NOT NULL) AS p
)
SELECT day, agency_code, ma_tthc, ma_linh_vuc, sum(received)::int AS received,
       sum(online)::int AS online, sum(postal)::int AS postal, sum(digitized)::int AS digitized,
       sum(reused)::int AS reused,
       sum(reused_from_national_db)::int AS reused_from_national_db,
       sum(paid_online)::int AS paid_online,
       sum(refused)::int AS refused, sum(withdrawn)::int AS withdrawn,
       sum(stopped)::int AS stopped, sum(processed)::int AS processed,
       sum(on_time)::int AS on_time, sum(late)::int AS late,
       sum(result_returned)::int AS result_returned,
       sum(electronic_result)::int AS electronic_result
FROM contributions GROUP BY 1, 2, 3, 4
"""


# The rollups recomputed into kpi_daily, by column name: kpi_daily's columns are not in
# COUNTS order (columns added by later migrations come last), so a bare INSERT would shift them.
INSERT_RECOMPUTED_ROLLUP = (
    f"INSERT INTO kpi_daily (day, agency_code, ma_tthc, ma_linh_vuc, {', '.join(COUNTS)})\n"
    f"{RECOMPUTE_ROLLUP}"
)


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
