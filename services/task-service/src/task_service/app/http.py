"""task-service's HTTP API: the routers of app/routes with what they depend on.

Agencies report through the gateway (plan.submissions.v1); here the caller is the office that
runs the plan, and every read (JSON, the monthly report).
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pasc_runtime.auth import Access
from pasc_runtime.auth.routes import bind
from task_service.app.deps import Services
from task_service.app.routes import admin, assignments, plans
from task_service.app.scheduler import Scheduler
from task_service.app.service import TaskService
from task_service.domain.errors import DomainError, Refusal

_STATUS = {Refusal.NOT_FOUND: 404, Refusal.FORBIDDEN: 403, Refusal.INVALID: 422}


async def refused(_: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, DomainError):  # registered for DomainError only
        raise exc
    return JSONResponse(
        {"detail": [{"loc": [exc.field], "msg": exc.reason, "type": exc.kind.value}]},
        status_code=_STATUS[exc.kind],
    )


def make_api(
    pool: Callable[[], asyncpg.Pool],
    service: TaskService,
    scheduler: Scheduler,
    access: Access,
    *,
    allow_tick_at: bool,
) -> FastAPI:
    api = FastAPI(title="task-service", docs_url="/docs", openapi_url="/openapi.json")
    bind(api, access)
    api.state.services = Services(pool, service, scheduler, allow_tick_at)
    api.add_exception_handler(DomainError, refused)
    for routes in (plans, assignments, admin):
        api.include_router(routes.router)
    return api
