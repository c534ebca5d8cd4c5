"""Run a service's ASGI app with uvicorn: `python -m <service>` calls `serve(build_app, Settings())`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import uvicorn

from pasc_runtime.logs import configure_logging
from pasc_runtime.settings import ServiceSettings


def serve(build_app: Callable[[Any], Any], settings: ServiceSettings) -> None:
    configure_logging(settings.log_level)
    uvicorn.run(
        build_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=30,
    )
