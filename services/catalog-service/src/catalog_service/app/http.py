"""catalog-service's HTTP API: the routers of app/routes with what they depend on."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI

from catalog_service.app.commands import Catalog
from catalog_service.app.deps import Services
from catalog_service.app.routes import reading, writing
from pasc_runtime.api_docs import service_api
from pasc_runtime.auth import Access
from pasc_runtime.auth.routes import bind

DESCRIPTION = "The catalog of administrative procedures (TTHC) received at the Center."
TAGS = [
    {"name": "Tra cứu", "description": "Danh mục thủ tục, lịch sử quyết định, tỷ lệ tiếp nhận."},
    {"name": "Công khai", "description": "Danh mục công khai cho Cổng thông tin thành phố."},
    {
        "name": "Cập nhật danh mục",
        "description": "Nhập danh mục, đề nghị của sở, ngành và quyết định của Chủ tịch UBND.",
    },
]


def make_api(pool: Callable[[], asyncpg.Pool], catalog: Catalog, access: Access) -> FastAPI:
    api = service_api("catalog-service", description=DESCRIPTION, tags=TAGS)
    bind(api, access)
    api.state.services = Services(pool=pool, catalog=catalog)
    api.include_router(reading.router)
    api.include_router(writing.router)
    return api
