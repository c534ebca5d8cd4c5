"""integration-gateway on the real broker and database: DVCQG in, exactly the valid records out, once."""

from __future__ import annotations

import asyncio
import base64
import json
import random
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from integration_gateway.domain.identity import sign
from pasc_contracts.events.catalog import Procedure, ProcedureRegistered
from support import keycloak
from support.kafka import publish, read_until
from support.processes import RunningService, run_service
from support.stub_server import stub_server

pytestmark = pytest.mark.integration
# The department system's Standard Webhooks secret (whsec_ + base64 of 32 random bytes).
WEBHOOK_SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(scope="module")
def gateway(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    env = {
        "DELIVERY_BASE_BACKOFF_S": "0.1",
        "DELIVERY_MAX_BACKOFF_S": "0.5",
        "DELIVERY_POLL_INTERVAL_S": "0.1",
    }
    with run_service(
        "integration_gateway", kafka=kafka_bootstrap, database_url=database_url, extra_env=env
    ) as service:
        yield service


@pytest.fixture(scope="module")
def codes() -> dict[str, str]:
    """Procedure codes of this run (3.xxxxxx: no real national code starts with 3)."""
    rng = random.Random()
    return {name: f"3.{rng.randrange(10**6):06d}" for name in ("sxd_a", "sxd_b", "stp")}


@pytest.fixture(scope="module")
async def catalog_ready(
    gateway: RunningService, codes: dict[str, str], kafka_bootstrap: str, database_url: str
) -> dict[str, str]:
    owners = {"sxd_a": "SXD", "sxd_b": "SXD", "stp": "STP"}
    events = [
        ProcedureRegistered(
            producer="catalog-service",
            payload=Procedure(
                ma_tthc=code,
                ten_tthc=f"Thủ tục thử nghiệm {name}",
                agency_code=owners[name],
                at_center=True,
                effective_from=date(2023, 4, 1),
                catalog_version=1_000_000,
            ),
        )
        for name, code in codes.items()
    ]
    await publish(kafka_bootstrap, events)
    conn = await asyncpg.connect(database_url)
    try:
        for _ in range(900):  # a fresh group first replays the catalog topic
            n = await conn.fetchval(
                f"SELECT count(*) FROM {gateway.schema}.procedures WHERE ma_tthc = ANY($1::text[])",
                list(codes.values()),
            )
            if n == len(codes):
                return codes
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise AssertionError("the gateway never learned the test procedures from catalog events")


async def issue_key(gateway: RunningService, agency: str) -> str:
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        response = await client.post(
            "/admin/keys", json={"agency": agency, "label": "test"}, auth=keycloak.auth("operator")
        )
    assert response.status_code == 201, response.text
    return str(response.json()["api_key"])


def record(ma_ho_so: str, ma_tthc: str, **changes: Any) -> dict[str, Any]:
    return {
        "MaHoSo": ma_ho_so,
        "MaTTHC": ma_tthc,
        "KenhThucHien": 2,
        "ChuHoSo": "Nguyễn Văn An",
        "SoGiayToChuHoSo": "092123456789",
        "Email": "an@example.vn",
        "SoDienThoai": "0912345678",
        "NgayTiepNhan": "20230403083000",
        "NgayHenTra": "20230417170000",
        "TrangThaiHoSo": 2,
        **changes,
    }


def body(*records: dict[str, Any], updating: str = "False") -> dict[str, Any]:
    return {"service": "DongBoHoSoMC", "isUpdating": updating, "data": list(records)}


async def lifecycle_of(
    kafka: str, prefix: str, want: int, grace: float = 2.0
) -> list[dict[str, Any]]:
    return await read_until(
        kafka,
        "dossier.lifecycle.v1",
        lambda v: str(v.get("payload", {}).get("dossier", {}).get("ma_ho_so", "")).startswith(
            prefix
        ),
        want=want,
        timeout=30,
        grace=grace,
    )


async def test_only_valid_records_reach_the_lifecycle_topic_once(
    gateway: RunningService, catalog_ready: dict[str, str], kafka_bootstrap: str
) -> None:
    key = await issue_key(gateway, "SXD")
    run = f"GW-{uuid.uuid4().hex[:8]}"
    good_a, good_b = (
        record(f"{run}-A", catalog_ready["sxd_a"]),
        record(f"{run}-B", catalog_ready["sxd_b"]),
    )
    missing_due = record(f"{run}-C", catalog_ready["sxd_a"])
    del missing_due["NgayHenTra"]
    other_agency = record(f"{run}-D", catalog_ready["stp"])
    unknown = record(f"{run}-E", "3.999999" if catalog_ready["sxd_a"] != "3.999999" else "3.999998")
    bad_dates = record(f"{run}-F", catalog_ready["sxd_a"], NgayHenTra="20230101000000")
    headers = {"X-API-Key": key}
    async with httpx.AsyncClient(base_url=gateway.url, headers=headers) as client:
        first = await client.post(
            "/v1/dvcqg/DongBoHoSoMC",
            json=body(good_a, good_b, missing_due, other_agency, unknown, bad_dates),
        )
        again = await client.post("/v1/dvcqg/DongBoHoSoMC", json=body(good_a, updating="True"))
        unauthorized = await client.post(
            "/v1/dvcqg/DongBoHoSoMC", json=body(good_a), headers={"X-API-Key": key + "x"}
        )
        not_the_shape = await client.post("/v1/dvcqg/DongBoHoSoMC", json={"data": "nope"})

    assert first.status_code == 200
    results = {r["MaHoSo"]: r for r in first.json()["results"]}
    assert first.json()["error_code"] == "0"
    assert [results[f"{run}-{x}"]["accepted"] for x in "ABCDEF"] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert "NgayHenTra" in results[f"{run}-C"]["reason"]
    assert results[f"{run}-C"]["code"] == "invalid_record"
    assert (results[f"{run}-D"]["code"], results[f"{run}-D"]["reason"]) == (
        "other_agency_procedure",
        f"MaTTHC {catalog_ready['stp']} thuộc cơ quan STP, không phải SXD",
    )
    assert (results[f"{run}-E"]["code"], results[f"{run}-E"]["reason"]) == (
        "unknown_procedure",
        f"MaTTHC {unknown['MaTTHC']} không có trong danh mục tiếp nhận tại Trung tâm",
    )
    assert (results[f"{run}-F"]["code"], results[f"{run}-F"]["reason"]) == (
        "inconsistent_dates",
        "NgayHenTra trước NgayTiepNhan",
    )
    assert again.json()["results"] == [
        {"MaHoSo": f"{run}-A", "accepted": True, "code": None, "reason": None}
    ]
    async with httpx.AsyncClient(base_url=gateway.url) as portal:
        lookup = await portal.get(f"/v1/public/dossiers/{run}-A")
        missing = await portal.get(f"/v1/public/dossiers/{run}-NONE")
    # The portal reads DVCQG's own dates: yyyyMMddHHmmss, Vietnam time (as sent).
    assert lookup.json() == {
        "MaHoSo": f"{run}-A",
        "MaTTHC": catalog_ready["sxd_a"],
        "TenTTHC": lookup.json()["TenTTHC"],
        "TrangThaiHoSo": 2,
        "NgayTiepNhan": "20230403083000",
        "NgayHenTra": "20230417170000",
        "NgayKetThucXuLy": None,
        "NgayTra": None,
    }
    assert missing.status_code == 404
    assert missing.json() == {
        "error_code": "404",
        "code": "dossier_not_found",
        "message": "Không tìm thấy hồ sơ.",
        "field": "ma_ho_so",
    }
    assert unauthorized.status_code == 401
    assert unauthorized.json()["code"] == "api_key_required"
    assert not_the_shape.status_code == 400
    assert not_the_shape.json()["code"] == "invalid_body"
    assert not_the_shape.json()["field"] in ("service", "data")

    events = await lifecycle_of(kafka_bootstrap, run, want=2)
    assert sorted(e["payload"]["dossier"]["ma_ho_so"] for e in events) == [f"{run}-A", f"{run}-B"]
    assert {e["event_type"] for e in events} == {"dossier.received"}
    text = json.dumps(events, ensure_ascii=False)
    for personal in ("Nguyễn Văn An", "092123456789", "an@example.vn", "0912345678"):
        assert personal not in text


async def test_signed_kafka_ingress_is_accepted_and_forgeries_are_dead_lettered(
    gateway: RunningService, catalog_ready: dict[str, str], kafka_bootstrap: str
) -> None:
    key = await issue_key(gateway, "SXD")
    run = f"KI-{uuid.uuid4().hex[:8]}"
    signed = json.dumps(body(record(f"{run}-OK", catalog_ready["sxd_a"]))).encode()
    forged = json.dumps(body(record(f"{run}-FORGED", catalog_ready["sxd_a"]))).encode()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for value, secret, message_id in (
            (signed, key, f"{run}-1"),
            (forged, "not-the-key", f"{run}-2"),
        ):
            stamp = str(int(time.time()))
            headers = [
                ("x-pasc-agency", b"SXD"),
                ("x-pasc-timestamp", stamp.encode()),
                ("x-pasc-message-id", message_id.encode()),
                ("x-pasc-signature", sign(secret, stamp, message_id, value).encode()),
            ]
            await producer.send_and_wait(
                "gateway.ingress.dvcqg.v1", value, key=b"SXD", headers=headers
            )
        await producer.send_and_wait("gateway.ingress.dvcqg.v1", forged, key=b"SXD")  # unsigned
    finally:
        await producer.stop()

    events = await lifecycle_of(kafka_bootstrap, run, want=1)
    assert [e["payload"]["dossier"]["ma_ho_so"] for e in events] == [f"{run}-OK"]
    letters = await read_until(
        kafka_bootstrap,
        "deadletter.v1",
        lambda v: (
            v.get("payload", {}).get("consumer_group")
            == gateway.group_for("gateway.ingress.dvcqg.v1")
            and f"{run}-FORGED".encode()
            in __import__("base64").b64decode(v["payload"]["original_value_b64"])
        ),
        want=2,
        timeout=30,
    )
    assert {letter["payload"]["kind"] for letter in letters} == {"bad_signature"}


async def test_the_messages_that_stopped_the_ingress_are_dead_lettered_and_the_next_applied(
    gateway: RunningService, catalog_ready: dict[str, str], kafka_bootstrap: str
) -> None:
    """Issue 20: a deeply nested body (its dead letter's redaction recursed) and a non-ASCII
    x-pasc-signature (compare_digest raised TypeError) each made the gateway read the same
    batch again for ever. Both are dead letters now, and the good message after them, on the
    same partition (same key), is applied."""
    # STP: the verifier caches an agency's keys for seconds, and the test above keyed SXD.
    key = await issue_key(gateway, "STP")
    run = f"KW-{uuid.uuid4().hex[:8]}"
    good = json.dumps(body(record(f"{run}-OK", catalog_ready["stp"]))).encode()
    deep = b'{"service": "DongBoHoSoMC", "data": [' + b"[" * 200_000
    stamp = str(int(time.time()))

    def headers(message_id: str, signature: bytes) -> list[tuple[str, bytes]]:
        return [
            ("x-pasc-agency", b"STP"),
            ("x-pasc-timestamp", stamp.encode()),
            ("x-pasc-message-id", message_id.encode()),
            ("x-pasc-signature", signature),
        ]

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for value, message_id, signature in (
            (deep, f"{run}-deep", b"0" * 64),
            (good, f"{run}-ascii", "é".encode() * 32),
            (good, f"{run}-good", sign(key, stamp, f"{run}-good", good).encode()),
        ):
            await producer.send_and_wait(
                "gateway.ingress.dvcqg.v1",
                value,
                key=b"STP",
                headers=headers(message_id, signature),
            )
    finally:
        await producer.stop()

    events = await lifecycle_of(kafka_bootstrap, run, want=1)
    assert [e["payload"]["dossier"]["ma_ho_so"] for e in events] == [f"{run}-OK"]
    letters = await read_until(
        kafka_bootstrap,
        "deadletter.v1",
        lambda v: (
            v.get("payload", {}).get("consumer_group")
            == gateway.group_for("gateway.ingress.dvcqg.v1")
            and v["payload"]["original_headers"].get("x-pasc-message-id", "").startswith(run)
        ),
        want=2,
        timeout=30,
        grace=1,
    )
    by_id = {
        letter["payload"]["original_headers"]["x-pasc-message-id"]: letter for letter in letters
    }
    assert set(by_id) == {f"{run}-deep", f"{run}-ascii"}
    deep_letter = by_id[f"{run}-deep"]["payload"]
    assert deep_letter["kind"] == "bad_signature"
    assert "redaction failed" in deep_letter["error"] or deep_letter["original_value_b64"]
    # processing_failed while the signature check raises; bad_signature once it refuses.
    assert by_id[f"{run}-ascii"]["payload"]["kind"] in ("processing_failed", "bad_signature")


@pytest.fixture
async def department_system(gateway: RunningService) -> AsyncIterator[Any]:
    with stub_server(fail_first=3, webhook_secret=WEBHOOK_SECRET) as (endpoint, received):
        name = f"sxd-system-{uuid.uuid4().hex[:6]}"
        async with httpx.AsyncClient(
            base_url=gateway.url, auth=keycloak.auth("operator")
        ) as client:
            response = await client.put(
                f"/admin/connectors/{name}",
                json={
                    "name": name,
                    "kind": "department",
                    "endpoint": endpoint,
                    "topics": ["dossier.lifecycle.v1"],
                    "agency_code": "SXD",
                    "secret": WEBHOOK_SECRET,
                },
            )
        assert response.status_code == 200, response.text
        yield received


async def test_a_failing_external_system_gets_every_event_once_in_order(
    gateway: RunningService, catalog_ready: dict[str, str], department_system: Any
) -> None:
    key = await issue_key(gateway, "SXD")
    run = f"DL-{uuid.uuid4().hex[:8]}"
    code = catalog_ready["sxd_a"]
    steps = [
        {},
        {"TrangThaiHoSo": 4},
        {"TrangThaiHoSo": 9, "NgayKetThucXuLy": "20230410100000"},
        {"TrangThaiHoSo": 10, "NgayKetThucXuLy": "20230410100000", "NgayTra": "20230411090000"},
    ]
    async with httpx.AsyncClient(base_url=gateway.url, headers={"X-API-Key": key}) as client:
        for step in steps:
            for dossier in ("X", "Y"):
                r = await client.post(
                    "/v1/dvcqg/DongBoHoSoMC", json=body(record(f"{run}-{dossier}", code, **step))
                )
                assert r.json()["results"][0]["accepted"], r.text

    def ours() -> list[Any]:
        return [
            b
            for b in department_system.bodies()
            # The shared topic also carries other tests' events without a dossier (steps).
            if str(b["payload"].get("dossier", {}).get("ma_ho_so", "")).startswith(run)
        ]

    deadline = time.monotonic() + 240  # a fresh deliveries group first replays the topic
    while len(ours()) < 8 and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # anything extra (a duplicate) would arrive now
    got = ours()
    assert department_system.refused == 3
    assert department_system.bad_signatures == []  # every attempt signed the Standard Webhooks way
    assert len(got) == 8
    assert len({b["event_id"] for b in got}) == 8
    for dossier in ("X", "Y"):
        revisions = [
            b["payload"]["dossier"]["revision"]
            for b in got
            if b["payload"]["dossier"]["ma_ho_so"] == f"{run}-{dossier}"
        ]
        assert revisions == [1, 2, 3, 4]


async def test_the_ingress_reads_the_body_by_its_service_field_not_its_bytes(
    gateway: RunningService, catalog_ready: dict[str, str], kafka_bootstrap: str
) -> None:
    """A valid DongBoHoSoMC whose TenTTHC reads "CapNhatTienDoHoSoMC" is a dossier: the body's
    own `service` field chooses the parser (a discriminated union), never its bytes."""
    key = await issue_key(gateway, "SXD")
    await asyncio.sleep(6)  # the verifier caches an agency's keys for 5 s; other tests keyed SXD
    run = f"KA-{uuid.uuid4().hex[:8]}"
    ambiguous = record(f"{run}-AMB", catalog_ready["sxd_a"], TenTTHC="CapNhatTienDoHoSoMC")
    value = json.dumps(body(ambiguous), ensure_ascii=False).encode()
    assert b'"CapNhatTienDoHoSoMC"' in value
    stamp, message_id = str(int(time.time())), f"{run}-1"
    headers = [
        ("x-pasc-agency", b"SXD"),
        ("x-pasc-timestamp", stamp.encode()),
        ("x-pasc-message-id", message_id.encode()),
        ("x-pasc-signature", sign(key, stamp, message_id, value).encode()),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait("gateway.ingress.dvcqg.v1", value, key=b"SXD", headers=headers)
    finally:
        await producer.stop()

    events = await lifecycle_of(kafka_bootstrap, run, want=1)
    assert [(e["event_type"], e["payload"]["dossier"]["ma_ho_so"]) for e in events] == [
        ("dossier.received", f"{run}-AMB")
    ]
