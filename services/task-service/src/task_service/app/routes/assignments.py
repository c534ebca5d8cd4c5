"""The office's own inputs on its assignments: progress and status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pasc_contracts.events.plan import TaskStatus
from pasc_runtime.auth import Role
from pasc_runtime.auth.routes import allow, refusals
from task_service.app import errors, office
from task_service.app.deps import App
from task_service.app.errors import example
from task_service.domain.progress import Progress

ASSIGNMENT = "/v1/plans/{plan_id}/tasks/{task_no}/assignments/{agency_code}"

router = APIRouter(tags=["Nhiệm vụ"])
REFUSALS = (
    example(errors.PLAN_NOT_FOUND, "plan_id"),
    example(errors.TASK_NOT_FOUND, "task_no"),
    example(errors.NOT_YOUR_ASSIGNMENT, "agency_code"),
    example(errors.REASON_REQUIRED, "reason"),
    example(errors.RESULT_REF_REQUIRED, "result_ref"),
)


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


@router.post(
    f"{ASSIGNMENT}/progress",
    responses=refusals(*REFUSALS, example(errors.PERCENT_INVALID, "percent")),
    **allow(Role.CENTER_OFFICE),
)
async def report_progress(
    app: App, plan_id: str, task_no: int, agency_code: str, body: ProgressBody
) -> dict[str, Any]:
    """Progress on one of the office's own assignments (agencies report via the gateway)."""
    ref = office.AssignmentRef(plan_id, task_no, agency_code)
    return await office.report_progress(app, ref, Progress(**body.model_dump()))


@router.post(f"{ASSIGNMENT}/status", responses=refusals(*REFUSALS), **allow(Role.CENTER_OFFICE))
async def change_status(
    app: App, plan_id: str, task_no: int, agency_code: str, body: StatusBody
) -> dict[str, Any]:
    """Status of one of the office's own assignments (done needs its result, blocked a reason)."""
    ref = office.AssignmentRef(plan_id, task_no, agency_code)
    change = office.StatusChange(body.status, body.reason, body.result_ref)
    return await office.change_status(app, ref, change)
