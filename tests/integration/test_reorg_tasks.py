"""The 2025 reorganisation in task-service, on the real broker and database: two departments
merge into one on a date; their open plan assignments move to the successor once, with exactly
one task.reassigned event each, and a line in that month's report.

The plan is the seed plan with this run's own codes for the departments involved (the lineage
events stay on the shared catalog topic: real codes would reorganise every other test's plan).
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import httpx
import pytest

from pasc_contracts import VN_TZ
from pasc_contracts.events.catalog import AgencyLineage, AgencyLineageChanged, LineageKind
from pasc_contracts.events.plan import ProgressSubmission, ProgressSubmitted
from support import keycloak
from support.kafka import publish, read_until
from support.processes import RunningService, run_service
from task_service.data import CAN_THO_2023, read_plan_file

pytestmark = pytest.mark.integration
OFFICE = keycloak.auth("office")
NOW = "2025-07-15T09:00:00+07:00"
TAG = uuid.uuid4().hex[:6].upper()
# STTTT (information and communications) and SKHDT (planning and investment) merge into STC.
CODES = {code: f"{code}{TAG}" for code in ("STTTT", "SKHDT", "STC")}
STC_NAME = "Sở Tài chính"


def own_codes(document: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(document, ensure_ascii=False)
    for old, new in CODES.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    return dict(json.loads(text))


@pytest.fixture(scope="module")
def task_service(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    env = {"CLOCK_NOW": NOW, "TICK_INTERVAL_S": "0", "ALLOW_TICK_AT": "true"}
    with run_service(
        "task_service", kafka=kafka_bootstrap, database_url=database_url, extra_env=env
    ) as service:
        yield service


async def tasks(client: httpx.AsyncClient, plan: str) -> dict[tuple[int, str], Any]:
    response = await client.get(f"/v1/plans/{plan}/tasks")
    assert response.status_code == 200, response.text
    return {(t["task_no"], t["agency_code"]): t for t in response.json()}


def merge(decision: str) -> AgencyLineageChanged:
    return AgencyLineageChanged(
        producer="catalog-service",
        payload=AgencyLineage(
            agency_code=CODES["STC"],
            kind=LineageKind.MERGE,
            predecessors=[CODES["STTTT"], CODES["SKHDT"]],
            successors=[CODES["STC"]],
            effective_from=date(2025, 3, 1),
            decision_no=decision,
            signed_on=date(2025, 2, 20),
            signer="Chủ tịch UBND thành phố",
        ),
    )


def reassigned(service: RunningService, plan: str) -> Any:
    """This run's merge only: the shared catalog topic may also hold the real 2025 decisions
    (SGTVT into SXD, ...), which move the seed plan's other departments as well."""

    def match(value: dict[str, Any]) -> bool:
        payload = value.get("payload", {})
        return (
            value.get("producer") == service.name
            and value.get("event_type") == "task.reassigned"
            and payload.get("plan_id") == plan
            and payload.get("from_agency_code") in (CODES["STTTT"], CODES["SKHDT"])
        )

    return match


