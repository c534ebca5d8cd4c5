"""`make bench` / `make bench-quick`: the platform beside raw Kafka clients, measured side by side.

The platform measured is this checkout's: catalog, gateway and reporting started on a private
three-broker Kafka cluster with fresh schemas of the local PostgreSQL (bench/private_stack.py),
so the millions of benchmark events never reach the shared broker's topics. Writes
bench/results/latest.json and prints a table. Targets (issue 17) are checked here and reported,
never asserted by a timed test. Every phase is sampled with py-spy (bench/sampling.py) and
its processes' CPU measured: a missed target is printed with the CPU per record of each process
in its path, the bottleneck's top frames and what would close it (bench/report.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))

import pipeline
import preload
import private_stack
import raw_baseline
import report as explaining
import sampling as profiling
from private_stack import PrivateStack

from pasc_simulator.catalog import load_catalog
from pasc_simulator.lifecycle import simulate_month
from reporting_service.adapters import kpi_queries
from reporting_service.app.kpi import kpi_report
from reporting_service.domain.periods import month_period

kpi_query_bench = preload.kpi_query  # services/reporting-service/bench/kpi_query.py

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
CATALOG = REPO / "services" / "catalog-service" / "data" / "tthc-synthetic.csv"
PASC = str(Path(sys.executable).parent / "pasc")
SERVICES = ("integration-gateway", "catalog-service", "reporting-service")
CORES = os.cpu_count() or 1
TARGETS = {
    "pipeline_records_per_s": 10_000,
    "ratio": 0.5,
    "http_records_per_s": 10_000,
    "latency_p99_s": 0.5,
    "kpi_p99_at_5m_s": 0.5,
    "rebuild_events_per_s": 50_000,
    "peak_rss_mb": 250,
}
# `history`: dossiers already in reporting's read model when record-to-figure latency is
# measured (preloaded with COPY, not through the pipeline), smallest first.
SIZES = {
    # a smoke run of every phase (a few minutes, most of it starting the brokers and services):
    # checks the benchmark works end to end, its figures are too small to mean anything
    "tiny": {
        "pipeline": 2_000,
        "http": 1_000,
        "latency_s": 5,
        "history": (20_000,),
    },
    "quick": {
        "pipeline": 20_000,
        "http": 10_000,
        "latency_s": 15,
        "history": (20_000, 1_000_000),
    },
    # Full size (`make bench`) within 50 minutes on this 2-core machine: each throughput phase
    # runs minutes at the rates measured so far (pipeline ~300-950 records/s, HTTP ~500-1,100),
    # long past its ramp-up of a few seconds; more records would not change its figure, only
    # the rebuild's event count, which grows with them. bench/README.md has the phase timings.
    "full": {
        "pipeline": 200_000,
        "http": 100_000,
        "latency_s": 60,
        "history": (20_000, 1_000_000, 5_000_000),
    },
}
FIVE_MILLION = 5_000_000


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def issue_keys(agencies: list[str]) -> dict[str, str]:
    keys = {}
    for agency in agencies:
        r = httpx.post(
            f"{pipeline.GATEWAY}/admin/keys",
            json={"agency": agency, "label": "bench"},
            auth=pipeline.STAFF,
        )
        r.raise_for_status()
        keys[agency] = r.json()["api_key"]
    return keys


def import_catalog(url: str) -> None:
    """The synthetic catalog, approved by a decision; importing it again changes nothing."""
    subprocess.run(
        [PASC, "catalog", "import", str(CATALOG), "--url", url],
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        # the local realm's `demo` user holds the catalog officer's and recorder's roles
        env={"PASC_USERNAME": "demo", "PASC_PASSWORD": "demo", **os.environ},
    )


def peak_rss_mb(pids: dict[str, int]) -> dict[str, float]:
    peaks = {}
    for name in SERVICES:
        pid = pids.get(name)
        if pid is None:
            continue
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        peaks[name] = round(int(match.group(1)) / 1024, 1) if match else 0.0
    return peaks


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(stack: PrivateStack) -> dict[str, float]:
    """CPU seconds of the gateway, reporting and the brokers (what one pipeline record costs)."""
    pids = stack.pids()
    taken = {
        name: cpu_seconds(pid)
        for name, pid in pids.items()
        if name in ("integration-gateway", "reporting-service")
    }
    taken["kafka"] = sum(
        cpu_seconds(n.process.pid) for n in stack.cluster.nodes.values() if n.process is not None
    )
    return taken


def idle_cpu_per_s(stack: PrivateStack, seconds: float = 5.0) -> dict[str, float]:
    before = cpu_snapshot(stack)
    time.sleep(seconds)
    after = cpu_snapshot(stack)
    return {k: (after[k] - before[k]) / seconds for k in before}


async def run_raw(
    bootstrap: str, messages: list[tuple[str, bytes, list[Any]]], records: int
) -> dict[str, float]:
    topics = ["bench.raw.in", "bench.raw.out.a", "bench.raw.out.c"]
    replication = private_stack.replication()
    await raw_baseline.recreate_topics(bootstrap, topics, replication=replication)
    await raw_baseline.fill(bootstrap, "bench.raw.in", [body for _, body, _ in messages])
    a = await raw_baseline.aiokafka_split(bootstrap, "bench.raw.in", "bench.raw.out.a", records)
    c = await asyncio.to_thread(
        raw_baseline.confluent_split, bootstrap, "bench.raw.in", "bench.raw.out.c", records
    )
    return {"aiokafka": a.records_per_s, "confluent": c.records_per_s}


def rebuild(bench: Bench) -> dict[str, float]:
    """`pasc reporting rebuild` of the benchmark's read model, sampled by py-spy; its CPU is
    the process's own (`wait4`), the brokers' is measured around it."""
    stack = bench.stack
    env = {
        **os.environ,
        "DB_SCHEMA": stack.schema("reporting"),
        "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap,
        "DATABASE_URL": private_stack.DATABASE,
    }
    brokers = cpu_snapshot(stack)["kafka"]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [PASC, "reporting", "rebuild"], stdout=out, stderr=err, cwd=REPO, env=env
        )
        time.sleep(1)  # py-spy attaches once the interpreter is up (its imports are not per event)
        with bench.sampled("rebuild", {"rebuild": process.pid}):
            _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise subprocess.CalledProcessError(
                process.returncode, process.args, out.read(), err.read()[-3000:]
            )
        text = out.read()
    match = re.search(r"(\d+) events in ([\d.]+) s", text)
    events = int(match.group(1)) if match else 0
    inner = float(match.group(2)) if match else seconds
    bench.costs["rebuild"] = explaining.phase_cost(
        {"rebuild": 0.0, "kafka": brokers},
        {"rebuild": usage.ru_utime + usage.ru_stime, "kafka": cpu_snapshot(stack)["kafka"]},
        seconds,
        events,
        {"kafka": bench.idle.get("kafka", 0.0)},
        CORES,
    )
    return {"events": events, "seconds": inner, "events_per_s": events / inner if inner else 0.0}


def kpi_query(schema: str, runs: int = 200) -> dict[str, float]:
    """The KPI query benchmark's timings (services/reporting-service/bench/kpi_query.py) over
    the benchmark's own read model with its largest history: the same synthetic dossiers,
    without COPYing millions of them a second time into a schema of its own."""
    return asyncio.run(_kpi_query(schema, runs))


async def _kpi_query(schema: str, runs: int) -> dict[str, float]:
    conn = await asyncpg.connect(private_stack.DATABASE, server_settings={"search_path": schema})
    try:
        period = month_period(kpi_query_bench.MONTH)
        now = kpi_query_bench.END
        city = await kpi_query_bench.timed(
            f"city-wide month figures ({kpi_query_bench.MONTH})",
            runs,
            lambda: kpi_queries.figures(conn, period, None, now),
        )
        whole = await kpi_query_bench.timed(
            "whole /v1/kpi answer, city month (breakdowns, daily, score)",
            max(10, runs // 4),
            lambda: kpi_report(conn, period, None, now),
        )
    finally:
        await conn.close()
    return {
        "p50_s": round(city[0], 4),
        "p99_s": round(city[1], 4),
        "api_p50_s": round(whole[0], 4),
        "api_p99_s": round(whole[1], 4),
    }


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Bench:
    """The phases, in the order they run, on one private stack."""

    def __init__(self, stack: PrivateStack, args: argparse.Namespace) -> None:
        self.stack = stack
        self.args = args
        self.size: dict[str, Any] = dict(SIZES[variant(args)])
        if args.records:
            self.size["pipeline"], self.size["http"] = args.records, args.records // 2
        self.procedures = load_catalog(CATALOG)
        self.run = datetime.now(UTC).strftime("%H%M%S")
        self.keys: dict[str, str] = {}
        self.spied = {
            k: v
            for k, v in stack.pids().items()
            if k in ("integration-gateway", "reporting-service")
        }
        self.idle: dict[str, float] = {}
        # per phase: each process's CPU per record and cores used; its profile's top frames
        self.costs: dict[str, dict[str, Any]] = {}
        self.tops: dict[str, dict[str, Any]] = {}

    @contextlib.contextmanager
    def sampled(self, name: str, pids: dict[str, int] | None = None) -> Iterator[None]:
        """py-spy on the services (or `pids`) while the block runs; their top frames kept."""
        pids = self.spied if pids is None else pids
        if self.args.no_profile:
            yield
            return
        with profiling.sampled(name, pids, RESULTS):
            yield
        self.tops[name] = {n: profiling.summarize(RESULTS / f"{name}-{n}.txt") for n in pids}

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[dict[str, int]]:
        """Sampled, and each process's CPU measured over the block; the block sets `records`."""
        counted = {"records": 0}
        with self.sampled(name):
            before = cpu_snapshot(self.stack)
            started = time.perf_counter()
            yield counted
            seconds = time.perf_counter() - started
            self.costs[name] = explaining.phase_cost(
                before, cpu_snapshot(self.stack), seconds, counted["records"], self.idle, CORES
            )

    def month(self, records: int, month: int, prefix: str, seed: int = 0) -> Any:
        return simulate_month(
            self.procedures,
            dossiers=records * 10 // 25,
            year=2019,
            month=month,
            seed=int(self.run) + seed,
            bad_fraction=0.0,
            prefix=f"{prefix}{self.run}",
        )

    def prepare(self) -> None:
        say("importing the synthetic catalog and issuing keys")
        import_catalog(self.stack.url("catalog"))
        self.keys = issue_keys(sorted({p.agency_code for p in self.procedures}))
        time.sleep(5)  # the gateway and reporting learn the catalog from its events

    def raw(self) -> tuple[dict[str, float], int]:
        say(f"raw baselines (aiokafka, confluent-kafka), load average {load_average()}")
        syncs = self.month(self.size["pipeline"], 1, "B").syncs[: self.size["pipeline"]]
        messages = pipeline.ingress_messages(syncs, self.keys)
        return asyncio.run(run_raw(self.stack.bootstrap, messages, len(syncs))), len(syncs)

    def pipeline(self, month: int, prefix: str) -> tuple[float, int, dict[str, Any]]:
        """Records/s from the first ingress message to the figures, and each process's CPU."""
        data = self.month(self.size["pipeline"], month, prefix)
        messages = pipeline.ingress_messages(data.syncs, self.keys)
        before = asyncio.run(_kpi(2019, month))
        self.idle = idle = idle_cpu_per_s(self.stack)
        cpu = cpu_snapshot(self.stack)
        started = time.perf_counter()
        asyncio.run(pipeline.produce(self.stack.bootstrap, messages))
        done = asyncio.run(
            pipeline.wait_reflected(2019, month, before, pipeline.expected_totals(data), 3600)
        )
        records = len(data.syncs)
        cost = explaining.phase_cost(
            cpu, cpu_snapshot(self.stack), done - started, records, idle, CORES
        )
        return records / (done - started), records, cost

    def latency(self, month: int, prefix: str, name: str) -> dict[str, float]:
        data = self.month(self.size["latency_s"] * 1200 * 25 // 10, month, prefix)
        with self.phase(name) as counted:
            latencies, counted["records"] = asyncio.run(
                pipeline.latency_under_load(data.syncs, self.keys, 1000.0, self.size["latency_s"])
            )
        return pipeline.summarize(latencies)


def variant(args: argparse.Namespace) -> str:
    return "tiny" if args.tiny else "quick" if args.quick else "full"


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.ERROR)  # leader moves after topic creation
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few minutes, for checking a change")
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="a smoke run of every phase with tiny counts (checks the benchmark, not the platform)",
    )
    parser.add_argument(
        "--no-profile",
        action="store_true",
        help="do not sample the services with py-spy (the missed targets are then explained"
        " without their top frames)",
    )
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)  # the default now
    parser.add_argument(
        "--history",
        help="read-model sizes (dossiers, comma-separated) for the latency phase;"
        " default: 20000,1000000 quick, 20000,1000000,5000000 full",
    )
    parser.add_argument("--no-scaleout", action="store_true", help="skip the two-process phases")
    parser.add_argument(
        "--records",
        type=int,
        help="records per pipeline phase (and half as many for HTTP ingest) instead of the"
        " variant's: a shorter full run when the machine is slow",
    )
    args = parser.parse_args()
    # Stopped with SIGTERM (SIGINT is ignored when started in the background): leave through
    # the private stack's clean-up, which stops its brokers and services and drops its schemas.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(),
        "variant": variant(args),
    }
    say("starting a private three-broker cluster and this checkout's services")
    with private_stack.private_stack() as stack:
        pipeline.GATEWAY = stack.url("gateway")
        pipeline.REPORTING = stack.url("reporting")
        bench = Bench(stack, args)
        size = bench.size
        history = (
            tuple(int(n) for n in args.history.split(",")) if args.history else size["history"]
        )
        bench.prepare()
        raw, raw_records = bench.raw()
        load = {"raw": load_average()}

        say("pipeline: Kafka ingress -> gateway -> dossier.lifecycle.v1 -> reporting read model")
        with bench.sampled("pipeline"):
            pipeline_rps, pipeline_records, bench.costs["pipeline"] = bench.pipeline(1, "P")
        load["pipeline"] = load_average()
        cpu_us = {k: v["us_per_record"] for k, v in bench.costs["pipeline"]["processes"].items()}

        say(f"HTTP ingest: {size['http']} records from concurrent clients")
        hmonth = bench.month(size["http"], 2, "H", seed=1)
        with bench.phase("http") as counted:
            http = asyncio.run(pipeline.http_ingest(hmonth.syncs, bench.keys))
            counted["records"] = http.records
        load["http"] = load_average()

        # Before the history is preloaded: the ratios are to the pipeline figure above, taken
        # on the same small read model.
        scaleout: dict[str, Any] = {}
        if not args.no_scaleout:
            scaleout = measure_scaleout(bench, stack, pipeline_rps)

        by_history: dict[str, dict[str, float]] = {}
        loaded = 0
        for n, dossiers in enumerate(sorted(history)):
            say(f"read model: {dossiers:,} dossiers preloaded with COPY")
            loaded = asyncio.run(
                preload.grow(private_stack.DATABASE, stack.schema("reporting"), loaded, dossiers)
            )
            say(f"latency at 1,000 records/s for {size['latency_s']} s over {dossiers:,} dossiers")
            latency = bench.latency(3 + n, f"L{n}", f"latency-{dossiers}")
            load[f"latency-{dossiers}"] = load_average()
            by_history[str(dossiers)] = {
                **{k: round(v, 4) for k, v in latency.items()},
                "load_average": load[f"latency-{dossiers}"],  # type: ignore[dict-item]
            }

        say(f"KPI query over the read model's {max(history):,} dossiers")
        kpi = kpi_query(stack.schema("reporting"))

        say("rebuild of reporting's read model")
        rebuilt = rebuild(bench)
        load["rebuild"] = load_average()
        rss = peak_rss_mb(stack.pids())

    smallest = by_history[str(min(history))]
    report.update(
        {
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "kafka": "private three-broker cluster (replication 3, min.insync.replicas 2)",
            },
            "sizes": {
                "pipeline_records": pipeline_records,
                "raw_records": raw_records,
                "http_records": len(hmonth.syncs),
                "kpi_dossiers": max(history),
                "history_dossiers": list(history),
            },
            "load_average": load,
            "pipeline_records_per_s": round(pipeline_rps),
            "raw_aiokafka_records_per_s": round(raw["aiokafka"]),
            "raw_confluent_records_per_s": round(raw["confluent"]),
            "ratio": round(pipeline_rps / raw["aiokafka"], 3) if raw["aiokafka"] else None,
            "cpu_us_per_record": cpu_us,
            "http_records_per_s": round(http.records_per_s),
            "http_p50_s": round(http.percentile(0.5), 4),
            "http_p99_s": round(http.percentile(0.99), 4),
            "latency_p50_s": smallest["p50"],
            "latency_p99_s": smallest["p99"],
            "latency_max_s": smallest["max"],
            "latency_by_history": by_history,
            "kpi_p99_at_5m_s": by_history.get(str(FIVE_MILLION), {}).get("p99"),
            "rebuild_events_per_s": round(rebuilt["events_per_s"]),
            "rebuild_events": rebuilt["events"],
            "rebuild_seconds": round(rebuilt["seconds"], 1),
            "kpi_query_p50_s": kpi.get("p50_s"),
            "kpi_query_p99_s": kpi.get("p99_s"),
            "peak_rss_mb": rss,
            **scaleout,
        }
    )
    report["targets"] = check_targets(report)
    report["phase_cost"] = bench.costs
    report["profile_top"] = bench.tops
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print_table(report)


