"""`pasc`: the one admin CLI. Each service adds its commands through the `pasc.cli` entry points."""

from __future__ import annotations

from importlib.metadata import entry_points

import typer

app = typer.Typer(
    name="pasc",
    help="Administer the Public Administrative Service Center platform.",
    no_args_is_help=True,
)


@app.command()
def topics() -> None:
    """List the registry's topics: name, key, owner, consumers, partitions."""
    from pasc_contracts import TOPICS

    for t in TOPICS:
        consumers = ", ".join(t.consumers) or "-"
        typer.echo(f"{t.name:28} key={t.key.name:18} owner={t.owner:20} consumers={consumers}")


def _load_service_commands() -> None:
    for ep in sorted(entry_points(group="pasc.cli"), key=lambda e: e.name):
        app.add_typer(ep.load(), name=ep.name)


def main() -> None:
    _load_service_commands()
    app()