async def test_open_assignments_of_merged_departments_move_to_the_successor_once(
    task_service: RunningService, kafka_bootstrap: str
) -> None:
    plan = f"cantho-reorg-{TAG.lower()}"
    document = own_codes({**read_plan_file(CAN_THO_2023), "plan_id": plan})
    async with httpx.AsyncClient(base_url=task_service.url, timeout=60, auth=OFFICE) as client:
        created = await client.post("/v1/plans", json=document)
        assert created.status_code == 201, created.text
        issued = await client.put(f"/v1/plans/{plan}/issue-date", json={"issue_date": "2023-03-10"})
        assert issued.status_code == 200, issued.text

        # Information and communications had task 17 under way before the merge.
        await publish(
            kafka_bootstrap,
            [
                ProgressSubmitted(
                    producer="integration-gateway",
                    payload=ProgressSubmission(
                        agency_code=CODES["STTTT"],
                        plan_id=plan,
                        task_no=17,
                        percent=40,
                        note="Đang xây dựng phần mềm",
                        submitted_at=datetime(2025, 7, 1, 9, tzinfo=VN_TZ),
                    ),
                )
            ],
        )
        for _ in range(300):
            before = await tasks(client, plan)
            if before[(17, CODES["STTTT"])]["percent"] == 40:
                break
            await asyncio.sleep(0.2)
        assert before[(17, CODES["STTTT"])]["percent"] == 40
        ended = {CODES["STTTT"], CODES["SKHDT"]}
        moving = {key for key, t in before.items() if key[1] in ended and t["status"] != "done"}
        assert (16, CODES["STTTT"]) in moving and (4, CODES["SKHDT"]) in moving
        successor_had = {key[0] for key in before if key[1] == CODES["STC"]}

        await publish(kafka_bootstrap, [merge(f"500-{TAG}/QĐ-UBND")])
        events = await read_until(
            kafka_bootstrap,
            "plan.tasks.v1",
            reassigned(task_service, plan),
            want=len(moving),
            grace=3,
        )
        assert len(events) == len(moving)  # exactly one event per moved assignment
        moved = {(e["payload"]["task_no"], e["payload"]["from_agency_code"]) for e in events}
        assert moved == moving
        for e in events:
            p = e["payload"]
            assert p["agency_code"] == CODES["STC"] and p["decision_no"] == f"500-{TAG}/QĐ-UBND"
            assert p["joined_existing"] == (p["task_no"] in successor_had)

        after = await tasks(client, plan)
        assert not [key for key in after if key[1] in ended]
        took_over = after[(17, CODES["STC"])]
        assert (took_over["percent"], took_over["status"]) == (40, "in_progress")

        # Told again (the catalog re-publishing the decision) and a scheduler tick: nothing
        # moves a second time.
        await publish(kafka_bootstrap, [merge(f"500-{TAG}/QĐ-UBND")])
        tick = await client.post("/v1/admin/tick", auth=keycloak.auth("operator"))
        assert tick.status_code == 200 and tick.json()["reassigned"] == 0, tick.text
        # The merged departments owe no monthly report due after the merge; the successor does.
        owed = [k.split(":")[2:] for k in tick.json()["keys"] if k.startswith("monthly_missing:")]
        ended_owe = {month for agency, month in owed if agency in ended}
        assert ended_owe and max(ended_owe) == "2025-01", sorted(ended_owe)
        assert "2025-06" in {month for agency, month in owed if agency == CODES["STC"]}
        again = await read_until(
            kafka_bootstrap,
            "plan.tasks.v1",
            reassigned(task_service, plan),
            want=len(moving) + 1,
            timeout=8,
        )
        assert len(again) == len(moving)
        # The same assignments, held by the same agencies (their deadlines may still move: the
        # shared topic's onboarding facts of other runs keep arriving).
        assert set(await tasks(client, plan)) == set(after)

        # A plan loaded after the merge that still names the merged departments: their
        # assignments go to the successor as it loads.
        later = f"{plan}-b"
        loaded = await client.post("/v1/plans", json={**document, "plan_id": later})
        assert loaded.status_code == 201, loaded.text
        named = {k for k in before if k[1] in ended}  # the same plan: as many assignments
        later_events = await read_until(
            kafka_bootstrap,
            "plan.tasks.v1",
            reassigned(task_service, later),
            want=len(named),
            grace=3,
        )
        assert len(later_events) == len(named)
        assert not [key for key in await tasks(client, later) if key[1] in ended]

        report = await client.get(
            f"/v1/plans/{plan}/reports/monthly", params={"month": "2025-07", "format": "markdown"}
        )
        assert report.status_code == 200, report.text
        text = report.text
        listed = re.search(r"(\d+) lượt nhiệm vụ chưa hoàn thành", text)
        assert listed and int(listed.group(1)) >= len(moving)  # with any real 2025 decisions
        lines = [x for x in text.splitlines() if f"sang {STC_NAME}" in x]
        assert len(lines) >= len(moving)
        line = next(x for x in text.splitlines() if "Nhiệm vụ 17." in x and "sang" in x)
        assert "Sở Thông tin và Truyền thông" in line and "tiến độ khi chuyển 40%" in line
