"""SIGKILL the two services off the dossier path, mid-batch: catalog-service while its outbox relay
publishes an import, task-service while it applies the agencies' progress reports.

Their known sets: a catalog import of about 3,000 procedures (must reach the gateway and
reporting, each decision audited once), and about 2,000 progress reports sent through the
gateway (each applied once by task-service, the last percent in reporting; the reports it must
refuse in the dead-letter topic with their reason).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from collections import Counter, defaultdict
from typing import Any

import httpx
import pytest
import yaml
from aiokafka import AIOKafkaConsumer, TopicPartition

from faults import report
from faults.checks import Ledger, Verdict, read_dead_letters
from faults.platform import CATALOG_CSV, REPO, Platform
from faults.scenarios import open_transaction, until
from support import keycloak

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

PLAN = REPO / "services" / "task-service" / "src" / "task_service" / "data" / "can-tho-2023.yaml"
CATALOG_ROUNDS = 2  # the synthetic catalog twice over, under new codes: about 3,000 rows


def settle(verdict: Verdict) -> None:
    report.VERDICTS.append(verdict)
    print(report.table([verdict]))
    assert verdict.lost == 0, verdict.problems
    assert verdict.duplicates == 0, verdict.problems
    assert verdict.problems == [], verdict.problems


# --- catalog-service -------------------------------------------------------------------------


def import_file() -> tuple[str, dict[str, tuple[str, bool]], int]:
    """The synthetic catalog under codes 3.xxxxxx of its own, and two rows it must refuse.

    Returns the CSV, {MaTTHC: (agency, at the Center)} of the good rows, and the bad count.
    """
    with CATALOG_CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    expected: dict[str, tuple[str, bool]] = {}
    n = 0
    for _ in range(CATALOG_ROUNDS):
        for row in rows:
            n += 1
            code = f"3.{n:06d}"
            writer.writerow({**row, "ma_tthc": code})
            expected[code] = (row["ma_co_quan"], row["tiep_nhan_tai_trung_tam"].strip() == "1")
    bad = [
        {**rows[0], "ma_tthc": "3.12"},
        {**rows[1], "ma_tthc": "3.999998", "ma_co_quan": "KHONGCO"},
    ]
    writer.writerows(bad)
    return out.getvalue(), expected, len(bad)


async def known_procedures(
    p: Platform, schema: str, codes: list[str]
) -> dict[str, tuple[str, bool]]:
    rows = await p.query(
        f"SELECT ma_tthc, agency_code, at_center FROM {schema}.procedures"
        " WHERE ma_tthc = ANY($1::text[])",
        codes,
    )
    return {r["ma_tthc"]: (r["agency_code"], r["at_center"]) for r in rows}


async def end_offsets(p: Platform, topic: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=p.cluster.bootstrap)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, n) for n in range(3)]
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def event_ids_since(p: Platform, start: dict[TopicPartition, int]) -> Counter[str]:
    """How many times each event id was published on the topic after `start`."""
    end = await end_offsets(p, next(iter(start)).topic)
    consumer = AIOKafkaConsumer(bootstrap_servers=p.cluster.bootstrap, enable_auto_commit=False)
    await consumer.start()
    seen: Counter[str] = Counter()
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        remaining = {tp for tp in start if end[tp] > start[tp]}
        deadline = time.monotonic() + 60
        while remaining and time.monotonic() < deadline:
            for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                for record in records:
                    seen[json.loads(record.value)["event_id"]] += 1
                    if record.offset + 1 >= end[tp]:
                        remaining.discard(tp)
    finally:
        await consumer.stop()
    return seen


async def test_sigkill_catalog_service_while_its_relay_publishes_an_import(
    platform: Platform, ledger: Ledger
) -> None:
    started = time.monotonic()
    catalog = platform.service("catalog_service", {"OUTBOX_BATCH_SIZE": "50"})
    await asyncio.to_thread(catalog.start)
    body, expected, bad = import_file()
    codes = sorted(expected)
    decision = f"FAULTS-{int(time.time())}"
    before = await end_offsets(platform, "catalog.procedures.v1")
    v = Verdict("SIGKILL catalog_service", sent=len(expected) + bad)

    async def post_import() -> dict[str, Any]:
        officer = keycloak.auth("catalog")
        async with httpx.AsyncClient(base_url=catalog.url, timeout=120, auth=officer) as client:
            response = await client.post(
                "/v1/imports",
                params={"recorded_by": "fault-suite", "decision_no": decision},
                content=body.encode(),
                headers={"content-type": "text/csv"},
            )
        response.raise_for_status()
        return dict(response.json())

    importing = asyncio.create_task(post_import())

    async def relay_midway() -> bool:
        rows = await platform.query(
            f"SELECT count(*) FILTER (WHERE sent_at IS NOT NULL) AS sent,"
            f" count(*) FILTER (WHERE sent_at IS NULL) AS unsent FROM {catalog.schema}.outbox"
        )
        return rows[0]["sent"] > 0 and rows[0]["unsent"] > 0

    deadline = time.monotonic() + 120
    while not await relay_midway() and not (importing.done() and time.monotonic() > deadline):
        await asyncio.sleep(0.02)
    fault_at = time.monotonic()
    unsent = (
        await platform.query(
            f"SELECT count(*) AS n FROM {catalog.schema}.outbox WHERE sent_at IS NULL"
        )
    )[0]["n"]
    catalog.kill()
    v.notes.append(
        f"catalog-service SIGKILLed with {unsent} events of the import not yet published"
    )
    try:
        result = await importing
    except httpx.HTTPError:
        result = None
    await asyncio.to_thread(catalog.start)
    v.notes.append(f"restarted and healthy in {time.monotonic() - fault_at:.1f} s")
    if result is None:  # killed before it answered: the office sends the file again
        result = await post_import()
        v.notes.append("the import's answer was lost with the process; sent again")
    outcomes = Counter(r["outcome"] for r in result["rows"])
    v.accepted = sum(n for outcome, n in outcomes.items() if outcome != "rejected")
    v.rejected = outcomes["rejected"]
    if v.rejected != bad or v.accepted != len(expected):
        v.problems.append(f"import outcomes {dict(outcomes)}: expected {len(expected)} + {bad} bad")

    while time.monotonic() - fault_at < 120:
        gateway = await known_procedures(platform, platform.gateway.schema, codes)
        reporting = await known_procedures(platform, platform.reporting.schema, codes)
        if gateway == expected and reporting == expected:
            break
        await asyncio.sleep(0.5)
    v.recovery_s = time.monotonic() - fault_at
    v.recovery_note = "from the SIGKILL until the gateway and reporting knew every procedure"
    for who, known in (("gateway", gateway), ("reporting", reporting)):
        wrong = {c for c in codes if known.get(c) != expected[c]}
        v.lost = max(v.lost, len(wrong))
        if wrong:
            v.problems.append(f"{who}: {len(wrong)} procedures missing or wrong, e.g. {min(wrong)}")
    v.reflected = len(expected) - v.lost

    audited = await platform.query(
        f"SELECT count(*) AS n FROM {platform.gateway.schema}.audit_log"
        " WHERE action = 'catalog.decision_applied' AND details->>'decision_no' = $1",
        decision,
    )
    if audited[0]["n"] != 1:
        v.duplicates += max(0, audited[0]["n"] - 1)
        v.problems.append(f"decision {decision} audited {audited[0]['n']} times by the gateway")
    published = await event_ids_since(platform, before)
    republished = sum(n - 1 for n in published.values())
    v.notes.append(
        f"{len(published)} procedure events, {republished} published again after the restart "
        "(skipped by the consumers' inboxes)"
    )
    dead_letters, ledger.dead_letter_offsets = await read_dead_letters(
        platform, ledger.dead_letter_offsets
    )
    v.dead_letters = len(dead_letters)
    if dead_letters:
        v.problems.append(f"unexpected dead letters: {Counter(d['kind'] for d in dead_letters)}")
    catalog.stop()
    v.seconds = time.monotonic() - started
    settle(v)


# --- task-service ----------------------------------------------------------------------------

REPORTS_PER_ASSIGNMENT = 18
STEP = 5  # percent: 5, 10, ... 90
REFUSED = 6  # progress going backwards without a reason: task-service must refuse them


def progress_reports(assignments: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Per agency, in order: each assignment's percent rising; then a few going backwards."""
    per_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for step in range(1, REPORTS_PER_ASSIGNMENT + 1):
        for a in assignments:
            per_agency[a["agency_code"]].append(
                {"plan_id": a["plan_id"], "task_no": a["task_no"], "percent": step * STEP}
            )
    for a in assignments[:REFUSED]:
        per_agency[a["agency_code"]].append(
            {"plan_id": a["plan_id"], "task_no": a["task_no"], "percent": 1, "note": "lùi"}
        )
    return per_agency


