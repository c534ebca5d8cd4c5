"""The rebuild's set-based replay of dossier.lifecycle.v1 (app/dossier_replay) leaves the read
model exactly as the consumer's incremental path does: the same dossiers (latest VALID
revision, events counted once), the same daily rollups, and no rollup drift on either side.

Both run on the real database, each in a fresh schema: the consumer's handler gets the events
the consumer would apply (contract breakers dead-lettered, a repeated event id skipped by the
inbox), the replay gets the topic's raw bytes in small windows so that dossiers span several.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from prometheus_client import CollectorRegistry

from pasc_contracts import DecodeError, Event, decode, encode
from pasc_contracts.events.dossier import (
    DossierProcessed,
    DossierProcessingStepRecorded,
    DossierReceived,
    DossierResultReturned,
    DossierStatusChanged,
    DossierWithdrawn,
    KenhThucHien,
    TrangThaiHoSo,
)
from pasc_contracts.topics import topic
from pasc_runtime.db import migrate
from reporting_service.adapters.read_model_store import DOSSIERS, rollup_drift
from reporting_service.app import dossier_replay
from reporting_service.app.dossier_replay import DossierReplay
from reporting_service.app.handlers import Handlers
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.bootstrap import MIGRATIONS
from reporting_service.domain.figures import COUNTS

pytestmark = pytest.mark.integration

LIFECYCLE = topic("dossier.lifecycle.v1")
RUN = uuid.uuid4().hex[:6]


def event(
    cls: type[Event[Any]], key: str, revision: int, breaks: str = "", **changes: Any
) -> bytes:
    """`cls`'s example for dossier `key` at `revision`; `breaks`: a field made to break the
    contract after the model was built (`"field": value` put in front of the real one)."""
    base = cls.example()
    snapshot = base.payload.dossier.model_copy(
        update={"ma_ho_so": f"RB-{RUN}-{key}", "revision": revision, **changes}
    )
    raw = encode(
        base.model_copy(
            update={
                "event_id": uuid.uuid4(),
                "payload": base.payload.model_copy(update={"dossier": snapshot}),
            }
        )
    )
    if breaks:
        field, value = breaks.split("=", 1)
        raw = raw.replace(f'"{field}":'.encode(), f'"{field}":{value},"_{field}":'.encode(), 1)
    return raw


def topic_bytes() -> list[bytes]:
    """A topic's worth of messages, in the order of one partition."""
    a1, a2 = (
        event(DossierReceived, "A", 1),
        event(DossierStatusChanged, "A", 2, trang_thai_ho_so=TrangThaiHoSo(4)),
    )
    c1 = event(DossierReceived, "C", 1, kenh_thuc_hien=KenhThucHien(3))
    return [
        a1,
        event(DossierReceived, "B", 1),
        c1,
        b"not json",
        a2,
        event(DossierReceived, "B", 2, breaks='supplement_count="x"'),  # B's latest breaks
        encode(DossierProcessingStepRecorded.example()),
        c1,  # published twice (at least once): counted once
        event(DossierProcessed, "A", 3),
        event(
            DossierReceived, "D", 3, trang_thai_ho_so=TrangThaiHoSo(4)
        ),  # D's revisions out of order
        event(DossierReceived, "D", 1),
        event(DossierReceived, "E", 1),
        event(DossierReceived, "E", 2, trang_thai_ho_so=TrangThaiHoSo(4)),
        event(DossierWithdrawn, "C", 2),
        event(DossierResultReturned, "A", 4),
        event(DossierReceived, "D", 2),
        event(
            DossierReceived, "E", 2, trang_thai_ho_so=TrangThaiHoSo(9)
        ),  # equal revision: the first stays
        event(DossierReceived, "E", 3, breaks="supplement_count=-1"),  # a breaker in a later window
        event(DossierReceived, "F", 1, ngay_tiep_nhan=DossierReceived.example().occurred_at),
    ]


