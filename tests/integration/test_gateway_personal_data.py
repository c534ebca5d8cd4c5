"""Applicants' personal data stays in the gateway (Decree 13/2023/NĐ-CP), with the demo traffic.

A simulated month of DVCQG traffic (HTTP and the signed Kafka ingress, bad records and forged
messages included) goes through a real gateway to a real reporting-service. Then every log
line, every metric and every message the run put on a topic other than the ingress topic is
searched for the applicants' names, ID numbers, emails and phones: there must be none.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import random
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from integration_gateway.domain.identity import sign
from pasc_contracts.events.catalog import Procedure, ProcedureRegistered
from pasc_simulator.catalog import SimProcedure
from pasc_simulator.lifecycle import simulate_month
from pasc_simulator.send import send_all
from support import keycloak
from support.kafka import publish
from support.processes import RunningService, run_service
from support.stub_server import stub_server

pytestmark = pytest.mark.integration

INGRESS = "gateway.ingress.dvcqg.v1"
SEED = 2023
DOSSIERS = 400
KAFKA_AGENCIES = frozenset({"STP", "SYT"})
SECRETS = {
    "KEY_ENCRYPTION_SECRET": f"kek-{uuid.uuid4().hex}",
    "PSEUDONYM_SECRET": f"pseudo-{uuid.uuid4().hex}",
}


def procedures(tag: int) -> list[SimProcedure]:
    rng = random.Random(tag)
    rows = [
        ("SXD", "toan_trinh", 15),
        ("SXD", "mot_phan", 10),
        ("STP", "truc_tiep", 3),
        ("STP", "toan_trinh", 5),
        ("SYT", "mot_phan", 7),
        ("STNMT", "toan_trinh", 20),
        ("SLDTBXH", "mot_phan", 10),
        ("SGTVT", "toan_trinh", 5),
    ]
    codes = rng.sample(range(10**6), len(rows))
    return [
        SimProcedure(f"3.{code:06d}", f"Thủ tục thử {i}", "LV", "Lĩnh vực", a, level, days)
        for i, ((a, level, days), code) in enumerate(zip(rows, codes, strict=True))
    ]


@pytest.fixture(scope="module")
def services(kafka_bootstrap: str, database_url: str) -> Iterator[dict[str, RunningService]]:
    with (
        run_service(
            "integration_gateway",
            kafka=kafka_bootstrap,
            database_url=database_url,
            extra_env=SECRETS,
        ) as gateway,
        run_service("reporting_service", kafka=kafka_bootstrap, database_url=database_url) as rep,
    ):
        yield {"gateway": gateway, "reporting": rep}


@pytest.fixture
def department() -> Iterator[tuple[str, Any]]:
    """A department's own system, receiving its dossiers' events from the gateway."""
    with stub_server() as (endpoint, received):
        yield endpoint, received


async def end_offsets(kafka: str) -> dict[TopicPartition, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if t != INGRESS and not t.startswith("__")]
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    partitions = [
        TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]
    ]
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def messages_since(kafka: str, start: dict[TopicPartition, int]) -> list[tuple[bytes, bytes]]:
    """Key, headers and value of every message after `start`, on every non-ingress topic."""
    end = await end_offsets(kafka)
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    found: list[tuple[bytes, bytes]] = []
    try:
        wanted = {tp: off for tp, off in end.items() if off > start.get(tp, 0)}
        if not wanted:
            return found
        consumer.assign(list(wanted))
        for tp in wanted:
            consumer.seek(tp, start.get(tp, 0))
        remaining = set(wanted)
        deadline = time.monotonic() + 60
        while remaining and time.monotonic() < deadline:
            for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                for r in records:
                    headers = b" ".join(k.encode() + b"=" + v for k, v in r.headers or ())
                    found.append((b" ".join((r.key or b"", headers)), r.value or b""))
                    if r.offset + 1 >= wanted[tp]:
                        remaining.discard(tp)
        assert not remaining, f"could not read {remaining}"
    finally:
        await consumer.stop()
    return found


def dead_letter_of_another_process(value: bytes, ours: tuple[str, ...]) -> bool:
    """A dead letter written by a service this test did not start: other test runs on the same
    broker read the shared ingress topic too (with their own code), and are not under test."""
    try:
        payload = json.loads(value).get("payload", {})
    except (ValueError, AttributeError):
        return False
    group = payload.get("consumer_group") if isinstance(payload, dict) else None
    return isinstance(group, str) and not group.startswith(ours)


def readable(key_and_headers: bytes, value: bytes) -> str:
    """The message as text, with the bytes a dead letter carries in base64 decoded too."""
    text = value.decode("utf-8", "replace")
    decoded = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("_b64") and isinstance(value, str):
                    decoded.append(base64.b64decode(value).decode("utf-8", "replace"))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    with contextlib.suppress(ValueError):
        walk(json.loads(value))
    return "\n".join([key_and_headers.decode("utf-8", "replace"), text, *decoded])


def with_free_text(record: dict[str, Any], tag: int) -> dict[str, Any]:
    """The record with the applicant's name (tagged), ID number, phone and email written into
    every free-text field and file name a real system may fill."""
    name = f"{record['ChuHoSo']} {tag:06d}"
    id_number, phone, email = record["SoGiayToChuHoSo"], record["SoDienThoai"], record["Email"]
    note = f"Ông/bà {name}, CCCD {id_number}, ĐT {phone}, email {email}, 12 Lý Tự Trọng"
    documents = [
        {**d, "TepDinhKemId": f"CCCD_{id_number}.pdf", "TenTepDinhKem": f"CCCD {name}.pdf"}
        for d in record.get("TaiLieuNop", [])
    ]
    supplements = [
        {**b, "NoiDungBoSung": note, "NguoiYeuCauBoSung": name}
        for b in record.get("DanhSachHoSoBoSung", [])
    ]
    return {
        **record,
        "ChuHoSo": name,
        "TrichYeuHoSo": note,
        "GhiChu": note,
        "ThongTinKhac": note,
        "ThongTinTra": note,
        "MaDoiTuong": id_number,
        "Fax": phone,
        "DonViXuLy": f"Bộ phận một cửa, cán bộ {name}",
        "TaiLieuNop": documents,
        "DanhSachHoSoBoSung": supplements,
    }


def step_of(record: dict[str, Any]) -> dict[str, Any]:
    """A CapNhatTienDoHoSoMC step whose free text names the applicant."""
    note = f"Đã gọi {record['ChuHoSo']} ({record['SoDienThoai']}, {record['Email']})"
    return {
        "MaHoSo": record["MaHoSo"],
        "NguoiXuLy": record["ChuHoSo"],
        "ChucDanh": "Chuyên viên",
        "ThoiDiemXuLy": record["NgayTiepNhan"],
        "PhongBanXuLy": f"Phòng của {record['ChuHoSo']}",
        "NoiDungXuLy": note,
        "TrangThai": "4",
    }


def personal_values(syncs: list[Any]) -> set[str]:
    fields = ("ChuHoSo", "SoGiayToChuHoSo", "Email", "SoDienThoai")
    return {str(s.record[f]) for s in syncs for f in fields if s.record.get(f)}


def hits(values: set[str], texts: list[str], tag: str) -> list[tuple[str, str]]:
    """(value, where) for each personal value found in a text.

    ID numbers and phones count only as a whole number (not inside a longer one); names carry
    this run's tag, so only texts holding the tag are searched for them. One pass per text.
    """
    numbers = {v for v in values if v.isdigit()}
    emails = {v.lower() for v in values if "@" in v}
    names = values - numbers - {v for v in values if "@" in v}
    # One pattern for all names: a text is searched once, not once per name.
    names_found = (
        re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
        if names
        else None
    )
    found = []
    for text in texts:
        for match in re.finditer(r"\d+", text):
            if match.group() in numbers:
                found.append((match.group(), text[max(0, match.start() - 80) : match.end() + 80]))
        # Split on what no address holds, then look up the pieces with an @: linear in the
        # text (a regex scanning for addresses backtracks quadratically on long JSON).
        for piece in re.split(r"[^\w.+@-]+", text) if "@" in text else ():
            if "@" in piece and piece.lower() in emails:
                found.append((piece, text[:200]))
        if names_found and tag in text:
            found += [(m.group(), text[:200]) for m in names_found.finditer(text)]
    return found


@pytest.mark.timeout(900)  # fresh consumer groups first replay the shared topics' history
async def test_demo_traffic_leaves_no_personal_data_outside_the_gateway(
    services: dict[str, RunningService],
    department: tuple[str, Any],
    kafka_bootstrap: str,
    database_url: str,
) -> None:
    gateway, reporting = services["gateway"], services["reporting"]
    tag = random.randrange(10**6)
    procs = procedures(tag)
    await publish(
        kafka_bootstrap,
        [
            ProcedureRegistered(
                producer="catalog-service",
                payload=Procedure(
                    ma_tthc=p.ma_tthc,
                    ten_tthc=p.ten_tthc,
                    agency_code=p.agency_code,
                    at_center=True,
                    effective_from=date(2023, 4, 1),
                    catalog_version=1_000_000,
                ),
            )
            for p in procs
        ],
    )
    month = simulate_month(
        procs, dossiers=DOSSIERS, year=2023, month=5, seed=SEED, prefix=f"PII{tag:06d}"
    )
    # The simulator's names come from a small pool; a run tag makes them this run's own. Every
    # free-text field carries personal data too, as officers' notes do.
    syncs = [replace(s, record=with_free_text(s.record, tag)) for s in month.syncs]
    personal = personal_values(syncs)
    assert len(personal) > 3 * DOSSIERS

    conn = await asyncpg.connect(database_url)
    try:
        # A new gateway reads the whole catalog topic first (tens of thousands of events).
        began = time.monotonic()
        deadline = began + 300
        while time.monotonic() < deadline:
            n = await conn.fetchval(
                f"SELECT count(*) FROM {gateway.schema}.procedures WHERE ma_tthc = ANY($1)",
                [p.ma_tthc for p in procs],
            )
            if n == len(procs):
                break
            await asyncio.sleep(0.2)
        assert n == len(procs), "the gateway never learned the test procedures"
        catalog_s = time.monotonic() - began
        start = await end_offsets(kafka_bootstrap)
        keys = {}
        async with httpx.AsyncClient(
            base_url=gateway.url, auth=keycloak.auth("operator")
        ) as client:
            for agency in sorted({p.agency_code for p in procs}):
                response = await client.post("/admin/keys", json={"agency": agency})
                keys[agency] = response.json()["api_key"]
            # Every lifecycle event of one department is delivered to its system (the stub).
            connector = await client.put(
                f"/admin/connectors/pii-{tag}",
                json={
                    "name": f"pii-{tag}",
                    "kind": "department",
                    "endpoint": department[0],
                    "topics": ["dossier.lifecycle.v1"],
                    "agency_code": "SXD",
                },
            )
            assert connector.status_code == 200, connector.text
        tally = await send_all(
            syncs,
            gateway_url=gateway.url,
            keys=keys,
            rate=0,
            kafka_bootstrap=kafka_bootstrap,
            kafka_agencies=KAFKA_AGENCIES,
        )
        assert tally.unexpected == []
        await _send_forgeries(kafka_bootstrap, syncs[:3])
        steps = {}
        for sync in syncs:
            if sync.expect_accepted and sync.agency_code not in KAFKA_AGENCIES:
                steps.setdefault(sync.agency_code, {})[sync.record["MaHoSo"]] = step_of(sync.record)
        async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
            for agency, by_dossier in steps.items():
                answer = await client.post(
                    "/v1/dvcqg/CapNhatTienDoHoSoMC",
                    headers={"X-API-Key": keys[agency]},
                    json={"service": "CapNhatTienDoHoSoMC", "data": list(by_dossier.values())[:50]},
                )
                assert answer.status_code == 200, answer.text
                assert all(r["accepted"] for r in answer.json()["results"]), answer.text

        sent_s = time.monotonic() - began - catalog_s
        # Everything the gateway published has been applied by reporting.
        deadline = time.monotonic() + 420
        while time.monotonic() < deadline:
            pending = await conn.fetchval(
                f"SELECT count(*) FROM {gateway.schema}.outbox o WHERE o.topic ="
                f" 'dossier.lifecycle.v1' AND (o.sent_at IS NULL OR NOT EXISTS (SELECT 1"
                f" FROM {reporting.schema}.inbox i WHERE i.event_id = o.event_id))"
            )
            kafka_done = await conn.fetchval(
                f"SELECT count(*) FROM {gateway.schema}.audit_log WHERE actor LIKE 'kafka:%'"
            )
            if pending == 0 and kafka_done >= tally.via_kafka // 100:
                break
            await asyncio.sleep(0.5)
        assert pending == 0, f"{pending} lifecycle events not applied by reporting"
        applied_s = time.monotonic() - began - catalog_s - sent_s
        published = await conn.fetchval(f"SELECT count(*) FROM {gateway.schema}.outbox")
        dossiers = await conn.fetchval(f"SELECT count(*) FROM {gateway.schema}.dossiers")
    finally:
        await conn.close()
    assert dossiers == len(month.outcomes)
    await asyncio.sleep(1.0)  # the dead letters of the forgeries, and the last log lines

    ours = (gateway.name, reporting.name)
    messages = [
        readable(*m)
        for m in await messages_since(kafka_bootstrap, start)
        if not dead_letter_of_another_process(m[1], ours)
    ]
    assert len(messages) >= published
    logs = [
        line
        for service in (gateway, reporting)
        for line in service.log.read_text(encoding="utf-8", errors="replace").splitlines()
    ]
    metrics = []
    async with httpx.AsyncClient(timeout=60) as client:
        for service in (gateway, reporting):
            metrics += (await client.get(f"{service.url}/metrics")).text.splitlines()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not department[1].bodies():
        await asyncio.sleep(0.5)
    deliveries = [json.dumps(b, ensure_ascii=False) for b in department[1].bodies()]
    assert deliveries, "the department's system received nothing"
    texts = messages + logs + metrics + deliveries
    found = hits(personal, texts, f"{tag:06d}")
    print(
        f"\npersonal-data scan: {len(syncs)} records ({tally.via_kafka} over Kafka) of "
        f"{DOSSIERS} dossiers, {len(personal)} personal values, free text in every field; "
        f"scanned {len(messages)} messages, {len(logs)} log lines, {len(metrics)} metric "
        f"lines, {len(deliveries)} deliveries: {len(found)} hits "
        f"(catalog caught up in {catalog_s:.0f}s, sent in {sent_s:.0f}s, applied by reporting "
        f"{applied_s:.0f}s later)"
    )
    assert found == [], f"personal data outside the gateway: {found[:5]}"


async def _send_forgeries(kafka: str, syncs: list[Any]) -> None:
    """Messages the gateway must dead-letter: unsigned, badly signed, and not JSON at all."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all")
    await producer.start()
    try:
        value = json.dumps(
            {"service": "DongBoHoSoMC", "data": [s.record for s in syncs]}, ensure_ascii=False
        ).encode()
        stamp, message_id = str(int(time.time())), str(uuid.uuid4())
        forged = [
            ("x-pasc-agency", b"SXD"),
            ("x-pasc-timestamp", stamp.encode()),
            ("x-pasc-message-id", message_id.encode()),
            ("x-pasc-signature", sign("not-a-key", stamp, message_id, value).encode()),
        ]
        await producer.send_and_wait(INGRESS, value, key=b"SXD", headers=forged)
        await producer.send_and_wait(INGRESS, value, key=b"SXD")
        not_json = f"ChuHoSo={syncs[0].record['ChuHoSo']};{syncs[0].record['SoDienThoai']}"
        await producer.send_and_wait(INGRESS, not_json.encode(), key=b"SXD", headers=forged)
    finally:
        await producer.stop()
