"""`pasc gateway ...`: integration-gateway's admin commands."""

from pasc_runtime.cli import service_commands

app = service_commands(
    "integration-gateway", 8080, "Integration gateway: ingest, keys, connectors."
)
