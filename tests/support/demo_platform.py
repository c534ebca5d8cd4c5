"""The four services and the demo's receivers, started for a demo run in a test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import ExitStack

from pasc_simulator.demo import Urls
from pasc_simulator.receivers import serve
from support.processes import free_port, run_service

SERVICES = ("integration_gateway", "task_service", "catalog_service", "reporting_service")


@contextlib.contextmanager
def demo_platform(kafka_bootstrap: str, database_url: str) -> Iterator[Urls]:
    fast = {"SNAPSHOT_DEBOUNCE_S": "1", "DELIVERY_POLL_INTERVAL_S": "0.1"}
    with ExitStack() as stack:
        services = {
            module: stack.enter_context(
                run_service(
                    module, kafka=kafka_bootstrap, database_url=database_url, extra_env=fast
                )
            )
            for module in SERVICES
        }
        receivers = {}
        for name in ("cioc", "department-sxd", "home-affairs"):
            port = free_port()
            server = serve(name, port)
            stack.callback(server.shutdown)
            receivers[name] = f"http://127.0.0.1:{port}"
        yield Urls(
            gateway=services["integration_gateway"].url,
            task=services["task_service"].url,
            catalog=services["catalog_service"].url,
            reporting=services["reporting_service"].url,
            receivers=receivers,
        )
