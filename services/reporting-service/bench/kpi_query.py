"""Benchmark: the city-wide monthly KPI query over 5 million dossiers (run by hand, not in make test).

    uv run python services/reporting-service/bench/kpi_query.py [--dossiers 5000000] [--keep]

Bulk-loads synthetic dossiers with COPY into a separate schema (`reporting_bench`, dropped
at the end unless --keep), builds the daily rollups from them with the same SQL the read
model is checked against, then times the queries the API runs: the city-wide month figures
(sums over ~30 days of rollup rows + the dossiers in process through the partial index),
the same for one agency, and the whole /v1/kpi answer with its breakdowns. Prints p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from pasc_contracts import VN_TZ
from pasc_runtime.db import migrate
from pasc_runtime.settings import LOCAL_DATABASE
from reporting_service.adapters import kpi_queries
from reporting_service.adapters.read_model_store import (
    DOSSIERS,
    INSERT_RECOMPUTED_ROLLUP,
    derived_columns,
)
from reporting_service.app.kpi import kpi_report
from reporting_service.bootstrap import MIGRATIONS
from reporting_service.domain.agencies import AGENCY_CODES
from reporting_service.domain.periods import month_period
from reporting_service.domain.read_model import DossierFacts

SCHEMA = "reporting_bench"
END = datetime(2026, 10, 31, 17, tzinfo=VN_TZ)  # two years of dossiers up to this day
DAYS = 730
MONTH = "2026-09"
EVENTS_EACH = 3  # each synthetic dossier is taken to have had three events (its revision)


def dossiers(count: int, seed: int = 1, first: int = 0) -> Iterator[DossierFacts]:
    """Synthetic dossiers: 20 agencies, ~75 procedures each, most processed, recent ones open.

    `first`: the number of the first (BENCH-<number>), to add to dossiers loaded before."""
    rng = random.Random(seed + first)  # noqa: S311 (synthetic data, not security)
    procedures = [
        (agency, f"1.{a * 1000 + p:06d}", f"LV{p % 12:02d}")
        for a, agency in enumerate(AGENCY_CODES)
        for p in range(75)
    ]
    weights = [1 / (i + 1) ** 0.8 for i in range(len(procedures))]  # a few procedures dominate
    picks = rng.choices(procedures, weights=weights, k=count)
    start = END - timedelta(days=DAYS)
    for n, (agency, ma_tthc, field) in enumerate(picks, first):
        received = start + timedelta(seconds=rng.randrange(DAYS * 86400))
        due = received + timedelta(days=rng.choice((3, 5, 7, 10, 15, 20)))
        age = (END - received).days
        roll = rng.random()
        supplements = 1 if roll < 0.05 else (2 if roll < 0.06 else 0)
        due_in_force = due + timedelta(days=5) if supplements else due
        if age < 20 and roll < 0.6:
            status, finished = rng.choice((2, 4, 5, 6)), None
        elif roll > 0.97:
            status, finished = rng.choice((3, 7, 8)), None
        else:
            status = 10 if rng.random() < 0.9 else 9
            finished = received + (due_in_force - received) * rng.uniform(0.2, 1.12)
        # Built without validation (millions of them); the fields are the snapshot's.
        yield DossierFacts.model_construct(
            ma_ho_so=f"BENCH-{n:08d}", revision=EVENTS_EACH, ma_tthc=ma_tthc, ma_linh_vuc=field,
            agency_code=agency, trang_thai_ho_so=status, kenh_thuc_hien=rng.choice((1, 2, 2, 3)),
            ngay_tiep_nhan=received, ngay_hen_tra=due, due_at_in_force=due_in_force,
            supplement_count=supplements, ngay_ket_thuc_xu_ly=finished,
            ngay_tra=finished if status == 10 else None, digitized=rng.random() < 0.8,
            reused_data=rng.random() < 0.3, electronic_result=status == 10 and rng.random() < 0.6,
            paid_online=rng.random() < 0.25,
        )  # fmt: skip


async def copy_dossiers(
    conn: asyncpg.Connection, count: int, first: int = 0, chunk: int = 250_000
) -> None:
    """COPY `count` synthetic dossiers (BENCH-<first> on) into the read model's table; the
    columns and rows come from the table's record model, as the service writes them."""
    batch: list[DossierFacts] = []

    async def copy() -> None:
        extra = derived_columns(batch)
        extra["events_applied"] = [EVENTS_EACH] * len(batch)
        rows = DOSSIERS.rows(batch, extra)
        await conn.copy_records_to_table("dossiers", records=rows, columns=DOSSIERS.all_names)
        batch.clear()
        print(".", end="", flush=True)

    for facts in dossiers(count, first=first):
        batch.append(facts)
        if len(batch) == chunk:
            await copy()
    if batch:
        await copy()


