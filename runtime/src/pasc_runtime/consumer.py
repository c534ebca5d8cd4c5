"""At-least-once batch consumers with exactly-once effects.

For each batch: decode (bad bytes go to the dead-letter topic at once), then in ONE database
transaction record the event ids in the inbox and apply only the new events; the offsets are
committed after that transaction commits (FastStream acks after the handler returns). A batch
that keeps failing is retried a bounded number of times, then split so the one bad event goes
to the dead-letter topic and the others are applied. When the database is unreachable nothing
is dead-lettered: the batch is handed back to Kafka and read again later.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias
from uuid import UUID

import asyncpg
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from pasc_contracts import DecodeError, Event, Topic, decode
from pasc_contracts.events.deadletter import FailureKind
from pasc_runtime import inbox
from pasc_runtime.db import UNAVAILABLE, Connection
from pasc_runtime.deadletter import DeadLetters, Failure
from pasc_runtime.metrics import PlatformMetrics

log = logging.getLogger(__name__)


class Identified(Protocol):
    """What a consumer applies: anything with the id its inbox deduplicates on."""

    @property
    def event_id(self) -> UUID: ...


@dataclass(frozen=True)
class Rejection:
    """An event the domain refused (e.g. a report for another agency's task): dead-lettered."""

    event: Identified
    reason: str


BatchHandler = Callable[[Connection, list[Any]], Awaitable[list[Rejection]]]
Record: TypeAlias = ConsumerRecord
Decoder = Callable[[Record], Awaitable[Identified]]


class DependencyUnavailable(Exception):
    """Raised to hand a batch back to Kafka: it will be read again, nothing is lost."""


async def _raw(_: Any) -> None:
    """Skip FastStream's body decoding: the consumer decodes each record itself, DLQ on failure."""
    return None


class EventConsumer:
    def __init__(
        self,
        *,
        topic: Topic,
        group: str,
        handler: BatchHandler,
        pool: Callable[[], asyncpg.Pool],
        dead_letters: DeadLetters,
        metrics: PlatformMetrics,
        max_retries: int = 3,
        retry_backoff_s: float = 0.2,
        decoder: Decoder | None = None,
    ) -> None:
        self.topic = topic
        self._decode = decoder or self._decode_contract_event
        self.group = group
        self._handler = handler
        self._pool = pool
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._max_retries = max_retries
        self._backoff = retry_backoff_s

    def subscribe(self, broker: KafkaBroker, *, batch_size: int = 500) -> None:
        @broker.subscriber(
            self.topic.name,
            group_id=self.group,
            batch=True,
            max_records=batch_size,
            batch_timeout_ms=100,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=_raw,
            title=f"{self.group}:{self.topic.name}",
        )
        async def consume(message: KafkaMessage) -> None:
            raw = message.raw_message
            await self.process(list(raw) if isinstance(raw, tuple) else [raw])

    async def _decode_contract_event(self, record: Record) -> Event:
        return decode(record.value or b"", self.topic)

    async def process(self, records: list[Record]) -> None:
        started = time.perf_counter()
        failures: list[Failure] = []
        decoded: list[tuple[Record, Identified]] = []
        for record in records:
            try:
                decoded.append((record, await self._decode(record)))
            except DecodeError as exc:
                failures.append(Failure(record, exc.kind, str(exc)))
        if decoded:
            failures += await self._apply_with_retries(decoded)
        if failures:
            await self._dead_letters.send(failures)
        self._metrics.batch_seconds.labels(self.topic.name).observe(time.perf_counter() - started)

    async def _apply_with_retries(self, batch: list[tuple[Record, Identified]]) -> list[Failure]:
        error: Exception | None = None
        for attempt in range(self._max_retries):
            try:
                return await self._apply(batch)
            except UNAVAILABLE as exc:
                self._metrics.redeliveries.labels(self.topic.name).inc()
                log.warning("%s: database unavailable (%s); batch handed back", self.group, exc)
                await asyncio.sleep(1.0)
                raise DependencyUnavailable(str(exc)) from exc
            except Exception as exc:
                error = exc
                log.warning("%s: batch failed (attempt %d): %r", self.group, attempt + 1, exc)
                await asyncio.sleep(self._backoff * 2**attempt)
        if len(batch) == 1:
            record, _ = batch[0]
            return [Failure(record, FailureKind.PROCESSING_FAILED, repr(error), self._max_retries)]
        failures: list[Failure] = []
        for item in batch:
            failures += await self._apply_with_retries([item])
        return failures

    async def _apply(self, batch: list[tuple[Record, Identified]]) -> list[Failure]:
        records = {event.event_id: record for record, event in batch}
        async with self._pool().acquire() as conn, conn.transaction():
            fresh_ids = await inbox.claim(conn, self.group, [event.event_id for _, event in batch])
            fresh: list[Identified] = []
            for _, event in batch:
                if event.event_id in fresh_ids:
                    fresh.append(event)
                    fresh_ids.discard(event.event_id)
            rejections = await self._handler(conn, fresh) if fresh else []
        skipped = len(batch) - len(fresh)
        if skipped:
            self._metrics.duplicates_skipped.labels(self.topic.name, self.group).inc(skipped)
        self._metrics.events_processed.labels(self.topic.name, self.group).inc(
            len(fresh) - len(rejections)
        )
        return [
            Failure(records[r.event.event_id], FailureKind.REJECTED, r.reason) for r in rejections
        ]