@pytest.fixture
async def schemas(
    database_url: str,
) -> AsyncIterator[tuple[asyncpg.Connection, asyncpg.Connection]]:
    names = [f"rebuild_test_{RUN}_{side}" for side in ("incremental", "replay")]
    conns = []
    for name in names:
        await migrate(database_url, name, [MIGRATIONS])
        conns.append(await asyncpg.connect(database_url, server_settings={"search_path": name}))
    try:
        yield conns[0], conns[1]
    finally:
        for conn, name in zip(conns, names, strict=True):
            await conn.execute(f"DROP SCHEMA {name} CASCADE")
            await conn.close()


async def consume(conn: asyncpg.Connection, raws: list[bytes], batch: int) -> None:
    """What the consumer applies: decoded events, each id once, through its own handler."""
    handler = Handlers("unused", ReportingMetrics.create(CollectorRegistry())).registry()
    seen: set[uuid.UUID] = set()
    events: list[Event] = []
    for raw in raws:
        try:
            decoded = decode(raw, LIFECYCLE)
        except DecodeError:
            continue  # dead-lettered
        if decoded.event_id not in seen:
            seen.add(decoded.event_id)
            events.append(decoded)
    for start in range(0, len(events), batch):
        async with conn.transaction():
            await handler.for_topic(LIFECYCLE)(conn, events[start : start + batch])


async def read_model(conn: asyncpg.Connection) -> tuple[list[Any], list[Any]]:
    dossiers = await conn.fetch(
        f"SELECT {', '.join(DOSSIERS.all_names)} FROM dossiers"
        f" WHERE {DOSSIERS.key[0]} LIKE $1 ORDER BY 1",
        f"RB-{RUN}-%",
    )
    rollups = await conn.fetch(
        f"SELECT day, agency_code, ma_tthc, ma_linh_vuc, {', '.join(COUNTS)} FROM kpi_daily"
        f" WHERE ({' + '.join(COUNTS)}) <> 0 ORDER BY 1, 2, 3, 4"
    )
    return [tuple(r) for r in dossiers], [tuple(r) for r in rollups]


async def test_the_replay_leaves_the_read_model_the_consumer_builds(
    schemas: tuple[asyncpg.Connection, asyncpg.Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    incremental, replayed = schemas
    raws = topic_bytes()
    await consume(incremental, raws, batch=4)

    monkeypatch.setattr(dossier_replay, "WINDOW", 4)  # dossiers span several windows
    async with replayed.transaction():
        replay = await DossierReplay.start(replayed, LIFECYCLE)
        for start in range(0, len(raws), 3):
            await replay.add(raws[start : start + 3])
        events, duplicates = await replay.finish()
    assert replay.windows > 3

    expected, got = await read_model(incremental), await read_model(replayed)
    assert got[0] == expected[0]
    assert got[1] == expected[1]
    by_key = {row[0].rsplit("-", 1)[1]: row for row in got[0]}
    assert set(by_key) == {"A", "B", "C", "D", "E", "F"}
    revision = DOSSIERS.all_names.index("revision")
    events_applied = DOSSIERS.all_names.index("events_applied")
    assert {k: (r[revision], r[events_applied]) for k, r in by_key.items()} == {
        "A": (4, 4),
        "B": (1, 1),  # its latest broke the contract: the latest valid one wins
        "C": (2, 2),
        "D": (3, 3),
        "E": (2, 3),
        "F": (1, 1),
    }
    status = DOSSIERS.all_names.index("trang_thai_ho_so")
    assert by_key["E"][status] == 4  # of the two revisions 2, the first
    assert (events, duplicates) == (17, 1)  # every event with an id, garbage not; c1 twice
    assert replay.undecodable == 3  # not json, B's and E's breakers
    assert await rollup_drift(incremental) == 0
    assert await rollup_drift(replayed) == 0
