"""The plans: loading one, its dates, and the reads of its tasks, agencies and monthly report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from pasc_contracts.events.plan import TaskStatus
from pasc_runtime.auth import Role
from pasc_runtime.auth.routes import allow, refusals
from task_service.app import errors, reading
from task_service.app.deps import App
from task_service.app.errors import example
from task_service.app.report import render_html, render_markdown
from task_service.domain.plan import PlanDocument

# Years from 1900: "0000-01" is well formed but no calendar has it.
MONTH = r"^(19|2\d)\d\d-(0[1-9]|1[0-2])$"
READERS = (Role.CENTER_OFFICE, Role.CIOC)

router = APIRouter()
NO_PLAN = refusals(example(errors.PLAN_NOT_FOUND, "plan_id"))


class MarkdownResponse(Response):
    media_type = "text/markdown"  # Starlette adds "; charset=utf-8" to text types


MONTHLY_REPORT = {
    200: {
        "description": "The report in Markdown (default), or HTML with `format=html` or"
        " `Accept: text/html`.",
        "content": {
            "text/markdown": {
                "schema": {"type": "string"},
                "example": "# BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH\n\nTháng 05/2023 ...",
            },
            "text/html": {"schema": {"type": "string"}},
        },
    },
    **refusals(
        example(errors.PLAN_NOT_FOUND, "plan_id"),
        example(errors.MONTH_INVALID, "month"),
    ),
}


class IssueDate(BaseModel):
    issue_date: date


class LaunchDate(BaseModel):
    launch_date: date


@router.get("/v1/plans", tags=["Kế hoạch"], responses=refusals(), **allow(*READERS))
async def list_plans(app: App) -> list[dict[str, Any]]:
    return await reading.plans(app.pool())


@router.post(
    "/v1/plans",
    tags=["Kế hoạch"],
    status_code=201,
    responses={
        200: {"description": "Loaded again: the difference applied (or nothing changed)."},
        201: {"description": "A new plan."},
        **refusals(),
    },
    **allow(Role.CENTER_OFFICE),
)
async def load_plan(app: App, document: PlanDocument) -> JSONResponse:
    """Load a plan document; loading it again changes nothing, an edited one applies the
    difference as events."""
    result = await app.in_transaction(lambda conn: app.tasks.load_plan(conn, document))
    return JSONResponse(result.__dict__, status_code=201 if result.created else 200)


@router.get("/v1/plans/{plan_id}", tags=["Kế hoạch"], responses=NO_PLAN, **allow(*READERS))
async def plan_summary(app: App, plan_id: str) -> dict[str, Any]:
    return await reading.plan_summary(app.pool(), plan_id, app.today())


@router.put(
    "/v1/plans/{plan_id}/issue-date",
    tags=["Kế hoạch"],
    responses=refusals(
        example(errors.PLAN_NOT_FOUND, "plan_id"), example(errors.ISSUE_DATE_INVALID, "issue_date")
    ),
    **allow(Role.CENTER_OFFICE),
)
async def set_issue_date(app: App, plan_id: str, body: IssueDate) -> dict[str, Any]:
    events = await app.in_transaction(
        lambda conn: app.tasks.set_issue_date(conn, plan_id, body.issue_date)
    )
    return {"plan_id": plan_id, "issue_date": body.issue_date, "events": events}


@router.put(
    "/v1/plans/{plan_id}/launch-date",
    tags=["Kế hoạch"],
    responses=refusals(
        example(errors.PLAN_NOT_FOUND, "plan_id"),
        example(errors.LAUNCH_DATE_INVALID, "launch_date"),
    ),
    **allow(Role.CENTER_OFFICE),
)
async def set_launch_date(app: App, plan_id: str, body: LaunchDate) -> dict[str, Any]:
    events = await app.in_transaction(
        lambda conn: app.tasks.set_launch_date(conn, plan_id, body.launch_date)
    )
    return {"plan_id": plan_id, "launch_date": body.launch_date, "events": events}


@router.get(
    "/v1/plans/{plan_id}/tasks",
    tags=["Nhiệm vụ"],
    responses=refusals(
        example(errors.PLAN_NOT_FOUND, "plan_id"),
        example(errors.PLAN_AGENCY_NOT_FOUND, "agency"),
        example(errors.TASK_NOT_FOUND, "task_no"),
    ),
    **allow(*READERS),
)
async def list_tasks(
    app: App,
    plan_id: str,
    agency: str | None = None,
    status: TaskStatus | None = None,
    overdue: bool | None = None,
    due_before: date | None = None,
    task_no: int | None = None,
) -> list[dict[str, Any]]:
    wanted = reading.TaskFilter(agency, status, overdue, due_before, task_no)
    return await reading.tasks(app.pool(), plan_id, wanted, app.today())


@router.get(
    "/v1/plans/{plan_id}/tasks/{task_no}",
    tags=["Nhiệm vụ"],
    responses=refusals(
        example(errors.PLAN_NOT_FOUND, "plan_id"), example(errors.TASK_NOT_FOUND, "task_no")
    ),
    **allow(*READERS),
)
async def get_task(app: App, plan_id: str, task_no: int) -> dict[str, Any]:
    return await reading.task(app.pool(), plan_id, task_no, app.today())


@router.get("/v1/plans/{plan_id}/agencies", tags=["Nhiệm vụ"], responses=NO_PLAN, **allow(*READERS))
async def list_agencies(app: App, plan_id: str) -> list[dict[str, Any]]:
    return await reading.agencies(app.pool(), plan_id, app.today())


@router.get(
    "/v1/plans/{plan_id}/agencies/{agency_code}",
    tags=["Nhiệm vụ"],
    responses=refusals(
        example(errors.PLAN_NOT_FOUND, "plan_id"),
        example(errors.PLAN_AGENCY_NOT_FOUND, "agency_code"),
    ),
    **allow(*READERS),
)
async def get_agency(app: App, plan_id: str, agency_code: str) -> dict[str, Any]:
    return await reading.agency(app.pool(), plan_id, agency_code, app.today())


@router.get(
    "/v1/plans/{plan_id}/reports/monthly",
    tags=["Báo cáo"],
    response_class=MarkdownResponse,
    responses=MONTHLY_REPORT,
    **allow(*READERS),
)
async def monthly_report(
    app: App,
    request: Request,
    plan_id: str,
    month: Annotated[str, Query(pattern=MONTH, description="YYYY-MM")],
    format: Literal["markdown", "html"] | None = None,
) -> Response:
    """The month's progress report for the People's Committee (Vietnamese): Markdown, or HTML."""
    year, number = (int(part) for part in month.split("-"))
    report = await reading.monthly_report(app.pool(), plan_id, year, number, app.today())
    wants_html = format == "html" or (
        format is None and "text/html" in request.headers.get("accept", "")
    )
    if wants_html:
        return HTMLResponse(render_html(report))
    return MarkdownResponse(render_markdown(report))
