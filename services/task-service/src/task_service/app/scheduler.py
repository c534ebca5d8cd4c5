"""The alert scheduler: a tick loop that emits due-soon, overdue and missing-report alerts.

Each tick runs in one transaction: alert keys are claimed in `alerts_emitted` (ON CONFLICT DO
NOTHING) and only the newly claimed ones are staged in the outbox. A restart, or a second
instance ticking at the same time, finds the keys taken and emits nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

import asyncpg
from prometheus_client import CollectorRegistry, Counter

from pasc_runtime.db import UNAVAILABLE
from task_service.app.service import TaskService, TickResult

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(
        self,
        *,
        pool: Callable[[], asyncpg.Pool],
        service: TaskService,
        interval_s: float,
        registry: CollectorRegistry,
    ) -> None:
        self._pool = pool
        self._service = service
        self._interval = interval_s
        self._alerts = Counter(
            "pasc_task_alerts_emitted_total",
            "Deadline and monthly-report alerts emitted by this instance.",
            ["kind"],
            registry=registry,
        )
        self._ticks = Counter(
            "pasc_task_scheduler_ticks_total",
            "Scheduler ticks run.",
            ["outcome"],
            registry=registry,
        )

    async def tick_once(self, now: datetime | None = None) -> TickResult:
        async with self._pool().acquire() as conn, conn.transaction():
            result = await self._service.tick(conn, now or self._service.clock.now())
        self._alerts.labels("due_soon").inc(result.due_soon)
        self._alerts.labels("overdue").inc(result.overdue)
        self._alerts.labels("monthly_report_missing").inc(result.monthly_missing)
        self._ticks.labels("ok").inc()
        if result.keys:
            log.info(
                "tick %s: %d due soon, %d overdue, %d monthly reports missing",
                result.now.isoformat(),
                result.due_soon,
                result.overdue,
                result.monthly_missing,
            )
        return result

    async def run(self) -> None:
        """Tick every interval while the service runs (a failed tick is logged; the next runs)."""
        while True:
            try:
                await self.tick_once()
            except asyncio.CancelledError:
                raise
            except UNAVAILABLE as exc:
                self._ticks.labels("unavailable").inc()
                log.warning("scheduler: database unavailable (%s); next tick", type(exc).__name__)
            except Exception:
                self._ticks.labels("failed").inc()
                log.exception("scheduler tick failed; next tick")
            await asyncio.sleep(self._interval)
