"""`pasc simulate`: department systems sending a realistic month of dossiers to the gateway."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from pasc_runtime.cli import signed_in
from pasc_simulator.catalog import load_catalog
from pasc_simulator.lifecycle import month_of, simulate_month
from pasc_simulator.send import send_all

app = typer.Typer(
    help="Simulate department systems sending DVCQG traffic.", invoke_without_command=True
)


def issue_keys(gateway: str, agencies: list[str], admin_token: str | None) -> dict[str, str]:
    headers = {"x-admin-token": admin_token} if admin_token else {}
    auth = signed_in()  # issuing keys is an operator's job
    keys = {}
    for agency in agencies:
        response = httpx.post(
            f"{gateway}/admin/keys",
            json={"agency": agency, "label": "simulator"},
            headers=headers,
            auth=auth,
        )
        response.raise_for_status()
        keys[agency] = response.json()["api_key"]
    return keys


@app.callback()
def simulate(
    catalog: Path = typer.Option(..., exists=True, help="Catalog CSV (pasc catalog export)"),
    dossiers: int = typer.Option(5000, help="How many dossiers the month has"),
    rate: float = typer.Option(2000.0, help="Records per second to send (0: as fast as possible)"),
    month: str = typer.Option("2023-05", help="The simulated month, YYYY-MM"),
    seed: int = typer.Option(2023, help="Same seed, same dossiers"),
    bad_fraction: float = typer.Option(0.02, help="Share of dossiers sent wrong on purpose"),
    prefix: str = typer.Option("SIM", help="MaHoSo prefix (keeps runs apart)"),
    gateway: str = typer.Option("http://127.0.0.1:8080", envvar="PASC_GATEWAY_URL"),
    keys_file: Path | None = typer.Option(
        None, "--keys", help="JSON {agency: api key}; else issued now"
    ),
    admin_token: str | None = typer.Option(None, envvar="PASC_ADMIN_TOKEN"),
    kafka: str = typer.Option("127.0.0.1:9092", envvar="KAFKA_BOOTSTRAP_SERVERS"),
    kafka_agencies: str = typer.Option(
        "", help="Comma-separated agencies that publish to the Kafka ingress"
    ),
    summary: Path | None = typer.Option(
        None, help="Write the tally and expected figures here (JSON)"
    ),
    dry_run: Path | None = typer.Option(None, help="Only write the syncs to this JSON file"),
) -> None:
    """Generate the month (deterministic for a seed) and send it, showing progress."""
    procedures = load_catalog(catalog)
    year, mon = month_of(month)
    generated = simulate_month(
        procedures,
        dossiers=dossiers,
        year=year,
        month=mon,
        seed=seed,
        bad_fraction=bad_fraction,
        prefix=prefix,
    )
    if dry_run is not None:
        dry_run.write_text(
            json.dumps(
                [{"agency": s.agency_code, "record": s.record} for s in generated.syncs],
                ensure_ascii=False,
            )
        )
        typer.echo(f"{len(generated.syncs)} syncs of {dossiers} dossiers written to {dry_run}")
        return
    agencies = sorted({s.agency_code for s in generated.syncs})
    keys = (
        json.loads(keys_file.read_text())
        if keys_file
        else issue_keys(gateway, agencies, admin_token)
    )
    columns = (
        TextColumn("[bold]syncing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as progress:
        task = progress.add_task("records", total=len(generated.syncs))
        tally = asyncio.run(
            send_all(
                generated.syncs,
                gateway_url=gateway,
                keys=keys,
                rate=rate,
                kafka_bootstrap=kafka,
                kafka_agencies=frozenset(a for a in kafka_agencies.split(",") if a),
                on_progress=lambda n: progress.advance(task, n),
            )
        )
    report = {
        "month": month,
        "dossiers": dossiers,
        "seed": seed,
        "bad_sent": dict(generated.bad),
        "tally": tally.as_dict(),
        "expected": generated.expected_figures(),
    }
    if summary is not None:
        summary.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    typer.echo(
        f"sent {tally.sent} records ({tally.via_kafka} over Kafka): {tally.accepted} accepted over HTTP, "
        f"rejected {dict(tally.rejected)}; unexpected outcomes: {len(tally.unexpected)}"
    )
    if tally.unexpected:
        raise typer.Exit(1)
