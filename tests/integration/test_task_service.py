"""task-service on the real broker and database: the seed plan loaded, its deadlines, agencies'
submissions, catalog-service's onboarding facts, and alerts emitted once across restarts.

Each test run uses its own plan id, schema and consumer group; the service's clock is fixed in
April 2023 (CLOCK_NOW) so the plan's dates mean what they meant then.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import yaml
from typer.testing import CliRunner

from pasc_contracts import VN_TZ, Event
from pasc_contracts.events.catalog import (
    Coverage,
    DepartmentFullyOnboarded,
    DepartmentOnboardingReopened,
)
from pasc_contracts.events.plan import (
    MonthlyReportSubmission,
    MonthlyReportSubmitted,
    ProgressSubmission,
    ProgressSubmitted,
    TaskStatus,
)
from support import keycloak
from support.kafka import publish, publish_raw, read_until
from support.processes import RunningService, run_service
from task_service.cli import app as plan_cli
from task_service.data import CAN_THO_2023, read_plan_file

pytestmark = pytest.mark.integration
OFFICE = keycloak.auth("office")  # the Center's office runs the plan


def signed_in_as(user: str) -> dict[str, str | None]:
    """The environment a `pasc` command signs in with (the local realm's direct grant)."""
    return {"PASC_USERNAME": user, "PASC_PASSWORD": user, "PASC_OIDC_ISSUER": keycloak.ISSUER}


APRIL_20 = "2023-04-20T09:00:00+07:00"
APRIL_25 = "2023-04-25T09:00:00+07:00"


def run_id() -> str:
    return uuid.uuid4().hex[:8]


def seed_for(plan_id: str) -> dict[str, Any]:
    return {**read_plan_file(CAN_THO_2023), "plan_id": plan_id}


@pytest.fixture(scope="module")
def task_service(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    env = {"CLOCK_NOW": APRIL_20, "TICK_INTERVAL_S": "0", "ALLOW_TICK_AT": "true"}
    with run_service(
        "task_service", kafka=kafka_bootstrap, database_url=database_url, extra_env=env
    ) as service:
        yield service
    asyncio.run(drop_schema(database_url, service.schema))


@pytest.fixture(scope="module")
def plan_id(task_service: RunningService) -> str:
    """The seed plan under a fresh id, loaded with its issue date (10/3/2023) set."""
    plan = f"cantho-it-{run_id()}"
    created = httpx.post(
        f"{task_service.url}/v1/plans", json=seed_for(plan), timeout=30, auth=OFFICE
    )
    assert created.status_code == 201, created.text
    issued = httpx.put(
        f"{task_service.url}/v1/plans/{plan}/issue-date",
        json={"issue_date": "2023-03-10"},
        timeout=30,
        auth=OFFICE,
    )
    assert issued.status_code == 200, issued.text
    return plan


async def drop_schema(database_url: str, schema: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await conn.close()


async def tasks(service: RunningService, plan: str, **filters: Any) -> dict[tuple[int, str], Any]:
    async with httpx.AsyncClient(base_url=service.url, timeout=30, auth=OFFICE) as client:
        response = await client.get(f"/v1/plans/{plan}/tasks", params=filters)
    assert response.status_code == 200, response.text
    return {(t["task_no"], t["agency_code"]): t for t in response.json()}


async def due(service: RunningService, plan: str, task_no: int, agency: str) -> str | None:
    found = await tasks(service, plan, task_no=task_no, agency=agency)
    return found[(task_no, agency)]["due_on"]


async def wait_for(check: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.3)
    raise AssertionError(f"not true after {timeout}s")


def from_service(service: RunningService, event_type: str, **payload: Any) -> Any:
    def predicate(value: dict[str, Any]) -> bool:
        return (
            value.get("producer") == service.name
            and value.get("event_type") == event_type
            and all(value["payload"].get(k) == v for k, v in payload.items())
        )

    return predicate


# -- the plan and its deadlines -------------------------------------------------------------


async def test_the_cli_loads_the_seed_plan_once_and_sets_its_dates(
    task_service: RunningService, tmp_path: Path, kafka_bootstrap: str
) -> None:
    plan = f"cantho-cli-{run_id()}"
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(
        yaml.safe_dump(seed_for(plan), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    cli, url = CliRunner(env=signed_in_as("office")), ["--url", task_service.url]

    first = cli.invoke(plan_cli, ["load", str(plan_file), *url])
    again = cli.invoke(plan_cli, ["load", str(plan_file), *url])

    assert first.exit_code == 0, first.output
    assert "Đã nạp mới kế hoạch" in first.output and "113 lượt nhiệm vụ mới" in first.output
    assert again.exit_code == 0 and "0 lượt nhiệm vụ mới, 0 thay đổi" in again.output
    assert "(0 sự kiện)" in again.output
    found = await tasks(task_service, plan)
    assert len(found) == 113
    assert found[(13, "VPUBND")]["due_on"] is None  # waits for the issue date
    assert found[(23, "VPUBND")]["due_on"] == "2023-04-29"  # its own estimate
    assert found[(3, "VPUBND")]["due_on"] == "2023-04-28"  # before that launch

    cli.invoke(plan_cli, ["set-issue-date", "2023-03-10", "--plan", plan, *url])
    result = cli.invoke(plan_cli, ["set-launch-date", "2023-04-28", "--plan", plan, *url])
    assert result.exit_code == 0, result.output
    status = cli.invoke(plan_cli, ["status", "--plan", plan, *url])
    assert "23 nhiệm vụ, 113 lượt giao" in status.output
    assert "Ngày ban hành: 10/03/2023; ngày Trung tâm ra mắt: 28/04/2023" in status.output

    bad = cli.invoke(plan_cli, ["set-launch-date", "2023-03-01", "--plan", plan, *url])
    assert bad.exit_code == 1 and "launch_date: ngày ra mắt 01/03/2023 trước " in bad.output
    assert "(launch_date_invalid)" in bad.output

    # A revised plan: task 5 a month later, task 22 dropped. Only the difference is applied.
    revised = seed_for(plan)
    revised["tasks"][4]["deadline_text"] = "Trước ngày 15 tháng 5 năm 2023"
    revised["tasks"] = [t for t in revised["tasks"] if t["number"] != 22]
    plan_file.write_text(yaml.safe_dump(revised, allow_unicode=True), encoding="utf-8")
    edited = cli.invoke(plan_cli, ["load", str(plan_file), *url])
    assert "0 lượt nhiệm vụ mới, 1 thay đổi, 1 rút khỏi kế hoạch, 1 thời hạn tính lại" in (
        edited.output
    )
    found = await tasks(task_service, plan)
    assert found[(5, "VPUBND")]["due_on"] == "2023-05-14" and (22, "SNV") not in found
    withdrawn = await read_until(
        kafka_bootstrap,
        "plan.tasks.v1",
        from_service(task_service, "task.withdrawn", task_ref=f"{plan}:22:SNV"),
        want=1,
    )
    assert withdrawn

    registered = await read_until(
        kafka_bootstrap,
        "plan.plans.v1",
        from_service(task_service, "plan.registered", plan_id=plan),
        want=1,
        grace=1.0,
    )
    assert len(registered) == 1  # loading twice registered the plan once
    assert registered[0]["payload"]["task_count"] == 23


async def test_each_kind_of_deadline_gives_the_due_date_the_plan_implies(
    task_service: RunningService, plan_id: str, kafka_bootstrap: str
) -> None:
    found = await tasks(task_service, plan_id)
    expected = {
        (1, "VPUBND"): "2023-03-31",  # Tháng 3 năm 2023
        (2, "STC"): "2023-03-31",  # chậm nhất trong tháng 3 năm 2023
        (4, "SXD"): "2023-03-29",  # Trước ngày 30 tháng 3 năm 2023
        (4, "BDT"): "2023-03-29",
        (5, "VPUBND"): "2023-04-14",
        (13, "VPUBND"): "2023-03-30",  # 20 ngày kể từ ngày Kế hoạch ban hành (10/3)
        (20, "VPUBND"): "2023-03-30",
        (17, "STTTT"): "2023-12-31",  # Năm 2023
        (6, "SXD"): None,  # Thường xuyên
    }
    for key, day in expected.items():
        assert found[key]["due_on"] == day, key
    assert found[(6, "SXD")]["deadline_kind"] == "ongoing"

    async with httpx.AsyncClient(base_url=task_service.url, timeout=30, auth=OFFICE) as client:
        for launch in ("2023-04-28", "2023-05-19"):
            response = await client.put(
                f"/v1/plans/{plan_id}/launch-date", json={"launch_date": launch}
            )
            assert response.status_code == 200, response.text
        found = await tasks(task_service, plan_id)
        assert found[(23, "VPUBND")]["due_on"] == "2023-05-19"
        for key in ((3, "VPUBND"), (8, "VPUBND"), (16, "STTTT")):  # before launch, concurrent
            assert found[key]["due_on"] == "2023-05-18", key

        moved = await read_until(
            kafka_bootstrap,
            "plan.tasks.v1",
            from_service(task_service, "task.deadline_computed", task_ref=f"{plan_id}:16:STTTT"),
            want=3,
        )
        assert [(e["payload"]["previous_due_on"], e["payload"]["due_on"]) for e in moved] == [
            (None, "2023-04-28"),
            ("2023-04-28", "2023-04-27"),
            ("2023-04-27", "2023-05-18"),
        ]

        wrong = await client.put(
            f"/v1/plans/{plan_id}/issue-date", json={"issue_date": "2023-02-30"}
        )
        assert wrong.status_code == 422
        assert wrong.json() == {
            "error_code": "422",
            "code": "invalid_field",
            "message": "issue_date: không phải ngày hợp lệ",
            "field": "issue_date",
        }
        early = await client.put(
            f"/v1/plans/{plan_id}/issue-date", json={"issue_date": "2023-03-01"}
        )
        assert early.status_code == 422
        assert (early.json()["code"], early.json()["field"]) == ("issue_date_invalid", "issue_date")
        assert early.json()["message"].startswith("ngày ban hành 01/03/2023 trước ")
        assert "595/QĐ-UBND" in early.json()["message"]
        unknown = await client.put(
            "/v1/plans/no-such-plan/issue-date", json={"issue_date": "2023-03-10"}
        )
        assert unknown.status_code == 404
        assert unknown.json() == {
            "error_code": "404",
            "code": "plan_not_found",
            "message": "không có kế hoạch no-such-plan",
            "field": "plan_id",
        }
    assert (await due(task_service, plan_id, 13, "VPUBND")) == "2023-03-30"  # nothing changed


async def test_task_11_becomes_due_when_catalog_reports_the_department_onboarded(
    task_service: RunningService, plan_id: str, kafka_bootstrap: str
) -> None:
    # A date of its own, so this run's events are told apart from earlier ones on the topic.
    as_of = date(2023, 5, 1) + timedelta(days=uuid.uuid4().int % 200)
    coverage = Coverage(agency_code="SXD", eligible=80, at_center=80, excluded=2, as_of=as_of)
    await publish(kafka_bootstrap, [DepartmentFullyOnboarded(producer="test", payload=coverage)])

    ref = f"{plan_id}:11:SXD"
    computed = await read_until(
        kafka_bootstrap,
        "plan.tasks.v1",
        from_service(
            task_service, "task.deadline_computed", task_ref=ref, due_on=as_of.isoformat()
        ),
        want=1,
    )
    assert computed and "100%" in computed[0]["payload"]["reason"]
    assert (await due(task_service, plan_id, 11, "SXD")) == as_of.isoformat()
    assert (await due(task_service, plan_id, 11, "SYT")) != as_of.isoformat()

    reopened = coverage.model_copy(update={"eligible": 81, "at_center": 80})
    await publish(
        kafka_bootstrap, [DepartmentOnboardingReopened(producer="test", payload=reopened)]
    )
    await read_until(
        kafka_bootstrap,
        "plan.tasks.v1",
        from_service(
            task_service, "task.deadline_computed", task_ref=ref, previous_due_on=as_of.isoformat()
        ),
        want=1,
    )
    assert (await due(task_service, plan_id, 11, "SXD")) is None


# -- agencies' submissions ------------------------------------------------------------------


def progress(plan: str, agency: str, task_no: int, percent: int, **extra: Any) -> ProgressSubmitted:
    return ProgressSubmitted(
        producer="integration-gateway",
        payload=ProgressSubmission(
            agency_code=agency,
            plan_id=plan,
            task_no=task_no,
            percent=percent,
            submitted_at=datetime(2023, 4, 18, 10, 0, tzinfo=VN_TZ),
            **extra,
        ),
    )


async def dead_letters(
    bootstrap: str, service: RunningService, event_ids: set[str]
) -> dict[str, dict[str, Any]]:
    def mine(value: dict[str, Any]) -> bool:
        payload = value.get("payload", {})
        if payload.get("consumer_group") != service.group_for("plan.submissions.v1"):
            return False
        try:
            original = json.loads(base64.b64decode(payload["original_value_b64"]))
        except ValueError:
            return False
        return isinstance(original, dict) and original.get("event_id") in event_ids

    letters = await read_until(bootstrap, "deadletter.v1", mine, want=len(event_ids), timeout=45)
    return {
        json.loads(base64.b64decode(v["payload"]["original_value_b64"]))["event_id"]: v["payload"]
        for v in letters
    }


async def test_agency_submissions_apply_or_go_to_dead_letters_with_the_reason(
    task_service: RunningService, plan_id: str, kafka_bootstrap: str
) -> None:
    good = progress(plan_id, "SXD", 4, 60, note="Đã rà soát 48/80 thủ tục", reporter="Nguyễn Văn A")
    await publish(kafka_bootstrap, [good])
    state = await wait_for(lambda: _percent_when(task_service, plan_id, 4, "SXD", 60), timeout=45)
    assert state["status"] == TaskStatus.IN_PROGRESS.value

    refused: list[Event] = [
        progress(plan_id, "SXD", 1, 50),  # task 1 is the office's
        progress(plan_id, "SXD", 99, 50),  # no such task
        progress("no-such-plan", "SXD", 4, 50),
        progress(plan_id, "SXD", 4, 30),  # backwards without a reason
        progress(plan_id, "SXD", 4, 100, status=TaskStatus.DONE),  # done without its result
        progress(plan_id, "VPUBND", 4, 10),  # task 4 is the departments'
        MonthlyReportSubmitted(
            producer="integration-gateway",
            payload=MonthlyReportSubmission(
                agency_code="SXD",
                plan_id=plan_id,
                month="2023-06",  # not begun on 20/4/2023
                summary="Báo cáo tháng 6",
                submitted_at=datetime(2023, 4, 19, 9, 0, tzinfo=VN_TZ),
            ),
        ),
    ]
    over_100 = progress(plan_id, "SXD", 4, 90).model_dump(mode="json")
    over_100["payload"]["percent"] = 150
    await publish(kafka_bootstrap, refused)
    await publish_raw(
        kafka_bootstrap, "plan.submissions.v1", [json.dumps(over_100).encode()], key=b"SXD"
    )
    monthly = MonthlyReportSubmitted(
        producer="integration-gateway",
        payload=MonthlyReportSubmission(
            agency_code="SXD",
            plan_id=plan_id,
            month="2023-03",
            summary="Đã rà soát 48/80 thủ tục; đã cử 2 công chức làm việc tại Trung tâm",
            submitted_at=datetime(2023, 4, 3, 9, 0, tzinfo=VN_TZ),
        ),
    )
    await publish(kafka_bootstrap, [monthly])

    letters = await dead_letters(
        kafka_bootstrap, task_service, {str(e.event_id) for e in refused} | {over_100["event_id"]}
    )
    reasons = {eid: letter["error"] for eid, letter in letters.items()}
    assert reasons[str(refused[0].event_id)].startswith(
        "agency_code: nhiệm vụ 1 không giao cho Sở Xây dựng"
    )
    assert reasons[str(refused[1].event_id)].startswith("task_no:")
    assert reasons[str(refused[2].event_id)].startswith("plan_id:")
    assert reasons[str(refused[3].event_id)].startswith("reason: tiến độ giảm từ 60% xuống 30%")
    assert reasons[str(refused[4].event_id)].startswith("result_ref:")
    assert reasons[str(refused[5].event_id)].startswith("agency_code:")
    assert reasons[str(refused[6].event_id)].startswith("month:")
    assert letters[over_100["event_id"]]["kind"] == "contract_violation"
    assert "payload.percent" in reasons[over_100["event_id"]]
    assert {letters[str(e.event_id)]["kind"] for e in refused} == {"rejected"}

    received = await read_until(
        kafka_bootstrap,
        "plan.monthly_reports.v1",
        from_service(task_service, "monthly_report.received", report_ref=f"{plan_id}:SXD:2023-03"),
        want=1,
    )
    assert received[0]["payload"]["due_on"] == "2023-04-05"
    after = await tasks(task_service, plan_id, task_no=4, agency="SXD")
    assert after[(4, "SXD")]["percent"] == 60  # nothing refused changed anything
    assert after[(4, "SXD")]["note"] == "Đã rà soát 48/80 thủ tục"
    office = await tasks(task_service, plan_id, task_no=1, agency="VPUBND")
    assert office[(1, "VPUBND")]["percent"] == 0


async def _percent_when(
    service: RunningService, plan: str, task_no: int, agency: str, percent: int
) -> dict[str, Any] | None:
    found = (await tasks(service, plan, task_no=task_no, agency=agency))[(task_no, agency)]
    return found if found["percent"] == percent else None


async def test_the_office_reports_on_its_own_tasks_only_through_http(
    task_service: RunningService, plan_id: str
) -> None:
    base = f"/v1/plans/{plan_id}/tasks"
    async with httpx.AsyncClient(base_url=task_service.url, timeout=30, auth=OFFICE) as client:
        over = await client.post(f"{base}/13/assignments/VPUBND/progress", json={"percent": 101})
        not_mine = await client.post(f"{base}/4/assignments/SXD/progress", json={"percent": 10})
        no_result = await client.post(
            f"{base}/13/assignments/VPUBND/status", json={"status": "done"}
        )
        done = await client.post(
            f"{base}/13/assignments/VPUBND/status",
            json={"status": "done", "result_ref": "Quyết định số 800/QĐ-UBND ngày 28/3/2023"},
        )
        unknown = await client.get(f"/v1/plans/{plan_id}/tasks", params={"agency": "SXX"})
        task = await client.get(f"{base}/13")
    assert over.status_code == 422
    assert over.json() == {
        "error_code": "422",
        "code": "invalid_field",
        "message": "percent: phải nhỏ hơn hoặc bằng 100",
        "field": "percent",
    }
    assert not_mine.status_code == 403
    assert (not_mine.json()["code"], not_mine.json()["field"]) == (
        "assignment_not_yours",
        "agency_code",
    )
    assert " không được báo cáo thay " in not_mine.json()["message"]
    assert no_result.status_code == 422
    assert (no_result.json()["code"], no_result.json()["field"]) == (
        "result_ref_required",
        "result_ref",
    )
    assert no_result.json()["message"].startswith("nhiệm vụ chỉ hoàn thành khi có kết quả")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert unknown.status_code == 404
    assert unknown.json() == {
        "error_code": "404",
        "code": "plan_agency_not_found",
        "message": f"Kế hoạch {plan_id} không có cơ quan SXX",
        "field": "agency",
    }
    history = [h["event_type"] for h in task.json()["history"]]
    assert history[:2] == ["task.registered", "task.deadline_computed"]
    assert history[-2:] == ["task.progress_reported", "task.status_changed"]


async def test_the_monthly_report_reads_in_vietnamese(
    task_service: RunningService, plan_id: str
) -> None:
    async with httpx.AsyncClient(base_url=task_service.url, timeout=30, auth=OFFICE) as client:
        markdown = await client.get(
            f"/v1/plans/{plan_id}/reports/monthly", params={"month": "2023-04"}
        )
        html = await client.get(
            f"/v1/plans/{plan_id}/reports/monthly",
            params={"month": "2023-04"},
            headers={"accept": "text/html"},
        )
        bad = await client.get(f"/v1/plans/{plan_id}/reports/monthly", params={"month": "2023-4"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "# BÁO CÁO" in markdown.text
    assert "tháng 04/2023" in markdown.text and "## III. CÁC NHIỆM VỤ TRỄ HẠN" in markdown.text
    assert html.headers["content-type"].startswith("text/html") and "<table>" in html.text
    assert bad.status_code == 422
    assert bad.json() == {
        "error_code": "422",
        "code": "invalid_field",
        "message": "query.month: không đúng định dạng",
        "field": "query.month",
    }


# -- alerts, exactly once -------------------------------------------------------------------


class SharedService:
    """Processes of one task-service deployment: the same schema and name, started in turn."""

    def __init__(self, kafka: str, database_url: str) -> None:
        suffix = run_id()
        self.name = f"task-service-alerts-{suffix}"
        self.schema = f"task_alerts_{suffix}"
        self.kafka, self.database_url = kafka, database_url

    def start(self, stack: ExitStack, clock: str) -> RunningService:
        env = {
            "SERVICE_NAME": self.name,
            "DB_SCHEMA": self.schema,
            "CLOCK_NOW": clock,
            "TICK_INTERVAL_S": "0.3",
        }
        return stack.enter_context(
            run_service(
                "task_service", kafka=self.kafka, database_url=self.database_url, extra_env=env
            )
        )

    async def alerts_claimed(self) -> int:
        conn = await asyncpg.connect(self.database_url)
        try:
            return int(await conn.fetchval(f"SELECT count(*) FROM {self.schema}.alerts_emitted"))
        finally:
            await conn.close()


ALERT_TYPES = {"task.due_soon", "task.overdue", "monthly_report.missing"}


async def alert_events(bootstrap: str, name: str) -> list[dict[str, Any]]:
    """Every alert this deployment published, read long enough for duplicates to show."""

    def mine(value: dict[str, Any]) -> bool:
        return value.get("producer") == name and value.get("event_type") in ALERT_TYPES

    on_tasks = await read_until(bootstrap, "plan.tasks.v1", mine, want=54, grace=3.0)
    on_reports = await read_until(bootstrap, "plan.monthly_reports.v1", mine, want=19, grace=1.0)
    return on_tasks + on_reports


def identity(event: dict[str, Any]) -> tuple[Any, ...]:
    p = event["payload"]
    return (
        event["event_type"],
        p.get("task_ref") or p.get("report_ref"),
        p.get("days_left"),
        p.get("due_on"),
    )


@pytest.fixture
async def shared(kafka_bootstrap: str, database_url: str) -> AsyncIterator[SharedService]:
    deployment = SharedService(kafka_bootstrap, database_url)
    yield deployment
    await drop_schema(database_url, deployment.schema)


async def test_alerts_fire_once_across_a_restart_and_with_two_instances(
    shared: SharedService, kafka_bootstrap: str
) -> None:
    plan = f"cantho-alerts-{run_id()}"
    # Without task 11: its deadlines follow catalog-service's events, and the shared topic holds
    # whatever other runs published; the count of alerts below must depend on this plan alone.
    document = seed_for(plan)
    document["tasks"] = [t for t in document["tasks"] if t["number"] != 11]
    with ExitStack() as stack:
        first = shared.start(stack, APRIL_20)
        async with httpx.AsyncClient(base_url=first.url, timeout=30, auth=OFFICE) as client:
            assert (await client.post("/v1/plans", json=document)).status_code == 201
            await client.put(f"/v1/plans/{plan}/issue-date", json={"issue_date": "2023-03-10"})
            await client.put(f"/v1/plans/{plan}/launch-date", json={"launch_date": "2023-04-28"})
        # 20/4: 47 assignments past due, tasks 3, 8 and 16 (due 27/4) a week away, and the 19
        # departments' March reports (due 5/4) missing.
        await wait_for(lambda: _claimed(shared, 69))
    with ExitStack() as stack:
        shared.start(stack, APRIL_20)  # a restart: its loop ticks, finds every key taken
        await asyncio.sleep(2)
    assert await shared.alerts_claimed() == 69

    with ExitStack() as stack:  # 25/4, two instances at once: the 3-day reminders, once
        shared.start(stack, APRIL_25)
        shared.start(stack, APRIL_25)
        await wait_for(lambda: _claimed(shared, 73))
        await asyncio.sleep(2)

    events = await alert_events(kafka_bootstrap, shared.name)
    identities = [identity(e) for e in events]
    assert len(identities) == len(set(identities)) == 73
    kinds = sorted(e["event_type"] for e in events)
    assert kinds.count("task.overdue") == 47
    assert kinds.count("monthly_report.missing") == 19
    reminders = sorted(
        (e["payload"]["task_ref"], e["payload"]["days_left"])
        for e in events
        if e["event_type"] == "task.due_soon"
    )
    assert reminders == [
        (f"{plan}:16:STTTT", 3),
        (f"{plan}:16:STTTT", 7),
        (f"{plan}:23:VPUBND", 3),
        (f"{plan}:3:VPUBND", 3),
        (f"{plan}:3:VPUBND", 7),
        (f"{plan}:8:VPUBND", 3),
        (f"{plan}:8:VPUBND", 7),
    ]


async def _claimed(shared: SharedService, count: int) -> bool:
    try:
        return await shared.alerts_claimed() >= count
    except asyncpg.UndefinedTableError:
        return False
