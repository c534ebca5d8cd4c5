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


_loaded: set[str] = set()


def _load_service_commands() -> None:
    for ep in sorted(entry_points(group="pasc.cli"), key=lambda e: e.name):
        if ep.name not in _loaded:
            app.add_typer(ep.load(), name=ep.name)
            _loaded.add(ep.name)


def main() -> None:
    _load_service_commands()
    app()


def service_commands(service: str, port: int, help_text: str) -> typer.Typer:
    """A service's `pasc <group>` commands, starting with `health`; services add their own."""
    group = typer.Typer(help=help_text, no_args_is_help=True)

    @group.command()
    def health(
        url: str = typer.Option(f"http://127.0.0.1:{port}", envvar="PASC_URL", help="Service URL"),
    ) -> None:
        """Ask the service whether it is ready: broker and database answer, consumers joined."""
        import httpx

        try:
            response = httpx.get(f"{url}/ready", timeout=5)
        except httpx.HTTPError as exc:
            typer.echo(f"{service}: unreachable at {url} ({exc})", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"{service}: {response.status_code} {response.text}")
        raise typer.Exit(0 if response.status_code == 200 else 1)

    return group
