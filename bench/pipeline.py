"""The platform measured end to end: Kafka ingress and HTTP ingest through to reporting's KPI API."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from pasc_simulator.demo import Urls, staff_auth
from pasc_simulator.lifecycle import Month, Sync
from pasc_simulator.send import ingress_headers

GATEWAY = "http://127.0.0.1:8080"
REPORTING = "http://127.0.0.1:8083"
# Reads of reporting's API and the operator's key issuing sign in as the demo's staff user; the
# department systems' requests carry only their API keys. The services run with the per-subject
# rate limit lifted for the benchmark (Makefile: bench targets export RATE_LIMIT_SUBJECT).
STAFF = staff_auth(Urls())
INGRESS = "gateway.ingress.dvcqg.v1"


def month_bounds(year: int, month: int) -> tuple[str, str]:
    last = (date(year + month // 12, month % 12 + 1, 1) - date.resolution).isoformat()
    return date(year, month, 1).isoformat(), last


def figures(data: dict[str, Any]) -> dict[str, Any]:
    return data.get("figures", data)  # type: ignore[no-any-return]


async def kpi(client: httpx.AsyncClient, year: int, month: int) -> dict[str, Any]:
    start, end = month_bounds(year, month)
    response = await client.get(f"{REPORTING}/v1/kpi", params={"from": start, "to": end})
    response.raise_for_status()
    return figures(response.json())


async def wait_reflected(
    year: int, month: int, before: dict[str, Any], expected: dict[str, int], timeout: float
) -> float:
    """Poll the KPI API until received/processed grew by what was sent; returns the moment."""
    now: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=30, auth=STAFF) as client:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                now = await kpi(client, year, month)
            except httpx.TimeoutException:  # a busy reporting answers later; keep polling
                continue
            if all(now[k] - before.get(k, 0) >= expected[k] for k in ("received", "processed")):
                return time.perf_counter()
            await asyncio.sleep(0.25)
    raise TimeoutError(f"figures not reflected after {timeout}s: {now} vs {before} + {expected}")


def ingress_messages(syncs: list[Sync], keys: dict[str, str]) -> list[tuple[str, bytes, list[Any]]]:
    """DongBoHoSoMC bodies of up to 100 records per agency, signed, in time order per agency."""
    per_agency: dict[str, list[Sync]] = {}
    for sync in syncs:
        per_agency.setdefault(sync.agency_code, []).append(sync)
    out = []
    for agency, items in per_agency.items():
        for start in range(0, len(items), 100):
            chunk = items[start : start + 100]
            body = json.dumps(
                {
                    "service": "DongBoHoSoMC",
                    "isUpdating": "True",
                    "data": [s.record for s in chunk],
                },
                ensure_ascii=False,
            ).encode()
            headers = ingress_headers(agency, keys[agency], body)
            out.append((agency, body, headers))
    return out


async def produce(bootstrap: str, messages: list[tuple[str, bytes, list[Any]]]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=20,
        compression_type="lz4",
        max_batch_size=1 << 20,
        max_request_size=8 << 20,
    )
    await producer.start()
    try:
        futures = [
            await producer.send(INGRESS, body, key=agency.encode(), headers=headers)
            for agency, body, headers in messages
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


@dataclass
class HttpResult:
    records: int
    seconds: float
    latencies: list[float] = field(default_factory=list)

    @property
    def records_per_s(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def http_ingest(syncs: list[Sync], keys: dict[str, str], clients: int = 16) -> HttpResult:
    """Concurrent clients posting 100-record requests (one agency's requests stay in order)."""
    per_agency: dict[str, list[list[Sync]]] = {}
    for sync in syncs:
        batches = per_agency.setdefault(sync.agency_code, [])
        if not batches or len(batches[-1]) >= 100:
            batches.append([])
        batches[-1].append(sync)
    result = HttpResult(0, 0.0)
    gate = asyncio.Semaphore(clients)
    async with httpx.AsyncClient(
        base_url=GATEWAY, timeout=120, limits=httpx.Limits(max_connections=clients)
    ) as client:

        async def agency_worker(agency: str, batches: list[list[Sync]]) -> None:
            for batch in batches:
                body = {
                    "service": "DongBoHoSoMC",
                    "isUpdating": "True",
                    "data": [s.record for s in batch],
                }
                async with gate:
                    started = time.perf_counter()
                    response = await client.post(
                        "/v1/dvcqg/DongBoHoSoMC", json=body, headers={"X-API-Key": keys[agency]}
                    )
                    result.latencies.append(time.perf_counter() - started)
                response.raise_for_status()
                result.records += sum(r["accepted"] for r in response.json()["results"])

        started = time.perf_counter()
        await asyncio.gather(*(agency_worker(a, b) for a, b in per_agency.items()))
        result.seconds = time.perf_counter() - started
    return result


async def latency_under_load(
    syncs: list[Sync], keys: dict[str, str], rate: float, seconds: float
) -> tuple[list[float], int]:
    """At a steady rate, the time from a request's 200 to its last record's effect in reporting;
    and the number of records sent."""
    per_request = 100
    interval = per_request / rate
    latencies: list[float] = []
    pending: list[asyncio.Task[None]] = []
    async with httpx.AsyncClient(timeout=60) as client:
        watching = STAFF  # only the reads below carry the staff token, not the syncs

        async def watch(ma_ho_so: str, revision_hint: int, acked: float) -> None:
            deadline = acked + 30
            while time.perf_counter() < deadline:
                r = await client.get(f"{REPORTING}/v1/dossiers/{ma_ho_so}", auth=watching)
                if r.status_code == 200:
                    latencies.append(time.perf_counter() - acked)
                    return
                await asyncio.sleep(0.01)

        fresh = [s for s in syncs if s.record.get("TrangThaiHoSo") == 2 and s.expect_accepted]
        by_agency: dict[str, list[Sync]] = {}
        for sync in fresh:
            by_agency.setdefault(sync.agency_code, []).append(sync)
        agencies = sorted(by_agency, key=lambda a: -len(by_agency[a]))
        started, sent, records, i = time.perf_counter(), 0, 0, 0
        while time.perf_counter() - started < seconds:
            agency = agencies[i % len(agencies)]
            i += 1
            batch, by_agency[agency] = (
                by_agency[agency][:per_request],
                by_agency[agency][per_request:],
            )
            if not batch:
                continue
            body = {
                "service": "DongBoHoSoMC",
                "isUpdating": "False",
                "data": [s.record for s in batch],
            }
            response = await client.post(
                f"{GATEWAY}/v1/dvcqg/DongBoHoSoMC", json=body, headers={"X-API-Key": keys[agency]}
            )
            acked = time.perf_counter()
            response.raise_for_status()
            pending.append(asyncio.create_task(watch(batch[-1].record["MaHoSo"], 1, acked)))
            sent += 1
            records += len(batch)
            await asyncio.sleep(max(0.0, started + sent * interval - time.perf_counter()))
        await asyncio.gather(*pending)
    return latencies, records


def summarize(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "max": ordered[-1],
    }


def expected_totals(month: Month) -> dict[str, int]:
    city = month.expected_figures().get("city", {})
    return {"received": city.get("received", 0), "processed": city.get("processed", 0)}
