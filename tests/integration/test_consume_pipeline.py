"""End to end on the real broker and database: an event in, its effect in PostgreSQL, exactly once.

reporting-service runs as a real process with its own schema and consumer group.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from pasc_contracts.events.dossier import DossierReceived, DossierStatusChanged
from support import keycloak
from support.kafka import publish, publish_raw, read_until
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def reporting(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service(
        "reporting_service", kafka=kafka_bootstrap, database_url=database_url
    ) as service:
        yield service


def received(ma_ho_so: str) -> DossierReceived:
    example = DossierReceived.example().model_dump(mode="json")
    example["event_id"] = str(uuid.uuid4())
    example["payload"]["dossier"]["ma_ho_so"] = ma_ho_so
    return DossierReceived.model_validate(example)


def status_changed(ma_ho_so: str, revision: int) -> DossierStatusChanged:
    example = DossierStatusChanged.example().model_dump(mode="json")
    example["event_id"] = str(uuid.uuid4())
    example["payload"]["dossier"].update(ma_ho_so=ma_ho_so, revision=revision)
    return DossierStatusChanged.model_validate(example)


async def wait_for_dossier(
    service: RunningService, ma_ho_so: str, check: Any = lambda d: True, timeout: float = 180
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=service.url, auth=keycloak.auth("office")) as client:
        while time.monotonic() < deadline:
            response = await client.get(f"/v1/dossiers/{ma_ho_so}")
            if response.status_code == 200 and check(response.json()):
                return dict(response.json())
            await asyncio.sleep(0.2)
    raise AssertionError(f"{ma_ho_so} not in the read model as expected after {timeout}s")


async def test_event_through_broker_lands_in_database(
    reporting: RunningService, kafka_bootstrap: str, database_url: str
) -> None:
    ma_ho_so = f"E2E-{uuid.uuid4().hex[:10]}"
    await publish(kafka_bootstrap, [received(ma_ho_so)])

    state = await wait_for_dossier(reporting, ma_ho_so)

    assert state["trang_thai_ho_so"] == 2
    assert state["agency_code"] == "SXD"
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            f"SELECT revision, events_applied FROM {reporting.schema}.dossiers WHERE ma_ho_so = $1",
            ma_ho_so,
        )
    finally:
        await conn.close()
    assert (row["revision"], row["events_applied"]) == (1, 1)


async def test_redelivered_event_has_no_second_effect(
    reporting: RunningService, kafka_bootstrap: str, database_url: str
) -> None:
    ma_ho_so = f"DUP-{uuid.uuid4().hex[:10]}"
    first = received(ma_ho_so)
    # The same event three times (a producer retry, a relay crash before marking sent...).
    await publish(kafka_bootstrap, [first, first, first, status_changed(ma_ho_so, 2)])

    state = await wait_for_dossier(reporting, ma_ho_so, lambda d: d["revision"] == 2)

    assert state["events_applied"] == 2
    conn = await asyncpg.connect(database_url)
    try:
        day_count = await conn.fetchval(
            f"SELECT sum(received) FROM {reporting.schema}.kpi_daily"
            " WHERE day = '2023-04-03' AND agency_code = 'SXD'"
        )
        inbox = await conn.fetchval(
            f"SELECT count(*) FROM {reporting.schema}.inbox WHERE event_id = $1", first.event_id
        )
    finally:
        await conn.close()
    assert inbox == 1
    assert day_count is not None
    async with httpx.AsyncClient() as client:
        metrics = (await client.get(f"{reporting.url}/metrics")).text
    assert 'pasc_inbox_duplicates_skipped_total{consumer="' in metrics


async def test_poison_messages_go_to_dead_letters_and_the_partition_flows(
    reporting: RunningService, kafka_bootstrap: str
) -> None:
    ma_ho_so = f"POISON-{uuid.uuid4().hex[:10]}"
    bad_contract = received(ma_ho_so).model_dump(mode="json")
    bad_contract["payload"]["dossier"]["ma_tthc"] = "not-a-code"
    unknown_version = {**received(ma_ho_so).model_dump(mode="json"), "schema_version": 99}
    poison = [
        b"\xff\xfe not json",
        json.dumps(bad_contract).encode(),
        json.dumps(unknown_version).encode(),
    ]
    await publish_raw(kafka_bootstrap, "dossier.lifecycle.v1", poison, key=ma_ho_so.encode())
    await publish(kafka_bootstrap, [received(ma_ho_so)])

    await wait_for_dossier(reporting, ma_ho_so)
    letters = await read_until(
        kafka_bootstrap,
        "deadletter.v1",
        lambda v: (
            v.get("payload", {}).get("consumer_group")
            == reporting.group_for("dossier.lifecycle.v1")
            and base64.b64decode(v["payload"].get("original_key_b64") or "") == ma_ho_so.encode()
        ),
        want=3,
    )
    kinds = sorted(letter["payload"]["kind"] for letter in letters)
    assert kinds == ["contract_violation", "not_json", "unsupported_version"]
    for letter in letters:
        assert letter["payload"]["source_topic"] == "dossier.lifecycle.v1"
        assert letter["payload"]["error"]
