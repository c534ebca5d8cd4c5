"""The composition root: settings in, a runnable ASGI app out."""

from __future__ import annotations

import logging
from pathlib import Path

from catalog_service.app import lineage_http
from catalog_service.app.commands import Catalog
from catalog_service.app.http import make_api
from catalog_service.settings import Settings
from pasc_contracts.topics import CATALOG
from pasc_runtime.app import Runtime, ServiceApp

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def build_app(settings: Settings) -> ServiceApp:
    # Consumes nothing: the registry lists it as no topic's consumer (checked at start-up).
    runtime = Runtime(settings, service=CATALOG, migrations=MIGRATIONS)
    catalog = Catalog(lambda: runtime.pool, settings.service_name, runtime.metrics.registry)
    api = make_api(lambda: runtime.pool, catalog, runtime.access)
    api.include_router(lineage_http.router)
    app = runtime.app(
        title="catalog-service",
        description="The catalog of administrative procedures (TTHC) received at the Center.",
        http=api,
    )

    @app.on_startup
    async def register_reference_agencies() -> None:
        # Runs after the runtime's own start-up hook: the schema is migrated, the pool is open.
        added = await catalog.register_reference_agencies()
        if added:
            log.info("registered %d reference agencies", len(added))

    return app
