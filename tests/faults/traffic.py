"""Department systems sending a simulated month while things break: every record's fate recorded.

Like `pasc_simulator.send.send_all` (agencies concurrently, one agency's requests in order, at
most 100 records a request, some agencies on the signed Kafka ingress), but a department system
that keeps trying through an outage: a request that failed (connection refused, reset, 5xx) is
sent again until the deadline, a Kafka message is published again under the same message id
(so the gateway applies it once). Each HTTP record keeps the gateway's answer; Kafka records
are checked afterwards in the gateway's audit log and the dead-letter topic.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from pasc_simulator.lifecycle import Sync
from pasc_simulator.send import RateLimiter, ingress_headers

INGRESS_TOPIC = "gateway.ingress.dvcqg.v1"
RECORDS_PER_REQUEST = 100


@dataclass
class HttpAnswer:
    sync: Sync
    accepted: bool
    reason: str | None
    after_retry: bool  # an earlier attempt of this request may have been applied


@dataclass
class Traffic:
    syncs: list[Sync]
    gateway_url: str
    keys: dict[str, str]
    kafka_bootstrap: str
    kafka_agencies: frozenset[str] = frozenset()
    rate: float = 0.0  # records per second, 0: as fast as the gateway takes them
    concurrency: int = 8
    deadline_s: float = 300.0
    answers: list[HttpAnswer] = field(default_factory=list)
    kafka_messages: dict[str, list[Sync]] = field(default_factory=dict)  # message id -> records
    handled: int = 0  # records sent and answered (HTTP) or acknowledged by Kafka
    resent_requests: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.syncs)

    def batches(self) -> dict[str, list[list[Sync]]]:
        per_agency: dict[str, list[list[Sync]]] = defaultdict(list)
        for sync in self.syncs:
            batches = per_agency[sync.agency_code]
            if not batches or len(batches[-1]) >= RECORDS_PER_REQUEST:
                batches.append([])
            batches[-1].append(sync)
        return per_agency

    async def run(self) -> None:
        deadline = time.monotonic() + self.deadline_s
        limiter = RateLimiter(self.rate)
        gate = asyncio.Semaphore(self.concurrency)
        producer = AIOKafkaProducer(
            bootstrap_servers=self.kafka_bootstrap,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            request_timeout_ms=30000,
        )
        await producer.start()
        try:
            async with httpx.AsyncClient(base_url=self.gateway_url, timeout=30) as client:

                async def agency(code: str, batches: list[list[Sync]]) -> None:
                    for batch in batches:
                        await limiter.take(len(batch))
                        async with gate:
                            if code in self.kafka_agencies:
                                await self._kafka(producer, code, batch, deadline)
                            else:
                                await self._http(client, code, batch, deadline)
                        self.handled += len(batch)

                await asyncio.gather(*(agency(a, b) for a, b in self.batches().items()))
        finally:
            await producer.stop()

    async def _http(
        self, client: httpx.AsyncClient, agency: str, batch: list[Sync], deadline: float
    ) -> None:
        body = {"service": "DongBoHoSoMC", "isUpdating": "True", "data": [s.record for s in batch]}
        headers = {"X-API-Key": self.keys[agency]}
        maybe_applied = False
        pause = 0.2
        while True:
            try:
                response = await client.post("/v1/dvcqg/DongBoHoSoMC", json=body, headers=headers)
            except httpx.ConnectError:
                response = None  # never reached the gateway: nothing applied
            except httpx.HTTPError:
                response, maybe_applied = None, True
            if response is not None and response.status_code == 200:
                break
            if response is not None and response.status_code < 500:
                self.failures.append(f"{agency}: HTTP {response.status_code} {response.text[:200]}")
                return
            if response is not None:
                maybe_applied = True
            if time.monotonic() > deadline:
                self.failures.append(f"{agency}: the gateway did not answer before the deadline")
                return
            self.resent_requests += 1
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)
        results = response.json()["results"]
        for sync, result in zip(batch, results, strict=True):
            self.answers.append(
                HttpAnswer(sync, bool(result["accepted"]), result.get("reason"), maybe_applied)
            )

    async def _kafka(
        self, producer: AIOKafkaProducer, agency: str, batch: list[Sync], deadline: float
    ) -> None:
        body = json.dumps(
            {"service": "DongBoHoSoMC", "isUpdating": "True", "data": [s.record for s in batch]},
            ensure_ascii=False,
        ).encode()
        message_id = str(uuid.uuid4())
        self.kafka_messages[message_id] = batch
        while True:
            headers = ingress_headers(agency, self.keys[agency], body, message_id)
            try:
                await producer.send_and_wait(
                    INGRESS_TOPIC, body, key=agency.encode(), headers=headers
                )
                return
            except KafkaError as exc:
                if time.monotonic() > deadline:
                    self.failures.append(f"{agency}: Kafka ingress kept failing: {exc!r}")
                    return
                self.resent_requests += 1
                await asyncio.sleep(0.5)

    def summary(self) -> dict[str, Any]:
        return {
            "records": self.total,
            "http_answers": len(self.answers),
            "kafka_messages": len(self.kafka_messages),
            "resent_requests": self.resent_requests,
            "failures": self.failures[:10],
        }
