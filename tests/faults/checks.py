"""After a scenario: wait until the platform has caught up, then hold it against the known set.

What is checked, and how it is counted in the report:
- every record the gateway accepted is reflected in reporting exactly once, counted against
  the simulator (faults/expected.py), never against the gateway's own state: per dossier the
  simulator's records replayed through the gateway's rules give the final revision and the
  event types in order; dossier.lifecycle.v1 must hold exactly those revisions (an event
  published again keeps its id and is not counted twice), the gateway and reporting that
  revision, and reporting must have applied exactly that many events; so one intermediate
  record dropped anywhere fails the run even when the dossier's final status is right; each
  CapNhatTienDoHoSoMC step sent is on the topic once; the month's figures from GET /v1/kpi
  equal the simulator's expected figures, city-wide and per agency;
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
import contextlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from faults.expected import Dossier, Known, replay
from faults.platform import DEPARTMENT, Platform
from faults.traffic import Traffic
from pasc_simulator.lifecycle import FIGURES, Month
from support import keycloak

REFUSAL_REASONS = {
    "unknown_procedure": "không có trong danh mục tiếp nhận tại Trung tâm",
    "other_agency_procedure": "thuộc cơ quan",
    "inconsistent_dates": "NgayHenTra trước NgayTiepNhan",
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
    _replayed: Known | None = None

    @property
    def replayed(self) -> Known:
        """The simulator's records through the gateway's rules (computed once)."""
        if self._replayed is None:
            self._replayed = replay(self.month, self.traffic.steps_per_dossier())
        return self._replayed

    @property
    def known(self) -> dict[str, Dossier]:
        """Each dossier's expected events, from the simulator."""
        return self.replayed.dossiers

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
        self.lifecycle_offsets: dict[TopicPartition, int] = {}


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
        " AND coalesce(convert_from(payload, 'UTF8')::jsonb #>> '{payload,dossier,agency_code}',"
        "              convert_from(payload, 'UTF8')::jsonb #>> '{payload,agency_code}') = $1"
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


class NotCaughtUp(AssertionError):
    """The platform did not catch up in time: what is missing, in the message."""


async def wait_caught_up(p: Platform, s: Scenario, timeout: float = 180) -> float:
    """Until every dossier, event and delivery of the scenario has landed; returns the time.
    Raises NotCaughtUp, saying what is missing, when that does not happen in `timeout`."""
    expected = {m: o.status for m, o in s.month.outcomes.items()}
    revisions = {m: d.revision for m, d in s.known.items()}
    deadline = time.monotonic() + timeout
    while True:
        gateway = await gateway_states(p, s.prefix)
        reporting = await reporting_states(p, s.prefix)
        cioc = await snapshot_events(p, until=2.0)
        department = await department_events(p, until=2.0)
        missing = {
            "dossiers whose status at the gateway is not the simulator's": [
                m for m, status in expected.items() if gateway.get(m, (None,))[0] != status
            ],
            "dossiers below the simulator's revision at the gateway": [
                m for m, rev in revisions.items() if gateway.get(m, (None, 0))[1] < rev
            ],
            "dossiers reporting has not applied up to the simulator's revision": [
                m
                for m, rev in revisions.items()
                if reporting.get(m, (None, 0, 0))[1:] != (rev, rev)
            ],
            "events in an outbox": ["x"] * await pending_outbox(p),
            "KPI snapshots the CIOC has not received": sorted(cioc - set(p.cioc.received.ids())),
            "events the department system has not received": sorted(
                department - set(p.department.received.ids())
            ),
        }
        if not any(missing.values()):
            return time.monotonic()
        if time.monotonic() > deadline:
            summary = "; ".join(f"{len(v)} {k} (e.g. {v[:3]})" for k, v in missing.items() if v)
            raise NotCaughtUp(f"{s.name}: not caught up after {timeout:.0f} s: {summary}")
        await asyncio.sleep(1.0)


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
    auth = keycloak.auth("cioc")
    async with httpx.AsyncClient(base_url=p.reporting.url, timeout=30, auth=auth) as client:
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


