"""`pasc reporting ...`: reporting-service's admin commands."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from pasc_runtime.cli import service_commands

app = service_commands("reporting-service", 8083, "Figures, KPI, monthly reports, the dashboard.")


@app.command()
def rebuild() -> None:
    """Replay the consumed topics from the beginning into a fresh read model (same figures).

    Safe while the service runs: its consumers wait, its API answers with the old figures
    until the rebuilt ones commit. Uses DATABASE_URL, DB_SCHEMA, KAFKA_BOOTSTRAP_SERVERS.
    """
    from reporting_service.app.rebuild import rebuild as run
    from reporting_service.bootstrap import MIGRATIONS
    from reporting_service.settings import Settings

    settings = Settings()
    result = asyncio.run(run(settings, MIGRATIONS, typer.echo))
    total = sum(t.events for t in result.topics)
    typer.echo(f"rebuilt schema {settings.db_schema}: {total} events in {result.seconds:.1f} s")


@app.command("monthly-report")
def monthly_report(
    month: str = typer.Option(..., help="The month, YYYY-MM"),
    out: Path = typer.Option(Path("."), help="Directory for the HTML and the CSV tables"),
) -> None:
    """Write the monthly report (HTML in Vietnamese, and one CSV per table) from the read model."""
    import asyncpg

    from pasc_contracts import now_vn
    from reporting_service.app import reports
    from reporting_service.domain.periods import MONTH
    from reporting_service.settings import Settings

    if not MONTH.match(month):
        raise typer.BadParameter(f"'{month}' is not a month written YYYY-MM", param_hint="--month")
    settings = Settings()

    async def build() -> dict[str, object]:
        conn = await asyncpg.connect(
            settings.database_url, server_settings={"search_path": settings.db_schema}
        )
        try:
            return await reports.monthly_report(conn, month, now_vn())
        finally:
            await conn.close()

    report = asyncio.run(build())
    out.mkdir(parents=True, exist_ok=True)
    html = out / f"bao-cao-{month}.html"
    html.write_text(reports.render_html(report), encoding="utf-8")
    typer.echo(str(html))
    for table in reports.TABLES:
        path = out / f"bao-cao-{month}-{table}.csv"
        path.write_text(reports.render_csv(report, table), encoding="utf-8")
        typer.echo(str(path))
