"""task-service's HTTP API: the routers of app/routes with what they depend on.

Agencies report through the gateway (plan.submissions.v1); here the caller is the office that
runs the plan, and every read (JSON, the monthly report).
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pasc_runtime.api_docs import service_api
from pasc_runtime.auth import Access
from pasc_runtime.auth.routes import bind
from task_service.app.deps import Services
from task_service.app.errors import refusal
from task_service.app.routes import admin, assignments, plans
from task_service.app.scheduler import Scheduler
from task_service.app.service import TaskService
from task_service.domain.errors import DomainError

DESCRIPTION = (
    "The Center's implementation plan: tasks, deadlines, progress, alerts, monthly reports."
)
TAGS = [
    {"name": "Kế hoạch", "description": "Kế hoạch, ngày ban hành, ngày Trung tâm ra mắt."},
    {"name": "Nhiệm vụ", "description": "Nhiệm vụ, cơ quan thực hiện, tiến độ, trạng thái."},
    {"name": "Báo cáo", "description": "Báo cáo tháng gửi UBND thành phố."},
    {"name": "Vận hành", "description": "Chạy lịch nhắc hạn (operator)."},
]


async def refused(_: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, DomainError):  # registered for DomainError only
        raise exc
    return refusal(exc).response()


def make_api(
    pool: Callable[[], asyncpg.Pool],
    service: TaskService,
    scheduler: Scheduler,
    access: Access,
    *,
    allow_tick_at: bool,
) -> FastAPI:
    api = service_api("task-service", description=DESCRIPTION, tags=TAGS)
    bind(api, access)
    api.state.services = Services(pool, service, scheduler, allow_tick_at)
    api.add_exception_handler(DomainError, refused)
    for routes in (plans, assignments, admin):
        api.include_router(routes.router)
    return api
