"""The composition root: settings in, a runnable ASGI app out."""

from __future__ import annotations

from pathlib import Path

from pasc_runtime.app import Runtime, ServiceApp
from reporting_service.app.handlers import on_dossier_events
from reporting_service.app.http import make_api
from reporting_service.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: Settings) -> ServiceApp:
    runtime = Runtime(settings, migrations=MIGRATIONS)
    runtime.consume("dossier.lifecycle.v1", on_dossier_events)
    return runtime.app(
        title="reporting-service",
        description="Figures for the CIOC and the office, from the dossier, catalog and plan streams.",
        http=make_api(lambda: runtime.pool),
    )
