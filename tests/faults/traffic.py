"""Department systems sending a simulated month while things break: every record's fate recorded.

Like `pasc_simulator.send.send_all` (agencies concurrently, one agency's requests in order, at
most 100 records a request, some agencies on the signed Kafka ingress), but a department system
that keeps trying through an outage: a request that failed (connection refused, reset, 5xx) is
sent again until the deadline, a Kafka message is published again under the same message id
(so the gateway applies it once). Each HTTP record keeps the gateway's answer; Kafka records
are checked afterwards in the gateway's audit log and the dead-letter topic.

CapNhatTienDoHoSoMC steps (`steps`) go after an agency's records, the same way (HTTP or the
Kafka ingress), so every step's dossier is known by then.

PASC_FAULTS_DROP_ONE_RECORD=1 (set by hand, never by the suite) makes the sender skip one
intermediate record of one dossier, to show that the checks catch a single lost record.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from pasc_simulator.lifecycle import Sync
from pasc_simulator.send import RateLimiter, ingress_headers

INGRESS_TOPIC = "gateway.ingress.dvcqg.v1"
RECORDS_PER_REQUEST = 100
DROP_ONE = os.environ.get("PASC_FAULTS_DROP_ONE_RECORD") == "1"


@dataclass(frozen=True)
class Step:
    """One CapNhatTienDoHoSoMC record (a processing step) of an agency's dossier."""

    agency_code: str
    record: dict[str, Any]


@dataclass
class StepAnswer:
    step: Step
    accepted: bool
    reason: str | None


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
    steps: list[Step] = field(default_factory=list)
    answers: list[HttpAnswer] = field(default_factory=list)
    step_answers: list[StepAnswer] = field(default_factory=list)
    kafka_messages: dict[str, list[Sync]] = field(default_factory=dict)  # message id -> records
    kafka_step_messages: dict[str, list[Step]] = field(default_factory=dict)
    dropped: list[Sync] = field(default_factory=list)
    handled: int = 0  # records sent and answered (HTTP) or acknowledged by Kafka
    resent_requests: int = 0
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if DROP_ONE:
            self.dropped.append(_intermediate(self.syncs))

    @property
    def total(self) -> int:
        return len(self.syncs) + len(self.steps)

    def steps_per_dossier(self) -> Counter[str]:
        return Counter(step.record["MaHoSo"] for step in self.steps)

    def batches(self) -> dict[str, list[list[Sync] | list[Step]]]:
        per_agency: dict[str, list[list[Sync] | list[Step]]] = defaultdict(list)
        for items in (
            [s for s in self.syncs if s not in self.dropped],
            self.steps,
        ):
            started: set[str] = set()
            for item in items:
                batches = per_agency[item.agency_code]
                if item.agency_code not in started or len(batches[-1]) >= RECORDS_PER_REQUEST:
                    batches.append([])
                    started.add(item.agency_code)
                batches[-1].append(item)  # type: ignore[arg-type]
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

                async def agency(code: str, batches: list[list[Sync] | list[Step]]) -> None:
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
        self,
        client: httpx.AsyncClient,
        agency: str,
        batch: list[Sync] | list[Step],
        deadline: float,
    ) -> None:
        service = _service(batch)
        body = {"service": service, "isUpdating": "True", "data": [s.record for s in batch]}
        headers = {"X-API-Key": self.keys[agency]}
        maybe_applied = False
        pause = 0.2
        while True:
            try:
                response = await client.post(f"/v1/dvcqg/{service}", json=body, headers=headers)
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
        for item, result in zip(batch, results, strict=True):
            if isinstance(item, Step):
                self.step_answers.append(
                    StepAnswer(item, bool(result["accepted"]), result.get("reason"))
                )
                continue
            self.answers.append(
                HttpAnswer(item, bool(result["accepted"]), result.get("reason"), maybe_applied)
            )

    async def _kafka(
        self,
        producer: AIOKafkaProducer,
        agency: str,
        batch: list[Sync] | list[Step],
        deadline: float,
    ) -> None:
        body = json.dumps(
            {"service": _service(batch), "isUpdating": "True", "data": [s.record for s in batch]},
            ensure_ascii=False,
        ).encode()
        message_id = str(uuid.uuid4())
        if isinstance(batch[0], Step):
            self.kafka_step_messages[message_id] = batch  # type: ignore[assignment]
        else:
            self.kafka_messages[message_id] = batch  # type: ignore[assignment]
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


def _service(batch: list[Sync] | list[Step]) -> str:
    return "CapNhatTienDoHoSoMC" if isinstance(batch[0], Step) else "DongBoHoSoMC"


def _intermediate(syncs: list[Sync]) -> Sync:
    """A record of a dossier between its first and its last (the one PASC_FAULTS_DROP_ONE_RECORD
    skips): the dossier still ends in the simulator's final status."""
    per_dossier: dict[str, list[Sync]] = defaultdict(list)
    for sync in syncs:
        if sync.expect_accepted:
            per_dossier[sync.record["MaHoSo"]].append(sync)
    return next(s[1] for s in per_dossier.values() if len(s) >= 3)
