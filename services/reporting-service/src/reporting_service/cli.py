"""`pasc reporting ...`: reporting-service's admin commands."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import typer

from pasc_runtime.cli import service_commands
from pasc_runtime.dates import day_option, month_option

app = service_commands("reporting-service", 8083, "Figures, KPI, monthly reports, the dashboard.")


@app.command()
def rebuild() -> None:
    """Replay the consumed topics from the beginning into a fresh read model (same figures).

    Safe while the service runs: its consumers wait, its API answers with the old figures
    until the rebuilt ones commit. Uses DATABASE_URL, DB_SCHEMA, KAFKA_BOOTSTRAP_SERVERS.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from reporting_service.app.rebuild import rebuild as run
    from reporting_service.bootstrap import MIGRATIONS
    from reporting_service.settings import Settings

    settings = Settings()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
    ) as bars:
        tasks: dict[str, Any] = {}

        def advance(topic: str, read: int, total: int) -> None:
            """One bar per topic, its total the records on the topic when the rebuild began."""
            if topic not in tasks:
                tasks[topic] = bars.add_task(topic, total=total)
            bars.update(tasks[topic], completed=read, total=total)

        result = asyncio.run(run(settings, MIGRATIONS, bars.console.print, advance))
    total = sum(t.events for t in result.topics)
    typer.echo(f"rebuilt schema {settings.db_schema}: {total} events in {result.seconds:.1f} s")


@app.command("monthly-report")
def monthly_report(
    month: str = typer.Option(
        ..., parser=month_option("--month"), help="The month: mm/yyyy, dd/mm/yyyy or yyyy-mm"
    ),
    out: Path = typer.Option(Path("."), help="Directory for the HTML and the CSV tables"),
) -> None:
    """Write the monthly report (HTML in Vietnamese, and one CSV per table) from the read model."""
    import asyncpg

    from pasc_contracts import now_vn
    from reporting_service.app import reports
    from reporting_service.settings import Settings

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


@app.command()
def figures(
    start: date = typer.Option(
        ..., "--from", parser=day_option("--from"), help="First day: dd/mm/yyyy or yyyy-mm-dd"
    ),
    end: date = typer.Option(
        ..., "--to", parser=day_option("--to"), help="Last day: dd/mm/yyyy or yyyy-mm-dd"
    ),
    as_of: date | None = typer.Option(
        None,
        "--as-of",
        parser=day_option("--as-of"),
        help="Day the figures are as of (default: the last day, or now)",
    ),
    agency: str | None = typer.Option(None, help="Agency code; city-wide without it"),
) -> None:
    """Print the period's figures and the 766 index, in process and overdue as of a day."""
    import asyncpg

    from pasc_contracts import now_vn
    from reporting_service.app import format as fmt
    from reporting_service.app.kpi import kpi_report
    from reporting_service.domain.periods import PeriodError, as_of_moment, checked, up_to
    from reporting_service.settings import Settings

    try:
        period = up_to(checked(start, end), as_of)
    except PeriodError as exc:
        typer.echo(f"Lỗi: --{exc.field.replace('_', '-')}: {exc}.", err=True)
        raise typer.Exit(2) from exc
    moment = as_of_moment(as_of, period.end, now_vn())
    settings = Settings()

    async def report() -> dict[str, Any]:
        conn = await asyncpg.connect(
            settings.database_url, server_settings={"search_path": settings.db_schema}
        )
        try:
            return await kpi_report(conn, period, agency, moment, detail=False)
        finally:
            await conn.close()

    r = asyncio.run(report())
    backlog, score = r["backlog"], r["score"]
    typer.echo(f"{agency or 'Toàn thành phố'}: {fmt.vn_date(period.start)} – {fmt.vn_date(period.end)},"
               f" tính đến {fmt.vn_date(moment)}")  # fmt: skip
    for key, label in (("received", "Tiếp nhận"), ("processed", "Đã giải quyết"),
                       ("on_time", "Đúng hạn"), ("late", "Quá hạn (đã giải quyết)"),
                       ("in_process", "Đang giải quyết (nhận trong kỳ)"),
                       ("overdue", "Đang quá hạn (nhận trong kỳ)")):  # fmt: skip
        typer.echo(f"  {label}: {fmt.number(r[key])}")
    typer.echo(f"  Tồn đang giải quyết: {fmt.number(backlog['in_process'])},"
               f" trong đó quá hạn: {fmt.number(backlog['overdue'])}")  # fmt: skip
    points = score["points"]
    rating = score["band_name"] if score["complete"] else "chưa đủ số liệu để xếp loại"
    typer.echo(f"  Chỉ số 766: {fmt.number(points)}/100 ({rating})")
    for g in score["groups"]:
        typer.echo(f"    {g['name']}: {fmt.number(g['points'])}/{fmt.number(g['max_points'])}")
