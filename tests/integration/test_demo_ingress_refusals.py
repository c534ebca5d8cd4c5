"""The demo's summary counts the records refused over the Kafka ingress from the gateway's dead
letters of the messages it sent (no answer carries them back over Kafka)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from pasc_contracts import DEAD_LETTER_TOPIC, encode
from pasc_contracts.events.deadletter import DeadLetter, DeadLettered, FailureKind
from pasc_simulator.demo import ingress_refusals
from pasc_simulator.send import INGRESS_TOPIC
from support.kafka import publish_raw

pytestmark = pytest.mark.integration


def dead_letter(partition: int, offset: int, error: str) -> bytes:
    return encode(
        DeadLettered(
            producer="test",
            payload=DeadLetter(
                source_topic=INGRESS_TOPIC,
                partition=partition,
                offset=offset,
                consumer_group="integration-gateway.gateway.ingress.dvcqg.v1",
                kind=FailureKind.REJECTED,
                error=error,
                attempts=1,
                original_value_b64="e30=",
            ),
        )
    )


async def test_refusals_of_the_sent_messages_are_counted(kafka_bootstrap: str) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    # Offsets far beyond any real message of the ingress topic: only this test's letters match.
    base = 10**12 + int(datetime.now(UTC).timestamp() * 1000)
    mine = {(0, base), (1, base + 1)}
    await publish_raw(
        kafka_bootstrap,
        DEAD_LETTER_TOPIC,
        [
            dead_letter(0, base, "2 of 100 records refused, the others applied: MaHoSo A: x; B: y"),
            dead_letter(1, base + 1, "1 of 40 records refused, the others applied: MaHoSo C: z"),
            dead_letter(2, base + 2, "7 of 9 records refused, the others applied: not ours"),
        ],
        key=b"SXD",
    )
    assert await ingress_refusals(mine, since, timeout_s=30) == 3
    # A message whose dead letter never comes: the count stops at the timeout.
    missing = mine | {(2, base + 99)}
    assert await asyncio.wait_for(ingress_refusals(missing, since, timeout_s=3), 120) == 3
