"""task-service's HTTP API: the office's own inputs, and every read (JSON, the monthly report).

Agencies report through the gateway (plan.submissions.v1); here the caller is the office that
runs the plan, so progress and status may be given only for the office's own assignments.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

import asyncpg
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from pasc_contracts.events.plan import TaskStatus
from pasc_runtime.auth import Access, Role
from pasc_runtime.db import Connection
from task_service.adapters import store
from task_service.app import reading, views
from task_service.app.report import render_html, render_markdown
from task_service.app.scheduler import Scheduler
from task_service.app.service import TaskService
from task_service.domain.calendar import vn_date
from task_service.domain.errors import DomainError, Refusal, not_found
from task_service.domain.plan import PlanDocument
from task_service.domain.progress import Progress

T = TypeVar("T")
# Years from 1900: "0000-01" is well formed but no calendar has it.
MONTH = r"^(19|2\d)\d\d-(0[1-9]|1[0-2])$"
_STATUS = {Refusal.NOT_FOUND: 404, Refusal.FORBIDDEN: 403, Refusal.INVALID: 422}


class IssueDate(BaseModel):
    issue_date: date


class LaunchDate(BaseModel):
    launch_date: date


class ProgressBody(BaseModel):
    percent: int = Field(ge=0, le=100)
    note: str | None = None
    result_ref: str | None = Field(
        default=None, description="e.g. 'Quyết định số 12/QĐ-UBND ngày 20/3/2023'"
    )
    reporter: str | None = None
    status: TaskStatus | None = None
    reason: str | None = Field(default=None, description="Why progress goes back, or why blocked")


class StatusBody(BaseModel):
    status: TaskStatus
    reason: str | None = None
    result_ref: str | None = None


def make_api(
    pool: Callable[[], asyncpg.Pool],
    service: TaskService,
    scheduler: Scheduler,
    access: Access,
    *,
    allow_tick_at: bool,
) -> FastAPI:
    api = FastAPI(title="task-service", docs_url="/docs", openapi_url="/openapi.json")

    @api.exception_handler(DomainError)
    async def refused(_: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": [exc.field], "msg": exc.reason, "type": exc.kind.value}]},
            status_code=_STATUS[exc.kind],
        )

    async def in_transaction(work: Callable[[Connection], Awaitable[T]]) -> T:
        async with pool().acquire() as conn, conn.transaction():
            return await work(conn)

    def today() -> date:
        return vn_date(service.clock.now())

    async def plan_row(plan_id: str) -> store.PlanRow:
        return await reading.plan_or_404(pool(), plan_id)

    # -- plans ----------------------------------------------------------------------------

    @api.get("/v1/plans", **access.allow(Role.CENTER_OFFICE, Role.CIOC))
    async def list_plans() -> list[dict[str, Any]]:
        return [
            {
                "plan_id": p.plan_id,
                "title": p.document.title,
                "tasks": len(p.document.tasks),
                "issue_date": p.issue_date,
                "launch_date": p.launch_date,
                "updated_at": p.updated_at,
            }
            for p in await store.plans(pool())
        ]

    @api.post("/v1/plans", **access.allow(Role.CENTER_OFFICE))
    async def load_plan(document: PlanDocument) -> JSONResponse:
        """Load a plan document; loading it again changes nothing, an edited one applies the
        difference as events."""
        result = await in_transaction(lambda conn: service.load_plan(conn, document))
        return JSONResponse(result.__dict__, status_code=201 if result.created else 200)

    @api.get("/v1/plans/{plan_id}", **access.allow(Role.CENTER_OFFICE, Role.CIOC))
    async def plan_summary(plan_id: str) -> dict[str, Any]:
        row = await plan_row(plan_id)
        rows = await store.assignments(pool(), plan_id)
        return views.plan_summary(row, rows, today())

    @api.put("/v1/plans/{plan_id}/issue-date", **access.allow(Role.CENTER_OFFICE))
    async def set_issue_date(plan_id: str, body: IssueDate) -> dict[str, Any]:
        events = await in_transaction(
            lambda conn: service.set_issue_date(conn, plan_id, body.issue_date)
        )
        return {"plan_id": plan_id, "issue_date": body.issue_date, "events": events}

    @api.put("/v1/plans/{plan_id}/launch-date", **access.allow(Role.CENTER_OFFICE))
    async def set_launch_date(plan_id: str, body: LaunchDate) -> dict[str, Any]:
        events = await in_transaction(
            lambda conn: service.set_launch_date(conn, plan_id, body.launch_date)
        )
        return {"plan_id": plan_id, "launch_date": body.launch_date, "events": events}

    # -- tasks ----------------------------------------------------------------------------

    @api.get("/v1/plans/{plan_id}/tasks", **access.allow(Role.CENTER_OFFICE, Role.CIOC))
    async def list_tasks(
        plan_id: str,
        agency: str | None = None,
        status: TaskStatus | None = None,
        overdue: bool | None = None,
        due_before: date | None = None,
        task_no: int | None = None,
    ) -> list[dict[str, Any]]:
        row = await plan_row(plan_id)
        if agency is not None and row.document.agency(agency) is None:
            raise not_found("agency", f"Kế hoạch {plan_id} không có cơ quan {agency}")
        if task_no is not None and row.document.task(task_no) is None:
            raise not_found("task_no", f"Kế hoạch {plan_id} không có nhiệm vụ {task_no}")
        day = today()
        rows = await store.assignments(pool(), plan_id, agency_code=agency, task_no=task_no)
        return [
            views.assignment(row.document, a, day)
            for a in rows
            if (status is None or a.state.status is status)
            and (overdue is None or views.is_overdue(a, day) == overdue)
            and (due_before is None or (a.due_on is not None and a.due_on < due_before))
        ]

    @api.get("/v1/plans/{plan_id}/tasks/{task_no}", **access.allow(Role.CENTER_OFFICE, Role.CIOC))
    async def get_task(plan_id: str, task_no: int) -> dict[str, Any]:
        row = await plan_row(plan_id)
        if row.document.task(task_no) is None:
            raise not_found("task_no", f"Kế hoạch {plan_id} không có nhiệm vụ {task_no}")
        rows = await store.assignments(pool(), plan_id, task_no=task_no)
        history = await store.history(pool(), plan_id, task_no=task_no)
        return views.task(row.document, task_no, rows, history, today())

    @api.post(
        "/v1/plans/{plan_id}/tasks/{task_no}/assignments/{agency_code}/progress",
        **access.allow(Role.CENTER_OFFICE),
    )
    async def report_progress(
        plan_id: str, task_no: int, agency_code: str, body: ProgressBody
    ) -> dict[str, Any]:
        """Progress on one of the office's own assignments (agencies report via the gateway)."""

        async def work(conn: Connection) -> dict[str, Any]:
            row = await reading.plan_or_404(conn, plan_id)
            await service.report_progress(
                conn,
                plan_id=plan_id,
                task_no=task_no,
                agency_code=agency_code,
                caller=row.document.office,
                progress=Progress(**body.model_dump()),
                at=service.clock.now(),
            )
            updated = await store.assignments(
                conn, plan_id, agency_code=agency_code, task_no=task_no
            )
            return views.assignment(row.document, updated[0], today())

        return await in_transaction(work)

    @api.post(
        "/v1/plans/{plan_id}/tasks/{task_no}/assignments/{agency_code}/status",
        **access.allow(Role.CENTER_OFFICE),
    )
    async def change_status(
        plan_id: str, task_no: int, agency_code: str, body: StatusBody
    ) -> dict[str, Any]:
        async def work(conn: Connection) -> dict[str, Any]:
            row = await reading.plan_or_404(conn, plan_id)
            await service.change_status(
                conn,
                plan_id=plan_id,
                task_no=task_no,
                agency_code=agency_code,
                caller=row.document.office,
                status=body.status,
                reason=body.reason,
                result_ref=body.result_ref,
            )
            updated = await store.assignments(
                conn, plan_id, agency_code=agency_code, task_no=task_no
            )
            return views.assignment(row.document, updated[0], today())

        return await in_transaction(work)

    # -- agencies -------------------------------------------------------------------------

    @api.get("/v1/plans/{plan_id}/agencies", **access.allow(Role.CENTER_OFFICE, Role.CIOC))
    async def list_agencies(plan_id: str) -> list[dict[str, Any]]:
        row = await plan_row(plan_id)
        rows = await store.assignments(pool(), plan_id)
        day = today()
        return [views.agency_duties(row.document, a.code, rows, day) for a in row.document.agencies]

    @api.get(
        "/v1/plans/{plan_id}/agencies/{agency_code}", **access.allow(Role.CENTER_OFFICE, Role.CIOC)
    )
    async def get_agency(plan_id: str, agency_code: str) -> dict[str, Any]:
        row = await plan_row(plan_id)
        if row.document.agency(agency_code) is None:
            raise not_found("agency_code", f"Kế hoạch {plan_id} không có cơ quan {agency_code}")
        rows = await store.assignments(pool(), plan_id, agency_code=agency_code)
        return views.agency_duties(row.document, agency_code, rows, today())

    # -- the monthly report ---------------------------------------------------------------

    @api.get("/v1/plans/{plan_id}/reports/monthly", **access.allow(Role.CENTER_OFFICE, Role.CIOC))
    async def monthly_report(
        request: Request,
        plan_id: str,
        month: Annotated[str, Query(pattern=MONTH, description="YYYY-MM")],
        format: Literal["markdown", "html"] | None = None,
    ) -> Response:
        year, number = (int(part) for part in month.split("-"))
        report = await reading.monthly_report(pool(), plan_id, year, number, today())
        wants_html = format == "html" or (
            format is None and "text/html" in request.headers.get("accept", "")
        )
        if wants_html:
            return HTMLResponse(render_html(report))
        return Response(render_markdown(report), media_type="text/markdown; charset=utf-8")

    # -- operations -----------------------------------------------------------------------

    @api.post("/v1/admin/tick", **access.allow(Role.OPERATOR))
    async def tick(now: datetime | None = None) -> dict[str, Any]:
        """Run the alert scheduler once (at `now` only where allow_tick_at is set)."""
        if now is not None and not allow_tick_at:
            raise DomainError(
                "now",
                "chạy lịch nhắc hạn tại một thời điểm khác chỉ dùng khi diễn tập (ALLOW_TICK_AT)",
                Refusal.FORBIDDEN,
            )
        if now is not None and now.tzinfo is None:
            raise DomainError("now", "thời điểm phải có múi giờ, ví dụ 2023-04-20T08:00:00+07:00")
        result = await scheduler.tick_once(now)
        return result.__dict__

    return api
