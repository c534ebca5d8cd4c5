"""The gateway's CPU per record, in one process, without Kafka or HTTP.

Times what one signed ingress message of up to 100 DongBoHoSoMC records costs the gateway:
reading the body, the stateless rules, its PostgreSQL round trips, event building, encoding
and outbox staging, and the audit entry, in µs per record per stage. It runs against the local
PostgreSQL in a fresh schema with the gateway's migrations (dropped at the end); the procedures
table is filled from the synthetic catalog, as the catalog's events would fill it. Each message
runs in a transaction that is rolled back, so every round sees the same (new) dossiers.

    uv run --frozen python bench/gateway_cpu.py [--records 2000] [--rounds 5] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
from prometheus_client import CollectorRegistry

from integration_gateway.adapters import catalog_store, dossier_store
from integration_gateway.app import handlers, ingest
from integration_gateway.app.identity import IngressMessage
from integration_gateway.app.metrics import GatewayMetrics
from integration_gateway.bootstrap import MIGRATIONS
from integration_gateway.settings import Settings
from pasc_contracts.dvcqg import DVCQG_REQUEST
from pasc_runtime.db import migrate
from pasc_simulator.catalog import load_catalog
from pasc_simulator.lifecycle import simulate_month

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "services" / "catalog-service" / "data" / "tthc-synthetic.csv"

# (module, attribute, stage): the functions timed, by where the use cases call them.
TIMED = [
    (ingest, "normalise_record", "normalise"),
    (ingest, "parse_record", "model (HoSoMC)"),
    (ingest, "_with_due", "derived due date"),
    (ingest, "stateless_check", "stateless rules"),
    (ingest, "translate", "dossier rules + events"),
    (ingest, "pseudonym", "pseudonym"),
    (catalog_store, "lookup", "db: procedures"),
    (ingest, "_numbering_prefixes", "db: numbering prefixes"),
    (dossier_store, "claim_and_lock", "db: claim and lock"),
    (dossier_store, "load", "db: load states"),
    (dossier_store, "save", "db: save states"),
    (ingest, "stage", "outbox: encode + stage"),
    (handlers, "audit_ingest", "audit entry"),
    (DVCQG_REQUEST, "validate_python", "body model"),
    (handlers, "loads_bounded", "body JSON"),
]


class Stages:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)  # this process only: not PostgreSQL's

    def wrap(self, fn: Callable[..., Any], name: str) -> Callable[..., Any]:
        """`fn` timed under `name` (stages may nest: the pseudonyms of documents are inside the dossier rules)."""
        if asyncio.iscoroutinefunction(fn):

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started, cpu = time.perf_counter(), time.process_time()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    self.seconds[name] += time.perf_counter() - started
                    self.cpu[name] += time.process_time() - cpu

            return timed_async

        def timed(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.cpu[name] += time.process_time() - cpu

        return timed


@contextmanager
def timing(stages: Stages) -> Iterator[None]:
    originals = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in TIMED]
    try:
        for owner, attr, name in TIMED:
            setattr(owner, attr, stages.wrap(getattr(owner, attr), name))
        yield
    finally:
        for owner, attr, fn in originals:
            setattr(owner, attr, fn)


def bodies(records: int) -> list[tuple[str, bytes]]:
    """Signed-ingress bodies as the benchmark sends them: up to 100 records of one agency."""
    procedures = load_catalog(CATALOG)
    month = simulate_month(
        procedures,
        dossiers=records * 10 // 25,
        year=2019,
        month=3,
        seed=7,
        bad_fraction=0.0,
        prefix="CPU",
    )
    per_agency: dict[str, list[Any]] = defaultdict(list)
    for sync in month.syncs[:records]:
        per_agency[sync.agency_code].append(sync.record)
    out = []
    for agency, items in per_agency.items():
        for start in range(0, len(items), 100):
            body = {
                "service": "DongBoHoSoMC",
                "isUpdating": "True",
                "data": items[start : start + 100],
            }
            out.append((agency, json.dumps(body, ensure_ascii=False).encode()))
    return out


async def fill_catalog(conn: Any) -> None:
    procedures = load_catalog(CATALOG)
    await catalog_store.upsert(
        conn,
        [
            (p.ma_tthc, p.ten_tthc, p.agency_code, True, False, 1, p.working_days)
            for p in procedures
        ],
    )
    await catalog_store.record_owners(
        conn, [(p.ma_tthc, p.agency_code, date(2015, 1, 1)) for p in procedures]
    )


async def run_round(
    conn: Any, settings: Settings, messages: list[tuple[str, bytes]]
) -> tuple[float, float]:
    apply = handlers.ingress_handler(settings, GatewayMetrics(CollectorRegistry()))
    started, cpu = time.perf_counter(), time.process_time()
    for agency, body in messages:
        tx = conn.transaction()
        await tx.start()
        try:
            message = IngressMessage(
                event_id=uuid.uuid4(), agency_code=agency, message_id=str(uuid.uuid4()), body=body
            )
            rejections = await apply(conn, [message])
            if rejections:  # every record of the benchmark is a valid one
                raise RuntimeError(rejections[0].reason)
        finally:
            await tx.rollback()
    return time.perf_counter() - started, time.process_time() - cpu


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", help="write a cProfile of the timed rounds here")
    args = parser.parse_args()
    settings = Settings()
    schema = f"gwcpu_{os.getpid()}"
    url = settings.database_url
    await migrate(url, schema, [MIGRATIONS])
    conn = await asyncpg.connect(url, server_settings={"search_path": schema})
    try:
        await fill_catalog(conn)
        messages = bodies(args.records)
        records = sum(len(json.loads(b)["data"]) for _, b in messages)
        await run_round(conn, settings, messages)  # warm-up: caches, prepared statements
        totals: list[tuple[float, float]] = []
        per_stage: list[tuple[dict[str, float], dict[str, float]]] = []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.rounds):
            stages = Stages()
            if profiler:
                profiler.enable()
            with timing(stages):
                totals.append(await run_round(conn, settings, messages))
            if profiler:
                profiler.disable()
            per_stage.append((dict(stages.seconds), dict(stages.cpu)))
        if profiler:
            profiler.dump_stats(args.profile)
    finally:
        await conn.close()
        drop = await asyncpg.connect(url)
        await drop.execute(f"DROP SCHEMA {schema} CASCADE")
        await drop.close()
    us = 1e6 / records
    print(
        f"{records} records in {len(messages)} messages, {args.rounds} rounds; load {os.getloadavg()}"
    )
    print("µs per record, median of the rounds: wall time, and CPU time of this process alone")
    print(f"{'stage':32} {'wall':>8} {'cpu':>8}")
    for name in dict.fromkeys(n for _, _, n in TIMED):
        wall = statistics.median(s[0].get(name, 0.0) * us for s in per_stage)
        cpu = statistics.median(s[1].get(name, 0.0) * us for s in per_stage)
        print(f"{name:32} {wall:8.1f} {cpu:8.1f}")
    wall = statistics.median(t[0] * us for t in totals)
    cpu = statistics.median(t[1] * us for t in totals)
    print(f"{'total (whole message)':32} {wall:8.1f} {cpu:8.1f}")


if __name__ == "__main__":
    asyncio.run(main())
