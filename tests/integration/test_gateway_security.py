"""integration-gateway keeps out whoever does not belong, on the real broker and database.

Every refused request or message has no effect (no event, no dossier) and leaves an audit
entry; the audit log cannot be changed; secrets and applicants' data never reach the logs or
the dead-letter topic.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import secrets
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from integration_gateway.domain.identity import sign
from pasc_contracts.events.catalog import (
    Decision,
    DecisionApplied,
    Procedure,
    ProcedureRegistered,
)
from support import keycloak
from support.kafka import publish
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

ADMIN_TOKEN = f"admin-{uuid.uuid4().hex}"
SECRETS = {
    "ADMIN_TOKEN": ADMIN_TOKEN,
    "KEY_ENCRYPTION_SECRET": f"kek-{uuid.uuid4().hex}",
    "PSEUDONYM_SECRET": f"pseudo-{uuid.uuid4().hex}",
}
PERSONAL = ("Võ Thị Thùy Trang", "092987654321", "trang.vo@example.vn", "0987654321")
ADMIN = {"X-Admin-Token": ADMIN_TOKEN}  # required besides an operator's token where it is set
OPERATOR = keycloak.auth("operator")
# A connector's Standard Webhooks secret: whsec_ and the base64 of 32 random bytes.
CONNECTOR_SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
CATALOG_CATCH_UP_S = 180
DEAD_LETTER_WAIT_S = 180


@pytest.fixture(scope="module")
def gateway(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    env = {
        **SECRETS,
        "MAX_BODY_BYTES": "20000",
        "BODY_TIMEOUT_S": "1",
        "HTTP_HEADER_TIMEOUT_S": "1",
        "INGRESS_MAX_SKEW_S": "60",
        "INGRESS_KEY_CACHE_S": "0.2",
    }
    with run_service(
        "integration_gateway", kafka=kafka_bootstrap, database_url=database_url, extra_env=env
    ) as service:
        yield service


@pytest.fixture(scope="module")
async def procedures(gateway: RunningService, kafka_bootstrap: str, database_url: str) -> dict:
    rng = random.Random()
    codes = {"SXD": f"3.{rng.randrange(10**6):06d}", "STP": f"3.{rng.randrange(10**6):06d}"}
    await publish(
        kafka_bootstrap,
        [
            ProcedureRegistered(
                producer="catalog-service",
                payload=Procedure(
                    ma_tthc=code,
                    ten_tthc=f"Thủ tục kiểm thử bảo mật {agency}",
                    agency_code=agency,
                    at_center=True,
                    effective_from=date(2023, 4, 1),
                    catalog_version=1_000_000,
                ),
            )
            for agency, code in codes.items()
        ],
    )
    conn = await asyncpg.connect(database_url)
    try:
        # A new gateway reads the whole catalog topic first (tens of thousands of events).
        deadline = time.monotonic() + CATALOG_CATCH_UP_S
        while time.monotonic() < deadline:
            known = await conn.fetchval(
                f"SELECT count(*) FROM {gateway.schema}.procedures WHERE ma_tthc = ANY($1)",
                list(codes.values()),
            )
            if known == 2:
                return codes
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise AssertionError("the gateway never learned the test procedures")


async def issue_key(gateway: RunningService, agency: str) -> tuple[str, str]:
    async with httpx.AsyncClient(base_url=gateway.url, headers=ADMIN, auth=OPERATOR) as client:
        response = await client.post("/admin/keys", json={"agency": agency, "label": "security"})
    assert response.status_code == 201, response.text
    return response.json()["key_id"], response.json()["api_key"]


def record(ma_ho_so: str, ma_tthc: str) -> dict[str, Any]:
    name, id_number, email, phone = PERSONAL
    return {
        "MaHoSo": ma_ho_so,
        "MaTTHC": ma_tthc,
        "KenhThucHien": 2,
        "ChuHoSo": name,
        "SoGiayToChuHoSo": id_number,
        "Email": email,
        "SoDienThoai": phone,
        "NgayTiepNhan": "20230403083000",
        "NgayHenTra": "20230417170000",
        "TrangThaiHoSo": 2,
    }


def body(*records: dict[str, Any]) -> dict[str, Any]:
    return {"service": "DongBoHoSoMC", "isUpdating": "False", "data": list(records)}


async def dossiers_like(database_url: str, schema: str, prefix: str) -> list[str]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            f"SELECT ma_ho_so FROM {schema}.dossiers WHERE ma_ho_so LIKE $1 ORDER BY 1",
            prefix + "%",
        )
    finally:
        await conn.close()
    return [r["ma_ho_so"] for r in rows]


async def audit_entries(gateway: RunningService, **params: Any) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=gateway.url, headers=ADMIN, auth=OPERATOR) as client:
        response = await client.get("/admin/audit", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_requests_without_a_valid_key_of_the_right_agency_are_refused_with_no_effect(
    gateway: RunningService, procedures: dict[str, str], database_url: str
) -> None:
    run = f"SEC-{uuid.uuid4().hex[:8]}"
    key_id, key = await issue_key(gateway, "SXD")
    revoked_id, revoked = await issue_key(gateway, "SXD")
    async with httpx.AsyncClient(base_url=gateway.url, headers=ADMIN, auth=OPERATOR) as admin:
        assert (await admin.post(f"/admin/keys/{revoked_id}/revoke")).status_code == 200
    sxd_record = body(record(f"{run}-A", procedures["SXD"]))
    stp_record = body(record(f"{run}-B", procedures["STP"]))
    url = "/v1/dvcqg/DongBoHoSoMC"
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        no_key = await client.post(url, json=sxd_record)
        wrong_key = await client.post(url, json=sxd_record, headers={"X-API-Key": key[:-2] + "zz"})
        revoked_key = await client.post(url, json=sxd_record, headers={"X-API-Key": revoked})
        bearer_revoked = await client.post(
            url, json=sxd_record, headers={"Authorization": f"Bearer {revoked}"}
        )
        claims_stp = await client.post(
            url, json=stp_record, headers={"X-API-Key": key, "X-PASC-Agency": "STP"}
        )
        stp_with_sxd_key = await client.post(url, json=stp_record, headers={"X-API-Key": key})
        admin_without_token = await client.post("/admin/keys", json={"agency": "SXD"})
        admin_wrong_token = await client.get(
            "/admin/audit", headers={"X-Admin-Token": ADMIN_TOKEN + "x"}, auth=OPERATOR
        )
        progress_no_key = await client.post(
            "/v1/plan/progress", json={"plan_id": "p", "task_no": 1, "percent": 10}
        )

    for response in (no_key, wrong_key, revoked_key, bearer_revoked, progress_no_key):
        assert response.status_code == 401, response.text
        assert response.json() == {
            "error_code": "401",
            "code": "api_key_required",
            "message": "Cần API key (X-API-Key) hoặc session hợp lệ của bước xác thực.",
            "field": None,
        }
    assert claims_stp.status_code == 403
    assert claims_stp.json() == {
        "error_code": "403",
        "code": "agency_mismatch",
        "message": "X-PASC-Agency: khóa này thuộc SXD, không phải STP",
        "field": "X-PASC-Agency",
    }
    assert stp_with_sxd_key.status_code == 200
    refused = stp_with_sxd_key.json()["results"][0]
    assert refused["accepted"] is False and refused["code"] == "other_agency_procedure"
    assert refused["reason"].endswith("thuộc cơ quan STP, không phải SXD")
    assert admin_without_token.status_code == 401
    assert admin_wrong_token.status_code == 401
    assert await dossiers_like(database_url, gateway.schema, run) == []

    refused = [e for e in await audit_entries(gateway) if e["outcome"].startswith("refused")]
    assert sum(e["outcome"] == "refused 401" for e in refused) >= 7
    assert any(e["outcome"] == "refused 403" and e["actor"] == f"key:{key_id}" for e in refused)
    assert any(e["details"].get("presented_key_id") == revoked_id for e in refused)
    text = json.dumps(refused)
    assert revoked not in text and key not in text and ADMIN_TOKEN not in text


def _raw_post(port: int, head: bytes, chunks: list[bytes], pause: float) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except OSError:
                break
            time.sleep(pause)
        received = b""
        while not received.endswith(b"}") and b"\r\n\r\n" not in received[-4:]:
            try:
                data = sock.recv(65536)
            except OSError:
                break
            if not data:
                break
            received += data
    return received


async def test_oversized_bodies_and_slow_clients_are_refused_with_no_effect(
    gateway: RunningService, procedures: dict[str, str], database_url: str
) -> None:
    run = f"BIG-{uuid.uuid4().hex[:8]}"
    _, key = await issue_key(gateway, "SXD")
    port = int(gateway.url.rsplit(":", 1)[1])
    many = body(*(record(f"{run}-{i}", procedures["SXD"]) for i in range(200)))
    payload = json.dumps(many).encode()
    assert len(payload) > 20000
    async with httpx.AsyncClient(base_url=gateway.url, headers={"X-API-Key": key}) as client:
        declared = await client.post("/v1/dvcqg/DongBoHoSoMC", content=payload)

        async def undeclared() -> Any:  # chunked: no Content-Length to refuse it by
            for start in range(0, len(payload), 4096):
                yield payload[start : start + 4096]

        streamed = await client.post("/v1/dvcqg/DongBoHoSoMC", content=undeclared())
    assert declared.status_code == 413, declared.text
    assert streamed.status_code == 413, streamed.text

    small = json.dumps(body(record(f"{run}-slow", procedures["SXD"]))).encode()
    head = (
        f"POST /v1/dvcqg/DongBoHoSoMC HTTP/1.1\r\nHost: x\r\nX-API-Key: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(small)}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    slow_body = await asyncio.to_thread(
        _raw_post, port, head, [small[i : i + 8] for i in range(0, len(small), 8)], 0.2
    )
    assert slow_body.startswith(b"HTTP/1.1 408"), slow_body[:200]
    assert time.monotonic() - started < 6
    slow_headers = await asyncio.to_thread(
        _raw_post, port, b"", [head[i : i + 4] for i in range(0, len(head), 4)], 0.2
    )
    assert slow_headers.startswith(b"HTTP/1.1 408"), slow_headers[:200]
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        assert (await client.get("/health")).status_code == 200  # still serving
    assert await dossiers_like(database_url, gateway.schema, run) == []


async def _send_signed(kafka: str, messages: list[tuple[bytes, str, str, str, int]]) -> None:
    """messages: (body, agency header, signing key, message id, timestamp)."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all")
    await producer.start()
    try:
        for value, agency, secret, message_id, stamp in messages:
            headers = [
                ("x-pasc-agency", agency.encode()),
                ("x-pasc-timestamp", str(stamp).encode()),
                ("x-pasc-message-id", message_id.encode()),
                ("x-pasc-signature", sign(secret, str(stamp), message_id, value).encode()),
            ]
            await producer.send_and_wait(
                "gateway.ingress.dvcqg.v1", value, key=agency.encode(), headers=headers
            )
    finally:
        await producer.stop()


