"""A handler that keeps failing on one event: bounded retries, that event dead-lettered, the rest applied."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from faststream.kafka import KafkaBroker

from pasc_contracts import Event, topic
from pasc_contracts.events.dossier import DossierReceived
from pasc_runtime.consumer import EventConsumer, Rejection
from pasc_runtime.db import create_pool, migrate
from pasc_runtime.deadletter import DeadLetters
from pasc_runtime.metrics import PlatformMetrics
from support.kafka import publish, read_until

pytestmark = pytest.mark.integration


def received(ma_ho_so: str) -> DossierReceived:
    data = DossierReceived.example().model_dump(mode="json")
    data["event_id"] = str(uuid.uuid4())
    data["payload"]["dossier"]["ma_ho_so"] = ma_ho_so
    return DossierReceived.model_validate(data)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    schema = f"consumer_test_{uuid.uuid4().hex[:8]}"
    await migrate(database_url, schema, [])
    pool = await create_pool(database_url, schema, 1, 4)
    await pool.execute("CREATE TABLE applied (ma_ho_so text PRIMARY KEY)")
    yield pool
    await pool.execute(f"DROP SCHEMA {schema} CASCADE")
    await pool.close()


async def test_failing_event_is_dead_lettered_after_retries_and_others_apply(
    kafka_bootstrap: str, pool: asyncpg.Pool
) -> None:
    run = uuid.uuid4().hex[:8]
    group = f"consumer-test-{run}"
    attempts: dict[str, int] = {}
    key = f"RETRY-{run}"

    async def handler(conn: asyncpg.Connection, events: list[Event]) -> list[Rejection]:
        rejections = []
        for event in events:
            # The topic also holds other tests' events, processing steps (no dossier) among them.
            dossier = getattr(event.payload, "dossier", None)
            ma_ho_so = getattr(dossier, "ma_ho_so", "")
            if not ma_ho_so.startswith(key):
                continue
            attempts[ma_ho_so] = attempts.get(ma_ho_so, 0) + 1
            if ma_ho_so.endswith("-crash"):
                raise ValueError("a bug in the handler")
            if ma_ho_so.endswith("-refused"):
                rejections.append(Rejection(event, "agency may not report on this task"))
                continue
            await conn.execute("INSERT INTO applied VALUES ($1)", ma_ho_so)
        return rejections

    broker = KafkaBroker(kafka_bootstrap, enable_idempotence=True, acks="all")
    metrics = PlatformMetrics.create()
    consumer = EventConsumer(
        topic=topic("dossier.lifecycle.v1"),
        group=group,
        handler=handler,
        pool=lambda: pool,
        dead_letters=DeadLetters(broker, producer="test", group=group, metrics=metrics),
        metrics=metrics,
        max_retries=3,
        retry_backoff_s=0.01,
    )
    consumer.subscribe(broker)
    names = [f"{key}-{i}" for i in range(4)] + [f"{key}-crash", f"{key}-refused"]
    await publish(kafka_bootstrap, [received(n) for n in names])

    await broker.start()
    try:
        letters = await read_until(
            kafka_bootstrap,
            "deadletter.v1",
            lambda v: (
                v.get("payload", {}).get("consumer_group") == group
                and base64.b64decode(v["payload"].get("original_key_b64") or "").startswith(
                    key.encode()
                )
            ),
            want=2,
            grace=1,
        )
        for _ in range(50):
            applied = await pool.fetchval("SELECT count(*) FROM applied")
            if applied == 4:
                break
            await asyncio.sleep(0.1)
    finally:
        await broker.stop()

    assert applied == 4
    by_kind = {letter["payload"]["kind"]: letter["payload"] for letter in letters}
    assert set(by_kind) == {"processing_failed", "rejected"}
    assert by_kind["processing_failed"]["attempts"] == 3
    assert "a bug in the handler" in by_kind["processing_failed"]["error"]
    assert by_kind["rejected"]["error"] == "agency may not report on this task"
    crashed = base64.b64decode(by_kind["processing_failed"]["original_value_b64"])
    assert f"{key}-crash".encode() in crashed
    ours = [e for e in letters if e["payload"]["kind"] == "processing_failed"]
    assert attempts[f"{key}-crash"] >= 3  # bounded: retried, then isolated and retried again
    assert len(ours) == 1
