"""The plan's tasks and monthly reports as reporting needs them; each fact keeps its event time."""

from __future__ import annotations

from typing import Any

from pasc_runtime.db import Connection
from reporting_service.domain.plan import TaskState

_ENSURE = """
INSERT INTO plan_tasks (task_ref, plan_id, task_no, agency_code) VALUES ($1, $2, $3, $4)
ON CONFLICT (task_ref) DO NOTHING
"""

_REGISTERED = """
UPDATE plan_tasks SET title = $2, deadline_text = $3, registered_at = $4
WHERE task_ref = $1 AND (registered_at IS NULL OR registered_at <= $4)
"""

_DUE_ON = """
UPDATE plan_tasks SET due_on = $2, due_at = $3
WHERE task_ref = $1 AND (due_at IS NULL OR due_at <= $3)
"""

_PERCENT = """
UPDATE plan_tasks SET percent = $2, percent_at = $3
WHERE task_ref = $1 AND (percent_at IS NULL OR percent_at <= $3)
"""

_STATUS = """
UPDATE plan_tasks SET status = $2, status_at = $3
WHERE task_ref = $1 AND (status_at IS NULL OR status_at <= $3)
"""

_WITHDRAWN = """
UPDATE plan_tasks SET withdrawn = true, withdrawn_at = $2
WHERE task_ref = $1 AND (withdrawn_at IS NULL OR withdrawn_at <= $2)
"""

# A re-registration after a withdrawal brings the task back.
_REINSTATED = """
UPDATE plan_tasks SET withdrawn = false WHERE task_ref = $1 AND withdrawn_at < $2
"""

_OVERDUE_ALERT = """
UPDATE plan_tasks SET overdue_alerts = overdue_alerts + 1,
    due_on = coalesce(due_on, $2) WHERE task_ref = $1
"""

_PLAN = """
INSERT INTO plans AS p (plan_id, title, occurred_at) VALUES ($1, $2, $3)
ON CONFLICT (plan_id) DO UPDATE SET title = EXCLUDED.title, occurred_at = EXCLUDED.occurred_at
WHERE p.occurred_at IS NULL OR p.occurred_at <= EXCLUDED.occurred_at
"""

_MONTHLY = """
INSERT INTO monthly_reports AS m (report_ref, plan_id, agency_code, month, state, submitted_at,
                                  occurred_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (report_ref) DO UPDATE SET state = EXCLUDED.state,
    submitted_at = coalesce(EXCLUDED.submitted_at, m.submitted_at),
    occurred_at = EXCLUDED.occurred_at
WHERE m.state <> 'received' OR EXCLUDED.state = 'received'
"""

# Applied in this order within a batch (a withdrawal then a re-registration reinstates).
STATEMENTS = {
    "ensure": _ENSURE,
    "registered": _REGISTERED,
    "due_on": _DUE_ON,
    "percent": _PERCENT,
    "status": _STATUS,
    "withdrawn": _WITHDRAWN,
    "reinstated": _REINSTATED,
    "overdue_alert": _OVERDUE_ALERT,
    "plan": _PLAN,
    "monthly": _MONTHLY,
}


async def apply(conn: Connection, kind: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await conn.executemany(STATEMENTS[kind], rows)


async def tasks(
    conn: Connection, agency: str | None = None, plan_id: str | None = None
) -> list[TaskState]:
    rows = await conn.fetch(
        "SELECT task_ref, agency_code, task_no, title, status, percent, due_on, withdrawn"
        " FROM plan_tasks WHERE ($1::text IS NULL OR agency_code = $1)"
        " AND ($2::text IS NULL OR plan_id = $2) ORDER BY task_no, agency_code",
        agency,
        plan_id,
    )
    return [TaskState(**dict(r)) for r in rows]


async def monthly_reports(conn: Connection, month: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT agency_code, state, submitted_at FROM monthly_reports WHERE month = $1"
        " ORDER BY agency_code",
        month,
    )
    return [dict(r) for r in rows]


async def plan_titles(conn: Connection) -> dict[str, str]:
    rows = await conn.fetch("SELECT plan_id, title FROM plans WHERE title IS NOT NULL")
    return {r["plan_id"]: r["title"] for r in rows}
