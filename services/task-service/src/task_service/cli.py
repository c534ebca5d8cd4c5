"""`pasc plan ...`: task-service's admin commands."""

from pasc_runtime.cli import service_commands

app = service_commands(
    "task-service", 8081, "The implementation plan: tasks, deadlines, progress, reports."
)
