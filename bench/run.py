"""`make bench` / `make bench-quick`: the platform beside raw Kafka clients, on the running local stack.

Writes bench/results/latest.json and prints a table. Targets (issue 9) are checked here and
reported, never asserted by a timed test.
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
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

import pipeline
import raw_baseline
import sampling as profiling

from pasc_simulator.catalog import load_catalog
from pasc_simulator.lifecycle import simulate_month

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
CATALOG = REPO / "services" / "catalog-service" / "data" / "tthc-synthetic.csv"
PASC = str(Path(sys.executable).parent / "pasc")
KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
SERVICES = ("integration-gateway", "task-service", "catalog-service", "reporting-service")
TARGETS = {
    "pipeline_records_per_s": 20_000,
    "ratio": 0.5,
    "http_records_per_s": 10_000,
    "latency_p99_s": 1.0,
    "rebuild_events_per_s": 50_000,
    "peak_rss_mb": 250,
}
SIZES = {
    "quick": {"pipeline": 20_000, "http": 10_000, "latency_s": 15, "kpi_dossiers": 200_000},
    "full": {"pipeline": 1_000_000, "http": 200_000, "latency_s": 60, "kpi_dossiers": 5_000_000},
}


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


def import_catalog() -> None:
    """The synthetic catalog, approved by a decision; importing it again changes nothing."""
    subprocess.run(
        [PASC, "catalog", "import", str(CATALOG)],
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )


def service_pids() -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, str(REPO / "deploy/local/stack.py"), "status"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    ).stdout
    return {
        m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S+)\s+RUNNING\s+pid (\d+)", out, re.M)
    }


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


async def run_raw(messages: list[tuple[str, bytes, list[Any]]], records: int) -> dict[str, float]:
    await raw_baseline.recreate_topics(
        KAFKA, ["bench.raw.in", "bench.raw.out.a", "bench.raw.out.c"]
    )
    await raw_baseline.fill(KAFKA, "bench.raw.in", [body for _, body, _ in messages])
    a = await raw_baseline.aiokafka_split(KAFKA, "bench.raw.in", "bench.raw.out.a", records)
    c = await asyncio.to_thread(
        raw_baseline.confluent_split, KAFKA, "bench.raw.in", "bench.raw.out.c", records
    )
    return {"aiokafka": a.records_per_s, "confluent": c.records_per_s}


def rebuild() -> dict[str, float]:
    env = {**os.environ, "DB_SCHEMA": "reporting"}
    started = time.perf_counter()
    out = subprocess.run(
        [PASC, "reporting", "rebuild"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=env,
    ).stdout
    seconds = time.perf_counter() - started
    match = re.search(r"(\d+) events in ([\d.]+) s", out)
    events = int(match.group(1)) if match else 0
    inner = float(match.group(2)) if match else seconds
    return {"events": events, "seconds": inner, "events_per_s": events / inner if inner else 0.0}


def kpi_query(dossiers: int) -> dict[str, float]:
    script = REPO / "services/reporting-service/bench/kpi_query.py"
    out = subprocess.run(
        [sys.executable, str(script), "--dossiers", str(dossiers), "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.ERROR)  # leader moves after topic creation
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="about a minute, for checking a change"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the gateway and reporting with py-spy during the pipeline and HTTP phases",
    )
    args = parser.parse_args()
    pids = service_pids()
    spied = {k: v for k, v in pids.items() if k in ("integration-gateway", "reporting-service")}

    def phase(name: str) -> contextlib.AbstractContextManager[None]:
        if not args.profile:
            return contextlib.nullcontext()
        return profiling.sampled(name, spied, RESULTS)

    size = SIZES["quick" if args.quick else "full"]
    procedures = load_catalog(CATALOG)
    say("importing the synthetic catalog and issuing keys")
    import_catalog()
    keys = issue_keys(sorted({p.agency_code for p in procedures}))
    time.sleep(3)  # the gateway learns the catalog from its events
    run = datetime.now(UTC).strftime("%H%M%S")
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(),
        "variant": "quick" if args.quick else "full",
    }

    say(f"generating {size['pipeline']} pipeline records")
    month = simulate_month(
        procedures,
        dossiers=size["pipeline"] * 10 // 25,
        year=2019,
        month=1,
        seed=int(run),
        bad_fraction=0.0,
        prefix=f"B{run}",
    )
    syncs = month.syncs[: size["pipeline"]]
    messages = pipeline.ingress_messages(syncs, keys)
    records = len(syncs)

    say("raw baselines (aiokafka, confluent-kafka)")
    raw = asyncio.run(run_raw(messages, records))

    say("pipeline: Kafka ingress -> gateway -> dossier.lifecycle.v1 -> reporting read model")
    month_full = simulate_month(
        procedures,
        dossiers=size["pipeline"] * 10 // 25,
        year=2019,
        month=1,
        seed=int(run),
        bad_fraction=0.0,
        prefix=f"P{run}",
    )
    psyncs = month_full.syncs
    pmessages = pipeline.ingress_messages(psyncs, keys)
    before = asyncio.run(_kpi(2019, 1))
    with phase("pipeline"):
        started = time.perf_counter()
        asyncio.run(pipeline.produce(KAFKA, pmessages))
        done = asyncio.run(
            pipeline.wait_reflected(2019, 1, before, pipeline.expected_totals(month_full), 3600)
        )
    pipeline_rps = len(psyncs) / (done - started)

    say(f"HTTP ingest: {size['http']} records from concurrent clients")
    hmonth = simulate_month(
        procedures,
        dossiers=size["http"] * 10 // 25,
        year=2019,
        month=2,
        seed=int(run) + 1,
        bad_fraction=0.0,
        prefix=f"H{run}",
    )
    with phase("http"):
        http = asyncio.run(pipeline.http_ingest(hmonth.syncs, keys))

    say(f"latency at 1,000 records/s for {size['latency_s']} s")
    lmonth = simulate_month(
        procedures,
        dossiers=size["latency_s"] * 1200,
        year=2019,
        month=3,
        seed=int(run) + 2,
        bad_fraction=0.0,
        prefix=f"L{run}",
    )
    latency = pipeline.summarize(
        asyncio.run(pipeline.latency_under_load(lmonth.syncs, keys, 1000.0, size["latency_s"]))
    )

    say("rebuild of reporting's read model")
    rebuilt = rebuild()
    say(f"KPI query over {size['kpi_dossiers']} dossiers")
    kpi = kpi_query(size["kpi_dossiers"])
    rss = peak_rss_mb(pids)

    report.update(
        {
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
            },
            "sizes": {
                "pipeline_records": len(psyncs),
                "raw_records": records,
                "http_records": len(hmonth.syncs),
                "kpi_dossiers": size["kpi_dossiers"],
            },
            "pipeline_records_per_s": round(pipeline_rps),
            "raw_aiokafka_records_per_s": round(raw["aiokafka"]),
            "raw_confluent_records_per_s": round(raw["confluent"]),
            "ratio": round(pipeline_rps / raw["aiokafka"], 3) if raw["aiokafka"] else None,
            "http_records_per_s": round(http.records_per_s),
            "http_p50_s": round(http.percentile(0.5), 4),
            "http_p99_s": round(http.percentile(0.99), 4),
            "latency_p50_s": round(latency["p50"], 4),
            "latency_p99_s": round(latency["p99"], 4),
            "latency_max_s": round(latency["max"], 4),
            "rebuild_events_per_s": round(rebuilt["events_per_s"]),
            "rebuild_events": rebuilt["events"],
            "kpi_query_p50_s": kpi.get("p50_s"),
            "kpi_query_p99_s": kpi.get("p99_s"),
            "peak_rss_mb": rss,
        }
    )
    report["targets"] = check_targets(report)
    if args.profile:
        report["profile"] = {
            f"{p}/{name}": profiling.summarize(RESULTS / f"{p}-{name}.txt")
            for p in ("pipeline", "http")
            for name in spied
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print_table(report)
    for key, summary in report.get("profile", {}).items():
        profiling.print_summary(*key.split("/"), summary)


async def _kpi(year: int, month: int) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30, auth=pipeline.STAFF) as client:
        return await pipeline.kpi(client, year, month)


def check_targets(r: dict[str, Any]) -> dict[str, Any]:
    met = {
        "pipeline_records_per_s": r["pipeline_records_per_s"] >= TARGETS["pipeline_records_per_s"],
        "ratio": (r["ratio"] or 0) >= TARGETS["ratio"],
        "http_records_per_s": r["http_records_per_s"] >= TARGETS["http_records_per_s"],
        "latency_p99_s": r["latency_p99_s"] < TARGETS["latency_p99_s"],
        "rebuild_events_per_s": r["rebuild_events_per_s"] >= TARGETS["rebuild_events_per_s"],
        "peak_rss_mb": all(v < TARGETS["peak_rss_mb"] for v in r["peak_rss_mb"].values()),
    }
    return {k: {"target": TARGETS[k], "met": v} for k, v in met.items()}


def print_table(r: dict[str, Any]) -> None:
    rows = [
        ("raw aiokafka (records/s)", r["raw_aiokafka_records_per_s"], ""),
        ("raw confluent-kafka (records/s)", r["raw_confluent_records_per_s"], ""),
        ("pipeline (records/s)", r["pipeline_records_per_s"], ">= 20000"),
        ("pipeline / raw aiokafka", r["ratio"], ">= 0.5"),
        ("HTTP ingest (records/s)", r["http_records_per_s"], ">= 10000"),
        ("HTTP request p50 / p99 (s)", f"{r['http_p50_s']} / {r['http_p99_s']}", ""),
        (
            "record-to-figure p50 / p99 / max (s)",
            f"{r['latency_p50_s']} / {r['latency_p99_s']} / {r['latency_max_s']}",
            "p99 < 1",
        ),
        ("rebuild (events/s)", r["rebuild_events_per_s"], ">= 50000"),
        (
            "KPI query p50 / p99 (s)",
            f"{r['kpi_query_p50_s']} / {r['kpi_query_p99_s']}",
            "well under 1",
        ),
        ("peak RSS (MB)", ", ".join(f"{k}={v}" for k, v in r["peak_rss_mb"].items()), "< 250 each"),
    ]
    width = max(len(name) for name, _, _ in rows)
    print()
    for name, value, target in rows:
        print(f"{name:<{width}}  {value!s:<40}  {target}")
    missed = [k for k, v in r["targets"].items() if not v["met"]]
    print(f"\ntargets missed: {', '.join(missed) or 'none'}  (bench/results/latest.json)")


if __name__ == "__main__":
    main()
