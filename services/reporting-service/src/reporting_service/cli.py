"""`pasc reporting ...`: reporting-service's admin commands."""

from pasc_runtime.cli import service_commands

app = service_commands("reporting-service", 8083, "Figures, KPI, monthly reports, the dashboard.")
