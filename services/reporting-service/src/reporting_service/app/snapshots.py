"""The CIOC feed: KPI snapshots (city-wide and per agency, month to date) on kpi.snapshots.v1.

Published through the outbox when figures change (a consumer's commit notifies this loop;
at most one round per `snapshot_debounce_s`) and every `snapshot_interval_s` regardless (the
overdue count moves with the clock). One instance leads at a time (an advisory lock). Each
round also refreshes the Prometheus business gauges.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from pasc_contracts import now_vn
from pasc_contracts.events.kpi import KpiSnapshotPublished
from pasc_runtime.db import Connection
from pasc_runtime.leader import lead
from pasc_runtime.outbox import stage
from reporting_service.adapters import catalog_store, kpi_queries, locks, plan_store
from reporting_service.app.kpi import agency_names, index766
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.domain import plan as plan_rules
from reporting_service.domain.agencies import AGENCY_CODES
from reporting_service.domain.figures import Figures, rate
from reporting_service.domain.periods import month_to_date, today_vn
from reporting_service.settings import Settings

log = logging.getLogger(__name__)
_SCORE_GROUP_KEYS = ("code", "name", "max_points", "supported", "points")
CITY = "city"


def _snapshot_score(full: dict[str, Any]) -> dict[str, Any]:
    """The 766 index in the snapshot's shape: `max_points` is the maximum of what is measured
    (the contract's meaning), the total is out of 100 once every sub-indicator is."""
    return {
        "points": full["points"],
        "max_points": full["measured_max_points"],
        "groups": [{k: g[k] for k in _SCORE_GROUP_KEYS} for g in full["groups"]],
    }


@dataclass(frozen=True)
class SnapshotRound:
    events: list[KpiSnapshotPublished]
    city: Figures
    by_agency: dict[str, Figures]
    backlog: dict[str | None, tuple[int, int]]  # None: city-wide


async def build_snapshots(conn: Connection, producer: str, now: datetime) -> SnapshotRound:
    """City-wide and per-agency month-to-date snapshots (every known agency, and any with data)."""
    period = month_to_date(today_vn(now))
    city = await kpi_queries.figures(conn, period, None, now)
    by_agency = await kpi_queries.figures_by(conn, period, None, now, "agency")
    backlog: dict[str | None, tuple[int, int]] = {
        **await kpi_queries.backlog(conn, now, None, "agency"),
        None: (await kpi_queries.backlog(conn, now, None)).get(None, (0, 0)),
    }
    scopes = sorted(
        set(AGENCY_CODES) | set(by_agency) | set(await kpi_queries.agencies_with_data(conn))
    )
    names = await agency_names(conn)
    coverage = {r["agency_code"]: r for r in await catalog_store.coverage(conn)}
    plan = plan_rules.progress(await plan_store.tasks(conn), today_vn(now))
    plan[CITY] = plan_rules.total(plan)
    coverage[CITY] = {
        "at_center": sum(c["at_center"] for c in coverage.values()),
        "eligible": sum(c["eligible"] for c in coverage.values()),
    }
    names[CITY] = "Thành phố Cần Thơ"

    indices = {CITY: await index766(conn, period, None, now)}
    for code in scopes:
        indices[code] = await index766(conn, period, code, now)

    def event(scope: str, figures: Figures, backlog_key: str | None) -> KpiSnapshotPublished:
        cov = coverage.get(scope)
        progress = plan.get(scope)
        in_process, overdue = backlog.get(backlog_key, (0, 0))
        payload = {
            "scope": scope,
            "period_from": period.start,
            "period_to": period.end,
            "as_of": now,
            "figures": figures.as_dict(),
            "agency_name": names.get(scope),
            "backlog_in_process": in_process,
            "backlog_overdue": overdue,
            "catalog_coverage_rate": rate(cov["at_center"], cov["eligible"]) if cov else None,
            "plan_tasks": progress.tasks if progress else None,
            "plan_tasks_done": progress.done if progress else None,
            "plan_tasks_overdue": progress.overdue if progress else None,
            "score": _snapshot_score(indices[scope]),
        }
        return KpiSnapshotPublished.model_validate({"producer": producer, "payload": payload})

    events = [event(CITY, city, None)]
    events += [event(code, by_agency.get(code, Figures()), code) for code in scopes]
    return SnapshotRound(events, city, by_agency, backlog)


class SnapshotPublisher:
    def __init__(
        self, settings: Settings, pool: Callable[[], asyncpg.Pool], metrics: ReportingMetrics
    ) -> None:
        self._settings = settings
        self._pool = pool
        self._metrics = metrics
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="kpi-snapshots")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def publish_round(self, reason: str) -> int:
        async with self._pool().acquire() as conn, conn.transaction():
            round_ = await build_snapshots(conn, self._settings.service_name, now_vn())
            await stage(conn, round_.events)
        self._metrics.snapshots_published.labels(reason).inc()
        self._metrics.set_figures(round_.city, round_.by_agency, round_.backlog)
        return len(round_.events)

    async def _run(self) -> None:
        s = self._settings
        await lead(
            "kpi snapshots",
            s.database_url,
            s.db_schema,
            "kpi_snapshots",
            self._publish_while_leading,
            poll_s=s.snapshot_interval_s,
            retry_s=s.snapshot_debounce_s,
        )

    def _on_notify(self, *_: Any) -> None:
        self._changed.set()

    async def _publish_while_leading(self, conn: Connection) -> None:
        await conn.add_listener(locks.changed_channel(self._settings.db_schema), self._on_notify)
        while True:
            reason = "changed" if self._changed.is_set() else "interval"
            self._changed.clear()  # before the round: a change during it triggers the next
            await self.publish_round(reason)
            await self._wait_for_next(time.monotonic())

    async def _wait_for_next(self, last: float) -> None:
        """Until the figures changed (no sooner than the debounce) or the interval elapsed."""
        s = self._settings
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), s.snapshot_interval_s)
        await asyncio.sleep(max(0.0, last + s.snapshot_debounce_s - time.monotonic()))
