"""`pasc catalog ...`: catalog-service's admin commands (they talk to the running service over HTTP)."""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from pasc_runtime.cli import call, service_commands
from pasc_runtime.dates import day_option

app = service_commands("catalog-service", 8082, "The catalog of administrative procedures (TTHC).")

Url = Annotated[str, typer.Option(envvar="PASC_URL", help="catalog-service URL (PASC_URL).")]
Day = Annotated[
    date | None, typer.Option(parser=day_option("ngày"), help="dd/mm/yyyy or yyyy-mm-dd")
]
DEFAULT_URL = "http://127.0.0.1:8082"
LABELS = {
    "created": "tạo mới",
    "changed": "thay đổi",
    "unchanged": "không đổi",
    "withdrawn": "rút",
    "rejected": "từ chối",
}


def _who() -> str:
    try:
        return f"pasc-cli:{getpass.getuser()}"
    except OSError:
        return "pasc-cli"


def _call(method: str, url: str, **kwargs: Any) -> httpx.Response:
    # Imports and decisions of the whole catalog take minutes.
    return call("catalog-service", method, url, timeout=300, describe=_describe, **kwargs)


def _describe(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    where = f"dòng {item['line']} " if item.get("line") else ""
    text = f"{where}{item.get('ma_tthc') or ''} {LABELS.get(item.get('outcome', ''), '')}".strip()
    if item.get("changed_fields"):
        text += f" ({', '.join(item['changed_fields'])})"
    if item.get("reason"):
        text += f": {item['reason']}"
    return text


def _print_report(report: dict[str, Any], show_all: bool) -> None:
    state = "đã áp dụng" if report["applied"] else "không áp dụng"
    if report["dry_run"]:
        state = "chạy thử (dry-run), chưa áp dụng"
    typer.echo(f"Quyết định {report['decision_no']}: {state}; {report['events_published']} sự kiện")
    counts = report["counts"]
    typer.echo("  " + " · ".join(f"{LABELS[k]} {counts.get(k, 0)}" for k in LABELS))
    for note in report.get("notes", []):
        typer.echo(f"  {note}")
    for row in report["rows"]:
        if show_all or row["outcome"] != "unchanged":
            typer.echo(f"  {_describe(row)}")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@app.command("import")
def import_catalog(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV, UTF-8")],
    decision_no: Annotated[
        str | None, typer.Option(help="Default: NHAP-<hash of the file>")
    ] = None,
    decision_date: Day = None,
    signer: Annotated[str | None, typer.Option(help="Default: Chủ tịch UBND thành phố")] = None,
    effective_from: Day = None,
    by: Annotated[str | None, typer.Option(help="Who imports (default: pasc-cli:<user>)")] = None,
    reason: Annotated[str | None, typer.Option(help="Why")] = None,
    dry_run: Annotated[bool, typer.Option(help="Report only, apply nothing")] = False,
    strict: Annotated[bool, typer.Option(help="One bad row and nothing applies")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also list unchanged rows")] = False,
    url: Url = DEFAULT_URL,
) -> None:
    """Import a catalog CSV: a proposal plus its approving decision. Idempotent; reports each row."""
    params = {
        "decision_no": decision_no,
        "signed_on": _day(decision_date),
        "signer": signer,
        "effective_from": _day(effective_from),
        "recorded_by": by or _who(),
        "reason": reason,
        "dry_run": str(dry_run).lower(),
        "strict": str(strict).lower(),
    }
    response = _call(
        "POST",
        f"{url}/v1/imports",
        params={k: v for k, v in params.items() if v is not None},
        content=file.read_bytes(),
        headers={"content-type": "text/csv; charset=utf-8"},
    )
    report = response.json()
    _print_report(report, show_all)
    raise typer.Exit(2 if report["counts"].get("rejected") else 0)


@app.command()
def withdraw(
    codes: Annotated[list[str], typer.Argument(help="MaTTHC to withdraw")],
    decision_no: Annotated[str, typer.Option(help="The withdrawing decision")],
    decision_date: Annotated[
        date,
        typer.Option(parser=day_option("--decision-date"), help="dd/mm/yyyy or yyyy-mm-dd"),
    ],
    signer: Annotated[str | None, typer.Option()] = None,
    effective_from: Day = None,
    by: Annotated[str | None, typer.Option()] = None,
    reason: Annotated[str | None, typer.Option()] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Withdraw procedures by a decision (all or nothing)."""
    body = {
        "decision_no": decision_no,
        "signed_on": _day(decision_date),
        "effective_from": _day(effective_from),
        "recorded_by": by or _who(),
        "reason": reason,
        "withdraw": codes,
    }
    if signer:
        body["signer"] = signer
    _print_report(_call("POST", f"{url}/v1/decisions", json=body).json(), show_all=True)


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
    out: Annotated[Path | None, typer.Option(help="File to write (default: stdout)")] = None,
    as_of: Day = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Export the catalog in force (the import's CSV columns, or JSON)."""
    if format not in ("csv", "json"):
        typer.echo("--format: csv hoặc json", err=True)
        raise typer.Exit(2)
    params = {"format": format, **({"as_of": _day(as_of)} if as_of else {})}
    response = _call("GET", f"{url}/v1/export", params=params)
    text = (
        response.text
        if format == "csv"
        else json.dumps(response.json(), ensure_ascii=False, indent=2) + "\n"
    )
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"đã ghi {out}", err=True)


@app.command()
def coverage(as_of: Day = None, url: Url = DEFAULT_URL) -> None:
    """Coverage per agency and city-wide: eligible procedures received at the Center."""
    params = {"as_of": _day(as_of)} if as_of else {}
    found = _call("GET", f"{url}/v1/coverage", params=params).json()
    typer.echo(f"Tỷ lệ TTHC tiếp nhận tại Trung tâm, ngày {found['as_of']}")
    typer.echo(f"{'cơ quan':10} {'đủ ĐK':>6} {'tại TT':>6} {'loại trừ':>8} {'chưa':>5} {'%':>7}  ")
    for c in [*found["agencies"], found["city"]]:
        percent = "-" if c["percent_at_center"] is None else f"{c['percent_at_center']:.2f}"
        mark = " ✓ đã chuyển hết" if c["fully_onboarded"] else ""
        typer.echo(
            f"{c['agency_code'] or 'THÀNH PHỐ':10} {c['eligible']:>6} {c['at_center']:>6}"
            f" {c['excluded']:>8} {c['pending']:>5} {percent:>7}{mark}"
        )


@app.command("reorganise-2025")
def reorganise_2025(
    by: Annotated[
        str | None, typer.Option(help="Who records it (default: pasc-cli:<user>)")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Report only, apply nothing")] = False,
    url: Url = DEFAULT_URL,
) -> None:
    """Apply the 2025 reorganisation from the reference data: merged departments, the new
    city's communes as receiving places, the district level's abolition (each decision once)."""
    params = {"recorded_by": by or _who(), "dry_run": str(dry_run).lower()}
    found = _call("POST", f"{url}/v1/lineage/reorganisation-2025", params=params).json()
    for item in found["steps"]:
        if "receiving_places" in item:
            typer.echo(
                f"Nơi tiếp nhận cấp xã: {item['registered']}/{item['receiving_places']} đăng ký mới"
            )
            continue
        state = "đã áp dụng" if item["applied"] else item.get("note", "chạy thử, chưa áp dụng")
        typer.echo(f"Quyết định {item['decision_no']}: {state}")
        for change in item.get("changes", []):
            typer.echo(
                f"  {change['kind']}: {' + '.join(change['predecessors'])} ->"
                f" {' + '.join(change['successors']) or '(chấm dứt)'};"
                f" {change['procedures_moved']} thủ tục chuyển"
            )


@app.command("generate-synthetic")
def generate_synthetic(
    out: Annotated[Path, typer.Option(help="CSV file to write")],
    seed: Annotated[int, typer.Option(help="Same seed, same catalog")] = 2023,
) -> None:
    """Write the SYNTHETIC demo catalog (about 1,500 procedures of the 20 city-level agencies)."""
    from catalog_service.domain.rows import write_csv

    try:  # the generator is the simulator's: a development tool, not part of the service
        from pasc_simulator.synthetic_catalog import generate, to_csv_rows
    except ImportError as exc:
        typer.echo("lệnh này cần gói pasc-simulator (môi trường phát triển)", err=True)
        raise typer.Exit(1) from exc

    rows = generate(seed)
    out.write_text(write_csv(to_csv_rows(rows)), encoding="utf-8")
    typer.echo(f"đã ghi {len(rows)} thủ tục (dữ liệu tổng hợp, seed {seed}) vào {out}")
