"""The composition root: settings in, a runnable ASGI app out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pasc_contracts.topics import TASK
from pasc_runtime.app import Runtime, ServiceApp
from task_service.app.handlers import handlers
from task_service.app.http import make_api
from task_service.app.scheduler import Scheduler
from task_service.app.service import TaskService
from task_service.clock import Clock
from task_service.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: Settings) -> ServiceApp:
    runtime = Runtime(settings, service=TASK, migrations=MIGRATIONS)
    service = TaskService(
        producer=settings.service_name,
        clock=Clock(settings.clock_now),
        clock_skew=timedelta(seconds=settings.submission_clock_skew_s),
    )
    scheduler = Scheduler(
        pool=lambda: runtime.pool,
        service=service,
        interval_s=settings.tick_interval_s,
        registry=runtime.metrics.registry,
    )
    if settings.tick_interval_s > 0:
        runtime.background("task-scheduler", scheduler.run)
    runtime.subscribe(handlers(service))
    return runtime.app(
        title="task-service",
        description="The Center's implementation plan: tasks, deadlines, progress, alerts, monthly reports.",
        http=make_api(
            lambda: runtime.pool,
            service,
            scheduler,
            runtime.access,
            allow_tick_at=settings.allow_tick_at,
        ),
    )
