"""The dead-letter topic: what could not be processed, with the original bytes and the reason."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker

from pasc_contracts import DEAD_LETTER_TOPIC, encode
from pasc_contracts.events.deadletter import DeadLetter, DeadLettered, FailureKind
from pasc_runtime.metrics import PlatformMetrics

MAX_ERROR_CHARS = 2000


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

    def to_event(self, failure: Failure) -> DeadLettered:
        record = failure.record
        return DeadLettered(
            producer=self._producer,
            payload=DeadLetter(
                source_topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                consumer_group=self._group,
                kind=failure.kind,
                error=failure.error[:MAX_ERROR_CHARS],
                attempts=failure.attempts,
                original_key_b64=base64.b64encode(record.key).decode() if record.key else None,
                original_value_b64=base64.b64encode(record.value or b"").decode(),
                original_headers=_headers(record),
            ),
        )

    async def send(self, failures: list[Failure]) -> None:
        """Publish and wait for the broker's acknowledgement: only then may the offsets move on."""
        futures = []
        for failure in failures:
            event = self.to_event(failure)
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