async def test_sigkill_task_service_while_it_applies_progress_reports(
    platform: Platform, ledger: Ledger
) -> None:
    started = time.monotonic()
    tasks = platform.service("task_service", {"TICK_INTERVAL_S": "0"})
    await asyncio.to_thread(tasks.start)
    document = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    plan_id = document["plan_id"]
    office = keycloak.auth("office")
    async with httpx.AsyncClient(base_url=tasks.url, timeout=60, auth=office) as client:
        loaded = await client.post(
            "/v1/plans",
            content=json.dumps(document, default=str, ensure_ascii=False).encode(),
            headers={"content-type": "application/json"},
        )
        assert loaded.status_code in (200, 201), loaded.text
        listed = await client.get(f"/v1/plans/{plan_id}/tasks")
    assignments = [
        {**a, "plan_id": plan_id} for a in listed.json() if a["agency_code"] in platform.keys
    ]
    per_agency = progress_reports(assignments)
    total = sum(len(r) for r in per_agency.values())
    v = Verdict("SIGKILL task_service", sent=total)
    sent = 0

    async def agency(code: str, reports: list[dict[str, Any]]) -> None:
        nonlocal sent
        async with httpx.AsyncClient(base_url=platform.gateway.url, timeout=30) as client:
            for body in reports:
                while True:
                    try:
                        response = await client.post(
                            "/v1/plan/progress",
                            json=body,
                            headers={"X-API-Key": platform.keys[code]},
                        )
                        if response.status_code == 202:
                            break
                    except httpx.HTTPError:
                        pass
                    await asyncio.sleep(0.2)
                sent += 1

    async def send_all() -> None:
        await asyncio.gather(*(agency(code, reports) for code, reports in per_agency.items()))

    sending = asyncio.create_task(send_all())
    await until(lambda: sent >= 0.4 * total)
    statement = await open_transaction(platform, tasks.schema)
    fault_at = time.monotonic()
    tasks.kill()
    v.notes.append(
        f"task-service SIGKILLed inside a transaction ({statement}...) with {sent} of {total} "
        "reports sent"
    )
    await asyncio.to_thread(tasks.start)
    v.notes.append(f"restarted and healthy in {time.monotonic() - fault_at:.1f} s")
    await sending
    v.accepted = total

    good = Counter(f"{a['task_no']}:{a['agency_code']}" for a in assignments)
    refs = {f"{a['task_no']}:{a['agency_code']}": a["task_ref"] for a in assignments}
    want_events = {refs[k]: REPORTS_PER_ASSIGNMENT * n for k, n in good.items()}
    final = REPORTS_PER_ASSIGNMENT * STEP

    async def applied() -> tuple[dict[str, int], dict[str, int]]:
        events = await platform.query(
            f"SELECT key, count(*) AS n FROM {tasks.schema}.outbox"
            " WHERE event_type = 'task.progress_reported' GROUP BY key"
        )
        percents = await platform.query(
            f"SELECT task_ref, percent FROM {platform.reporting.schema}.plan_tasks"
            " WHERE plan_id = $1",
            plan_id,
        )
        return (
            {r["key"]: r["n"] for r in events},
            {r["task_ref"]: r["percent"] for r in percents},
        )

    while time.monotonic() - fault_at < 150:
        events, percents = await applied()
        if events == want_events and all(percents.get(r) == final for r in want_events):
            break
        await asyncio.sleep(0.5)
    v.recovery_s = time.monotonic() - fault_at
    v.recovery_note = (
        "from the SIGKILL until task-service had applied every report and reporting showed "
        "every last percent"
    )
    for ref, n in want_events.items():
        got = events.get(ref, 0)
        if got > n:
            v.duplicates += got - n
            v.problems.append(f"{ref}: {got} progress events for {n} reports")
        elif got < n:
            v.lost += n - got
            v.problems.append(f"{ref}: {got} progress events for {n} reports")
        if percents.get(ref) != final:
            v.problems.append(f"{ref}: reporting shows {percents.get(ref)}%, expected {final}%")
    v.reflected = sum(min(events.get(ref, 0), n) for ref, n in want_events.items())

    deadline = time.monotonic() + 30
    letters: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found, ledger.dead_letter_offsets = await read_dead_letters(
            platform, ledger.dead_letter_offsets
        )
        letters += found
        if len(letters) >= REFUSED:
            break
        await asyncio.sleep(0.5)
    v.dead_letters = len(letters)
    v.rejected = sum("phải nêu lý do" in d["error"] for d in letters if d["kind"] == "rejected")
    if v.rejected != REFUSED or len(letters) != REFUSED:
        v.problems.append(
            f"dead letters {[(d['kind'], d['error'][:80]) for d in letters]}, "
            f"expected {REFUSED} refusals of progress going backwards"
        )
    v.accepted -= REFUSED
    tasks.stop()
    v.seconds = time.monotonic() - started
    settle(v)
