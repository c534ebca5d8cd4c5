"""Break the platform on purpose, mid-stream, and prove nothing is lost and nothing counts twice.

Each scenario sends a simulated month (about 3,200 DVCQG records, two departments over the
signed Kafka ingress, the others over HTTP) through the gateway to reporting-service while one
thing breaks, then checks the known set (faults/checks.py). Run with `make test-faults`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import httpx
import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from faults import report
from faults.checks import Ledger, Scenario, Verdict
from faults.platform import Platform
from faults.scenarios import counter, open_transaction, progress, run_scenario, until
from integration_gateway.domain.identity import signature_matches
from pasc_contracts import DecodeError, decode, topic
from pasc_contracts.events.dossier import DossierReceived
from pasc_simulator.send import ingress_headers

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

LIFECYCLE = "dossier.lifecycle.v1"
SKIPPED = "pasc_inbox_duplicates_skipped_total"
INGRESS = "gateway.ingress.dvcqg.v1"


def settle(verdict: Verdict) -> None:
    report.VERDICTS.append(verdict)
    print(report.table([verdict]))
    assert verdict.lost == 0, verdict.problems
    assert verdict.duplicates == 0, verdict.problems
    assert verdict.problems == [], verdict.problems


async def test_poison_messages_go_to_the_dead_letter_topic(
    platform: Platform, ledger: Ledger
) -> None:
    """Bytes that are not JSON, JSON that is not the contract, an unknown schema version and a
    huge message, between good events on busy partitions: dead-lettered, the partitions flow."""

    async def fault(s: Scenario) -> None:
        group = await consumer_group(platform.reporting.url, LIFECYCLE)
        await until(progress(s, 0.4))
        s.fault_at = time.monotonic()
        keys = [sync.record["MaHoSo"] for sync in s.month.syncs[::500]][:4]
        received = DossierReceived.example().model_dump(mode="json")
        received["schema_version"] = 99
        huge = json.dumps({"event_type": "dossier.received", "blob": "x" * 1_040_000}).encode()
        lifecycle = [
            b"\x00\xffnot json at all",
            b'{"hello": "world"}',
            json.dumps(received).encode(),
            huge,
        ]
        producer = AIOKafkaProducer(
            bootstrap_servers=platform.cluster.bootstrap, acks="all", max_request_size=2 << 20
        )
        await producer.start()
        placed = []
        try:
            for key, value in zip(keys, lifecycle, strict=True):
                meta = await producer.send_and_wait(LIFECYCLE, value, key=key.encode())
                placed.append((meta.partition, meta.offset))
            agency = "STP"
            key = platform.keys[agency]
            for n, body in enumerate((b"<xml>not json</xml>", b'{"service": "DongBoHoSoMC"}')):
                headers = ingress_headers(agency, key, body, f"{s.prefix}-poison-{n}")
                await producer.send_and_wait(INGRESS, body, key=agency.encode(), headers=headers)
            await producer.send_and_wait(
                INGRESS, b'{"service": "DongBoHoSoMC", "data": []}', key=b"STP"
            )
        finally:
            await producer.stop()
        # reporting and the gateway's delivery consumer both read the dossier stream.
        s.expected_dead_letters.update(
            {"not_json": 2, "contract_violation": 2, "unsupported_version": 2, "too_large": 2}
        )
        s.expected_dead_letters.update({"rejected": 2, "bad_signature": 1})
        s.recovery_s = await held_up(platform, group, placed)
        s.recovery_note = (
            "longest time a poisoned partition of the dossier stream was held up (poison "
            "published → reporting's committed offset past it)"
        )
        s.notes.append(f"poison at (partition, offset) {placed} of {LIFECYCLE}, 3 on {INGRESS}")
        s.healed_at = time.monotonic()

    settle(await run_scenario(platform, ledger, "poison messages", 1, fault))


async def consumer_group(url: str, topic: str) -> str:
    """The consumer group a service reads `topic` with (its /ready lists "group topic")."""
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        consumers = (await client.get("/ready")).json().get("consumers", {})
    return next(key.rsplit(" ", 1)[0] for key in consumers if key.endswith(f" {topic}"))


async def held_up(p: Platform, group: str, placed: list[tuple[int, int]]) -> float:
    """Until the group's committed offsets pass every poisoned offset; returns how long."""
    started = time.monotonic()
    admin = AIOKafkaAdminClient(bootstrap_servers=p.cluster.bootstrap)
    await admin.start()
    try:
        while time.monotonic() - started < 120:
            offsets = await admin.list_consumer_group_offsets(group)
            if all(
                (meta := offsets.get(TopicPartition(LIFECYCLE, part))) is not None
                and meta.offset > off
                for part, off in placed
            ):
                return time.monotonic() - started
            await asyncio.sleep(0.2)
    finally:
        await admin.close()
    raise AssertionError(f"reporting's offsets never passed the poison at {placed}")


