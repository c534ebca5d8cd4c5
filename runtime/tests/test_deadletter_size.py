"""A dead letter always fits on the broker, whatever the size of the message it is about.

Found by the fault suite (tests/faults): a 1 MB message was refused as too large, but its dead
letter (the bytes in base64) was larger still; publishing it failed, and the consumer retried
that batch for ever. Bigger originals now stay on their topic and the dead letter says where.
"""

from __future__ import annotations

import base64
import hashlib

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker

from pasc_contracts import encode
from pasc_contracts.events.deadletter import FailureKind
from pasc_runtime.deadletter import MAX_KEPT_BYTES, DeadLetters, Failure
from pasc_runtime.metrics import PlatformMetrics

BROKER_LIMIT = 1_048_576  # message.max.bytes and the producer's max_request_size defaults


def record(value: bytes) -> ConsumerRecord:
    return ConsumerRecord(
        topic="dossier.lifecycle.v1",
        partition=4,
        offset=1042,
        timestamp=0,
        timestamp_type=0,
        key=b"SXD-1",
        value=value,
        checksum=None,
        serialized_key_size=5,
        serialized_value_size=len(value),
        headers=[],
    )


def letters() -> DeadLetters:
    return DeadLetters(
        KafkaBroker(), producer="test", group="test", metrics=PlatformMetrics.create()
    )


def test_a_huge_message_is_dead_lettered_without_its_bytes_and_says_where_it_is() -> None:
    huge = b"x" * 1_040_000
    event = letters().to_event(Failure(record(huge), FailureKind.TOO_LARGE, "1040000 bytes"))
    assert len(encode(event)) < BROKER_LIMIT
    assert event.payload.original_value_b64 == ""
    assert hashlib.sha256(huge).hexdigest() in event.payload.error
    assert "dossier.lifecycle.v1 partition 4 offset 1042" in event.payload.error


def test_a_message_up_to_the_limit_keeps_its_bytes() -> None:
    value = b"y" * MAX_KEPT_BYTES
    event = letters().to_event(Failure(record(value), FailureKind.NOT_JSON, "not json"))
    assert base64.b64decode(event.payload.original_value_b64) == value
    assert event.payload.error == "not json"
    assert len(encode(event)) < BROKER_LIMIT
