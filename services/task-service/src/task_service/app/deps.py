"""What the routes get from FastAPI's dependencies: the pool, the use cases, the scheduler, the
office's clock.

`make_api` puts one `Services` on the app (`api.state.services`); routes ask for it with the
`Annotated` types below instead of closing over it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, TypeVar

import asyncpg
from fastapi import Depends, Request

from pasc_runtime.db import Connection
from task_service.app.scheduler import Scheduler
from task_service.app.service import TaskService
from task_service.domain.calendar import vn_date

T = TypeVar("T")


@dataclass(frozen=True)
class Services:
    pool: Callable[[], asyncpg.Pool]  # the runtime's pool exists only once the service runs
    tasks: TaskService
    scheduler: Scheduler
    allow_tick_at: bool  # ALLOW_TICK_AT: the scheduler may be run at another moment (drills)

    def today(self) -> date:
        return vn_date(self.tasks.clock.now())

    async def in_transaction(self, work: Callable[[Connection], Awaitable[T]]) -> T:
        async with self.pool().acquire() as conn, conn.transaction():
            return await work(conn)


def services(request: Request) -> Services:
    found = request.app.state.services
    if not isinstance(found, Services):
        raise RuntimeError("task_service.app.http.make_api puts the services on the app")
    return found


App = Annotated[Services, Depends(services)]
