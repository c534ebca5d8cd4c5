"""The transactional outbox on the real database and broker: committed events publish, rolled back ones never."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from pasc_contracts import VN_TZ
from pasc_contracts.events.camera import CameraState, CameraStatus, CameraStatusChanged
from pasc_runtime.db import migrate
from pasc_runtime.metrics import PlatformMetrics
from pasc_runtime.outbox import OutboxRelay, stage
from support.kafka import read_until

pytestmark = pytest.mark.integration


def camera_event(camera_id: str, note: str | None = None) -> CameraStatusChanged:
    return CameraStatusChanged(
        producer="test",
        payload=CameraStatus(
            camera_id=camera_id,
            state=CameraState.OFFLINE,
            note=note,
            observed_at=datetime.now(VN_TZ),
        ),
    )


def producer(bootstrap: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")


@pytest.fixture
async def schema(database_url: str) -> AsyncIterator[str]:
    name = f"outbox_test_{uuid.uuid4().hex[:8]}"
    await migrate(database_url, name, [])
    yield name
    conn = await asyncpg.connect(database_url)
    await conn.execute(f"DROP SCHEMA {name} CASCADE")
    await conn.close()


async def test_only_committed_events_are_published_once(
    kafka_bootstrap: str, database_url: str, schema: str
) -> None:
    run = uuid.uuid4().hex[:8]
    committed = [camera_event(f"CAM-{run}-ok-{i}") for i in range(3)]
    rolled_back = camera_event(f"CAM-{run}-rolled-back")
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        async with conn.transaction():
            await stage(conn, committed)
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await stage(conn, [rolled_back])
                raise RuntimeError("the business change failed")
        # Staging the same event again (a retried handler) adds nothing.
        async with conn.transaction():
            await stage(conn, committed[:1])
    finally:
        await conn.close()

    relay = OutboxRelay(
        database_url=database_url,
        schema=schema,
        producer=lambda: producer(kafka_bootstrap),
        metrics=PlatformMetrics.create(),
        poll_interval_s=0.2,
    )
    relay.start()
    try:
        seen = await read_until(
            kafka_bootstrap,
            "camera.status.v1",
            lambda v: v["payload"]["camera_id"].startswith(f"CAM-{run}"),
            want=3,
            timeout=15,
            grace=2,
        )
    finally:
        await relay.stop()

    assert sorted(v["payload"]["camera_id"] for v in seen) == sorted(
        e.payload.camera_id for e in committed
    )
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        unsent = await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    finally:
        await conn.close()
    assert unsent == 0


async def test_two_relays_publish_each_event_once(
    kafka_bootstrap: str, database_url: str, schema: str
) -> None:
    camera = f"CAM-{uuid.uuid4().hex[:8]}"
    # One key, so Kafka keeps them in one partition: the order must be the commit order.
    events = [camera_event(camera, note=str(i)) for i in range(50)]
    relays = [
        OutboxRelay(
            database_url=database_url,
            schema=schema,
            producer=lambda: producer(kafka_bootstrap),
            metrics=PlatformMetrics.create(),
            poll_interval_s=0.1,
            batch_size=7,
        )
        for _ in range(2)
    ]
    for relay in relays:
        relay.start()
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        for chunk in range(0, 50, 10):
            async with conn.transaction():
                await stage(conn, events[chunk : chunk + 10])
            await asyncio.sleep(0.05)
        seen = await read_until(
            kafka_bootstrap,
            "camera.status.v1",
            lambda v: v["payload"]["camera_id"] == camera,
            want=50,
            timeout=15,
            grace=2,
        )
    finally:
        await conn.close()
        for relay in relays:
            await relay.stop()
    assert [v["payload"]["note"] for v in seen] == [str(i) for i in range(50)]
