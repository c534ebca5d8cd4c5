"""The composition root: settings in, a runnable ASGI app out."""

from __future__ import annotations

from pathlib import Path

from integration_gateway.settings import Settings
from pasc_runtime.app import Runtime, ServiceApp

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: Settings) -> ServiceApp:
    runtime = Runtime(settings, migrations=MIGRATIONS)
    return runtime.app(
        title="integration-gateway",
        description="Where department systems, the CIOC and other city systems meet the platform.",
    )
