"""`pasc gateway ...`, `pasc keys ...`, `pasc connectors ...`: the gateway's admin commands (over its HTTP API)."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from pathlib import Path
from typing import Any

import asyncpg
import typer

from integration_gateway.adapters import audit as audit_store
from integration_gateway.adapters import connector_store
from integration_gateway.adapters.key_vault import InvalidToken, KeyVault
from integration_gateway.domain.audit_chain import ChainCheck
from integration_gateway.settings import Settings
from pasc_runtime.cli import call, service_commands
from pasc_runtime.settings import LOCAL_DATABASE

DEFAULT_URL = "http://127.0.0.1:8080"
URL = typer.Option(DEFAULT_URL, "--url", envvar="PASC_GATEWAY_URL", help="Gateway URL")
TOKEN = typer.Option(None, "--admin-token", envvar="PASC_ADMIN_TOKEN", help="Admin token, if set")
IMPORT_CHUNK = 500

app = service_commands("integration-gateway", 8080, "Integration gateway: ingest, audit, imports.")
keys_app = typer.Typer(help="API keys of the agencies' systems.", no_args_is_help=True)
connectors_app = typer.Typer(help="External systems the gateway delivers to.", no_args_is_help=True)


def _call(method: str, url: str, path: str, token: str | None, **kwargs: Any) -> Any:
    headers = {"x-admin-token": token} if token else {}
    response = call(
        "integration-gateway", method, f"{url}{path}", timeout=60, headers=headers, **kwargs
    )
    return response.json()


def cell(value: Any) -> str:
    """A value as people read it: "-" for nothing, times in Vietnam time as dd/mm/yyyy HH:MM:SS
    (the API answers ISO 8601 in UTC)."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        from datetime import datetime

        from pasc_contracts import VN_TZ

        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S")
    return str(value)


def _table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(cell(row.get(c)) for c in columns))
    Console().print(table)


