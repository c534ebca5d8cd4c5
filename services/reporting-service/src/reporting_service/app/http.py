"""reporting-service's HTTP API: the routers of app/routes with what they depend on."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI

from pasc_runtime.api_docs import service_api
from pasc_runtime.auth import Access
from pasc_runtime.auth.routes import bind
from reporting_service.app.deps import Services
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.app.routes import dashboard, figures, index766, monthly

DESCRIPTION = "Figures for the CIOC and the office (counts of dossiers; rates 0..1)."
TAGS = [
    {"name": "Số liệu", "description": "Tiếp nhận, giải quyết, đúng hạn, quá hạn, độ phủ."},
    {"name": "Chỉ số 766", "description": "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)."},
    {"name": "Báo cáo tháng", "description": "Báo cáo tháng: HTML, CSV, Word, Excel."},
]


def make_api(
    pool: Callable[[], asyncpg.Pool],
    metrics: ReportingMetrics,
    refresh_s: int,
    access: Access,
    sign_in_client: str = "pasc-dashboard",
    *,
    admin_token: str | None = None,
) -> FastAPI:
    api = service_api("reporting-service", description=DESCRIPTION, tags=TAGS)
    bind(api, access)
    api.state.services = Services(
        pool, metrics, refresh_s, sign_in_client, access.verifier.issuer, admin_token
    )
    for routes in (dashboard, index766, figures, monthly):
        api.include_router(routes.router)
    return api