def measure_scaleout(bench: Bench, stack: PrivateStack, one: float) -> dict[str, Any]:
    """The pipeline again with a second gateway process, then with a second reporting one.

    Gateway ratio: two gateways and one reporting over one of each; reporting ratio: two of
    each over two gateways and one reporting. On this 2-core machine the processes share the
    cores with the brokers and PostgreSQL: a ratio near 1 says the cores, not the design, are
    the limit; the CPU per record measured here is what the 8- and 32-core model uses.
    """
    say("scale-out: a second gateway process")
    stack.add_replica("gateway")
    time.sleep(10)  # the group rebalances over the two processes
    two_gateways, _, _ = bench.pipeline(6, "G")
    say("scale-out: a second reporting process")
    stack.add_replica("reporting")
    time.sleep(10)
    two_each, _, _ = bench.pipeline(7, "R")
    stack.stop_replicas()
    return {
        "scaleout_gateway_ratio": round(two_gateways / one, 3),
        "scaleout_reporting_ratio": round(two_each / two_gateways, 3),
        "scaleout_records_per_s": {
            "one_each": round(one),
            "two_gateways": round(two_gateways),
            "two_each": round(two_each),
        },
        "scaleout_load_average": load_average(),
    }


async def _kpi(year: int, month: int) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30, auth=pipeline.STAFF) as client:
        return await pipeline.kpi(client, year, month)