async def read_topic(
    p: Platform, topic: str, since: dict[TopicPartition, int]
) -> tuple[list[dict[str, Any]], dict[TopicPartition, int]]:
    """The JSON values published on `topic` after `since`, and where the topic ends now."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=p.cluster.bootstrap, enable_auto_commit=False, request_timeout_ms=30000
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        partitions = [
            TopicPartition(topic, n)
            for n in consumer.partitions_for_topic(topic) or await _partitions(consumer, topic)
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
                    if record.offset < end[tp]:
                        with contextlib.suppress(ValueError):  # poison a scenario put there
                            found.append(json.loads(record.value))
                    if record.offset + 1 >= end[tp]:
                        remaining.discard(tp)
        if remaining:
            raise AssertionError(f"could not read {topic} to its end: {sorted(remaining)}")
        return found, dict(end)
    finally:
        await consumer.stop()


async def read_dead_letters(
    p: Platform, since: dict[TopicPartition, int]
) -> tuple[list[dict[str, Any]], dict[TopicPartition, int]]:
    values, end = await read_topic(p, "deadletter.v1", since)
    return [v["payload"] for v in values], end


def lifecycle_problems(
    s: Scenario, published: list[dict[str, Any]], problems: list[str]
) -> dict[str, tuple[int, int]]:
    """Each dossier's events on dossier.lifecycle.v1 against the simulator's: every revision
    once (an event published again keeps its event id: not a duplicate), of the expected
    type; each processing step once. Returns (lost, duplicated) per dossier."""
    revisions: dict[str, dict[int, set[str]]] = {}
    types: dict[tuple[str, int], str] = {}
    steps: dict[str, set[str]] = {}
    for event in published:
        payload = event.get("payload") or {}
        dossier = payload.get("dossier") or {}
        ma = str(dossier.get("ma_ho_so") or payload.get("ma_ho_so") or "")
        if ma not in s.known:
            continue
        if not dossier:
            steps.setdefault(ma, set()).add(event["event_id"])
            continue
        revision = int(dossier["revision"])
        revisions.setdefault(ma, {}).setdefault(revision, set()).add(event["event_id"])
        types[(ma, revision)] = event["event_type"]
    counts: dict[str, tuple[int, int]] = {}
    for ma, known in s.known.items():
        seen = revisions.get(ma, {})
        absent = [r for r in range(1, known.revision + 1) if r not in seen]
        lost, duplicated = len(absent), 0
        if absent:
            problems.append(
                f"{ma}: revisions {absent} of {known.revision} never published "
                f"(expected {known.events})"
            )
        for revision, ids in sorted(seen.items()):
            if len(ids) > 1:
                duplicated += len(ids) - 1
                problems.append(f"{ma}: revision {revision} published as {len(ids)} events")
            if revision > known.revision:
                duplicated += 1
                problems.append(f"{ma}: revision {revision}, beyond the {known.revision} expected")
            elif types[(ma, revision)] != known.events[revision - 1]:
                problems.append(
                    f"{ma}: revision {revision} is {types[(ma, revision)]}, "
                    f"expected {known.events[revision - 1]}"
                )
        got_steps = len(steps.get(ma, ()))
        if got_steps != known.steps:
            problems.append(f"{ma}: {got_steps} processing steps published, {known.steps} sent")
        lost += max(0, known.steps - got_steps)
        duplicated += max(0, got_steps - known.steps)
        counts[ma] = (lost, duplicated)
    return counts


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()


def expectations(s: Scenario) -> dict[int, str | None]:
    """For each record (by id): None if the gateway must accept it, else the reason it must give.

    Besides its deliberate mistakes the simulator sometimes times a digitization update after
    the dossier's result was returned (a simulator slip); the gateway rightly refuses it (a
    final dossier changes no more), so those records are expected to be refused too, with the
    reason the gateway's rules give (faults/expected.py).
    """
    expected: dict[int, str | None] = {}
    for sync in s.month.syncs:
        if not sync.expect_accepted:
            expected[id(sync)] = REFUSAL_REASONS[str(sync.bad_kind)]
            continue
        expected[id(sync)] = s.replayed.refusals.get(id(sync))
    return expected


async def judge(p: Platform, s: Scenario, ledger: Ledger, started: float) -> Verdict:
    v = Verdict(s.name, recovery_s=s.recovery_s, recovery_note=s.recovery_note, notes=s.notes)
    v.sent = len(s.month.syncs)  # the steps are counted in the notes
    if s.traffic.dropped:
        v.notes.append(
            f"PASC_FAULTS_DROP_ONE_RECORD: never sent {[d.record['MaHoSo'] for d in s.traffic.dropped]}"
            f" (status {[d.record['TrangThaiHoSo'] for d in s.traffic.dropped]})"
        )
    v.problems += [f"sender: {f}" for f in s.traffic.failures]
    if s.traffic.resent_requests:
        v.notes.append(
            f"{s.traffic.resent_requests} requests or ingress messages sent again after a failure"
        )
    expected = expectations(s)
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

    # Processing steps (CapNhatTienDoHoSoMC): each accepted, over HTTP in the answer, over
    # Kafka as one audit entry per message; that each is on the topic once is checked below.
    for answer in s.traffic.step_answers:
        if not answer.accepted:
            v.problems.append(f"step of {answer.step.record['MaHoSo']}: refused ({answer.reason})")
    step_audit = await p.query(
        f"SELECT actor, accepted FROM {p.gateway.schema}.audit_log WHERE actor = ANY($1::text[])",
        [f"kafka:{m}" for m in s.traffic.kafka_step_messages],
    )
    step_applied = Counter(r["actor"].removeprefix("kafka:") for r in step_audit)
    for message_id, steps in s.traffic.kafka_step_messages.items():
        if step_applied.get(message_id, 0) != 1:
            v.problems.append(
                f"Kafka step message {message_id} ({len(steps)} steps) applied "
                f"{step_applied.get(message_id, 0)} times"
            )
    if s.traffic.steps:
        v.notes.append(
            f"{len(s.traffic.steps)} CapNhatTienDoHoSoMC steps sent "
            f"({len(s.traffic.step_answers)} over HTTP, the rest in "
            f"{len(s.traffic.kafka_step_messages)} Kafka messages)"
        )

    kinds = Counter(d["kind"] for d in dead_letters)
    want = Counter(s.expected_dead_letters)
    want["rejected"] += refusing_messages
    if kinds != want:
        v.problems.append(f"dead letters {dict(kinds)}, expected {dict(+want)}")
        for d in dead_letters:
            if kinds[d["kind"]] > want[d["kind"]]:
                v.lost += 1  # a message a fault pushed into the dead-letter topic
                v.problems.append(f"  {d['kind']} from {d['source_topic']}: {d['error'][:160]}")

    # Each dossier against the simulator: its final status at the gateway, and its revision
    # (the number of its events) on the topic, at the gateway and in reporting, where each
    # event must have been applied exactly once.
    published, ledger.lifecycle_offsets = await read_topic(
        p, "dossier.lifecycle.v1", ledger.lifecycle_offsets
    )
    on_topic = lifecycle_problems(s, published, v.problems)
    reporting = await reporting_states(p, s.prefix)
    v.accepted = sum(accepted.values())
    for ma, outcome in s.month.outcomes.items():
        records = accepted.get(ma, 0)
        want = s.known[ma].revision if ma in s.known else 0
        topic_lost, topic_duplicated = on_topic.get(ma, (0, 0))
        if ma not in gateway:
            v.lost += max(records, want, 1)
            v.problems.append(f"{ma}: not at the gateway")
            continue
        status, revision = gateway[ma]
        rep_status, rep_revision, applied_events = reporting.get(ma, (None, 0, 0))
        lost = max(topic_lost, want - revision, want - applied_events, want - rep_revision, 0)
        duplicated = max(topic_duplicated, applied_events - want, 0)
        if status != outcome.status:
            lost = max(lost, 1)
            v.problems.append(f"{ma}: status {status} at the gateway, expected {outcome.status}")
        if revision != want:
            v.problems.append(f"{ma}: revision {revision} at the gateway, the simulator's {want}")
        if applied_events != want or rep_revision != want or rep_status != outcome.status:
            lost = max(lost, 1) if applied_events <= want else lost
            v.problems.append(
                f"{ma}: reporting has revision {rep_revision} ({applied_events} events applied, "
                f"status {rep_status}); the simulator's revision is {want}"
            )
        v.lost += lost
        v.duplicates += duplicated
        if not lost and not duplicated:
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
