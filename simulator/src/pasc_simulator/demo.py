"""`make demo`: the whole Center on one machine, doing its real job end to end.

Loads the plan and the synthetic catalog, issues keys to the simulated department systems,
registers receivers standing in for the CIOC, a department system and the Home Affairs
monitoring system, sends a month of dossiers (HTTP and the signed Kafka ingress), has
departments report on the plan, brings one department to 100% of its procedures at the
Center, and prints what the platform made of it.
"""

from __future__ import annotations

import asyncio
import calendar
import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import typer
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from pasc_runtime.auth.client import KeycloakAuth
from pasc_runtime.settings import LOCAL_OIDC_ISSUER
from pasc_simulator.catalog import load_catalog
from pasc_simulator.lifecycle import simulate_month
from pasc_simulator.receivers import RECEIVERS, demo_webhook_secret
from pasc_simulator.send import INGRESS_TOPIC, send_all

REPO = Path(__file__).resolve().parents[3]
CATALOG_CSV = REPO / "services/catalog-service/data/tthc-synthetic.csv"
PLAN_FILE = REPO / "services/task-service/src/task_service/data/can-tho-2023.yaml"
PLAN_ID = "cantho-2023"
MONTH = (2023, 5)  # the simulated month (the plan's Center launched at the end of April 2023)
# From this month on, the demo runs with today's organisation: the catalog's reference data of
# the 2025 reorganisation (merged departments from 03/2025, the new city and two levels of local
# government from 01/07/2025) is applied before the month is simulated.
REORGANISED_FROM = (2025, 7)
LAST_PROCEDURE = ("2.006949", "SKHCN")  # SKHCN's only procedure not yet at the Center
KAFKA_AGENCIES = frozenset({"STP", "SYT"})
console = Console()
NO_AUTH = httpx.Auth()  # sends the request as it is: no staff token to receivers or key routes


@dataclass
class Urls:
    gateway: str = "http://127.0.0.1:8080"
    task: str = "http://127.0.0.1:8081"
    catalog: str = "http://127.0.0.1:8082"
    reporting: str = "http://127.0.0.1:8083"
    issuer: str = LOCAL_OIDC_ISSUER
    receivers: dict[str, str] = field(
        default_factory=lambda: {n: f"http://127.0.0.1:{p}" for n, p in RECEIVERS.items()}
    )


def staff_auth(urls: Urls) -> KeycloakAuth:
    """Who the demo signs in as: PASC_USERNAME/PASC_PASSWORD (or a client's credentials) when
    set, else the local realm's `demo` user, who holds every staff role of the Center."""
    if any(os.environ.get(v) for v in ("PASC_USERNAME", "PASC_CLIENT_ID")):
        return KeycloakAuth.from_env()
    return KeycloakAuth.password("demo", "demo", issuer=urls.issuer)


def step(text: str) -> None:
    console.print(f"[bold cyan]▸[/] {text}")


def check(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise SystemExit(
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:400]}"
        )
    return response.json() if response.content else None


