"""What a department system reports besides dossiers: plan progress, monthly reports on the
plan, and the Center's camera system's events. Each becomes one event (202)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from integration_gateway.adapters import audit
from integration_gateway.app import errors
from integration_gateway.app.identity import Caller
from integration_gateway.app.routes.context import CallerDep, Gateway, GatewayDep, parse, read_json
from integration_gateway.domain.dossier_rules import PRODUCER
from pasc_contracts import now_vn
from pasc_contracts.dvcqg import Text
from pasc_contracts.events.camera import CameraStatus, CameraStatusChanged
from pasc_contracts.events.plan import (
    MonthlyReportSubmission,
    MonthlyReportSubmitted,
    ProgressSubmission,
    ProgressSubmitted,
)
from pasc_runtime.api_docs import json_body, with_openapi
from pasc_runtime.api_errors import ApiError, error_responses
from pasc_runtime.auth import Access, Role
from pasc_runtime.outbox import stage

router = APIRouter(tags=["Sở, ngành"])
DEPARTMENT = Access.api_key(Role.DEPARTMENT_SYSTEM)
REFUSALS = error_responses(
    ApiError(400, errors.INVALID_BODY.code, "percent: phải nhỏ hơn hoặc bằng 100", "percent"),
    ApiError(401, errors.API_KEY_REQUIRED.code),
    403,
    413,
    429,
)
PLAN_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class ProgressBody(BaseModel):
    """Bounded here, at the edge: a plan has a few dozen tasks, never task 10^30."""

    plan_id: str = Field(pattern=PLAN_ID)
    task_no: int = Field(ge=1, le=999)
    percent: int = Field(ge=0, le=100)
    status: str | None = Field(default=None, max_length=32)
    note: Text | None = Field(default=None, max_length=2000)
    result_ref: Text | None = Field(default=None, max_length=500)
    reporter: Text | None = Field(default=None, max_length=200)
    reason: Text | None = Field(default=None, max_length=2000)  # task-service needs it to go back


class MonthlyReportBody(BaseModel):
    plan_id: str = Field(pattern=PLAN_ID)
    month: str = Field(pattern=r"^(19|2\d)\d\d-(0[1-9]|1[0-2])$")
    summary: Text = Field(max_length=20000)


class Accepted(BaseModel):
    accepted: bool
    event_id: str


PROGRESS_BODY = json_body(
    "ProgressBody",
    ProgressBody,
    examples={"tiến độ": {"plan_id": "kh-2023-03", "task_no": 11, "percent": 60}},
)
MONTHLY_BODY = json_body(
    "MonthlyReportBody",
    MonthlyReportBody,
    examples={"báo cáo tháng": {"plan_id": "kh-2023-03", "month": "2023-05", "summary": "Đã ..."}},
)
CAMERA_BODY = json_body("CameraStatus", CameraStatus)


async def publish_one(gw: Gateway, who: Caller, action: str, event: Any) -> dict[str, Any]:
    async with gw.pool().acquire() as conn, conn.transaction():
        await stage(conn, [event])
        await audit.record(
            conn,
            actor=who.actor,
            agency_code=who.agency_code,
            action=action,
            outcome="accepted",
            details={"event_id": str(event.event_id)},
        )
    return {"accepted": True, "event_id": str(event.event_id)}


@router.post(
    "/v1/plan/progress",
    response_model=None,
    status_code=202,
    responses={202: {"model": Accepted}, **REFUSALS},
    **with_openapi(DEPARTMENT, PROGRESS_BODY),
)
async def plan_progress(request: Request, gw: GatewayDep, who: CallerDep) -> dict[str, Any]:
    """An agency reports progress on one of its plan assignments."""
    body = parse(ProgressBody, await read_json(gw, request))
    submission = parse(
        ProgressSubmission,
        {**body.model_dump(), "agency_code": who.agency_code, "submitted_at": now_vn()},
    )
    event = ProgressSubmitted(producer=PRODUCER, payload=submission)
    return await publish_one(gw, who, "plan.progress", event)


@router.post(
    "/v1/plan/monthly-reports",
    response_model=None,
    status_code=202,
    responses={202: {"model": Accepted}, **REFUSALS},
    **with_openapi(DEPARTMENT, MONTHLY_BODY),
)
async def monthly_report(request: Request, gw: GatewayDep, who: CallerDep) -> dict[str, Any]:
    """An agency's monthly report on the plan (section IV.1.c)."""
    body = parse(MonthlyReportBody, await read_json(gw, request))
    submission = parse(
        MonthlyReportSubmission,
        {**body.model_dump(), "agency_code": who.agency_code, "submitted_at": now_vn()},
    )
    event = MonthlyReportSubmitted(producer=PRODUCER, payload=submission)
    return await publish_one(gw, who, "plan.monthly_report", event)


@router.post(
    "/v1/camera/events",
    response_model=None,
    status_code=202,
    tags=["Camera"],
    responses={202: {"model": Accepted}, **REFUSALS},
    **with_openapi(DEPARTMENT, CAMERA_BODY),
)
async def camera_event(request: Request, gw: GatewayDep, who: CallerDep) -> dict[str, Any]:
    """The Center's camera system reports a camera online, offline or an incident."""
    status = parse(CameraStatus, await read_json(gw, request))
    event = CameraStatusChanged(producer=PRODUCER, payload=status)
    return await publish_one(gw, who, "camera.status", event)
