"""Reads for the HTTP API and the report: from the tables to the domain's views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pasc_contracts.events.plan import TaskStatus
from task_service.adapters import store
from task_service.app import views
from task_service.domain.calendar import end_of_day, month_key
from task_service.domain.errors import not_found
from task_service.domain.monthly_report import (
    AssignmentFacts,
    MonthlyReportView,
    ReceivedReport,
    build_monthly_report,
    report_cutoff,
)


async def plan_or_404(db: store.Db, plan_id: str) -> store.PlanRow:
    row = await store.plan(db, plan_id)
    if row is None:
        raise not_found("plan_id", f"không có kế hoạch {plan_id}")
    return row


async def monthly_report(
    db: store.Db, plan_id: str, year: int, month: int, today: date
) -> MonthlyReportView:
    row = await plan_or_404(db, plan_id)
    cutoff = report_cutoff(year, month, today)
    rows = await store.assignments(db, plan_id)
    history = await store.history(db, plan_id, until=end_of_day(cutoff))
    reports = await store.monthly_reports(db, plan_id, month_key(year, month))
    return build_monthly_report(
        row.document,
        year=year,
        month=month,
        today=today,
        issue_date=row.issue_date,
        launch_date=row.launch_date,
        assignments=[
            AssignmentFacts(a.task_no, a.agency_code, a.due_on, a.due_reason) for a in rows
        ],
        history=history,
        reports=[ReceivedReport(r.agency_code, r.summary, r.submitted_at) for r in reports],
        ended=await store.ended_agencies(db),
    )


@dataclass(frozen=True)
class TaskFilter:
    agency: str | None = None
    status: TaskStatus | None = None
    overdue: bool | None = None
    due_before: date | None = None
    task_no: int | None = None

    def keeps(self, a: store.AssignmentRow, day: date) -> bool:
        return (
            (self.status is None or a.state.status is self.status)
            and (self.overdue is None or views.is_overdue(a, day) == self.overdue)
            and (self.due_before is None or (a.due_on is not None and a.due_on < self.due_before))
        )


async def tasks(db: store.Db, plan_id: str, wanted: TaskFilter, day: date) -> list[dict[str, Any]]:
    """The plan's assignments that pass `wanted`; an agency or task the plan lacks is a 404."""
    row = await plan_or_404(db, plan_id)
    if wanted.agency is not None and row.document.agency(wanted.agency) is None:
        raise not_found("agency", f"Kế hoạch {plan_id} không có cơ quan {wanted.agency}")
    if wanted.task_no is not None and row.document.task(wanted.task_no) is None:
        raise not_found("task_no", f"Kế hoạch {plan_id} không có nhiệm vụ {wanted.task_no}")
    rows = await store.assignments(db, plan_id, agency_code=wanted.agency, task_no=wanted.task_no)
    return [views.assignment(row.document, a, day) for a in rows if wanted.keeps(a, day)]


async def task(db: store.Db, plan_id: str, task_no: int, day: date) -> dict[str, Any]:
    row = await plan_or_404(db, plan_id)
    if row.document.task(task_no) is None:
        raise not_found("task_no", f"Kế hoạch {plan_id} không có nhiệm vụ {task_no}")
    rows = await store.assignments(db, plan_id, task_no=task_no)
    history = await store.history(db, plan_id, task_no=task_no)
    return views.task(row.document, task_no, rows, history, day)


async def agencies(db: store.Db, plan_id: str, day: date) -> list[dict[str, Any]]:
    row = await plan_or_404(db, plan_id)
    rows = await store.assignments(db, plan_id)
    return [views.agency_duties(row.document, a.code, rows, day) for a in row.document.agencies]


async def agency(db: store.Db, plan_id: str, agency_code: str, day: date) -> dict[str, Any]:
    row = await plan_or_404(db, plan_id)
    if row.document.agency(agency_code) is None:
        raise not_found("agency_code", f"Kế hoạch {plan_id} không có cơ quan {agency_code}")
    rows = await store.assignments(db, plan_id, agency_code=agency_code)
    return views.agency_duties(row.document, agency_code, rows, day)


async def plans(db: store.Db) -> list[dict[str, Any]]:
    return [
        {
            "plan_id": p.plan_id,
            "title": p.document.title,
            "tasks": len(p.document.tasks),
            "issue_date": p.issue_date,
            "launch_date": p.launch_date,
            "updated_at": p.updated_at,
        }
        for p in await store.plans(db)
    ]


async def plan_summary(db: store.Db, plan_id: str, day: date) -> dict[str, Any]:
    row = await plan_or_404(db, plan_id)
    rows = await store.assignments(db, plan_id)
    return views.plan_summary(row, rows, day)