async def dead_letter_offsets(kafka: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition("deadletter.v1", p) for p in range(3)]
        consumer.assign(partitions)
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def dead_letters_since(
    kafka: str, start: dict[TopicPartition, int], predicate: Any, *, want: int
) -> list[dict[str, Any]]:
    """Dead letters published after `start` that satisfy `predicate`: `want` of them, plus any
    extra (a duplicate) arriving within a second; the gateway may first be replaying history."""
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        deadline, settle = time.monotonic() + DEAD_LETTER_WAIT_S, None
        while time.monotonic() < deadline and (settle is None or time.monotonic() < settle):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += [v for r in records if predicate(v := json.loads(r.value))]
            if len(found) >= want and settle is None:
                settle = time.monotonic() + 1.0
    finally:
        await consumer.stop()
    return found


async def test_replayed_stale_misattributed_and_revoked_kafka_messages_have_no_effect(
    gateway: RunningService, procedures: dict[str, str], kafka_bootstrap: str, database_url: str
) -> None:
    run = f"RP-{uuid.uuid4().hex[:8]}"
    _, sxd_key = await issue_key(gateway, "SXD")
    revoked_id, revoked_key = await issue_key(gateway, "SXD")
    async with httpx.AsyncClient(base_url=gateway.url, headers=ADMIN, auth=OPERATOR) as admin:
        assert (await admin.post(f"/admin/keys/{revoked_id}/revoke")).status_code == 200
    await asyncio.sleep(0.5)  # past INGRESS_KEY_CACHE_S: the revocation is seen by the verifier

    def value(suffix: str) -> bytes:
        return json.dumps(body(record(f"{run}-{suffix}", procedures["SXD"]))).encode()

    start = await dead_letter_offsets(kafka_bootstrap)
    now = int(time.time())
    first = (value("OK"), "SXD", sxd_key, f"{run}-m1", now)
    await _send_signed(
        kafka_bootstrap,
        [
            first,
            first,  # replayed verbatim, within the window
            (value("STALE"), "SXD", sxd_key, f"{run}-m2", now - 3600),  # outside the window
            (value("FUTURE"), "SXD", sxd_key, f"{run}-m3", now + 3600),
            (value("AS-STP"), "STP", sxd_key, f"{run}-m4", now),  # SXD's key, claims STP
            (value("REVOKED"), "SXD", revoked_key, f"{run}-m5", now),
        ],
    )
    await _send_signed(kafka_bootstrap, [first])  # replayed again, by another producer

    letters = await dead_letters_since(
        kafka_bootstrap,
        start,
        lambda v: (
            v.get("payload", {}).get("consumer_group")
            in (gateway.name, gateway.group_for("gateway.ingress.dvcqg.v1"))
            and f"{run}-".encode() in base64.b64decode(v["payload"]["original_value_b64"])
        ),
        want=4,
    )
    assert len(letters) == 4
    reasons = sorted(letter["payload"]["error"] for letter in letters)
    assert sum("window" in r for r in reasons) == 2
    assert sum("does not match a key of" in r for r in reasons) == 2
    text = "".join(
        base64.b64decode(letter["payload"]["original_value_b64"]).decode() for letter in letters
    )
    for personal in PERSONAL:
        assert personal not in text, "a dead letter carries personal data"
    for _ in range(100):
        if await dossiers_like(database_url, gateway.schema, run):
            break
        await asyncio.sleep(0.2)
    assert await dossiers_like(database_url, gateway.schema, run) == [f"{run}-OK"]
    ingests = [
        e
        for e in await audit_entries(gateway, action="kafka.DongBoHoSoMC")
        if e["actor"] == f"kafka:{run}-m1"
    ]
    assert len(ingests) == 1, "a replayed message was applied again"
    assert ingests[0]["accepted"] == 1