@app.command("import")
def import_file(
    file: Path = typer.Argument(
        ..., exists=True, readable=True, help="JSON: a list of records, or a DongBoHoSoMC body"
    ),
    agency: str = typer.Option(..., "--agency", help="The agency whose records these are"),
    url: str = URL,
    token: str | None = TOKEN,
) -> None:
    """Import a legacy system's dossier records (DVCQG format) on an agency's behalf."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    data = json.loads(file.read_text(encoding="utf-8"))
    records = data.get("data", []) if isinstance(data, dict) else data
    accepted = rejected = 0
    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn()) as progress:
        task = progress.add_task("import", total=len(records))
        for start in range(0, len(records), IMPORT_CHUNK):
            body = {
                "service": "DongBoHoSoMC",
                "isUpdating": "True",
                "data": records[start : start + IMPORT_CHUNK],
            }
            result = _call("POST", url, f"/admin/import/{agency}", token, json=body)
            for item in result["results"]:
                if item["accepted"]:
                    accepted += 1
                else:
                    rejected += 1
                    progress.console.print(
                        f"rejected {item['MaHoSo']}: {item['reason']}", markup=False
                    )
            progress.advance(task, len(body["data"]))
    typer.echo(f"{accepted} accepted, {rejected} rejected of {len(records)} records")
    raise typer.Exit(0 if rejected == 0 else 2)


audit_app = typer.Typer(
    help="The audit log: the newest entries, or `verify` its hash chain.",
    invoke_without_command=True,
)
app.add_typer(audit_app, name="audit")


@audit_app.callback()
def audit(
    ctx: typer.Context,
    agency: str | None = typer.Option(None),
    action: str | None = typer.Option(None),
    limit: int = 50,
    url: str = URL,
    token: str | None = TOKEN,
) -> None:
    """The newest audit log entries (ingest and admin actions)."""
    if ctx.invoked_subcommand is not None:
        return
    params = {k: v for k, v in {"agency": agency, "action": action, "limit": limit}.items() if v}
    rows = _call("GET", url, "/admin/audit", token, params=params)
    _table(rows, ["id", "at", "actor", "agency_code", "action", "outcome", "accepted", "rejected"])


OUTCOME_TEXT = {"refused": "bị từ chối", "passed": "hợp lệ", "undetermined": "chưa xác định"}


@app.command("check")
def check_file(
    file: Path = typer.Argument(
        ...,
        exists=True,
        readable=True,
        help="JSON: a DongBoHoSoMC/CapNhatTienDoHoSoMC body, or a bare array of records",
    ),
    service: str = typer.Option(
        "DongBoHoSoMC", help="For a bare array: DongBoHoSoMC or CapNhatTienDoHoSoMC"
    ),
    unit_code: str | None = typer.Option(
        None, "--unit-code", help="The sender's mã định danh, e.g. 000.00.17.H13 (long MaTTHC)"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts as JSON"),
) -> None:
    """Kiểm tra ngoại tuyến một tệp DVCQG bằng đúng các quy tắc của cổng; in kết quả từng bản ghi.

    Check a DVCQG payload offline with the gateway's own rules and print a verdict per record;
    the rules that need the gateway's database are listed as not checked. Exit code: 0 when no
    record is refused, 2 when some are, 1 when the payload is refused as a whole.
    """
    from rich.console import Console
    from rich.table import Table

    from integration_gateway.app.ingest import context_for
    from integration_gateway.app.offline_check import NOT_CHECKED_OFFLINE, SERVICES, check_payload
    from integration_gateway.domain.bounded_json import UnreadableJson, loads_bounded
    from integration_gateway.settings import Settings

    console = Console()
    if service not in SERVICES:
        console.print(f"--service phải là một trong: {', '.join(SERVICES)}")
        raise typer.Exit(1)
    try:
        data = loads_bounded(file.read_bytes())
    except (UnreadableJson, ValueError) as exc:
        console.print(f"[red]Tệp không phải JSON đọc được:[/red] {exc}")
        raise typer.Exit(1) from exc
    ctx = context_for(Settings(), "", unit_code)
    result = check_payload(data, ctx.sender, ctx.window, service=service)
    if result.error is not None:
        console.print(f"[red]Cổng từ chối cả yêu cầu (400):[/red] {result.error}")
        raise typer.Exit(1)
    if as_json:
        verdicts = [
            {"index": v.index, "MaHoSo": v.ma_ho_so, "outcome": v.outcome.value}
            | {"code": v.code, "reason": v.reason}
            for v in result.verdicts
        ]
        typer.echo(
            json.dumps({"service": result.service, "verdicts": verdicts}, ensure_ascii=False)
        )
        raise typer.Exit(2 if result.refused else 0)
    table = Table(title=f"{result.service}: {len(result.verdicts)} bản ghi")
    table.add_column("#", justify="right")
    table.add_column("MaHoSo", overflow="fold")
    table.add_column("Kết quả", no_wrap=True)
    table.add_column("Mã lỗi", no_wrap=True)
    table.add_column("Lý do", overflow="fold", ratio=1)
    for v in result.verdicts:
        style = {"refused": "red", "passed": "green"}.get(v.outcome.value, "yellow")
        table.add_row(
            str(v.index + 1),
            v.ma_ho_so or "-",
            f"[{style}]{OUTCOME_TEXT[v.outcome.value]}[/{style}]",
            v.code or "",
            v.reason or "",
        )
    console.print(table)
    console.print(
        f"{result.refused} bị từ chối, {len(result.verdicts) - result.refused} không bị từ chối"
        " ngoại tuyến. Chưa kiểm tra ngoại tuyến (cần cơ sở dữ liệu của cổng):"
    )
    for rule in NOT_CHECKED_OFFLINE[result.service]:
        console.print(f"  - {rule}", markup=False)
    raise typer.Exit(2 if result.refused else 0)


@audit_app.command("verify")
def audit_verify(
    database_url: str = typer.Option(
        LOCAL_DATABASE,
        "--database-url",
        envvar="DATABASE_URL",
        help="A role that can read the gateway's audit_log",
    ),
    schema: str = typer.Option("gateway", "--schema", envvar="DB_SCHEMA"),
) -> None:
    """Recompute the audit log's hash chain from the database; exit 1 where it does not hold.

    Reads the database directly, not through the gateway: the check does not trust the service.
    Keep the printed head hash somewhere else: a chain rewritten from some entry to its end is
    caught by comparing heads."""
    check = asyncio.run(_verify(database_url, schema))
    for broken in check.breaks:
        typer.echo(f"BROKEN at id {broken.id} (seq {broken.seq}): {broken.reason}")
    state = "intact" if check.intact else f"BROKEN in {len(check.breaks)} places"
    typer.echo(f"audit chain {state}: {check.checked} entries, head {check.head.hex() or '-'}")
    raise typer.Exit(0 if check.intact else 1)


async def _verify(database_url: str, schema: str) -> ChainCheck:
    check = ChainCheck()
    try:
        conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    except (OSError, asyncpg.PostgresError) as exc:
        typer.echo(f"database unreachable: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            async for entry in audit_store.chain(conn):
                check.add(entry)
    finally:
        await conn.close()
    return check


@app.command("reseal")
def reseal() -> None:
    """Seal every stored API key and connector secret again with the newest
    KEY_ENCRYPTION_SECRET (the first of the list), after a rotation; then the old one can go.

    Run with the gateway's own environment (DATABASE_URL, DB_SCHEMA, KEY_ENCRYPTION_SECRET
    listing the new secret then the old one)."""
    settings = Settings()
    vault = KeyVault(settings.key_encryption_secret.get_secret_value())
    keys, connectors = asyncio.run(_reseal(settings, vault))
    typer.echo(f"resealed {keys} API keys and {connectors} connector secrets")


async def _reseal(settings: Settings, vault: KeyVault) -> tuple[int, int]:
    conn = await asyncpg.connect(
        settings.database_url, server_settings={"search_path": settings.db_schema}
    )
    try:
        async with conn.transaction():
            return await connector_store.reseal_all(conn, vault)
    except InvalidToken as exc:
        typer.echo("a stored secret opens with none of KEY_ENCRYPTION_SECRET's secrets", err=True)
        raise typer.Exit(1) from exc
    finally:
        await conn.close()


@keys_app.command("issue")
def issue_key(
    agency: str = typer.Option(..., "--agency", help="Agency code, e.g. SXD"),
    label: str | None = typer.Option(None, help="What the key is for"),
    username: str | None = typer.Option(
        None,
        help="Also a username for the DVCQG adapter's auth exchange (the key is its password)",
    ),
    unit_code: str | None = typer.Option(
        None, "--unit-code", help="The agency's mã định danh (madonvi), e.g. 000.00.17.H13"
    ),
    url: str = URL,
    token: str | None = TOKEN,
) -> None:
    """Issue a new API key; the key is printed once, as the last line."""
    result = _call(
        "POST",
        url,
        "/admin/keys",
        token,
        json={"agency": agency, "label": label, "username": username, "unit_code": unit_code},
    )
    typer.echo(
        f"key {result['key_id']} issued for {result['agency']}; store it now, it is not shown again:"
    )
    typer.echo(result["api_key"])


@keys_app.command("list")
def list_keys(
    agency: str | None = typer.Option(None), url: str = URL, token: str | None = TOKEN
) -> None:
    """Keys (without their secrets)."""
    rows = _call("GET", url, "/admin/keys", token, params={"agency": agency} if agency else {})
    _table(
        rows,
        ["key_id", "agency_code", "username", "unit_code", "label", "created_at", "revoked_at"],
    )


@keys_app.command("revoke")
def revoke_key(key_id: str, url: str = URL, token: str | None = TOKEN) -> None:
    """Revoke a key: requests and signed messages made with it are refused from now on."""
    _call("POST", url, f"/admin/keys/{key_id}/revoke", token)
    typer.echo(f"key {key_id} revoked")


@connectors_app.command("add")
def add_connector(
    name: str,
    kind: str = typer.Option(..., help="department, cioc, home_affairs, national_portal, other"),
    endpoint: str = typer.Option(..., help="HTTP(S) URL that receives POSTed events"),
    topic: list[str] = typer.Option(..., "--topic", help="Topic whose events it receives (repeat)"),
    agency: str | None = typer.Option(None, help="Only this agency's events"),
    secret: str | None = typer.Option(
        None,
        help="Standard Webhooks secret (whsec_...) that signs deliveries; `new` makes one and"
        " prints it once, to give to the receiving system",
    ),
    url: str = URL,
    token: str | None = TOKEN,
) -> None:
    """Add or change a connector."""
    if secret == "new":  # noqa: S105 (the word asking for a new secret)
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        typer.echo(f"webhook secret (store it now, it is not shown again): {secret}")
    body = {
        "name": name,
        "kind": kind,
        "endpoint": endpoint,
        "topics": topic,
        "agency_code": agency,
        "secret": secret,
    }
    result = _call("PUT", url, f"/admin/connectors/{name}", token, json=body)
    typer.echo(json.dumps(result, ensure_ascii=False))


@connectors_app.command("list")
def list_connectors(url: str = URL, token: str | None = TOKEN) -> None:
    """Connectors and their delivery counts by status."""
    result = _call("GET", url, "/admin/connectors", token)
    _table(result["connectors"], ["name", "kind", "endpoint", "agency_code", "paused"])
    typer.echo("")
    _table(result["deliveries"], ["connector", "status", "n", "oldest"])


@connectors_app.command("pause")
def pause(name: str, url: str = URL, token: str | None = TOKEN) -> None:
    """Stop delivering to a connector (deliveries keep queueing)."""
    typer.echo(_call("POST", url, f"/admin/connectors/{name}/pause", token))


@connectors_app.command("resume")
def resume(name: str, url: str = URL, token: str | None = TOKEN) -> None:
    """Deliver again, in order, from where it stopped."""
    typer.echo(_call("POST", url, f"/admin/connectors/{name}/resume", token))


@connectors_app.command("replay")
def replay(
    name: str,
    status: str = typer.Option("dead", help="dead: the dead letters; all: delivered ones too"),
    url: str = URL,
    token: str | None = TOKEN,
) -> None:
    """Queue deliveries again (receivers deduplicate by webhook-id, the event's id)."""
    typer.echo(
        _call("POST", url, f"/admin/connectors/{name}/replay", token, params={"status": status})
    )
