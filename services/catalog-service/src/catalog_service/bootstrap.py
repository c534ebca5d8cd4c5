"""The composition root: settings in, a runnable ASGI app out."""

from __future__ import annotations

from pathlib import Path

from catalog_service.settings import Settings
from pasc_runtime.app import Runtime, ServiceApp

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: Settings) -> ServiceApp:
    runtime = Runtime(settings, migrations=MIGRATIONS)
    return runtime.app(
        title="catalog-service",
        description="The catalog of administrative procedures (TTHC) received at the Center.",
    )
