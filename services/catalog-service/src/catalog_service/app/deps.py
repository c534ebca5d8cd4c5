"""What the routes get from FastAPI's dependencies: the pool, the write side, today's date.

`make_api` puts one `Services` on the app (`api.state.services`); routes ask for its parts
with the `Annotated` types below instead of closing over them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import asyncpg
from fastapi import Depends, Query, Request

from catalog_service.app.commands import Catalog
from pasc_contracts import now_vn


@dataclass(frozen=True)
class Services:
    pool: Callable[[], asyncpg.Pool]  # the runtime's pool exists only once the service runs
    catalog: Catalog


def services(request: Request) -> Services:
    found = request.app.state.services
    if not isinstance(found, Services):
        raise RuntimeError("catalog_service.app.http.make_api puts the services on the app")
    return found


def pool(request: Request) -> Callable[[], asyncpg.Pool]:
    # The getter, not the pool: dependencies run before the parameters are validated, and a
    # refused parameter must be answered as such even before the database is there.
    return services(request).pool


def catalog(request: Request) -> Catalog:
    return services(request).catalog


def today() -> date:
    return now_vn().date()


Pool = Annotated[Callable[[], asyncpg.Pool], Depends(pool)]
CatalogWrites = Annotated[Catalog, Depends(catalog)]
AsOf = Annotated[
    date | None,
    Query(description="The catalog in force on this date (default: today, Asia/Ho_Chi_Minh)."),
]
