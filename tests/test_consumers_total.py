"""Every consumer is total: whatever bytes and headers arrive on a topic, no partition stops.

For every (service, topic) pair the topic registry lists, the service's own consumer (its
decoder, its redaction of dead letters, its handler) is fed arbitrary records: random bytes,
deeply nested JSON, numbers of thousands of digits, near-valid events with one value replaced,
and ingress messages signed with arbitrary (non-ASCII too) headers. Each batch must end with
every record dead-lettered, with a dead letter that fits on the broker, or, when some record
was good enough to reach the database, be handed back because the database is unreachable
(DependencyUnavailable, the one way a batch may be given back). Any other exception would be
a partition read again for ever.

Unit level: the runtime's batch function (`EventConsumer.process`) with a dead-letter sink
and a database that refuses connections; tests/integration/test_gateway_ingest.py sends the
two messages that used to stop the ingress through a real broker.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable
from typing import Any

from aiokafka import ConsumerRecord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import catalog_service.bootstrap
import catalog_service.settings
import integration_gateway.bootstrap
import integration_gateway.settings
import reporting_service.bootstrap
import reporting_service.settings
import task_service.bootstrap
import task_service.settings
from integration_gateway.app.identity import IngressVerifier
from pasc_contracts import TOPICS, encode
from pasc_contracts.dvcqg import (
    INGRESS_HEADER_AGENCY,
    INGRESS_HEADER_MESSAGE_ID,
    INGRESS_HEADER_SIGNATURE,
    INGRESS_HEADER_TIMESTAMP,
)
from pasc_contracts.topics import CATALOG, GATEWAY, REPORTING, TASK
from pasc_runtime.consumer import DependencyUnavailable, EventConsumer
from pasc_runtime.deadletter import DeadLetters, Failure, Redactor

BROKER_LIMIT = 1_048_576  # message.max.bytes and the producer's max_request_size defaults
INGRESS = "gateway.ingress.dvcqg.v1"
# Stands for a 5,000-digit integer in generated JSON (json.loads refuses more than 4,300 digits;
# Python cannot even print one, so it is put in the bytes afterwards).
BIG_NUMBER = "<5000 digits>"

BUILDERS: dict[str, Callable[[], Any]] = {
    GATEWAY: lambda: integration_gateway.bootstrap.build_app(
        integration_gateway.settings.Settings()
    ),
    TASK: lambda: task_service.bootstrap.build_app(task_service.settings.Settings()),
    CATALOG: lambda: catalog_service.bootstrap.build_app(catalog_service.settings.Settings()),
    REPORTING: lambda: reporting_service.bootstrap.build_app(reporting_service.settings.Settings()),
}


class DeadLetterSink:
    """Builds each dead letter as the runtime would publish it, and keeps it."""

    def __init__(self, real: DeadLetters) -> None:
        self._real = real
        self.letters: list[tuple[Failure, bytes]] = []

    async def send(
        self, failures: list[Failure], group: str | None = None, redact: Redactor | None = None
    ) -> None:
        for failure in failures:
            self.letters.append((failure, encode(self._real.to_event(failure, group, redact))))


def unreachable_database() -> Any:
    raise ConnectionRefusedError(111, "Connection refused")


@functools.cache
def consumers() -> dict[tuple[str, str], EventConsumer]:
    found: dict[tuple[str, str], EventConsumer] = {}
    for service, build in BUILDERS.items():
        for consumer in build().runtime.consumers:
            found[(service, consumer.topic.name)] = consumer
            consumer._pool = unreachable_database
            consumer._backoff = 0.0
            consumer._unavailable_pause = 0.0
            if isinstance(consumer._decode, IngressVerifier):
                # The agencies' keys live in the database: give every agency one, so that
                # well-formed headers reach the signature check itself.
                async def keys(agency: str) -> list[str]:
                    return ["an-agency-key"]

                consumer._decode._keys_of = keys  # type: ignore[method-assign]
    return found


def test_every_consumed_topic_of_the_registry_has_its_consumer() -> None:
    wanted = {(service, t.name) for t in TOPICS for service in t.consumers}
    assert set(consumers()) == wanted


# --- what arrives -------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.just(BIG_NUMBER),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def dumps(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return text.replace(f'"{BIG_NUMBER}"'.encode(), b"9" * 5_000)


@st.composite
def nested(draw: st.DrawFn) -> bytes:
    depth = draw(st.sampled_from([65, 500, 5_000, 200_000]))
    opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}"), (b'{"data":[', b"]}")]))
    closed = draw(st.booleans())
    return opener * depth + b"1" + (closer * depth if closed else b"")


def examples(topic_name: str) -> list[dict[str, Any]]:
    topic = next(t for t in TOPICS if t.name == topic_name)
    if topic.events:
        return [json.loads(encode(e.example())) for e in topic.events]
    return [{"service": "DongBoHoSoMC", "isUpdating": "True", "data": [{"MaHoSo": "X-1"}]}]


@st.composite
def near_valid(draw: st.DrawFn, topic_name: str) -> bytes:
    """A real example of the topic with one value, anywhere in it, replaced."""
    data = draw(st.sampled_from(examples(topic_name)))
    node: Any = data
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            node = child
            continue
        node[key] = draw(json_values)
        break
    return dumps(data)


header_names = st.sampled_from(
    [
        INGRESS_HEADER_AGENCY,
        INGRESS_HEADER_TIMESTAMP,
        INGRESS_HEADER_MESSAGE_ID,
        INGRESS_HEADER_SIGNATURE,
        "traceparent",
        "content-type",
    ]
) | st.text(max_size=20)
header_values = st.one_of(
    st.none(), st.binary(max_size=60), st.text(max_size=60).map(lambda t: t.encode("utf-8"))
)


@st.composite
def signed_looking(draw: st.DrawFn) -> list[tuple[str, bytes | None]]:
    """Headers in the ingress's form (agency, time now, message id) with any signature."""
    signature = draw(
        st.sampled_from(["é" * 64, "0" * 64, "", "ＡＢＣ"]) | st.text(max_size=80)
    ).encode("utf-8")
    return [
        (INGRESS_HEADER_AGENCY, draw(st.sampled_from([b"STP", b"SXD", b"stp", b"\xff"]))),
        (INGRESS_HEADER_TIMESTAMP, str(int(time.time())).encode()),
        (INGRESS_HEADER_MESSAGE_ID, draw(st.text(min_size=1, max_size=30)).encode("utf-8")),
        (INGRESS_HEADER_SIGNATURE, signature),
    ]