async def test_scale_reporting_from_one_instance_to_two_and_back(
    platform: Platform, ledger: Ledger
) -> None:
    async def fault(s: Scenario) -> None:
        await until(progress(s, 0.2))
        s.fault_at = time.monotonic()
        twin = platform.replica(platform.reporting)
        await asyncio.to_thread(twin.start)
        held = await holds_partitions(twin.url)
        s.notes.append(
            f"second instance joined {time.monotonic() - s.fault_at:.1f} s after start: {held}"
        )
        await until(progress(s, 0.75))
        twin.stop()  # SIGTERM: it leaves the group, the first instance takes everything back
        s.healed_at = time.monotonic()

    settle(await run_scenario(platform, ledger, "reporting 1 → 2 → 1 instances", 2, fault))


async def holds_partitions(url: str, timeout: float = 60) -> dict[str, int]:
    """The partitions of the dossier stream the instance holds once it joined (its /ready)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        while time.monotonic() < deadline:
            response = await client.get("/ready")
            held = {k: v for k, v in response.json().get("consumers", {}).items() if LIFECYCLE in k}
            if response.status_code == 200 and held:
                return held
            await asyncio.sleep(0.5)
    raise AssertionError(f"{url} never joined its consumer groups")


@pytest.mark.parametrize("service", ["gateway", "reporting"])
async def test_sigkill_a_service_mid_batch_and_restart_it(
    platform: Platform, ledger: Ledger, service: str
) -> None:
    target = platform.gateway if service == "gateway" else platform.reporting
    other = platform.reporting if service == "gateway" else platform.gateway
    skipped_before = 0

    async def fault(s: Scenario) -> None:
        nonlocal skipped_before
        await until(progress(s, 0.4))
        skipped_before = await counter(other.url, SKIPPED)
        statement = await open_transaction(platform, target.schema)
        s.fault_at = time.monotonic()
        target.kill()
        s.notes.append(
            f"{target.name} SIGKILLed inside a transaction ({statement}...) with "
            f"{s.traffic.handled} of {s.traffic.total} records sent"
        )
        await asyncio.to_thread(target.start)
        s.healed_at = time.monotonic()
        s.notes.append(f"restarted and healthy in {s.healed_at - s.fault_at:.1f} s")

    number = 3 if service == "gateway" else 4
    verdict = await run_scenario(platform, ledger, f"SIGKILL {target.module}", number, fault)
    restarted = await counter(target.url, SKIPPED)
    others = await counter(other.url, SKIPPED) - skipped_before
    verdict.notes.append(
        f"events delivered again after the kill and skipped by an inbox: {restarted} by the "
        f"restarted {target.module}, {others} by the {other.module}"
    )
    settle(verdict)


async def test_restart_postgresql_mid_stream(platform: Platform, ledger: Ledger) -> None:
    async def fault(s: Scenario) -> None:
        await until(progress(s, 0.4))
        s.fault_at = time.monotonic()
        await asyncio.to_thread(platform.postgres.crash)
        await asyncio.sleep(5)
        await asyncio.to_thread(platform.postgres.start)
        s.healed_at = time.monotonic()
        s.notes.append(f"PostgreSQL down (immediate shutdown) for {s.healed_at - s.fault_at:.1f} s")

    settle(await run_scenario(platform, ledger, "PostgreSQL restart", 5, fault))


async def test_kill_the_busiest_kafka_leader_and_bring_it_back(
    platform: Platform, ledger: Ledger
) -> None:
    cluster = platform.cluster

    async def fault(s: Scenario) -> None:
        await until(progress(s, 0.3))
        topics = [LIFECYCLE, INGRESS]
        leader, led = await cluster.busiest_leader(topics)
        s.fault_at = time.monotonic()
        cluster.kill(leader)
        s.notes.append(
            f"broker {leader}, leader of the busiest partitions ({led} of the 24 of the"
            " dossier stream and the ingress), SIGKILLed"
        )
        await until(progress(s, 0.7))
        await asyncio.sleep(max(0.0, 20 - (time.monotonic() - s.fault_at)))
        cluster.start_node(leader)
        await asyncio.to_thread(cluster.wait_brokers, 3)
        s.healed_at = time.monotonic()
        deadline = time.monotonic() + 120
        while not await cluster.fully_replicated(topics) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        s.notes.append(
            f"back after {s.healed_at - s.fault_at:.1f} s; all replicas in sync again "
            f"{time.monotonic() - s.healed_at:.1f} s later"
        )

    settle(await run_scenario(platform, ledger, "Kafka leader SIGKILL", 6, fault))


async def test_cioc_down_for_two_minutes(platform: Platform, ledger: Ledger) -> None:
    cioc = platform.cioc

    async def fault(s: Scenario) -> None:
        await until(progress(s, 0.2))
        s.fault_at = time.monotonic()
        before = sum(cioc.received.ids().values())
        cioc.down()
        await asyncio.sleep(120)
        queued = await platform.query(
            f"SELECT count(*) AS n FROM {platform.gateway.schema}.deliveries"
            " WHERE connector = 'cioc' AND status = 'pending'"
        )
        cioc.up()
        s.healed_at = time.monotonic()
        deadline = time.monotonic() + 120
        while await cioc_backlog(platform) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        s.recovery_s = time.monotonic() - s.healed_at
        s.recovery_note = (
            "from the CIOC answering again until every snapshot queued meanwhile was delivered"
        )
        s.notes.append(
            f"CIOC down {s.healed_at - s.fault_at:.0f} s; {queued[0]['n']} deliveries waiting; "
            f"{before} delivered before"
        )

    settle(await run_scenario(platform, ledger, "CIOC down 2 min", 7, fault))


async def cioc_backlog(p: Platform) -> int:
    """CIOC deliveries still waiting (those queued in the last seconds are on their way)."""
    rows = await p.query(
        f"SELECT count(*) AS n FROM {p.gateway.schema}.deliveries WHERE connector = 'cioc'"
        " AND status = 'pending' AND created_at < now() - interval '3 seconds'"
    )
    return int(rows[0]["n"])


def kind_of_non_ascii_signature() -> str:
    """What the gateway makes of a non-ASCII x-pasc-signature: its signature check raised
    TypeError (compare_digest), so the runtime dead-letters it as processing_failed; once the
    check refuses such a signature itself, it is bad_signature."""
    try:
        signature_matches("key", "0", "id", b"{}", "é" * 64)
    except TypeError:
        return "processing_failed"
    return "bad_signature"


def kinds_of_throwing_event(value: bytes) -> Counter[str]:
    """The dead letters an event that makes reporting's handler throw gives: one from
    reporting (processing_failed) if the contract lets it through, else one per consumer."""
    try:
        decode(value, topic(LIFECYCLE))
    except DecodeError as exc:
        return Counter({exc.kind.value: 2})  # reporting and the gateway's delivery consumer
    return Counter({"processing_failed": 1})


async def test_hostile_messages_and_a_handler_that_throws(
    platform: Platform, ledger: Ledger
) -> None:
    """The two messages that stopped the ingress (a deeply nested body; a non-ASCII signature)
    and a contract-valid event reporting's handler throws on (NUL in MaHoSo: PostgreSQL refuses
    it), among the month's traffic: each dead-lettered, every other record counted through."""

    async def fault(s: Scenario) -> None:
        await until(progress(s, 0.4))
        s.fault_at = time.monotonic()
        agency, key = "STP", platform.keys["STP"]
        deep = b'{"service": "DongBoHoSoMC", "data": [' + b"[" * 200_000
        good = b'{"service": "DongBoHoSoMC", "isUpdating": "True", "data": []}'
        ascii_id = f"{s.prefix}-non-ascii-signature"
        non_ascii = [
            (n, "é".encode() * 32 if n == "x-pasc-signature" else v)
            for n, v in ingress_headers(agency, key, good, ascii_id)
        ]
        throwing = DossierReceived.example().model_dump(mode="json")
        throwing["payload"]["dossier"]["ma_ho_so"] = f"X{s.prefix}-NUL\x00-1"
        throwing["payload"]["dossier"]["agency_code"] = "VPUBND"  # no connector delivers it
        value = json.dumps(throwing).encode()
        producer = AIOKafkaProducer(bootstrap_servers=platform.cluster.bootstrap, acks="all")
        await producer.start()
        try:
            deep_headers = ingress_headers(agency, key, b"not this body", f"{s.prefix}-deep")
            await producer.send_and_wait(INGRESS, deep, key=agency.encode(), headers=deep_headers)
            await producer.send_and_wait(INGRESS, good, key=agency.encode(), headers=non_ascii)
            await producer.send_and_wait(LIFECYCLE, value, key=b"X-NUL")
        finally:
            await producer.stop()
        s.expected_dead_letters["bad_signature"] += 1  # the deep one
        s.expected_dead_letters[kind_of_non_ascii_signature()] += 1
        s.expected_dead_letters.update(kinds_of_throwing_event(value))
        s.notes.append(
            f"on {INGRESS}: a body nested 200,000 deep (bad signature) and a non-ASCII signature;"
            f" on {LIFECYCLE}: a dossier.received with NUL in its MaHoSo"
        )
        s.healed_at = time.monotonic()

    settle(await run_scenario(platform, ledger, "hostile messages, a handler throws", 10, fault))


async def test_gateway_cut_off_from_kafka_for_a_minute(platform: Platform, ledger: Ledger) -> None:
    """A network partition: the gateway (through its proxy) hears nothing from any broker for
    60 s while departments keep sending; nothing is killed. Its outbox relay, ingress consumer,
    delivery consumers and group membership must all come back with nothing lost or doubled."""

    async def fault(s: Scenario) -> None:
        await until(progress(s, 0.25))
        s.fault_at = time.monotonic()
        platform.partition.cut()
        handled = s.traffic.handled
        await asyncio.sleep(60)
        platform.partition.heal()
        s.healed_at = time.monotonic()
        s.notes.append(
            f"gateway ↔ brokers cut for {s.healed_at - s.fault_at:.0f} s; "
            f"{s.traffic.handled - handled} records sent meanwhile"
        )

    settle(
        await run_scenario(platform, ledger, "gateway cut off from Kafka 60 s", 11, fault, rate=60)
    )
