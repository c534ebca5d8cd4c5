"""Reads for the HTTP API and the report: from the tables to the domain's views."""

from __future__ import annotations

from datetime import date

from task_service.adapters import store
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
    )
