"""`pasc reporting rebuild`: replay the consumed topics from the beginning into a fresh read model.

One transaction: it takes the read model's exclusive lock (the live consumers wait, the API
keeps answering with the old figures), deletes every read-model table, replays each topic
from its first offset up to the high watermark taken at the start through the SAME handlers
the consumers use, and commits. The live consumers then resume from their committed offsets:
what they apply again is idempotent (latest revision / latest event wins), so the figures are
exactly those of a replay. Undecodable messages are skipped (the consumers dead-lettered them).

Dossier events, nearly all of a replay, are folded from their JSON: per batch only each
dossier's latest revision is validated into an event (a replay of millions spent most of its
time building models that the fold then threw away). Should that event break the contract,
the dossier's other events of the batch are validated too and the latest valid one wins, as
in the consumer. One difference remains: an older event of the batch that is well-formed JSON
of a dossier type but breaks the contract otherwise still counts in the dossier's
`events_applied` (the consumer dead-lettered it).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import CollectorRegistry

from pasc_contracts import DecodeError, Event, Topic, decode
from pasc_contracts.codec import peek, validate
from pasc_contracts.events.dossier import DossierChange, DossierSnapshot
from pasc_runtime.consumer import BatchHandler
from pasc_runtime.db import Connection, migrate_service
from pasc_runtime.kafka import client_options
from reporting_service.adapters import kafka_topics, locks, replay_store
from reporting_service.app.handlers import Handlers
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.domain.read_model import DossierFold
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


Peeked = tuple[dict[str, Any], type[Event]]


@functools.cache
def _carries_dossier(cls: type[Event]) -> bool:
    annotation = cls.model_fields["payload"].annotation
    return isinstance(annotation, type) and issubclass(annotation, DossierChange)


def _dossier_of(data: dict[str, Any]) -> tuple[str, int] | None:
    """The dossier key and revision an event's JSON names (None: not in a usable shape)."""
    payload = data.get("payload")
    dossier = payload.get("dossier") if isinstance(payload, dict) else None
    if not isinstance(dossier, dict):
        return None
    key, revision = dossier.get("ma_ho_so"), dossier.get("revision")
    if not isinstance(key, str) or not isinstance(revision, int) or isinstance(revision, bool):
        return None
    return key, revision


def fold_dossier_events(peeked: list[Peeked], result: TopicReplay) -> dict[str, DossierFold]:
    """One entry per dossier: its latest valid snapshot and how many valid events it had."""
    by_dossier: dict[str, list[tuple[int, Peeked]]] = {}
    for data, cls in peeked:
        if not _carries_dossier(cls):
            continue  # e.g. processing steps: the read model does not use them
        named = _dossier_of(data)
        if named is None:  # no dossier key and revision: the contract refuses it
            result.undecodable += 1
            continue
        by_dossier.setdefault(named[0], []).append((named[1], (data, cls)))
    folded = {}
    for key, candidates in by_dossier.items():
        latest = max(candidates, key=lambda c: c[0])
        try:
            folded[key] = DossierFold(_snapshot(validate(*latest[1])), len(candidates))
            continue
        except DecodeError:
            pass
        # The latest breaks the contract: each event is validated, the latest valid one wins.
        valid = []
        for revision, item in candidates:
            try:
                valid.append((revision, validate(*item)))
            except DecodeError:
                result.undecodable += 1
        if valid:
            winner = max(valid, key=lambda v: v[0])[1]
            folded[key] = DossierFold(_snapshot(winner), len(valid))
    return folded


def _snapshot(event: Event) -> DossierSnapshot:
    return event.payload.dossier  # type: ignore[attr-defined, no-any-return]


async def _replay_topic(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    conn: Connection,
    topic: Topic,
    handler: BatchHandler,
    batch_size: int,
    advance: Advance,
    apply_folded: ApplyFolded | None = None,
) -> TopicReplay:
    """`apply_folded`: where the dossier topic's events go, folded from their JSON."""
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
        if topic.name == DOSSIER_TOPIC and apply_folded is not None:
            await _replay_dossiers(conn, topic, apply_folded, raws, result)
        else:
            await _replay_events(conn, topic, handler, raws, result)
        advance(topic.name, read, total)
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


ApplyFolded = Callable[[Connection, dict[str, DossierFold]], Awaitable[None]]


async def _replay_dossiers(
    conn: Connection,
    topic: Topic,
    apply_folded: ApplyFolded,
    raws: list[bytes],
    result: TopicReplay,
) -> None:
    peeked: list[tuple[UUID, Peeked]] = []
    for raw in raws:
        try:
            data, cls = peek(raw, topic)
            peeked.append((UUID(data["event_id"]), (data, cls)))
        except (DecodeError, KeyError, TypeError, ValueError):  # no event_id, or not a UUID
            result.undecodable += 1
    if not peeked:
        return
    fresh_ids = await replay_store.first_replays(conn, [event_id for event_id, _ in peeked])
    fresh = []
    for event_id, item in peeked:
        if event_id in fresh_ids:
            fresh.append(item)
            fresh_ids.discard(event_id)
    result.duplicates += len(peeked) - len(fresh)
    result.events += len(fresh)
    folded = fold_dossier_events(fresh, result)
    if folded:
        await apply_folded(conn, folded)


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
                    service.apply_folded,
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
