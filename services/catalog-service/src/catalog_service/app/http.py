"""catalog-service's HTTP API: the routers of app/routes with what they depend on."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from catalog_service.app.commands import Catalog, CatalogError
from catalog_service.app.deps import Services
from catalog_service.app.routes import reading, writing
from pasc_runtime.auth import Access
from pasc_runtime.auth.routes import bind


async def refused(_: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, CatalogError):  # registered for CatalogError only
        raise exc
    return JSONResponse({"detail": exc.message, "errors": exc.errors}, status_code=exc.status)


def make_api(pool: Callable[[], asyncpg.Pool], catalog: Catalog, access: Access) -> FastAPI:
    api = FastAPI(
        title="catalog-service",
        description="The catalog of administrative procedures (TTHC) received at the Center.",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    bind(api, access)
    api.state.services = Services(pool=pool, catalog=catalog)
    api.add_exception_handler(CatalogError, refused)
    api.include_router(reading.router)
    api.include_router(writing.router)
    return api
