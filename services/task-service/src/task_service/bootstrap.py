"""The composition root: settings in, a runnable ASGI app out."""

from __future__ import annotations

from pathlib import Path

from pasc_runtime.app import Runtime, ServiceApp
from task_service.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: Settings) -> ServiceApp:
    runtime = Runtime(settings, migrations=MIGRATIONS)
    return runtime.app(
        title="task-service",
        description="The Center's implementation plan: tasks, deadlines, progress, alerts, monthly reports.",
    )
