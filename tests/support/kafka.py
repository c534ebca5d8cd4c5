"""Small real-broker helpers for tests: publish events and raw bytes, read a topic."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pasc_contracts import Event, encode, topic_of


async def publish(bootstrap: str, events: list[Event]) -> None:
    """Publish keyed per the registry, in order per key (an idempotent producer keeps it),
    waiting for every acknowledgement."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        futures = []
        for event in events:
            t = topic_of(event)
            futures.append(
                await producer.send(t.name, encode(event), key=t.key_for(event).encode())
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def publish_raw(bootstrap: str, topic: str, values: list[bytes], key: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def read_until(
    bootstrap: str,
    topic: str,
    predicate: Any,
    *,
    want: int,
    timeout: float = 30,
    grace: float = 0.0,
) -> list[dict[str, Any]]:
    """Read `topic` from the beginning until `want` JSON values satisfy `predicate`.

    With `grace`, keep reading that long after `want` is reached, so extras (duplicates) show.
    """
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + timeout
        settle_until: float | None = None
        while time.monotonic() < deadline:
            if len(found) >= want:
                settle_until = settle_until or time.monotonic() + grace
                if time.monotonic() >= settle_until:
                    break
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    try:
                        value = json.loads(record.value)
                    except ValueError:
                        continue
                    if predicate(value):
                        found.append(value)
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return found
