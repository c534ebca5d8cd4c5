"""The composition root: settings in, a runnable ASGI app out."""

from __future__ import annotations

import logging
from pathlib import Path

from pasc_contracts.topics import REPORTING, consumed_by
from pasc_runtime.app import Runtime, ServiceApp
from reporting_service.app.handlers import Handlers
from reporting_service.app.http import make_api
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.app.snapshots import SnapshotPublisher
from reporting_service.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def build_app(settings: Settings) -> ServiceApp:
    runtime = Runtime(settings, migrations=MIGRATIONS)
    metrics = ReportingMetrics.create(runtime.metrics.registry)
    handlers = Handlers(settings.db_schema, metrics).for_topics()
    for topic in consumed_by(REPORTING):
        if topic.name not in handlers:
            log.warning("no handler for %s: not consumed", topic.name)
            continue
        runtime.consume(topic.name, handlers[topic.name])  # one group per topic; lag via runtime
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
