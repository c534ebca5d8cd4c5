"""After a scenario: wait until the platform has caught up, then hold it against the known set.

What is checked, and how it is counted in the report:
- every record the gateway accepted is reflected in reporting exactly once: per dossier the
  gateway's final state is the simulator's, reporting holds the same revision, and reporting
  applied exactly `revision` events for it (each dossier event raises the revision by one, so
  an event applied twice or never shows); the month's figures from GET /v1/kpi equal the
  simulator's expected figures, city-wide and per agency;
- every refused record was refused with its reason: over HTTP in the gateway's answer, over the
  Kafka ingress in the dead-letter topic (and the audit log); the signed messages were each
  applied once (one audit entry per message id);
- every event meant for an external system reached its stub, once per event id (the CIOC
  gets each KPI snapshot, the department system each of its dossiers' events); a POST the
  gateway made again after a crash carries the same X-PASC-Event-Id and is counted as a
  redelivery the receiver deduplicates, never as a second delivery;
- nothing else went to the dead-letter topic (a fault must never dead-letter a good message).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from faults.platform import DEPARTMENT, Platform
from faults.traffic import Traffic
from integration_gateway.domain.dossier_rules import transition_error
from pasc_contracts.events.dossier import TrangThaiHoSo
from pasc_simulator.lifecycle import FIGURES, Month

REFUSAL_REASONS = {
    "unknown_procedure": "is not in the catalog",
    "other_agency_procedure": "belongs to agency",
    "inconsistent_dates": "NgayHenTra is before NgayTiepNhan",
}


@dataclass
class Scenario:
    """One scenario's known set and what happened to it."""

    name: str
    month: Month
    year: int
    month_no: int
    prefix: str
    traffic: Traffic
    fault_at: float = 0.0
    healed_at: float = 0.0
    recovery_s: float | None = None
    recovery_note: str = ""
    expected_dead_letters: Counter[str] = field(default_factory=Counter)  # kind -> count
    notes: list[str] = field(default_factory=list)

    @property
    def period(self) -> tuple[str, str]:
        start = date(self.year, self.month_no, 1)
        end = date(self.year + self.month_no // 12, self.month_no % 12 + 1, 1)
        return start.isoformat(), (end - date.resolution).isoformat()


@dataclass
class Verdict:
    scenario: str
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    reflected: int = 0
    duplicates: int = 0
    lost: int = 0
    deliveries: int = 0
    redelivered: int = 0
    dead_letters: int = 0
    recovery_s: float | None = None
    recovery_note: str = ""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Ledger:
    """What the external systems and the dead-letter topic held before the scenario began."""

    def __init__(self) -> None:
        self.cioc_expected: set[str] = set()
        self.department_expected: set[str] = set()
        self.dead_letter_offsets: dict[TopicPartition, int] = {}


# --- waiting until the platform has caught up ------------------------------------------------


async def gateway_states(p: Platform, prefix: str) -> dict[str, tuple[int, int]]:
    rows = await p.query(
        f"SELECT ma_ho_so, trang_thai_ho_so, revision FROM {p.gateway.schema}.dossiers"
        " WHERE ma_ho_so LIKE $1",
        prefix + "%",
    )
    return {r["ma_ho_so"]: (r["trang_thai_ho_so"], r["revision"]) for r in rows}


async def reporting_states(p: Platform, prefix: str) -> dict[str, tuple[int, int, int]]:
    rows = await p.query(
        f"SELECT ma_ho_so, trang_thai_ho_so, revision, events_applied"
        f" FROM {p.reporting.schema}.dossiers WHERE ma_ho_so LIKE $1",
        prefix + "%",
    )
    return {
        r["ma_ho_so"]: (r["trang_thai_ho_so"], r["revision"], r["events_applied"]) for r in rows
    }


async def snapshot_events(p: Platform, until: float) -> set[str]:
    """KPI snapshots reporting committed (and so must reach the CIOC), up to `until` seconds ago."""
    rows = await p.query(
        f"SELECT event_id::text FROM {p.reporting.schema}.outbox"
        " WHERE topic = 'kpi.snapshots.v1' AND created_at <= now() - make_interval(secs => $1)",
        until,
    )
    return {r["event_id"] for r in rows}


async def department_events(p: Platform, until: float) -> set[str]:
    """The department's dossier events the gateway committed, up to `until` seconds ago."""
    rows = await p.query(
        f"SELECT event_id::text FROM {p.gateway.schema}.outbox WHERE topic = 'dossier.lifecycle.v1'"
        " AND convert_from(payload, 'UTF8')::jsonb #>> '{payload,dossier,agency_code}' = $1"
        " AND created_at <= now() - make_interval(secs => $2)",
        DEPARTMENT,
        until,
    )
    return {r["event_id"] for r in rows}


async def pending_outbox(p: Platform) -> int:
    rows = await p.query(
        f"SELECT (SELECT count(*) FROM {p.gateway.schema}.outbox WHERE sent_at IS NULL)"
        f" + (SELECT count(*) FROM {p.reporting.schema}.outbox WHERE sent_at IS NULL"
        "     AND topic <> 'kpi.snapshots.v1') AS n"
    )
    return int(rows[0]["n"])


async def wait_caught_up(p: Platform, s: Scenario, timeout: float = 120) -> float:
    """Until every dossier, event and delivery of the scenario has landed; returns the time."""
    expected = {m: o.status for m, o in s.month.outcomes.items()}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        gateway = await gateway_states(p, s.prefix)
        reporting = await reporting_states(p, s.prefix)
        cioc = await snapshot_events(p, until=2.0)
        department = await department_events(p, until=2.0)
        done = (
            all(gateway.get(m, (None,))[0] == status for m, status in expected.items())
            and all(
                reporting.get(m, (None, None, None))[1:] == (rev, rev)
                for m, (_, rev) in gateway.items()
            )
            and await pending_outbox(p) == 0
            and cioc <= set(p.cioc.received.ids())
            and department <= set(p.department.received.ids())
        )
        if done:
            return time.monotonic()
        await asyncio.sleep(1.0)
    return time.monotonic()


async def delivery_states(p: Platform, event_ids: list[str]) -> list[str]:
    """Where undelivered events are stuck: never queued, pending, dead (for the report)."""
    rows = await p.query(
        f"SELECT d.connector, coalesce(d.status, 'never queued') AS status, d.attempts,"
        f" d.last_error FROM unnest($1::uuid[]) AS e(id)"
        f" LEFT JOIN {p.gateway.schema}.deliveries d ON d.event_id = e.id",
        event_ids,
    )
    states = Counter(
        f"{r['connector']}:{r['status']}:{r['attempts']}:{(r['last_error'] or '')[:60]}"
        for r in rows
    )
    return [f"  {n} × {state}" for state, n in states.most_common(5)]


# --- the verdict -----------------------------------------------------------------------------


async def kpi(p: Platform, s: Scenario) -> dict[str, Any]:
    start, end = s.period
    async with httpx.AsyncClient(base_url=p.reporting.url, timeout=30) as client:
        response = await client.get("/v1/kpi", params={"from": start, "to": end})
    response.raise_for_status()
    return dict(response.json())


def figure_differences(expected: dict[str, dict[str, int]], report: dict[str, Any]) -> list[str]:
    got = {"city": report, **{a["agency_code"]: a for a in report.get("by_agency", [])}}
    problems = []
    for scope in sorted(set(expected) | set(got)):
        want, have = expected.get(scope, {}), got.get(scope, {})
        for key in FIGURES:
            if int(want.get(key, 0)) != int(have.get(key) or 0):
                problems.append(f"{scope}.{key}: expected {want.get(key, 0)}, got {have.get(key)}")
    return problems


async def read_dead_letters(
    p: Platform, since: dict[TopicPartition, int]
) -> tuple[list[dict[str, Any]], dict[TopicPartition, int]]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=p.cluster.bootstrap, enable_auto_commit=False, request_timeout_ms=30000
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        partitions = [
            TopicPartition("deadletter.v1", n)
            for n in consumer.partitions_for_topic("deadletter.v1") or await _partitions(consumer)
        ]
        end = await consumer.end_offsets(partitions)
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, since.get(tp, 0))
        remaining = {tp for tp in partitions if end[tp] > since.get(tp, 0)}
        deadline = time.monotonic() + 60
        while remaining and time.monotonic() < deadline:
            for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                for record in records:
                    found.append(json.loads(record.value)["payload"])
                    if record.offset + 1 >= end[tp]:
                        remaining.discard(tp)
        return found, dict(end)
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic("deadletter.v1") or set()


