"""`pasc deadletters list|show|replay` on the real broker: dead letters are found by topic,
kind and time; a replay puts the original key, bytes and headers back on the source topic; the
ingress topic's redacted dead letters and refused events are not replayed, with the reason."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from pasc_contracts import DEAD_LETTER_TOPIC, VN_TZ, encode, topic_of
from pasc_contracts.events.deadletter import DeadLetter, DeadLettered, FailureKind
from pasc_contracts.topics import Key, Topic
from pasc_runtime.deadletters_cli import Filters, read_letters
from pasc_runtime.kafka import ensure_topics
from support.kafka import publish_raw

pytestmark = pytest.mark.integration

PASC = str(Path(sys.executable).parent / "pasc")
INGRESS = "gateway.ingress.dvcqg.v1"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def letter(
    source: str,
    kind: FailureKind,
    value: bytes,
    offset: int,
    key: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> DeadLettered:
    return DeadLettered(
        producer="test",
        payload=DeadLetter(
            source_topic=source,
            partition=0,
            offset=offset,
            consumer_group="test-group",
            kind=kind,
            error=f"{kind.value} in a test",
            attempts=1,
            original_value_b64=b64(value),
            original_key_b64=b64(key) if key is not None else None,
            original_headers=headers or {},
        ),
    )


def pasc(*args: str, bootstrap: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PASC, "deadletters", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "COLUMNS": "200"},
    )


async def test_list_show_and_replay(kafka_bootstrap: str) -> None:
    run = uuid.uuid4().hex[:8]
    source = Topic(
        f"test.replay.{run}", Key("key", ()), "test", (), "replayed by a test", partitions=1
    )
    await ensure_topics(
        kafka_bootstrap, [source, topic_of(letter(INGRESS, FailureKind.NOT_JSON, b"", 0))]
    )
    original = f"not json {run}".encode()
    letters = [
        letter(
            source.name,
            FailureKind.NOT_JSON,
            original,
            5,
            key=b"K1",
            headers={"x-test": run},
        ),
        letter(source.name, FailureKind.REJECTED, b'{"refused": true}', 6),
        letter(INGRESS, FailureKind.BAD_SIGNATURE, f'{{"MaHoSo": "{run}"}}'.encode(), 7),
    ]
    await publish_raw(kafka_bootstrap, DEAD_LETTER_TOPIC, [encode(x) for x in letters], key=b"test")
    mine = [
        x
        for x in await read_letters(Filters(), scan=1000)
        if x.body.source_topic == source.name
        or run.encode() in base64.b64decode(x.body.original_value_b64)
    ]
    by_kind = {x.body.kind: x for x in mine}
    assert set(by_kind) == {FailureKind.NOT_JSON, FailureKind.REJECTED, FailureKind.BAD_SIGNATURE}

    today = datetime.now(VN_TZ).strftime("%d/%m/%Y")
    listed = pasc("list", "--topic", source.name, "--since", today, bootstrap=kafka_bootstrap)
    assert listed.returncode == 0, listed.stderr
    assert "2 dead letters" in listed.stdout
    assert by_kind[FailureKind.NOT_JSON].id in listed.stdout
    only_kind = pasc(
        "list", "--topic", source.name, "--kind", "rejected", bootstrap=kafka_bootstrap
    )
    assert "1 dead letters" in only_kind.stdout
    before = pasc(
        "list", "--topic", source.name, "--until", "01/01/2020", bootstrap=kafka_bootstrap
    )
    assert "0 dead letters" in before.stdout
    bad_date = pasc("list", "--since", "31/02/2023", bootstrap=kafka_bootstrap)
    assert bad_date.returncode == 2
    assert "'31/02/2023' không phải ngày; viết dd/mm/yyyy, dd/mm/yyyy HH:MM" in bad_date.stderr

    shown = pasc("show", by_kind[FailureKind.NOT_JSON].id, bootstrap=kafka_bootstrap)
    assert shown.returncode == 0, shown.stderr
    assert f"source       {source.name} partition 0 offset 5" in shown.stdout
    assert original.decode() in shown.stdout and "replay       possible" in shown.stdout

    replayed = pasc("replay", by_kind[FailureKind.NOT_JSON].id, "--yes", bootstrap=kafka_bootstrap)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "replayed 1, refused 0" in replayed.stdout
    back = await first_message(kafka_bootstrap, source.name)
    assert back == (b"K1", original, {"x-test": run.encode()})

    ingress = pasc(
        "replay", by_kind[FailureKind.BAD_SIGNATURE].id, "--yes", bootstrap=kafka_bootstrap
    )
    assert ingress.returncode == 1
    assert "redacted" in ingress.stderr and f"{INGRESS} partition 0 offset 7" in ingress.stderr
    refused = pasc("replay", by_kind[FailureKind.REJECTED].id, "--yes", bootstrap=kafka_bootstrap)
    assert refused.returncode == 1 and "inbox" in refused.stderr


async def first_message(
    bootstrap: str, topic: str
) -> tuple[bytes | None, bytes | None, dict[str, bytes]]:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
        return record.key, record.value, dict(record.headers)
    finally:
        await consumer.stop()


def test_dead_letter_topic_is_the_registrys() -> None:
    assert topic_of(letter(INGRESS, FailureKind.NOT_JSON, b"", 0)).name == DEAD_LETTER_TOPIC
