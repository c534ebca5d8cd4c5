"""The dead-letter topic: what could not be processed, with the original bytes and the reason."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker

from pasc_contracts import DEAD_LETTER_TOPIC, encode
from pasc_contracts.events.deadletter import DeadLetter, DeadLettered, FailureKind
from pasc_runtime.metrics import PlatformMetrics

MAX_ERROR_CHARS = 2000
# The original bytes a dead letter carries. Base64 makes them a third larger; a dead letter
# over the broker's message limit (1 MB) could never be published, and its consumer would
# retry that batch forever: a bigger original stays where it is, the dead letter says where.
MAX_KEPT_BYTES = 512 * 1024


Redactor = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Failure:
    record: ConsumerRecord
    kind: FailureKind
    error: str
    attempts: int = 1


def _headers(record: ConsumerRecord) -> dict[str, str]:
    return {k: v.decode("utf-8", "replace") for k, v in (record.headers or ())}


class DeadLetters:
    def __init__(self, broker: KafkaBroker, *, producer: str, group: str, metrics: PlatformMetrics):
        self._broker = broker
        self._producer = producer
        self._group = group
        self._metrics = metrics

    def to_event(
        self, failure: Failure, group: str | None = None, redact: Redactor | None = None
    ) -> DeadLettered:
        """`group`: the consumer group that failed (the service's name if not given); `redact`:
        what of the original value may be kept (a topic carrying personal data keeps a copy
        without it; the original stays on its topic)."""
        record = failure.record
        value = record.value or b""
        if redact is not None and value:
            value = redact(value)
        error = failure.error[:MAX_ERROR_CHARS]
        if len(value) > MAX_KEPT_BYTES:
            error += (
                f" [original not kept: {len(value)} bytes, sha256 {hashlib.sha256(value).hexdigest()};"
                f" it is on {record.topic} partition {record.partition} offset {record.offset}]"
            )
            value = b""
        return DeadLettered(
            producer=self._producer,
            payload=DeadLetter(
                source_topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                consumer_group=group or self._group,
                kind=failure.kind,
                error=error,
                attempts=failure.attempts,
                original_key_b64=base64.b64encode(record.key).decode() if record.key else None,
                original_value_b64=base64.b64encode(value).decode(),
                original_headers=_headers(record),
            ),
        )

    async def send(
        self, failures: list[Failure], group: str | None = None, redact: Redactor | None = None
    ) -> None:
        """Publish and wait for the broker's acknowledgement: only then may the offsets move on."""
        futures = []
        for failure in failures:
            event = self.to_event(failure, group, redact)
            futures.append(
                await self._broker.publish(
                    encode(event),
                    DEAD_LETTER_TOPIC,
                    key=failure.record.key,
                    headers={
                        "content-type": "application/json",
                        "event_type": event.event_type,
                        "dead_letter_kind": failure.kind.value,
                    },
                    no_confirm=True,
                )
            )
        await asyncio.gather(*futures)
        for failure in failures:
            self._metrics.dead_letters.labels(failure.record.topic, failure.kind.value).inc()