def check_targets(r: dict[str, Any]) -> dict[str, Any]:
    at_5m = r.get("kpi_p99_at_5m_s")
    met = {
        "pipeline_records_per_s": r["pipeline_records_per_s"] >= TARGETS["pipeline_records_per_s"],
        "ratio": (r["ratio"] or 0) >= TARGETS["ratio"],
        "http_records_per_s": r["http_records_per_s"] >= TARGETS["http_records_per_s"],
        "latency_p99_s": r["latency_p99_s"] < TARGETS["latency_p99_s"],
        "kpi_p99_at_5m_s": at_5m is not None and at_5m < TARGETS["kpi_p99_at_5m_s"],
        "rebuild_events_per_s": r["rebuild_events_per_s"] >= TARGETS["rebuild_events_per_s"],
        "peak_rss_mb": all(v < TARGETS["peak_rss_mb"] for v in r["peak_rss_mb"].values()),
    }
    return {k: {"target": TARGETS[k], "met": v} for k, v in met.items()}


def cores_model(r: dict[str, Any]) -> dict[int, int]:
    """Records/s the pipeline could reach on N cores from the CPU one record costs here.

    Each record costs the gateway, reporting and the brokers the CPU measured in the pipeline
    phase (PostgreSQL's share is not measured: it serves every agent of this machine, so the
    model is an upper bound). Gateways and reporting processes scale by partitions (12 per
    topic); the model assumes processes are added until the cores are used, with one core
    left to PostgreSQL per four.
    """
    cost = sum(r["cpu_us_per_record"].values())
    if not cost:
        return {}
    return {cores: round((cores - max(1, cores // 4)) * 1e6 / cost) for cores in (8, 32)}


def print_table(r: dict[str, Any]) -> None:
    by_history = r.get("latency_by_history", {})
    rows = [
        ("raw aiokafka (records/s)", r["raw_aiokafka_records_per_s"], "", None),
        ("raw confluent-kafka (records/s)", r["raw_confluent_records_per_s"], "", None),
        ("pipeline (records/s)", r["pipeline_records_per_s"], ">= 10000", "pipeline_records_per_s"),
        ("pipeline / raw aiokafka", r["ratio"], ">= 0.5", "ratio"),
        ("HTTP ingest (records/s)", r["http_records_per_s"], ">= 10000", "http_records_per_s"),
        ("HTTP request p50 / p99 (s)", f"{r['http_p50_s']} / {r['http_p99_s']}", "", None),
        *(
            (
                f"record-to-figure p50 / p99 / max (s), {int(n):,} dossiers",
                f"{v['p50']} / {v['p99']} / {v['max']}",
                "p99 < 0.5",
                None,
            )
            for n, v in by_history.items()
        ),
        (
            "record-to-figure p99 at 1,000 records/s, small read model (s)",
            r["latency_p99_s"],
            "< 0.5",
            "latency_p99_s",
        ),
        (
            "record-to-figure p99 at 1,000 records/s, 5 M dossiers (s)",
            r.get("kpi_p99_at_5m_s"),
            "< 0.5",
            "kpi_p99_at_5m_s",
        ),
        ("rebuild (events/s)", r["rebuild_events_per_s"], ">= 50000", "rebuild_events_per_s"),
        (
            "KPI query p50 / p99 (s)",
            f"{r['kpi_query_p50_s']} / {r['kpi_query_p99_s']}",
            "well under 1",
            None,
        ),
        (
            "peak RSS (MB)",
            ", ".join(f"{k}={v}" for k, v in r["peak_rss_mb"].items()),
            "< 250 each",
            "peak_rss_mb",
        ),
        (
            "CPU per pipeline record (us)",
            ", ".join(f"{k}={v}" for k, v in r["cpu_us_per_record"].items()),
            "",
            None,
        ),
    ]
    if "scaleout_gateway_ratio" in r:
        counts = r["scaleout_records_per_s"]
        rows += [
            (
                "scale-out: two gateways / one (pipeline records/s)",
                f"{r['scaleout_gateway_ratio']} ({counts['two_gateways']} / {counts['one_each']})",
                "ratio, said plainly",
                None,
            ),
            (
                "scale-out: two reporting / one (with two gateways)",
                f"{r['scaleout_reporting_ratio']} ({counts['two_each']} / {counts['two_gateways']})",
                "ratio, said plainly",
                None,
            ),
        ]
    model = cores_model(r)
    rows += [
        (
            f"model from CPU per record: {cores} cores (records/s)",
            value,
            "upper bound",
            None,
        )
        for cores, value in model.items()
    ]
    width = max(len(name) for name, _, _, _ in rows)
    print()
    for name, value, target, key in rows:
        verdict = ""
        if key is not None:
            verdict = "met" if r["targets"][key]["met"] else "MISSED"
        print(f"{name:<{width}}  {value!s:<40}  {target:<20} {verdict}")
    print(
        f"\n{CORES} cores; load average (1, 5, 15 min) after each phase: "
        + ", ".join(f"{k} {v}" for k, v in r.get("load_average", {}).items())
    )
    loaded = {k: v for k, v in r.get("load_average", {}).items() if float(v.split()[0]) > CORES}
    if loaded:
        print(
            f"the machine was loaded (1-minute load average above its {CORES} cores) during: "
            + ", ".join(f"{k} ({float(v.split()[0]) / CORES:.1f}x)" for k, v in loaded.items())
            + ": processes waited for a core, so those figures are lower than the platform's"
        )
    if "scaleout_gateway_ratio" in r:
        print(
            "scale-out on this machine: the second processes share the same cores with the"
            " brokers and PostgreSQL; a ratio near 1 means the cores are the limit, not the"
            " partitioning (12 partitions let up to 12 processes of each share the work)"
        )
    missed = [k for k, v in r["targets"].items() if not v["met"]]
    shown: set[str] = set()
    for key in missed:
        print()
        print("\n".join(explaining.explain(key, r, CORES, shown)))
    print(f"\ntargets missed: {', '.join(missed) or 'none'}  (bench/results/latest.json)")


if __name__ == "__main__":
    main()
