"""reporting-service's HTTP API: the routers of app/routes with what they depend on."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI

from pasc_runtime.auth import Access
from pasc_runtime.auth.routes import bind
from reporting_service.app.deps import Services
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.app.routes import dashboard, figures, index766, monthly


def make_api(
    pool: Callable[[], asyncpg.Pool],
    metrics: ReportingMetrics,
    refresh_s: int,
    access: Access,
    sign_in_client: str = "pasc-dashboard",
    *,
    admin_token: str | None = None,
) -> FastAPI:
    api = FastAPI(
        title="reporting-service",
        description="Figures for the CIOC and the office (counts of dossiers; rates 0..1).",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    bind(api, access)
    api.state.services = Services(
        pool, metrics, refresh_s, sign_in_client, access.verifier.issuer, admin_token
    )
    for routes in (dashboard, index766, figures, monthly):
        api.include_router(routes.router)
    return api
