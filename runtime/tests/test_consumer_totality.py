"""A consumer's batch either moves on (every record applied, skipped or dead-lettered) or is
handed back because a dependency is unreachable; nothing a message holds can make it fail for
ever. Unit level: the batch function with an in-memory database stand-in and dead-letter sink."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import pytest
from aiokafka import ConsumerRecord
from asyncpg.exceptions._base import DataError as InvalidQueryInput
from faststream.kafka import KafkaBroker

from pasc_contracts import encode, topic
from pasc_contracts.events.deadletter import FailureKind
from pasc_contracts.events.dossier import DossierReceived
from pasc_runtime.consumer import DependencyUnavailable, EventConsumer, Identified, Rejection
from pasc_runtime.deadletter import DeadLetters, Failure, Redactor
from pasc_runtime.metrics import PlatformMetrics

BROKER_LIMIT = 1_048_576
LIFECYCLE = "dossier.lifecycle.v1"


def record(value: bytes | None, offset: int = 0, **fields: Any) -> ConsumerRecord:
    base: dict[str, Any] = {
        "topic": LIFECYCLE,
        "partition": 0,
        "offset": offset,
        "timestamp": 0,
        "timestamp_type": 0,
        "key": b"SXD-1",
        "value": value,
        "checksum": None,
        "serialized_key_size": 5,
        "serialized_value_size": len(value or b""),
        "headers": [],
    }
    return ConsumerRecord(**{**base, **fields})


class Sink:
    def __init__(self) -> None:
        self.real = DeadLetters(
            KafkaBroker(), producer="test", group="test", metrics=PlatformMetrics.create()
        )
        self.failures: list[Failure] = []
        self.encoded: list[bytes] = []

    async def send(
        self, failures: list[Failure], group: str | None = None, redact: Redactor | None = None
    ) -> None:
        for failure in failures:
            self.failures.append(failure)
            self.encoded.append(encode(self.real.to_event(failure, group, redact)))


class Database:
    """Just enough of a pool for the inbox: every id is new; `down` refuses connections."""

    def __init__(self, down: bool = False) -> None:
        self.down = down

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[Database]:
        if self.down:
            raise ConnectionRefusedError(111, "Connection refused")
        yield self

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        yield

    async def fetch(self, _sql: str, _consumer: str, ids: list[UUID]) -> list[dict[str, UUID]]:
        return [{"event_id": i} for i in ids]


def consumer(
    handler: Any = None, decoder: Any = None, redact: Any = None, db: Database | None = None
) -> tuple[EventConsumer, Sink]:
    async def applied(_conn: Any, _events: list[Any]) -> list[Rejection]:
        return []

    sink = Sink()
    database = db or Database()
    return EventConsumer(
        topic=topic(LIFECYCLE),
        group="test",
        handler=handler or applied,
        pool=lambda: database,  # type: ignore[arg-type,return-value]
        dead_letters=sink,  # type: ignore[arg-type]
        metrics=PlatformMetrics.create(),
        retry_backoff_s=0.0,
        decoder=decoder,
        redact=redact,
        unavailable_pause_s=0.0,
    ), sink


GOOD = encode(DossierReceived.example())


async def test_a_decoder_that_raises_makes_a_dead_letter_and_the_batch_goes_on() -> None:
    async def decoder(rec: ConsumerRecord) -> Identified:
        if rec.offset == 1:
            raise TypeError("comparing strings with non-ASCII characters is not supported")
        return DossierReceived.example()

    c, sink = consumer(decoder=decoder)
    await c.process([record(GOOD, 0), record(GOOD, 1), record(GOOD, 2)])
    assert [(f.record.offset, f.kind) for f in sink.failures] == [
        (1, FailureKind.PROCESSING_FAILED)
    ]
    assert "decoding: TypeError" in sink.failures[0].error


async def test_a_decoder_that_cannot_reach_the_database_hands_the_batch_back() -> None:
    async def decoder(rec: ConsumerRecord) -> Identified:
        raise ConnectionRefusedError(111, "Connection refused")

    c, sink = consumer(decoder=decoder)
    with pytest.raises(DependencyUnavailable):
        await c.process([record(GOOD)])
    assert sink.failures == []


async def test_an_unreachable_database_hands_the_batch_back() -> None:
    c, sink = consumer(db=Database(down=True))
    with pytest.raises(DependencyUnavailable):
        await c.process([record(GOOD)])
    assert sink.failures == []


async def test_a_value_the_driver_cannot_encode_is_the_records_fault_not_the_databases() -> None:
    """asyncpg's DataError is an InterfaceError, like a closed connection: it must not be
    taken for an outage (the batch would be handed back for ever)."""

    async def handler(_conn: Any, _events: list[Any]) -> list[Rejection]:
        raise InvalidQueryInput("invalid input for query argument $1: 'x' (an int is required)")

    c, sink = consumer(handler=handler)
    await c.process([record(GOOD)])
    assert [f.kind for f in sink.failures] == [FailureKind.PROCESSING_FAILED]


async def test_a_redactor_that_raises_keeps_the_rest_of_the_dead_letter() -> None:
    def redact(_value: bytes) -> bytes:
        raise RecursionError("maximum recursion depth exceeded")

    c, sink = consumer(redact=redact)
    await c.process([record(b'{"data":[' * 50_000, 7)])
    event = sink.real.to_event(sink.failures[0], "test", redact)
    assert event.payload.kind is FailureKind.TOO_LARGE
    assert event.payload.original_value_b64 == ""
    assert "redaction failed (RecursionError)" in event.payload.error
    assert f"{LIFECYCLE} partition 0 offset 7" in event.payload.error


async def test_null_huge_and_many_headers_and_a_huge_key_still_fit_in_a_dead_letter() -> None:
    headers = [("traceparent", None), ("x", b"\xff" * 900_000)] + [
        (f"h{n}", b"v" * 2000) for n in range(500)
    ]
    c, sink = consumer()
    await c.process([record(b"x" * 500_000, headers=headers, key=b"k" * 900_000)])
    assert len(sink.encoded[0]) < BROKER_LIMIT
    event = sink.real.to_event(sink.failures[0])
    assert event.payload.original_headers["traceparent"] == ""
    assert base64.b64decode(event.payload.original_value_b64) == b"x" * 500_000
    assert event.payload.original_key_b64 is None
    assert "[key not kept: 900000 bytes]" in event.payload.error
    assert "[headers cut" in event.payload.error


async def test_a_tombstone_is_a_dead_letter() -> None:
    c, sink = consumer()
    await c.process([record(None)])
    assert [f.kind for f in sink.failures] == [FailureKind.NOT_JSON]
