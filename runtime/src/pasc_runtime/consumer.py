"""At-least-once batch consumers with exactly-once effects.

For each batch: decode (bad bytes go to the dead-letter topic at once), then in ONE database
transaction record the event ids in the inbox and apply only the new events; the offsets are
committed after that transaction commits (FastStream acks after the handler returns). A batch
that keeps failing is retried a bounded number of times, then split so the one bad event goes
to the dead-letter topic and the others are applied. When the database is unreachable nothing
is dead-lettered: the batch is handed back to Kafka and read again later.

Total: whatever a message holds, its partition keeps flowing. Any exception from decoding
(the contract codec or a service's own decoder, e.g. a signature check), from a handler or
from the dead-letter redaction makes that message a dead letter with its kind; only a
dependency that cannot be reached (`pasc_runtime.db.unavailable`, or the broker refusing the
dead letter itself) hands the batch back.

Tracing: the batch is one span, linked to every message's producer span (OpenTelemetry's shape
for batches); events staged by the handler join that span's trace. When all the messages come
from one trace (one request's events, the usual case) that span is a child in that trace. Each
message that carries a `traceparent` also gets a short `<topic> process` span in its producer's
trace, with its outcome (applied, duplicate, dead_letter:<kind>), so one dossier's path reads
as one trace whatever the batching.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol, TypeAlias
from uuid import UUID

import asyncpg
from aiokafka import ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opentelemetry import trace
from opentelemetry.trace import Link, NonRecordingSpan, Span, SpanContext, SpanKind, Tracer

from pasc_contracts import DecodeError, Event, Topic, decode
from pasc_contracts.events.deadletter import FailureKind
from pasc_runtime import inbox
from pasc_runtime.db import Connection, unavailable
from pasc_runtime.deadletter import DeadLetters, Failure, Redactor
from pasc_runtime.logs import safe_error
from pasc_runtime.metrics import PlatformMetrics
from pasc_runtime.tracing import TRACER, remote_span
from pasc_runtime.tracing import records as records_spans

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


class Assignment(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped (Any base)
    """The partitions the group gave this consumer; None until it first joined the group."""

    def __init__(self, on_change: Callable[[int], None]) -> None:
        self.partitions: set[TopicPartition] | None = None
        self._on_change = on_change

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        return None  # a rebalance: the next assignment follows

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.partitions = set(assigned)
        self._on_change(len(assigned))


def _headers(record: Record) -> dict[str, str]:
    """For the trace context only; a header may have no value (null) on the wire."""
    return {str(k): (v or b"").decode("latin-1") for k, v in (record.headers or ())}


def _producer_span(record: Record) -> SpanContext | None:
    try:
        return remote_span(_headers(record))
    except Exception:  # a malformed traceparent costs the link, never the message
        return None


class Outcomes:
    """What became of each record of a batch, for its span: applied, duplicate or dead letter."""

    def __init__(self) -> None:
        self.duplicates: set[tuple[int, int]] = set()  # (partition, offset)
        self.failed: dict[tuple[int, int], str] = {}

    def of(self, record: Record) -> str:
        where = (record.partition, record.offset)
        if where in self.failed:
            return f"dead_letter:{self.failed[where]}"
        return "duplicate" if where in self.duplicates else "applied"


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
        redact: Redactor | None = None,
        tracer: Tracer | None = None,
        unavailable_pause_s: float = 1.0,
    ) -> None:
        """`unavailable_pause_s`: the pause before a batch is handed back while the database is
        unreachable (Kafka delivers it again at once; a tight loop against it helps no one)."""
        self.topic = topic
        self._unavailable_pause = unavailable_pause_s
        self._redact = redact
        self._decode = decoder or self._decode_contract_event
        self.group = group
        self._handler = handler
        self._pool = pool
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._max_retries = max_retries
        self._backoff = retry_backoff_s
        self._tracer = tracer or trace.get_tracer(TRACER)
        # Without an exporter nothing records: a per-event span would be built and dropped for
        # every message (a fifth of the consumer's own CPU per event, measured). The batch span
        # stays: events staged by the handler take their trace context from it.
        self._event_spans = records_spans(self._tracer)
        self.assignment = Assignment(
            metrics.assigned_partitions.labels(topic.name, group).set,
        )
        for kind in FailureKind:  # from zero, so the first dead letter shows in increase()
            metrics.dead_letters.labels(topic.name, kind.value)

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
            listener=self.assignment,
        )
        async def consume(message: KafkaMessage) -> None:
            raw = message.raw_message
            await self.process(list(raw) if isinstance(raw, tuple) else [raw])

    async def _decode_contract_event(self, record: Record) -> Event:
        return decode(record.value or b"", self.topic)

    async def process(self, records: list[Record]) -> None:
        started = time.perf_counter()
        started_ns = time.time_ns()
        producers = [_producer_span(record) for record in records]
        outcomes = Outcomes()
        decoded: dict[tuple[int, int], Identified] = {}
        with self._batch_span(records, producers) as batch_span:
            failures: list[Failure] = []
            batch: list[tuple[Record, Identified]] = []
            for record in records:
                try:
                    event = await self._decode(record)
                except DecodeError as exc:
                    failures.append(Failure(record, exc.kind, str(exc)))
                    continue
                except Exception as exc:
                    if unavailable(exc):  # e.g. a decoder reading keys from the database
                        await self._hand_back(exc)
                    # A decoder that raises anything else has met a message it was not written
                    # for (a bug it reveals): that message is dead-lettered, the others go on.
                    failures.append(
                        Failure(
                            record, FailureKind.PROCESSING_FAILED, f"decoding: {safe_error(exc)}"
                        )
                    )
                    continue
                batch.append((record, event))
                decoded[(record.partition, record.offset)] = event
            if batch:
                failures += await self._apply_with_retries(batch, outcomes)
            if failures:
                await self._dead_letters.send(failures, group=self.group, redact=self._redact)
            for failure in failures:
                outcomes.failed[(failure.record.partition, failure.record.offset)] = (
                    failure.kind.value
                )
            batch_span.set_attribute("pasc.dead_letters", len(failures))
            batch_span.set_attribute("pasc.duplicates", len(outcomes.duplicates))
        for record, producer in zip(records, producers, strict=True):
            if producer is not None and self._event_spans:
                applied = decoded.get((record.partition, record.offset))
                self._event_span(record, applied, producer, batch_span, started_ns, outcomes)
        self._metrics.batch_seconds.labels(self.topic.name).observe(time.perf_counter() - started)

    def _attributes(self) -> dict[str, str]:
        return {
            "messaging.system": "kafka",
            "messaging.destination.name": self.topic.name,
            "messaging.consumer.group.name": self.group,
        }

    def _batch_span(
        self, records: list[Record], producers: list[SpanContext | None]
    ) -> contextlib.AbstractContextManager[Span]:
        """The batch's transaction: linked to every producer; a child of their trace when they
        all share one (a request's events stay one trace), else of FastStream's consume span."""
        links = list({p.span_id: Link(p) for p in producers if p is not None}.values())
        traces = {p.trace_id if p is not None else None for p in producers}
        parent = None
        if len(traces) == 1 and producers[0] is not None:
            parent = trace.set_span_in_context(NonRecordingSpan(producers[0]))
        return self._tracer.start_as_current_span(
            f"{self.topic.name} apply batch",
            context=parent,
            kind=SpanKind.INTERNAL,
            links=links,
            attributes={**self._attributes(), "messaging.batch.message_count": len(records)},
        )

    def _event_span(
        self,
        record: Record,
        event: Identified | None,
        producer: SpanContext,
        batch_span: Span,
        started_ns: int,
        outcomes: Outcomes,
    ) -> None:
        """One span per event in its producer's trace, so one dossier's path reads as one trace."""
        attributes = {
            **self._attributes(),
            "messaging.destination.partition.id": str(record.partition),
            "messaging.kafka.offset": record.offset,
            "pasc.outcome": outcomes.of(record),
        }
        if event is not None:
            attributes["messaging.message.id"] = str(event.event_id)
            event_type = getattr(event, "event_type", None)
            if isinstance(event_type, str):
                attributes["pasc.event_type"] = event_type
        span = self._tracer.start_span(
            f"{self.topic.name} process",
            context=trace.set_span_in_context(NonRecordingSpan(producer)),
            kind=SpanKind.CONSUMER,
            links=[Link(batch_span.get_span_context())],
            attributes=attributes,
            start_time=started_ns,
        )
        span.end()

    async def _apply_with_retries(
        self, batch: list[tuple[Record, Identified]], outcomes: Outcomes
    ) -> list[Failure]:
        error: Exception | None = None
        for attempt in range(self._max_retries):
            try:
                return await self._apply(batch, outcomes)
            except Exception as exc:
                if unavailable(exc):
                    await self._hand_back(exc)
                error = exc
                log.warning(
                    "%s: batch failed (attempt %d): %s", self.group, attempt + 1, safe_error(exc)
                )
                await asyncio.sleep(self._backoff * 2**attempt)
        if len(batch) == 1:
            record, _ = batch[0]
            reason = safe_error(error) if error is not None else "failed"
            return [Failure(record, FailureKind.PROCESSING_FAILED, reason, self._max_retries)]
        failures: list[Failure] = []
        for item in batch:
            failures += await self._apply_with_retries([item], outcomes)
        return failures

    async def _hand_back(self, exc: Exception) -> NoReturn:
        """The database is unreachable: nothing is dead-lettered, Kafka delivers the batch again."""
        self._metrics.redeliveries.labels(self.topic.name).inc()
        log.warning("%s: database unavailable (%s); batch handed back", self.group, safe_error(exc))
        await asyncio.sleep(self._unavailable_pause)
        raise DependencyUnavailable(safe_error(exc)) from exc

    async def _apply(
        self, batch: list[tuple[Record, Identified]], outcomes: Outcomes
    ) -> list[Failure]:
        records = {event.event_id: record for record, event in batch}
        async with self._pool().acquire() as conn, conn.transaction():
            fresh_ids = await inbox.claim(conn, self.group, [event.event_id for _, event in batch])
            fresh: list[Identified] = []
            repeated: list[tuple[int, int]] = []
            for record, event in batch:
                if event.event_id in fresh_ids:
                    fresh.append(event)
                    fresh_ids.discard(event.event_id)
                else:
                    repeated.append((record.partition, record.offset))
            rejections = await self._handler(conn, fresh) if fresh else []
        outcomes.duplicates.update(repeated)
        skipped = len(batch) - len(fresh)
        if skipped:
            self._metrics.duplicates_skipped.labels(self.topic.name, self.group).inc(skipped)
        self._metrics.events_processed.labels(self.topic.name, self.group).inc(
            len(fresh) - len(rejections)
        )
        return [
            Failure(records[r.event.event_id], FailureKind.REJECTED, r.reason) for r in rejections
        ]