async def test_the_audit_log_records_admin_actions_and_decisions_and_cannot_be_changed(
    gateway: RunningService, kafka_bootstrap: str, database_url: str
) -> None:
    decision_no = f"{random.randrange(10**5)}/QĐ-UBND-TEST"
    key_id, _ = await issue_key(gateway, "STP")
    name = f"audit-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=gateway.url, headers=ADMIN, auth=OPERATOR) as admin:
        saved = await admin.put(
            f"/admin/connectors/{name}",
            json={
                "name": name,
                "kind": "cioc",
                "endpoint": "http://127.0.0.1:9/never",
                "topics": ["kpi.snapshots.v1"],
                "secret": CONNECTOR_SECRET,
            },
        )
        paused = await admin.post(f"/admin/connectors/{name}/pause")
        revoked = await admin.post(f"/admin/keys/{key_id}/revoke")
        changes = [
            await admin.request(method, "/admin/audit", json={})
            for method in ("PUT", "PATCH", "DELETE", "POST")
        ]
        one = await admin.delete("/admin/audit/1")
    assert (saved.status_code, paused.status_code, revoked.status_code) == (200, 200, 200)
    assert [r.status_code for r in changes] == [405, 405, 405, 405]
    assert one.status_code in (404, 405)

    await publish(
        kafka_bootstrap,
        [
            DecisionApplied(
                producer="catalog-service",
                payload=Decision(
                    decision_no=decision_no,
                    signed_on=date(2023, 3, 28),
                    signer="Chủ tịch UBND thành phố",
                    effective_from=date(2023, 4, 1),
                    added=["1.000001", "1.000002"],
                    recorded_by="catalog-admin",
                ),
            )
        ],
    )
    for _ in range(100):
        decisions = [
            e
            for e in await audit_entries(gateway, action="catalog.decision_applied")
            if e["details"]["decision_no"] == decision_no
        ]
        if decisions:
            break
        await asyncio.sleep(0.2)
    assert len(decisions) == 1
    assert decisions[0]["actor"] == "catalog-service:catalog-admin"
    assert decisions[0]["details"]["added"] == 2

    actions = {
        (e["action"], e["details"].get("key_id") or e["details"].get("name"))
        for e in await audit_entries(gateway)
    }
    for expected in (
        ("key.issued", key_id),
        ("key.revoked", key_id),
        ("connector.saved", name),
        ("connector.pause", name),
    ):
        assert expected in actions
    assert CONNECTOR_SECRET not in json.dumps(await audit_entries(gateway))

    conn = await asyncpg.connect(database_url)
    try:
        for statement in (
            f"UPDATE {gateway.schema}.audit_log SET outcome = 'ok'",
            f"DELETE FROM {gateway.schema}.audit_log",
            f"TRUNCATE {gateway.schema}.audit_log",
        ):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await conn.execute(statement)
    finally:
        await conn.close()


def test_no_secret_reaches_the_log(gateway: RunningService) -> None:
    log = gateway.log.read_text(errors="replace")
    assert log  # the service did log
    for name, secret in SECRETS.items():
        assert secret not in log, f"{name} is in the log"
    for personal in PERSONAL:
        assert personal not in log