@st.composite
def records(draw: st.DrawFn, topic_name: str) -> list[ConsumerRecord]:
    batch = []
    for offset in range(draw(st.integers(1, 4))):
        value = draw(
            st.one_of(
                st.none(),
                st.binary(max_size=300),
                nested(),
                json_values.map(dumps),
                near_valid(topic_name),
            )
        )
        headers = draw(
            signed_looking() | st.lists(st.tuples(header_names, header_values), max_size=6)
        )
        key = draw(st.none() | st.binary(max_size=40))
        batch.append(
            ConsumerRecord(
                topic=topic_name,
                partition=0,
                offset=offset,
                timestamp=int(time.time() * 1000),
                timestamp_type=1,
                key=key,
                value=value,
                checksum=None,
                serialized_key_size=len(key or b""),
                serialized_value_size=len(value or b""),
                headers=headers,
            )
        )
    return batch


# --- the property -------------------------------------------------------------------------


async def feed(consumer: EventConsumer, batch: list[ConsumerRecord]) -> None:
    sink = DeadLetterSink(consumer._dead_letters)
    consumer._dead_letters = sink  # type: ignore[assignment]
    try:
        await consumer.process(batch)
    except DependencyUnavailable:
        # Handed back: only allowed when a record got past decoding to the database.
        assert len(sink.letters) < len(batch) or not batch
        return
    finally:
        consumer._dead_letters = sink._real
    # Returned: nothing could reach the database, so every record is a dead letter, once.
    assert sorted(f.record.offset for f, _ in sink.letters) == [r.offset for r in batch]
    for failure, letter in sink.letters:
        assert len(letter) < BROKER_LIMIT
        assert failure.kind.value in letter.decode()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_record_stops_a_partition_of_any_consumed_topic(data: st.DataObject) -> None:
    for (_service, topic_name), consumer in consumers().items():
        batch = data.draw(records(topic_name), label=f"{_service} {topic_name}")
        asyncio.run(feed(consumer, batch))


def test_the_two_messages_that_stopped_the_ingress_are_dead_letters() -> None:
    """Issue 20's: a deeply nested body (its redaction recursed) and a non-ASCII signature
    (compare_digest raised TypeError); both made the batch fail and be read again for ever."""
    consumer = consumers()[(GATEWAY, INGRESS)]
    deep = b'{"data":[' * 100_000
    headers: list[tuple[str, bytes]] = [
        (INGRESS_HEADER_AGENCY, b"STP"),
        (INGRESS_HEADER_TIMESTAMP, str(int(time.time())).encode()),
        (INGRESS_HEADER_MESSAGE_ID, b"m-1"),
        (INGRESS_HEADER_SIGNATURE, "é".encode() * 32),
    ]
    now = int(time.time() * 1000)
    batch = [
        ConsumerRecord(INGRESS, 0, 0, now, 1, b"STP", deep, None, 3, len(deep), []),
        ConsumerRecord(INGRESS, 0, 1, now, 1, b"STP", b'{"data": []}', None, 3, 12, headers),
    ]
    sink = DeadLetterSink(consumer._dead_letters)
    consumer._dead_letters = sink  # type: ignore[assignment]
    try:
        asyncio.run(consumer.process(batch))
    finally:
        consumer._dead_letters = sink._real
    assert [f.record.offset for f, _ in sink.letters] == [0, 1]
    assert all(len(letter) < BROKER_LIMIT for _, letter in sink.letters)