def expectations(month: Month) -> dict[int, str | None]:
    """For each record (by id): None if the gateway must accept it, else the reason it must give.

    Besides its deliberate mistakes the simulator sometimes times a digitization update after
    the dossier's result was returned (a simulator slip); the gateway rightly refuses it as a
    step backwards, so those records are expected to be refused too.
    """
    expected: dict[int, str | None] = {}
    status: dict[str, TrangThaiHoSo] = {}
    for sync in month.syncs:
        ma = sync.record["MaHoSo"]
        new = TrangThaiHoSo(sync.record["TrangThaiHoSo"])
        if not sync.expect_accepted:
            expected[id(sync)] = REFUSAL_REASONS[str(sync.bad_kind)]
            continue
        slip = transition_error(status[ma], new) if ma in status else None
        expected[id(sync)] = slip
        if slip is None:
            status[ma] = new
    return expected


async def judge(p: Platform, s: Scenario, ledger: Ledger, started: float) -> Verdict:
    v = Verdict(s.name, recovery_s=s.recovery_s, recovery_note=s.recovery_note, notes=s.notes)
    v.sent = len(s.month.syncs)
    v.problems += [f"sender: {f}" for f in s.traffic.failures]
    if s.traffic.resent_requests:
        v.notes.append(
            f"{s.traffic.resent_requests} requests or ingress messages sent again after a failure"
        )
    expected = expectations(s.month)
    slips = sum(1 for sync in s.month.syncs if sync.expect_accepted and expected[id(sync)])
    if slips:
        v.notes.append(f"{slips} records the simulator sends after their dossier's result")
    gateway = await gateway_states(p, s.prefix)
    accepted: Counter[str] = Counter()  # accepted records per dossier

    # Over HTTP: each record accepted, or refused with the reason its mistake calls for.
    refused_after_retry = 0
    for answer in s.traffic.answers:
        ma, reason = answer.sync.record["MaHoSo"], expected[id(answer.sync)]
        if answer.accepted:
            accepted[ma] += 1
            if reason is not None:
                v.problems.append(f"{ma}: accepted, expected refused ({reason})")
        elif reason is None:
            if answer.after_retry and ma in gateway:
                # Applied by the attempt whose connection broke; sent again, its older statuses
                # read as steps backwards. The data is right (checked below), the answer is not.
                refused_after_retry += 1
                accepted[ma] += 1
            else:
                v.problems.append(f"{ma}: refused ({answer.reason})")
        else:
            v.rejected += 1
            if reason not in (answer.reason or ""):
                v.problems.append(f"{ma}: refused for {answer.reason!r}, expected {reason!r}")
    if refused_after_retry:
        v.notes.append(
            f"{refused_after_retry} records of requests sent again after a broken connection "
            "were answered 'refused' although the first attempt had applied them"
        )

    # Over the signed Kafka ingress: each message applied once (one audit entry), its refused
    # records in the dead-letter topic with their reasons.
    dead_letters, ledger.dead_letter_offsets = await read_dead_letters(
        p, ledger.dead_letter_offsets
    )
    v.dead_letters = len(dead_letters)
    by_message = {
        d["original_headers"].get("x-pasc-message-id"): d
        for d in dead_letters
        if d["source_topic"] == "gateway.ingress.dvcqg.v1" and d["kind"] == "rejected"
    }
    audit = await p.query(
        f"SELECT actor, accepted, rejected FROM {p.gateway.schema}.audit_log"
        " WHERE actor = ANY($1::text[])",
        [f"kafka:{m}" for m in s.traffic.kafka_messages],
    )
    applied = Counter(r["actor"].removeprefix("kafka:") for r in audit)
    counted = {r["actor"].removeprefix("kafka:"): r for r in audit}
    refusing_messages = 0
    for message_id, batch in s.traffic.kafka_messages.items():
        times = applied.get(message_id, 0)
        if times == 0:
            v.lost += len(batch)
            v.problems.append(f"Kafka message {message_id} ({len(batch)} records) never applied")
            continue
        if times > 1:
            v.duplicates += len(batch) * (times - 1)
            v.problems.append(f"Kafka message {message_id} applied {times} times")
        good = [b.record["MaHoSo"] for b in batch if expected[id(b)] is None]
        refused = [b for b in batch if expected[id(b)] is not None]
        accepted.update(good)
        v.rejected += counted[message_id]["rejected"]
        if counted[message_id]["accepted"] != len(good):
            v.problems.append(
                f"Kafka message {message_id}: {counted[message_id]['accepted']} records "
                f"accepted, expected {len(good)}"
            )
        if not refused:
            continue
        refusing_messages += 1
        letter = by_message.get(message_id, {}).get("error", "")
        for b in refused:
            ma = b.record["MaHoSo"]
            if f"MaHoSo {ma}: " not in letter or str(expected[id(b)]) not in letter:
                v.problems.append(f"{ma} (refused over Kafka) is not in the dead-letter topic")

    kinds = Counter(d["kind"] for d in dead_letters)
    want = Counter(s.expected_dead_letters)
    want["rejected"] += refusing_messages
    if kinds != want:
        v.problems.append(f"dead letters {dict(kinds)}, expected {dict(+want)}")
        for d in dead_letters:
            if kinds[d["kind"]] > want[d["kind"]]:
                v.lost += 1  # a message a fault pushed into the dead-letter topic
                v.problems.append(f"  {d['kind']} from {d['source_topic']}: {d['error'][:160]}")

    # Each dossier: the simulator's final state at the gateway, the same revision in reporting,
    # and every one of its events applied exactly once there.
    reporting = await reporting_states(p, s.prefix)
    v.accepted = sum(accepted.values())
    for ma, outcome in s.month.outcomes.items():
        records = accepted.get(ma, 0)
        if ma not in gateway:
            v.lost += records or 1
            v.problems.append(f"{ma}: not at the gateway")
            continue
        status, revision = gateway[ma]
        if status != outcome.status:
            v.lost += 1
            v.problems.append(f"{ma}: status {status} at the gateway, expected {outcome.status}")
            continue
        rep_status, rep_revision, applied_events = reporting.get(ma, (None, 0, 0))
        if applied_events > revision:
            v.duplicates += applied_events - revision
            v.problems.append(f"{ma}: {applied_events} events applied for revision {revision}")
        if applied_events < revision or rep_revision != revision or rep_status != status:
            v.lost += max(1, revision - applied_events)
            v.problems.append(
                f"{ma}: reporting has revision {rep_revision} ({applied_events} events), "
                f"the gateway {revision}"
            )
            continue
        v.reflected += records
    extra = sorted(set(gateway) - set(s.month.outcomes))
    if extra:
        v.problems.append(f"{len(extra)} dossiers at the gateway that should not be: {extra[:3]}")

    differences = figure_differences(s.month.expected_figures(), await kpi(p, s))
    v.problems += [f"figures: {d}" for d in differences[:20]]

    # External systems: each event at its stub, once per event id.
    for stub, events, before in (
        (p.cioc, snapshot_events, ledger.cioc_expected),
        (p.department, department_events, ledger.department_expected),
    ):
        seen = set(stub.received.ids())  # before reading what was published: nothing unknown
        published = await events(p, until=0.0)
        due = await events(p, until=2.0)  # the last seconds' may still be on their way
        received = stub.received.ids()
        new = due - before
        missing = new - set(received)
        v.deliveries += len(new) - len(missing)
        v.redelivered += sum(received[e] - 1 for e in new if received[e] > 1)
        if missing:
            v.lost += len(missing)
            v.problems.append(f"{len(missing)} events never reached {stub.url}")
            v.problems += await delivery_states(p, sorted(missing))
        unknown = seen - published
        if unknown:
            v.problems.append(f"{stub.url} got {len(unknown)} event ids never published")
        before |= due

    v.seconds = time.monotonic() - started
    return v