async def load(pool: asyncpg.Pool, count: int) -> None:
    started = time.perf_counter()
    async with pool.acquire() as conn:
        await conn.execute("DROP INDEX IF EXISTS dossiers_in_process")
        await conn.execute("ALTER TABLE dossiers DROP CONSTRAINT dossiers_pkey")
        await copy_dossiers(conn, count)
        print(f"\nCOPY {count:,} dossiers: {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        await conn.execute("ALTER TABLE dossiers ADD PRIMARY KEY (ma_ho_so)")
        await conn.execute(
            "CREATE INDEX dossiers_in_process ON dossiers (received_day, agency_code)"
            " INCLUDE (ma_tthc, ma_linh_vuc, ngay_tiep_nhan, due_at_in_force, trang_thai_ho_so)"
            " WHERE trang_thai_ho_so IN (2, 4, 5, 6)"
        )
        await conn.execute(INSERT_RECOMPUTED_ROLLUP)
        await conn.execute("VACUUM ANALYZE dossiers")
        await conn.execute("VACUUM ANALYZE kpi_daily")
        rows = await conn.fetchval("SELECT count(*) FROM kpi_daily")
        print(f"indexes and rollups ({rows:,} rollup rows): {time.perf_counter() - started:.0f} s")


async def timed(label: str, runs: int, query: Any) -> tuple[float, float]:
    await query()  # warm the cache once, as a running service would be
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await query()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(len(samples) * 0.99) - 1)]
    print(f"{label:58} p50 {statistics.median(samples):7.1f} ms  p99 {p99:7.1f} ms  (n={runs})")
    return statistics.median(samples) / 1000, p99 / 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5_000_000)
    parser.add_argument("--database-url", default=LOCAL_DATABASE)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--json", action="store_true", help="end with one JSON line (make bench)")
    args = parser.parse_args()

    admin = await asyncpg.connect(args.database_url)
    await admin.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    await migrate(args.database_url, SCHEMA, [MIGRATIONS])
    pool = await asyncpg.create_pool(
        args.database_url, server_settings={"search_path": SCHEMA}, min_size=1, max_size=2
    )
    try:
        await load(pool, args.dossiers)
        period = month_period(MONTH)
        now = END
        async with pool.acquire() as conn:
            figures = await kpi_queries.figures(conn, period, None, now)
            print(f"city {MONTH}: received {figures.received:,}, processed {figures.processed:,},"
                  f" on time {figures.on_time_rate}, in process {figures.in_process:,}")  # fmt: skip
            city = await timed(
                f"city-wide month figures ({MONTH})",
                args.runs,
                lambda: kpi_queries.figures(conn, period, None, now),
            )
            await timed(
                "one agency's month figures (SXD)",
                args.runs,
                lambda: kpi_queries.figures(conn, period, "SXD", now),
            )
            whole = await timed(
                "whole /v1/kpi answer, city month (breakdowns, daily, score)",
                max(10, args.runs // 4),
                lambda: kpi_report(conn, period, None, now),
            )
        if args.json:
            print(
                json.dumps(
                    {
                        "p50_s": city[0],
                        "p99_s": city[1],
                        "api_p50_s": whole[0],
                        "api_p99_s": whole[1],
                    }
                )
            )
    finally:
        await pool.close()
        if not args.keep:
            await admin.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