def ensure_receivers(urls: Urls, log_dir: Path) -> None:
    try:
        httpx.get(urls.receivers["cioc"], timeout=1)
        return
    except httpx.HTTPError:
        pass
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "receivers.log").open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pasc_simulator.receivers"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (log_dir.parent / "run").mkdir(parents=True, exist_ok=True)
    (log_dir.parent / "run" / "receivers.pid").write_text(str(process.pid))
    for _ in range(50):
        try:
            httpx.get(urls.receivers["cioc"], timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the demo receivers did not start")


def load_plan(client: httpx.Client, urls: Urls) -> None:
    document = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    body = json.dumps(document, ensure_ascii=False, default=str)  # YAML dates become ISO strings
    check(
        client.post(
            f"{urls.task}/v1/plans", content=body, headers={"content-type": "application/json"}
        )
    )
    check(
        client.put(f"{urls.task}/v1/plans/{PLAN_ID}/issue-date", json={"issue_date": "2023-03-17"})
    )
    check(
        client.put(
            f"{urls.task}/v1/plans/{PLAN_ID}/launch-date", json={"launch_date": "2023-04-28"}
        )
    )


def import_catalog(
    client: httpx.Client, urls: Urls, csv_bytes: bytes, decision: str, day: str
) -> dict[str, Any]:
    params = {
        "decision_no": decision,
        "signed_on": day,
        "effective_from": day,
        "recorded_by": "demo",
    }
    return dict(
        check(
            client.post(
                f"{urls.catalog}/v1/imports",
                params=params,
                content=csv_bytes,
                headers={"content-type": "text/csv; charset=utf-8"},
            )
        )
    )


def reorganise_2025(client: httpx.Client, urls: Urls) -> list[dict[str, Any]]:
    """The catalog's 2025 decisions (each applied once), then its as-of view is the city's."""
    found = check(
        client.post(
            f"{urls.catalog}/v1/lineage/reorganisation-2025", params={"recorded_by": "demo"}
        )
    )
    return list(found["steps"])


def catalog_as_of(client: httpx.Client, urls: Urls, day: str, path: Path) -> Path:
    """The catalog in force on `day` (its owners after the lineage decisions), as the import's CSV."""
    response = client.get(f"{urls.catalog}/v1/export", params={"format": "csv", "as_of": day})
    if response.status_code >= 400:
        check(response)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(response.text, encoding="utf-8")
    return path


def last_procedure_row() -> bytes:
    lines = CATALOG_CSV.read_text(encoding="utf-8").splitlines()
    header, row = lines[0], next(line for line in lines if line.startswith(LAST_PROCEDURE[0] + ","))
    cells = next(csv.reader([row]))
    columns = header.split(",")
    cells[columns.index("tiep_nhan_tai_trung_tam")] = "1"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerow(cells)
    return out.getvalue().encode()


def issue_keys(client: httpx.Client, urls: Urls, agencies: list[str]) -> dict[str, str]:
    return {
        a: check(client.post(f"{urls.gateway}/admin/keys", json={"agency": a, "label": "demo"}))[
            "api_key"
        ]
        for a in agencies
    }


def register_connectors(client: httpx.Client, urls: Urls) -> None:
    connectors = [
        ("cioc", "cioc", ["kpi.snapshots.v1"], None),
        ("sxd-one-stop", "department", ["dossier.lifecycle.v1"], "SXD"),
        ("home-affairs", "home_affairs", ["camera.status.v1"], None),
    ]
    receivers = {"cioc": "cioc", "sxd-one-stop": "department-sxd", "home-affairs": "home-affairs"}
    for name, kind, topics, agency in connectors:
        body = {
            "name": name,
            "kind": kind,
            "endpoint": f"{urls.receivers[receivers[name]]}/events",
            "topics": topics,
            "agency_code": agency,
            "secret": demo_webhook_secret(receivers[name]),
        }
        check(client.put(f"{urls.gateway}/admin/connectors/{name}", json=body))


def plan_reports(client: httpx.Client, urls: Urls, keys: dict[str, str]) -> int:
    """Departments report through the gateway with their keys: progress on task 4, monthly reports."""
    sent = 0
    for n, (agency, key) in enumerate(sorted(keys.items())):
        if agency == "VPUBND":
            continue
        headers = {"X-API-Key": key}
        percent = 100 if n % 3 else 60
        body = {
            "plan_id": PLAN_ID,
            "task_no": 4,
            "percent": percent,
            "status": "done" if percent == 100 else "in_progress",
            "note": "Đã rà soát, đề xuất danh mục thủ tục",
            "reporter": f"Văn phòng {agency}",
            "result_ref": f"Văn bản số {100 + n}/{agency}-VP ngày 25/03/2023"
            if percent == 100
            else None,
        }
        check(
            client.post(
                f"{urls.gateway}/v1/plan/progress", json=body, headers=headers, auth=NO_AUTH
            )
        )
        if n % 4:
            check(
                client.post(
                    f"{urls.gateway}/v1/plan/monthly-reports",
                    headers=headers,
                    auth=NO_AUTH,  # a department system: its API key, not the staff token
                    json={
                        "plan_id": PLAN_ID,
                        "month": "2023-04",
                        "summary": f"{agency}: đã cử công chức làm việc tại Trung tâm; tiếp nhận hồ sơ đúng quy trình.",
                    },
                )
            )
        sent += 1
    return sent


def camera_events(client: httpx.Client, urls: Urls, key: str, day: str = "2023-05-15") -> int:
    events = [
        ("CAM-01", "online"),
        ("CAM-02", "offline"),
        ("CAM-02", "online"),
        ("CAM-03", "incident"),
    ]
    for camera, state in events:
        check(
            client.post(
                f"{urls.gateway}/v1/camera/events",
                headers={"X-API-Key": key},
                auth=NO_AUTH,
                json={
                    "camera_id": camera,
                    "site": "Trung tâm Phục vụ hành chính công",
                    "state": state,
                    "observed_at": f"{day}T09:00:00+07:00",
                },
            )
        )
    return len(events)


def wait_for_camera_deliveries(client: httpx.Client, urls: Urls, sent: int, timeout: float) -> None:
    """Camera events travel webhook → topic → the gateway's delivery queue → Home Affairs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = check(client.get(urls.receivers["home-affairs"], auth=NO_AUTH))
        if seen.get("by_type", {}).get("camera.status_changed", 0) >= sent:
            return
        time.sleep(0.5)
    raise SystemExit(
        f"the Home Affairs system did not get the {sent} camera events in {timeout:.0f}s"
    )


def month_params(year: int, month: int) -> dict[str, str]:
    last = calendar.monthrange(year, month)[1]
    return {"from": f"{year}-{month:02d}-01", "to": f"{year}-{month:02d}-{last}"}


def wait_for_figures(
    client: httpx.Client,
    urls: Urls,
    params: dict[str, str],
    expected: dict[str, int],
    timeout: float,
) -> dict[str, Any]:
    deadline, kpi = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        kpi = check(client.get(f"{urls.reporting}/v1/kpi", params=params))
        if kpi["received"] >= expected["received"] and kpi["processed"] >= expected["processed"]:
            return dict(kpi)
        time.sleep(1)
    raise SystemExit(
        f"reporting did not reach the expected figures in {timeout}s: {kpi.get('received')} of {expected['received']}"
    )


REFUSED_COUNT = re.compile(r"^(\d+) of \d+ records refused")


async def ingress_refusals(
    messages: set[tuple[int, int]], since: datetime, timeout_s: float = 60
) -> int:
    """Records refused over the signed Kafka ingress: no answer carries them back, the gateway
    dead-letters each message with refusals ("N of M records refused, ..."). Waits until every
    message with a record wrong on purpose has its dead letter (or the timeout)."""
    from pasc_runtime.deadletters_cli import Filters, read_letters

    deadline = time.monotonic() + timeout_s
    counted: dict[tuple[int, int], int] = {}
    while True:
        for letter in await read_letters(Filters(topic=INGRESS_TOPIC, since=since)):
            where = (letter.body.partition, letter.body.offset)
            if where in messages and (found := REFUSED_COUNT.match(letter.body.error)):
                counted[where] = int(found[1])
        if set(counted) >= messages or time.monotonic() > deadline:
            return sum(counted.values())
        await asyncio.sleep(1)


def run_demo(
    urls: Urls,
    *,
    dossiers: int,
    seed: int,
    state_dir: Path,
    settle_s: float = 6.0,
    period: tuple[int, int] = MONTH,
) -> dict[str, Any]:
    """Every step of the demo; returns the summary it prints (the test compares it with the API)."""
    procedures = load_catalog(CATALOG_CSV)
    reorganised = period >= REORGANISED_FROM
    first_day = f"{period[0]}-{period[1]:02d}-01"
    lineage: list[dict[str, Any]] = []
    # The staff token goes to the PASC services only: receivers and department routes get NO_AUTH.
    with httpx.Client(timeout=120, auth=staff_auth(urls)) as client:
        step(
            "Receivers for the CIOC, the SXD one-stop system and the Home Affairs monitoring system"
        )
        ensure_receivers(urls, state_dir / "logs")
        step("Loading the plan (Kế hoạch, 23 nhiệm vụ) with its issue and launch dates")
        load_plan(client, urls)
        step("Importing the synthetic catalog, approved by Decision 1234/QĐ-UBND")
        catalog = import_catalog(
            client, urls, CATALOG_CSV.read_bytes(), "1234/QĐ-UBND", "2023-04-14"
        )
        if reorganised:
            step(
                "Applying the 2025 reorganisation from the catalog's reference data: merged"
                " departments (03/2025), the new city's communes, no district level (07/2025)"
            )
            lineage = reorganise_2025(client, urls)
            procedures = load_catalog(
                catalog_as_of(client, urls, first_day, state_dir / f"catalog-{first_day}.csv")
            )
        agencies = sorted({p.agency_code for p in procedures} | {"VPUBND"})
        step(
            f"Issuing API keys to {len(agencies)} simulated department systems; registering connectors"
        )
        keys = issue_keys(client, urls, agencies)
        register_connectors(client, urls)
        time.sleep(2)  # the gateway learns the catalog from catalog.procedures.v1
        month = simulate_month(
            procedures,
            dossiers=dossiers,
            year=period[0],
            month=period[1],
            seed=seed,
            prefix=f"DEMO{seed}",
        )
        step(
            f"Department systems send {len(month.syncs):,} syncs of {dossiers:,} dossiers for {period[1]:02d}/{period[0]}"
            f" ({', '.join(sorted(KAFKA_AGENCIES))} over the signed Kafka ingress)"
        )
        columns = (
            TextColumn("  syncing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        sending_since = datetime.now(UTC) - timedelta(minutes=1)
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("records", total=len(month.syncs))
            tally = asyncio.run(
                send_all(
                    month.syncs,
                    gateway_url=urls.gateway,
                    keys=keys,
                    rate=0,
                    kafka_bootstrap=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                    kafka_agencies=KAFKA_AGENCIES,
                    on_progress=lambda n: progress.advance(task, n),
                )
            )
        if reorganised:
            # The 2023 plan's reports belong to 2023 (and name the 2023 departments).
            step("The camera system reports (the 2023 plan's reports are not re-sent)")
            reports = 0
        else:
            step("Departments report plan progress and monthly reports; the camera system reports")
            reports = plan_reports(client, urls, keys)
        cameras = camera_events(client, urls, keys["VPUBND"], f"{period[0]}-{period[1]:02d}-15")
        step(
            f"Decision 1500/QĐ-UBND moves {LAST_PROCEDURE[0]} to the Center: {LAST_PROCEDURE[1]} reaches 100%"
        )
        import_catalog(
            client,
            urls,
            last_procedure_row(),
            "1500/QĐ-UBND",
            "2023-05-20" if not reorganised else f"{period[0]}-{period[1]:02d}-20",
        )
        expected = month.expected_figures()
        step("Waiting for the figures to reach reporting")
        params = month_params(*period)
        kpi = wait_for_figures(client, urls, params, expected["city"], timeout=600)
        check(client.post(f"{urls.task}/v1/admin/tick"))
        wait_for_camera_deliveries(client, urls, cameras, timeout=120)
        time.sleep(settle_s)  # KPI snapshots reach the CIOC, deliveries drain
        ingress_refused = asyncio.run(ingress_refusals(tally.kafka_refusing, sending_since))
        kpi = check(client.get(f"{urls.reporting}/v1/kpi", params=params))
        plan = check(client.get(f"{urls.task}/v1/plans/{PLAN_ID}"))
        task11 = check(client.get(f"{urls.task}/v1/plans/{PLAN_ID}/tasks/11"))
        receivers = {
            name: check(client.get(url, auth=NO_AUTH)) for name, url in urls.receivers.items()
        }
    return {
        "month": f"{period[0]}-{period[1]:02d}",
        "organisation": "2025" if reorganised else "2023",
        "lineage": lineage,
        "agencies": agencies,
        "dossiers": dossiers,
        "catalog": catalog.get("counts"),
        "tally": tally.as_dict(),
        "ingress_refused": ingress_refused,
        "bad_sent": dict(month.bad),
        "expected": expected,
        "kpi": {
            k: kpi[k]
            for k in (
                "received",
                "processed",
                "on_time",
                "late",
                "online",
                "digitized",
                "on_time_rate",
                "online_rate",
                "digitized_rate",
            )
        },
        # The agencies with dossiers in the month (reporting also lists those with only a
        # backlog from earlier months, so that the backlog adds up; the simulation has none).
        "by_agency": {
            a["agency_code"]: a
            for a in kpi.get("by_agency", [])
            if a["received"] or a["processed"] or a["in_process"]
        },
        "plan": {k: plan.get(k) for k in ("percent_done", "overdue_count", "by_status")},
        "task11": task11,
        "plan_reports": reports,
        "camera_events": cameras,
        "receivers": receivers,
    }


def print_summary(summary: dict[str, Any], urls: Urls) -> None:
    table = Table(title=f"Hồ sơ tháng {summary['month']} theo cơ quan (từ reporting-service)")
    for column in (
        "Cơ quan",
        "Tiếp nhận",
        "Đã xử lý",
        "Đúng hạn",
        "Trễ hạn",
        "Trực tuyến",
        "Số hóa",
        "Khớp mô phỏng",
    ):
        table.add_column(column, justify="right" if column != "Cơ quan" else "left")
    for code, row in sorted(summary["by_agency"].items()):
        exp = summary["expected"].get(code, {})
        same = all(
            row.get(k) == exp.get(k)
            for k in ("received", "processed", "on_time", "late", "online", "digitized")
        )
        table.add_row(
            code,
            str(row["received"]),
            str(row["processed"]),
            str(row["on_time"]),
            str(row["late"]),
            str(row["online"]),
            str(row["digitized"]),
            "✓" if same else "✗",
        )
    console.print(table)
    if summary.get("organisation") == "2025":
        console.print(
            f"Tổ chức của thành phố tháng {summary['month']} (sau sắp xếp 2025):"
            f" {len(summary['agencies'])} cơ quan gửi hồ sơ ({', '.join(summary['agencies'])})"
        )
        for item in summary["lineage"]:
            if "receiving_places" in item:
                console.print(
                    f"  {item['receiving_places']} xã, phường là nơi tiếp nhận từ 01/07/2025"
                )
                continue
            for change in item.get("changes", []):
                console.print(
                    f"  {item['decision_no']} ({item.get('effective_from', '')}): {change['kind']}"
                    f" {' + '.join(change['predecessors'])} -> {' + '.join(change['successors']) or '-'}"
                    f", {change['procedures_moved']} thủ tục"
                )
    k, t = summary["kpi"], summary["tally"]
    console.print(
        f"Toàn thành phố: {k['received']:,} hồ sơ tiếp nhận, {k['processed']:,} đã xử lý, tỷ lệ đúng hạn "
        f"{k['on_time_rate']:.1%}, trực tuyến {k['online_rate']:.1%}, số hóa {k['digitized_rate']:.1%}."
    )
    http_refused = sum(t["rejected"].values())
    console.print(
        f"Gửi {t['sent']:,} bản ghi ({t['via_kafka']:,} qua Kafka); bị từ chối có lý do: "
        f"{http_refused + summary['ingress_refused']:,} ({http_refused:,} qua HTTP {t['rejected']}, "
        f"{summary['ingress_refused']:,} qua Kafka, trong thư chết); cố ý sai: "
        f"{sum(summary['bad_sent'].values()):,} {summary['bad_sent']}; ngoài dự kiến: {len(t['unexpected'])}."
    )
    for name, r in summary["receivers"].items():
        console.print(
            f"Receiver {name}: {r['received']} deliveries, {r['distinct_events']} distinct, "
            f"{r['duplicates']} duplicates, {r['refused']} refused (bad signature),"
            f" by type {r['by_type']}"
        )
    console.print(
        f"Plan: {summary['plan']['percent_done']}% done, {summary['plan']['overdue_count']} overdue assignments; "
        f"task 11 for {LAST_PROCEDURE[1]}: {_task11_line(summary['task11'])}"
    )
    console.print(
        f"\nDashboard: {dashboard_url(urls, summary['month'])}   KPI API: {urls.reporting}/v1/kpi\n"
        f"AsyncAPI: {urls.gateway}/asyncapi {urls.task}/asyncapi {urls.catalog}/asyncapi {urls.reporting}/asyncapi\n"
        f"Metrics:  {urls.gateway}/metrics (and /metrics on every service)   Logs: make logs\n"
        f"Stop everything: make down"
    )


def dashboard_url(urls: Urls, month: str) -> str:
    """The dashboard on the demo's month (as of its last day), not on today's nearly empty one."""
    year, number = (int(part) for part in month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return f"{urls.reporting}/dashboard?date={year:04d}-{number:02d}-{last:02d}"


def _task11_line(task: dict[str, Any]) -> str:
    for a in task.get("assignments", []):
        if a.get("agency_code") == LAST_PROCEDURE[1]:
            return f"due {a.get('due_on')} ({a.get('deadline_reason') or a.get('status')})"
    return "no assignment found"


def main(
    dossiers: int = typer.Option(6000, help="Dossiers in the simulated month"),
    seed: int = typer.Option(2023, help="Same seed, same month"),
    month: str = typer.Option(
        "2023-05",
        help="YYYY-MM, a past month; from 2025-07 on with today's organisation (e.g. 2026-05)",
    ),
    summary_out: Path = typer.Option(
        REPO / ".pasc" / "demo-summary.json", help="Where to keep the summary"
    ),
) -> None:
    try:
        year, number = (int(part) for part in month.split("-"))
        datetime(year, number, 1)
    except ValueError as exc:
        raise typer.BadParameter(f"{month}: YYYY-MM") from exc
    urls = Urls()
    summary = run_demo(
        urls, dossiers=dossiers, seed=seed, state_dir=REPO / ".pasc", period=(year, number)
    )
    summary_out.parent.mkdir(parents=True, exist_ok=True)
    summary_out.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    print_summary(summary, urls)


if __name__ == "__main__":
    typer.run(main)
