"""History for the benchmark: synthetic dossiers COPYed into reporting's read model.

Loading millions of dossiers through the pipeline would take the benchmark hours; the read
model only needs them to be there. They are the KPI query benchmark's dossiers
(services/reporting-service/bench/kpi_query.py: two years up to 2026-10, 20 agencies), so
they never share a month with the benchmark's traffic (2019). The daily rollups are then
recomputed from all dossiers with the same SQL the read model is checked against, under the
read model's exclusive lock (as a rebuild takes it): the live consumers wait meanwhile.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services/reporting-service/bench"))

import kpi_query

from reporting_service.adapters import locks
from reporting_service.adapters.read_model_store import INSERT_RECOMPUTED_ROLLUP

CHUNK = 100_000


async def grow(database_url: str, schema: str, have: int, target: int) -> int:
    """Add dossiers BENCH-<have> ... BENCH-<target - 1>; returns `target`."""
    if target <= have:
        return have
    started = time.perf_counter()
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        await kpi_query.copy_dossiers(conn, target - have, first=have, chunk=CHUNK)
        copied = time.perf_counter() - started
        async with conn.transaction():
            await locks.own_read_model(conn, schema)
            await conn.execute("DELETE FROM kpi_daily")
            await conn.execute(INSERT_RECOMPUTED_ROLLUP)
        await conn.execute("VACUUM ANALYZE dossiers")
        await conn.execute("VACUUM ANALYZE kpi_daily")
    finally:
        await conn.close()
    print(
        f"[bench] preloaded {target - have:,} dossiers: COPY {copied:.0f} s,"
        f" rollups and analyze {time.perf_counter() - started - copied:.0f} s",
        flush=True,
    )
    return target
