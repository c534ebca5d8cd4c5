"""The integration kit's Java example, built with Maven and run against the real broker: the
records it signs and publishes are accepted by a real gateway, and its signature is the one
`pasc_contracts.dvcqg.ingress_signature` computes for the same bytes."""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from pasc_contracts.dvcqg import ingress_signature
from support import keycloak
from support.catalog import procedure, teach_gateway
from support.kafka import read_until
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "services"
    / "integration-gateway"
    / "examples"
    / "java-ingress"
)
TOPIC = "gateway.ingress.dvcqg.v1"
SENT = re.compile(
    r"sent \S+ partition=(?P<partition>\d+) offset=(?P<offset>\d+)"
    r" timestamp=(?P<timestamp>\d+) message_id=(?P<message_id>\S+) signature=(?P<signature>[0-9a-f]{64})"
)


@pytest.fixture(scope="module")
def gateway(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service(
        "integration_gateway", kafka=kafka_bootstrap, database_url=database_url
    ) as service:
        yield service


def maven(project: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Maven resolves from Maven Central into ~/.m2 on the first run; later runs use the cache
    (and work with `-o`)."""
    mvn = shutil.which("mvn")
    assert mvn is not None, "Maven is needed (Debian: apt-get install maven)"
    return subprocess.run(
        [mvn, "-B", "-q", "--no-transfer-progress", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


async def message_at(bootstrap: str, partition: int, offset: int) -> tuple[bytes, dict[str, bytes]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(TOPIC, partition)
        consumer.assign([tp])
        consumer.seek(tp, offset)
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
        assert record.value is not None
        return record.value, {k: bytes(v) for k, v in record.headers}
    finally:
        await consumer.stop()


async def test_the_java_example_publishes_signed_records_the_gateway_accepts(
    gateway: RunningService, kafka_bootstrap: str, database_url: str, tmp_path: Path
) -> None:
    code = f"3.{random.randrange(10**6):06d}"  # no real national code starts with 3
    await teach_gateway(kafka_bootstrap, database_url, gateway, [procedure(code, "SXD")])
    async with httpx.AsyncClient(base_url=gateway.url, auth=keycloak.auth("operator")) as client:
        response = await client.post("/admin/keys", json={"agency": "SXD", "label": "java"})
    assert response.status_code == 201, response.text
    key = str(response.json()["api_key"])

    # Built in a copy, so the test leaves no target/ in the source tree.
    project = tmp_path / "java-ingress"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("target"))
    ma_ho_so = f"JV-{uuid.uuid4().hex[:8]}-1"
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "PASC_AGENCY": "SXD",
        "PASC_API_KEY": key,
    }
    run = await asyncio.to_thread(
        maven, project, "compile", "exec:java", f"-Dexec.args={code} {ma_ho_so}", env=env
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    sent = SENT.search(run.stdout)
    assert sent is not None, run.stdout[-3000:]

    value, headers = await message_at(kafka_bootstrap, int(sent["partition"]), int(sent["offset"]))
    assert headers["x-pasc-agency"] == b"SXD"
    assert headers["x-pasc-signature"].decode() == sent["signature"]
    assert sent["signature"] == ingress_signature(key, sent["timestamp"], sent["message_id"], value)

    events = await read_until(
        kafka_bootstrap,
        "dossier.lifecycle.v1",
        lambda v: v.get("payload", {}).get("dossier", {}).get("ma_ho_so") == ma_ho_so,
        want=1,
        timeout=60,
    )
    assert [e["event_type"] for e in events] == ["dossier.received"]
    assert events[0]["payload"]["dossier"]["agency_code"] == "SXD"
    assert events[0]["payload"]["dossier"]["ma_tthc"] == code
