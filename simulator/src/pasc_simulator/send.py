"""Sending the simulated syncs: over HTTP (DongBoHoSoMC) or the signed Kafka ingress, in order per agency."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from pasc_contracts.dvcqg import (
    INGRESS_HEADER_AGENCY,
    INGRESS_HEADER_MESSAGE_ID,
    INGRESS_HEADER_SIGNATURE,
    INGRESS_HEADER_TIMESTAMP,
    ingress_signature,
)
from pasc_simulator.lifecycle import Sync

INGRESS_TOPIC = "gateway.ingress.dvcqg.v1"
MAX_RECORDS_PER_REQUEST = 100


@dataclass
class Tally:
    sent: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    via_kafka: int = 0
    refusals_expected: int = 0
    unexpected: list[dict[str, Any]] = field(default_factory=list)
    # Over Kafka no answer comes back: the refusals are dead letters naming the message's
    # partition and offset. The messages with a record wrong on purpose, and how many such records.
    kafka_refusing: set[tuple[int, int]] = field(default_factory=set)
    kafka_refusals_expected: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "accepted": self.accepted,
            "rejected": dict(self.rejected),
            "via_kafka": self.via_kafka,
            "refusals_expected": self.refusals_expected,
            "kafka_refusals_expected": self.kafka_refusals_expected,
            "unexpected": self.unexpected[:50],
        }


def _batches(syncs: list[Sync]) -> dict[str, list[list[Sync]]]:
    """Per agency, consecutive syncs in time order, at most 100 per request."""
    per_agency: dict[str, list[list[Sync]]] = defaultdict(list)
    for sync in syncs:
        batches = per_agency[sync.agency_code]
        if not batches or len(batches[-1]) >= MAX_RECORDS_PER_REQUEST:
            batches.append([])
        batches[-1].append(sync)
    return per_agency


class RateLimiter:
    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = time.monotonic()
        self._lock = asyncio.Lock()

    async def take(self, n: int) -> None:
        if not self._interval:
            return
        async with self._lock:
            now = time.monotonic()
            self._next = max(self._next, now) + n * self._interval
            wait = self._next - now - n * self._interval
        if wait > 0:
            await asyncio.sleep(wait)


async def send_all(
    syncs: list[Sync],
    *,
    gateway_url: str,
    keys: dict[str, str],
    rate: float,
    kafka_bootstrap: str | None = None,
    kafka_agencies: frozenset[str] = frozenset(),
    concurrency: int = 8,
    on_progress: Callable[[int], None] = lambda n: None,
) -> Tally:
    """Agencies send concurrently; one agency's requests go one after another (order per dossier)."""
    tally = Tally()
    limiter = RateLimiter(rate)
    gate = asyncio.Semaphore(concurrency)
    producer = None
    if kafka_agencies:
        producer = AIOKafkaProducer(
            bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True, linger_ms=5
        )
        await producer.start()
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60) as client:

        async def run_agency(agency: str, batches: list[list[Sync]]) -> None:
            key = keys.get(agency)
            if key is None:
                raise SystemExit(f"no API key for agency {agency}")
            for batch in batches:
                await limiter.take(len(batch))
                async with gate:
                    if producer is not None and agency in kafka_agencies:
                        where = await _send_kafka(producer, agency, key, batch)
                        wrong = sum(not s.expect_accepted for s in batch)
                        if wrong:
                            tally.kafka_refusing.add(where)
                            tally.kafka_refusals_expected += wrong
                        tally.via_kafka += len(batch)
                        tally.sent += len(batch)
                    else:
                        await _send_http(client, key, batch, tally)
                on_progress(len(batch))

        try:
            await asyncio.gather(*(run_agency(a, b) for a, b in _batches(syncs).items()))
        finally:
            if producer is not None:
                await producer.stop()
    return tally


async def _send_http(client: httpx.AsyncClient, key: str, batch: list[Sync], tally: Tally) -> None:
    body = {"service": "DongBoHoSoMC", "isUpdating": "True", "data": [s.record for s in batch]}
    for attempt in range(5):
        try:
            response = await client.post(
                "/v1/dvcqg/DongBoHoSoMC", json=body, headers={"X-API-Key": key}
            )
        except httpx.HTTPError:
            await asyncio.sleep(0.5 * 2**attempt)
            continue
        if response.status_code == 200:
            break
        if response.status_code < 500:
            raise SystemExit(
                f"gateway refused a request: {response.status_code} {response.text[:300]}"
            )
        await asyncio.sleep(0.5 * 2**attempt)
    else:
        raise SystemExit("gateway kept failing; giving up")
    tally.sent += len(batch)
    tally.refusals_expected += sum(not s.expect_accepted for s in batch)
    for sync, result in zip(batch, response.json()["results"], strict=True):
        if result["accepted"]:
            tally.accepted += 1
        else:
            tally.rejected[sync.bad_kind or "unexpected"] += 1
        if bool(result["accepted"]) != sync.expect_accepted:
            tally.unexpected.append({"MaHoSo": result["MaHoSo"], "reason": result["reason"]})


async def _send_kafka(
    producer: AIOKafkaProducer, agency: str, key: str, batch: list[Sync]
) -> tuple[int, int]:
    """Publish one signed message; returns its partition and offset."""
    body = json.dumps(
        {"service": "DongBoHoSoMC", "isUpdating": "True", "data": [s.record for s in batch]},
        ensure_ascii=False,
    ).encode()
    headers = ingress_headers(agency, key, body)
    sent = await producer.send_and_wait(INGRESS_TOPIC, body, key=agency.encode(), headers=headers)
    return sent.partition, sent.offset


def ingress_headers(
    agency: str, key: str, body: bytes, message_id: str | None = None
) -> list[tuple[str, bytes]]:
    """What a department system signs a message to the Kafka ingress with: the time now and
    the message's id (a fresh one unless given: a message sent again keeps its id)."""
    stamp, message_id = str(int(time.time())), message_id or str(uuid.uuid4())
    return [
        (INGRESS_HEADER_AGENCY, agency.encode()),
        (INGRESS_HEADER_TIMESTAMP, stamp.encode()),
        (INGRESS_HEADER_MESSAGE_ID, message_id.encode()),
        (INGRESS_HEADER_SIGNATURE, ingress_signature(key, stamp, message_id, body).encode()),
    ]
