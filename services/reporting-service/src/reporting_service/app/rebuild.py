"""`pasc reporting rebuild`: replay the consumed topics from the beginning into a fresh read model.

One transaction: it takes the read model's exclusive lock (the live consumers wait, the API
keeps answering with the old figures), deletes every read-model table, replays each topic
from its first offset up to the high watermark taken at the start through the SAME handlers
the consumers use, and commits. The live consumers then resume from their committed offsets:
what they apply again is idempotent (latest revision / latest event wins), so the figures are
exactly those of a replay. Undecodable messages are skipped (the consumers dead-lettered them).

Dossier events, nearly all of a replay, are not applied batch by batch: app/dossier_replay
folds them from their JSON and writes each dossier's latest valid revision once, then
recomputes the rollups once (a replay of millions spent its time building models the fold
threw away, and in per-batch row locks, upserts and rollup deltas).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import CollectorRegistry

from pasc_contracts import DecodeError, Event, Topic, decode
from pasc_runtime.consumer import BatchHandler
from pasc_runtime.db import Connection, migrate_service
from pasc_runtime.kafka import client_options
from reporting_service.adapters import kafka_topics, locks, replay_store
from reporting_service.app.dossier_replay import DossierReplay
from reporting_service.app.handlers import Handlers
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.settings import Settings

DOSSIER_TOPIC = "dossier.lifecycle.v1"


@dataclass
class TopicReplay:
    topic: str
    events: int = 0
    duplicates: int = 0
    undecodable: int = 0


# (topic, records read so far, records to read): the CLI draws its progress bar from it.
Advance = Callable[[str, int, int], None]


@dataclass
class RebuildResult:
    topics: list[TopicReplay] = field(default_factory=list)
    seconds: float = 0.0


async def _fresh(conn: Connection, events: list[Event]) -> list[Event]:
    """Events not replayed before in this rebuild (a topic may hold the same event twice)."""
    fresh_ids = await replay_store.first_replays(conn, [e.event_id for e in events])
    fresh = []
    for event in events:
        if event.event_id in fresh_ids:
            fresh.append(event)
            fresh_ids.discard(event.event_id)
    return fresh


async def _replay_topic(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    conn: Connection,
    topic: Topic,
    handler: BatchHandler,
    batch_size: int,
    advance: Advance,
) -> TopicReplay:
    """The dossier topic goes through a DossierReplay, the others through their handler."""
    result = TopicReplay(topic.name)
    if not partitions:
        advance(topic.name, 0, 0)
        return result
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    ends = await consumer.end_offsets(partitions)
    starts = await consumer.beginning_offsets(partitions)
    total, read = sum(ends[tp] - starts[tp] for tp in partitions), 0
    advance(topic.name, read, total)
    remaining = {tp for tp in partitions if await consumer.position(tp) < ends[tp]}
    dossiers = await DossierReplay.start(conn, topic) if topic.name == DOSSIER_TOPIC else None
    while remaining:
        fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=batch_size)
        raws = [
            record.value or b""
            for tp, records in fetched.items()
            for record in records
            if record.offset < ends[tp]  # later ones: the live consumer applies them
        ]
        read += len(raws)
        for tp in list(remaining):
            if await consumer.position(tp) >= ends[tp]:
                remaining.discard(tp)
        if dossiers is not None:
            await dossiers.add(raws)
        else:
            await _replay_events(conn, topic, handler, raws, result)
        advance(topic.name, read, total)
    if dossiers is not None:
        result.events, result.duplicates = await dossiers.finish()
        result.undecodable = dossiers.undecodable
    return result


async def _replay_events(
    conn: Connection, topic: Topic, handler: BatchHandler, raws: list[bytes], result: TopicReplay
) -> None:
    events: list[Event] = []
    for raw in raws:
        try:
            events.append(decode(raw, topic))
        except DecodeError:
            result.undecodable += 1
    if events:
        fresh = await _fresh(conn, events)
        result.duplicates += len(events) - len(fresh)
        result.events += len(fresh)
        if fresh:
            await handler(conn, fresh)


async def rebuild(
    settings: Settings,
    migrations: Path,
    progress: Callable[[str], None] = lambda _: None,
    advance: Advance = lambda topic, read, total: None,
) -> RebuildResult:
    """`progress`: a line per step; `advance`: the records read of each topic, as they go."""
    started = time.perf_counter()
    await migrate_service(settings, [migrations])
    service = Handlers(settings.db_schema, ReportingMetrics.create(CollectorRegistry()))
    handlers = service.registry()
    topics = handlers.topics()
    conn = await asyncpg.connect(
        settings.database_url, server_settings={"search_path": settings.db_schema}
    )
    options = client_options(settings)  # the same SASL/TLS as the service
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **options,
    )
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers, **options)
    await consumer.start()
    await admin.start()
    result = RebuildResult()
    try:
        async with conn.transaction():
            await locks.own_read_model(conn, settings.db_schema)
            progress("read model locked; replaying")
            await replay_store.empty_read_model(conn)
            for topic in topics:
                replay = await _replay_topic(
                    consumer,
                    await kafka_topics.partitions(admin, [topic.name]),
                    conn,
                    topic,
                    handlers.for_topic(topic),
                    settings.rebuild_batch_size,
                    advance,
                )
                result.topics.append(replay)
                progress(
                    f"{topic.name}: {replay.events} events"
                    f" ({replay.duplicates} duplicates, {replay.undecodable} undecodable skipped)"
                )
    finally:
        await admin.close()
        await consumer.stop()
        await conn.close()
    result.seconds = time.perf_counter() - started
    return result
