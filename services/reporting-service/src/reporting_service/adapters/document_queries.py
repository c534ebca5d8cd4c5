"""What the monthly document needs beyond the KPI queries: the plan's tasks with the time of
their last report, and the departments' monthly reports with their receipt time."""

from __future__ import annotations

from pasc_runtime.db import Connection
from reporting_service.domain.report_document import PlanTask, Submission


async def plan_tasks(conn: Connection) -> list[PlanTask]:
    rows = await conn.fetch(
        "SELECT agency_code, task_no, title, status, status_at, percent, due_on, registered_at,"
        " withdrawn FROM plan_tasks ORDER BY task_no, agency_code"
    )
    return [PlanTask(**dict(r)) for r in rows]


async def submissions(conn: Connection, month: str) -> list[Submission]:
    rows = await conn.fetch(
        "SELECT agency_code, state, submitted_at FROM monthly_reports WHERE month = $1"
        " ORDER BY agency_code",
        month,
    )
    return [Submission(**dict(r)) for r in rows]


async def plan_title(conn: Connection) -> str | None:
    """The title of the plan the tasks belong to (the latest one when several were loaded)."""
    value = await conn.fetchval(
        "SELECT title FROM plans WHERE title IS NOT NULL ORDER BY occurred_at DESC NULLS LAST"
        " LIMIT 1"
    )
    return str(value) if value is not None else None
