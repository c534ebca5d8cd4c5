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
# The key and headers are the sender's too: bounded the same way, so that value, key and
# headers together (base64 and JSON escaping included) stay well under the 1 MB limit.
MAX_KEPT_KEY_BYTES = 16 * 1024
MAX_KEPT_HEADERS = 64
MAX_HEADER_CHARS = 1024


Redactor = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Failure:
    record: ConsumerRecord
    kind: FailureKind
    error: str
    attempts: int = 1


def _headers(record: ConsumerRecord) -> tuple[dict[str, str], str]:
    """The headers a dead letter keeps (a null value as ""), and a note on what it left out."""
    headers = list(record.headers or ())
    kept = {
        str(name)[:MAX_HEADER_CHARS]: (value or b"").decode("utf-8", "replace")[:MAX_HEADER_CHARS]
        for name, value in headers[:MAX_KEPT_HEADERS]
    }
    cut = len(headers) > MAX_KEPT_HEADERS or any(
        len(str(name)) > MAX_HEADER_CHARS or len(value or b"") > MAX_HEADER_CHARS
        for name, value in headers
    )
    note = f" [headers cut to {MAX_KEPT_HEADERS} of {MAX_HEADER_CHARS} characters]" if cut else ""
    return kept, note


def _redacted(redact: Redactor, value: bytes) -> tuple[bytes, str]:
    """The value the redactor leaves, or nothing when the redactor itself fails: the dead
    letter then says where the original is, and the partition still moves on."""
    try:
        redacted = redact(value)
    except Exception as exc:
        return b"", f" [original not kept: redaction failed ({type(exc).__name__})"
    if not isinstance(redacted, bytes):
        return b"", f" [original not kept: redaction gave {type(redacted).__name__}, not bytes"
    return redacted, ""


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
        where = f"it is on {record.topic} partition {record.partition} offset {record.offset}]"
        value = record.value or b""
        error = failure.error[:MAX_ERROR_CHARS]
        if redact is not None and value:
            value, failed = _redacted(redact, value)
            error += f"{failed}; {where}" if failed else ""
        if len(value) > MAX_KEPT_BYTES:
            error += (
                f" [original not kept: {len(value)} bytes, sha256 {hashlib.sha256(value).hexdigest()};"
                f" {where}"
            )
            value = b""
        key = record.key or b""
        if len(key) > MAX_KEPT_KEY_BYTES:
            error += f" [key not kept: {len(key)} bytes]"
            key = b""
        headers, cut = _headers(record)
        error += cut
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
                original_key_b64=base64.b64encode(key).decode() if key else None,
                original_value_b64=base64.b64encode(value).decode(),
                original_headers=headers,
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
                    key=failure.record.key if event.payload.original_key_b64 else None,
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
