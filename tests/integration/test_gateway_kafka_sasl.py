"""Kafka with the production security on: SCRAM over TLS, and ACLs from the topic registry.

A dedicated local broker (deploy/local/sasl_broker.py: SASL_SSL + SCRAM-SHA-512, mutual TLS on
the controller listener, StandardAuthorizer, no ACL = no access) runs beside the plain one. A
real gateway connects to it with its SCRAM credentials and does its work end to end; a user
without ACLs, a wrong password, a plaintext client and a service stepping outside its own
topics are all refused.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

from integration_gateway.domain.identity import sign
from pasc_contracts import encode
from pasc_contracts.events.catalog import Procedure, ProcedureRegistered
from support import keycloak
from support.processes import RunningService, run_service

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

from sasl_broker import SaslBroker, sasl_broker

pytestmark = pytest.mark.integration
GATEWAY = "integration-gateway"
DEPARTMENT = "dept-sxd"
INTRUDER = "intruder"
CODE = "3.424242"


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SaslBroker]:
    directory = tmp_path_factory.mktemp("kafka-sasl")
    users = (GATEWAY, DEPARTMENT, INTRUDER)
    with sasl_broker(directory, users=users, producers=(DEPARTMENT,)) as running:
        yield running


@pytest.fixture(scope="module")
def gateway(broker: SaslBroker, database_url: str) -> Iterator[RunningService]:
    env = broker.client_env(GATEWAY)
    with run_service(
        "integration_gateway", kafka=broker.bootstrap, database_url=database_url, extra_env=env
    ) as service:
        yield service


async def produce(
    broker: SaslBroker,
    user: str,
    topic: str,
    value: bytes,
    *,
    password: str | None = None,
    **kw: Any,
) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=broker.bootstrap,
        acks="all",
        request_timeout_ms=5000,
        **broker.client_options(user, password),
    )
    try:
        await producer.start()
        await asyncio.wait_for(producer.send_and_wait(topic, value, **kw), 15)
    finally:
        await producer.stop()


async def consume_one(broker: SaslBroker, user: str, topic: str, group: str) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker.bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        request_timeout_ms=5000,
        **broker.client_options(user),
    )
    try:
        await consumer.start()
        batches = await asyncio.wait_for(consumer.getmany(timeout_ms=3000), 15)
        return [r.value for records in batches.values() for r in records]
    finally:
        await consumer.stop()


async def test_a_service_works_with_its_scram_credentials_and_acls(
    broker: SaslBroker, gateway: RunningService, database_url: str
) -> None:
    registered = ProcedureRegistered(
        producer="catalog-service",
        payload=Procedure(
            ma_tthc=CODE,
            ten_tthc="Thủ tục thử SASL",
            agency_code="SXD",
            at_center=True,
            effective_from=date(2023, 4, 1),
            catalog_version=1,
        ),
    )
    await produce(broker, "admin", "catalog.procedures.v1", encode(registered), key=CODE.encode())
    conn = await asyncpg.connect(database_url)
    try:
        for _ in range(150):
            if await conn.fetchval(
                f"SELECT count(*) FROM {gateway.schema}.procedures WHERE ma_tthc = $1", CODE
            ):
                break
            await asyncio.sleep(0.2)
        else:
            raise AssertionError("the gateway did not read the catalog over SASL_SSL")
    finally:
        await conn.close()

    async with httpx.AsyncClient(base_url=gateway.url) as client:
        key = (
            await client.post("/admin/keys", json={"agency": "SXD"}, auth=keycloak.auth("operator"))
        ).json()["api_key"]
    ma_ho_so = f"SASL-{uuid.uuid4().hex[:8]}"
    body = json.dumps(
        {
            "service": "DongBoHoSoMC",
            "data": [
                {
                    "MaHoSo": ma_ho_so,
                    "MaTTHC": CODE,
                    "KenhThucHien": 2,
                    "NgayTiepNhan": "20230403083000",
                    "NgayHenTra": "20230417170000",
                    "TrangThaiHoSo": 2,
                }
            ],
        }
    ).encode()
    stamp, message_id = str(int(time.time())), uuid.uuid4().hex
    headers = [
        ("x-pasc-agency", b"SXD"),
        ("x-pasc-timestamp", stamp.encode()),
        ("x-pasc-message-id", message_id.encode()),
        ("x-pasc-signature", sign(key, stamp, message_id, body).encode()),
    ]
    await produce(broker, DEPARTMENT, "gateway.ingress.dvcqg.v1", body, key=b"SXD", headers=headers)

    deadline = time.monotonic() + 30
    found: list[bytes] = []
    while not found and time.monotonic() < deadline:
        values = await consume_one(broker, "admin", "dossier.lifecycle.v1", f"admin-{uuid.uuid4()}")
        found = [v for v in values if ma_ho_so.encode() in v]
    assert found, "the gateway did not publish the dossier over SASL_SSL"
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        health = (await client.get("/health")).json()
    assert health, "health answers"


async def test_whoever_has_no_acl_or_no_credentials_is_refused(broker: SaslBroker) -> None:
    event = b'{"not": "allowed"}'
    refusals = {
        "intruder writes a contract topic": produce(
            broker, INTRUDER, "dossier.lifecycle.v1", event
        ),
        "intruder reads the ingress": consume_one(
            broker, INTRUDER, "gateway.ingress.dvcqg.v1", "intruder-group"
        ),
        "the gateway writes a topic it does not own": produce(
            broker, GATEWAY, "plan.tasks.v1", event
        ),
        "the gateway reads under another service's group": consume_one(
            broker, GATEWAY, "catalog.procedures.v1", "reporting-service"
        ),
        "a department system reads the lifecycle": consume_one(
            broker, DEPARTMENT, "dossier.lifecycle.v1", "dept-sxd"
        ),
        "a wrong password": produce(
            broker, GATEWAY, "dossier.lifecycle.v1", event, password="not-the-password"
        ),
    }
    refused = {}
    for what, attempt in refusals.items():
        with pytest.raises(KafkaError) as error:
            await attempt
            pytest.fail(f"{what}: allowed")
        refused[what] = type(error.value).__name__
    assert refused == {
        "intruder writes a contract topic": "TopicAuthorizationFailedError",
        "intruder reads the ingress": "TopicAuthorizationFailedError",
        "the gateway writes a topic it does not own": "TopicAuthorizationFailedError",
        "the gateway reads under another service's group": "GroupAuthorizationFailedError",
        "a department system reads the lifecycle": "TopicAuthorizationFailedError",
        "a wrong password": "KafkaConnectionError",  # SaslAuthenticationFailed, logged
    }

    plaintext = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, request_timeout_ms=3000)
    with pytest.raises((KafkaError, TimeoutError)):  # TLS expected: the handshake fails
        await asyncio.wait_for(plaintext.start(), 10)
    await plaintext.stop()
