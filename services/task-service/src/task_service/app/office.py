"""The office's own inputs on its assignments, each one transaction answering the new state.

Agencies report through the gateway (plan.submissions.v1); here the caller is the office that
runs the plan, so progress and status may be given only for the office's own assignments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pasc_contracts.events.plan import TaskStatus
from pasc_runtime.db import Connection
from task_service.adapters import store
from task_service.app import reading, views
from task_service.app.deps import Services
from task_service.domain.progress import Progress


@dataclass(frozen=True)
class AssignmentRef:
    plan_id: str
    task_no: int
    agency_code: str


@dataclass(frozen=True)
class StatusChange:
    status: TaskStatus
    reason: str | None
    result_ref: str | None


async def report_progress(app: Services, ref: AssignmentRef, progress: Progress) -> dict[str, Any]:
    async def work(conn: Connection) -> dict[str, Any]:
        row = await reading.plan_or_404(conn, ref.plan_id)
        await app.tasks.report_progress(
            conn,
            plan_id=ref.plan_id,
            task_no=ref.task_no,
            agency_code=ref.agency_code,
            caller=row.document.office,
            progress=progress,
            at=app.tasks.clock.now(),
        )
        return await _assignment(app, conn, row, ref)

    return await app.in_transaction(work)


async def change_status(app: Services, ref: AssignmentRef, change: StatusChange) -> dict[str, Any]:
    async def work(conn: Connection) -> dict[str, Any]:
        row = await reading.plan_or_404(conn, ref.plan_id)
        await app.tasks.change_status(
            conn,
            plan_id=ref.plan_id,
            task_no=ref.task_no,
            agency_code=ref.agency_code,
            caller=row.document.office,
            status=change.status,
            reason=change.reason,
            result_ref=change.result_ref,
        )
        return await _assignment(app, conn, row, ref)

    return await app.in_transaction(work)


async def _assignment(
    app: Services, conn: Connection, row: store.PlanRow, ref: AssignmentRef
) -> dict[str, Any]:
    updated = await store.assignments(
        conn, ref.plan_id, agency_code=ref.agency_code, task_no=ref.task_no
    )
    return views.assignment(row.document, updated[0], app.today())
