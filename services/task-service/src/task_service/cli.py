"""`pasc plan ...`: task-service's admin commands (they call the service's HTTP API)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import httpx
import typer
import yaml

from pasc_contracts import VN_TZ
from pasc_runtime.cli import call, service_commands
from pasc_runtime.dates import (
    WHEN_FORMS,
    day_option,
    month_option,
    option_parser,
    parse_day,
    parse_when,
)
from task_service.data import read_plan_file

DEFAULT_URL = "http://127.0.0.1:8081"
DEFAULT_PLAN = "cantho-2023"

app = service_commands(
    "task-service", 8081, "The implementation plan: tasks, deadlines, progress, reports."
)

Url = typer.Option(DEFAULT_URL, "--url", envvar="PASC_URL", help="task-service URL")
Plan = typer.Option(DEFAULT_PLAN, "--plan", help="Plan id")


def _call(method: str, url: str, **kwargs: Any) -> httpx.Response:
    return call("task-service", method, url, **kwargs)


@app.command()
def load(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Plan file (YAML or JSON)"),
    url: str = Url,
) -> None:
    """Load a plan file; loading it again changes nothing, an edited one applies the difference."""
    try:
        document = read_plan_file(file)
    except yaml.YAMLError as exc:
        typer.echo(f"{file}: không đọc được ({exc})", err=True)
        raise typer.Exit(1) from exc
    result = _call("POST", f"{url}/v1/plans", json=document).json()
    verb = "Đã nạp mới" if result["created"] else "Đã nạp lại"
    typer.echo(
        f"{verb} kế hoạch {result['plan_id']}: {result['registered']} lượt nhiệm vụ mới, "
        f"{result['changed']} thay đổi, {result['withdrawn']} rút khỏi kế hoạch, "
        f"{result['deadlines']} thời hạn tính lại ({result['events']} sự kiện)."
    )


@app.command("set-issue-date")
def set_issue_date(
    day: date = typer.Argument(
        ..., parser=day_option("ngày ban hành"), help="dd/mm/yyyy or yyyy-mm-dd"
    ),
    plan: str = Plan,
    url: str = Url,
) -> None:
    """Set the date the plan was issued (deadlines 'kể từ ngày Kế hoạch ban hành' follow it)."""
    body = {"issue_date": day.isoformat()}
    result = _call("PUT", f"{url}/v1/plans/{plan}/issue-date", json=body).json()
    typer.echo(f"Ngày ban hành Kế hoạch {plan}: {day:%d/%m/%Y} ({result['events']} sự kiện).")


@app.command("set-launch-date")
def set_launch_date(
    day: date = typer.Argument(
        ..., parser=day_option("ngày ra mắt"), help="dd/mm/yyyy or yyyy-mm-dd"
    ),
    plan: str = Plan,
    url: str = Url,
) -> None:
    """Set the Center's launch date (every 'trước ngày Trung tâm ra mắt' deadline follows it)."""
    body = {"launch_date": day.isoformat()}
    result = _call("PUT", f"{url}/v1/plans/{plan}/launch-date", json=body).json()
    typer.echo(f"Ngày Trung tâm ra mắt ({plan}): {day:%d/%m/%Y} ({result['events']} sự kiện).")


@app.command()
def status(plan: str = Plan, url: str = Url) -> None:
    """The plan's summary: counts by status, percent done, what is overdue."""
    s = _call("GET", f"{url}/v1/plans/{plan}").json()
    labels = {
        "not_started": "Chưa thực hiện",
        "in_progress": "Đang thực hiện",
        "done": "Hoàn thành",
        "blocked": "Vướng mắc",
    }
    typer.echo(s["title"])
    typer.echo(
        f"Ngày ban hành: {_vn(s['issue_date'])}; ngày Trung tâm ra mắt: {_vn(s['launch_date'])};"
        f" số liệu ngày {_vn(s['as_of'])}"
    )
    typer.echo(
        f"{s['tasks']} nhiệm vụ, {s['assignments']} lượt giao; hoàn thành {s['percent_done']}%"
        f" ({s['tasks_done']}/{s['tasks']} nhiệm vụ xong ở mọi cơ quan)"
    )
    for key, label in labels.items():
        typer.echo(f"  {label}: {s['by_status'][key]}")
    typer.echo(f"Trễ hạn: {s['overdue_count']}")
    for a in s["overdue"]:
        typer.echo(
            f"  - Nhiệm vụ {a['task_no']} ({a['agency_name']}): hạn {_vn(a['due_on'])},"
            f" {a['percent']}%"
        )


@app.command()
def report(
    month: str = typer.Option(
        ..., "--month", parser=month_option("--month"), help="mm/yyyy, dd/mm/yyyy or yyyy-mm"
    ),
    html: bool = typer.Option(False, "--html", help="HTML instead of Markdown"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file"),
    plan: str = Plan,
    url: str = Url,
) -> None:
    """The monthly progress report for the People's Committee (Vietnamese)."""
    params = {"month": month, "format": "html" if html else "markdown"}
    text = _call("GET", f"{url}/v1/plans/{plan}/reports/monthly", params=params).text
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Đã ghi {output}")
    else:
        typer.echo(text)


@app.command()
def tick(
    now: datetime | None = typer.Option(
        None,
        "--now",
        parser=option_parser("--now", WHEN_FORMS, lambda text: _instant(text)),
        help="Run at this instant (rehearsals: needs ALLOW_TICK_AT), e.g. 20/04/2023 (08:00)"
        " or 2023-04-20T09:30:00+07:00",
    ),
    url: str = Url,
) -> None:
    """Run the alert scheduler once: due soon (7/3/1 days), overdue, monthly reports missing."""
    params: dict[str, str] = {"now": now.isoformat()} if now else {}
    r = _call("POST", f"{url}/v1/admin/tick", params=params).json()
    typer.echo(
        f"{r['now']}: {r['due_soon']} sắp đến hạn, {r['overdue']} quá hạn,"
        f" {r['monthly_missing']} báo cáo tháng chưa gửi."
    )


def _instant(text: str) -> datetime:
    """A bare day means 08:00 that day in Vietnam; a moment is kept as given."""
    try:
        return datetime.combine(parse_day(text), time(8), tzinfo=VN_TZ)
    except ValueError:
        return parse_when(text)


def _vn(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else "chưa xác định"
