"""The composition root: settings in, a runnable ASGI app out."""

from __future__ import annotations

import logging
from pathlib import Path

from pasc_contracts.topics import REPORTING
from pasc_runtime.app import Runtime, ServiceApp
from reporting_service.app.handlers import Handlers
from reporting_service.app.http import make_api
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.app.snapshots import SnapshotPublisher
from reporting_service.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def build_app(settings: Settings) -> ServiceApp:
    runtime = Runtime(settings, service=REPORTING, migrations=MIGRATIONS)
    metrics = ReportingMetrics.create(runtime.metrics.registry)
    runtime.subscribe(Handlers(settings.db_schema, metrics).registry())  # one group per topic
    if settings.admin_token is None:
        log.warning("ADMIN_TOKEN is unset: the 766 index's outside figures accept loopback clients")
    snapshots = SnapshotPublisher(settings, lambda: runtime.pool, metrics)
    app = runtime.app(
        title="reporting-service",
        description="Figures for the CIOC and the office, from the dossier, catalog and plan streams.",
        http=make_api(
            lambda: runtime.pool,
            metrics,
            settings.dashboard_refresh_s,
            runtime.access,
            settings.dashboard_client_id,
            admin_token=settings.admin_token.get_secret_value() if settings.admin_token else None,
        ),
    )
    app.after_startup(snapshots.start)
    app.on_shutdown(snapshots.stop)
    return app
