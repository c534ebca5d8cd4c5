"""`pasc catalog ...`: catalog-service's admin commands."""

from pasc_runtime.cli import service_commands

app = service_commands("catalog-service", 8082, "The catalog of administrative procedures (TTHC).")
