"""`pasc`: the one admin CLI. Each service adds its commands through the `pasc.cli` entry points.

The service groups are loaded lazily: `pasc --help` lists them with the help text read from
their source (no import), and `pasc <group> ...` imports only that group's module, so the
CLI starts in a fraction of the time it takes to import every service's dependencies.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import cache
from importlib.metadata import EntryPoint, PackageNotFoundError, entry_points, version
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

GROUP = "pasc.cli"
COMPLETION_PARAMS = ("install_completion", "show_completion")


@cache
def _service_groups() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name)}


def _static_help(ep: EntryPoint) -> str:
    """The group's help text, read from its module's source without importing it: the `help=`
    of `typer.Typer(...)`, or the third argument of `service_commands(...)`."""
    module, _, attr = ep.value.partition(":")
    try:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            return ""
        with open(spec.origin, encoding="utf-8") as source:
            tree = ast.parse(source.read())
    except (ImportError, OSError, SyntaxError, ValueError):
        return ""
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        if not any(isinstance(t, ast.Name) and t.id == attr for t in node.targets):
            continue
        call = node.value
        texts = [k.value for k in call.keywords if k.arg == "help"]
        if len(call.args) >= 3:
            texts.append(call.args[2])
        for text in texts:
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                return text.value
    return ""


class LazyGroup(TyperGroup):
    """`pasc`'s top level: its own commands, plus one group per `pasc.cli` entry point, imported
    only when it is run (or its own help is asked for)."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        own = super().list_commands(ctx)
        return own + [name for name in _service_groups() if name not in self.commands]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands or cmd_name not in _service_groups():
            return super().get_command(ctx, cmd_name)
        ep = _service_groups()[cmd_name]
        if self._listing:  # the top-level help: a stand-in with the group's help text
            return typer.core.TyperCommand(name=cmd_name, help=_static_help(ep))
        command = typer.main.get_command(ep.load())
        command.name = cmd_name
        # Completion is installed from the top level; a group's own copy would only clutter.
        command.params = [p for p in command.params if p.name not in COMPLETION_PARAMS]
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"pasc {version('pasc-runtime')}")
        except PackageNotFoundError:
            typer.echo("pasc (not installed)")
        raise typer.Exit()


if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from pasc_runtime.auth.client import KeycloakAuth

app = typer.Typer(
    name="pasc",
    cls=LazyGroup,
    # Plain help and tracebacks: rich's markdown and traceback modules cost most of a second
    # to import, longer than the whole `--help` may take. Commands still print rich tables.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Administer the Public Administrative Service Center platform.",
    no_args_is_help=True,
)


@app.callback()
def _options(
    show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Administer the Public Administrative Service Center platform."""


@app.command()
def topics() -> None:
    """List the registry's topics: name, key, owner, consumers, partitions."""
    from pasc_contracts import TOPICS

    for t in TOPICS:
        consumers = ", ".join(t.consumers) or "-"
        typer.echo(f"{t.name:28} key={t.key.name:18} owner={t.owner:20} consumers={consumers}")


@app.command()
def login(
    issuer: str = typer.Option(
        "http://127.0.0.1:8180/realms/pasc", envvar="PASC_OIDC_ISSUER", help="Keycloak realm URL"
    ),
) -> None:
    """Sign in with Keycloak (device code: open the URL shown, confirm the code)."""
    from pasc_runtime.auth.client import TOKEN_CACHE, SignInError, device_login

    try:
        device_login(issuer, show=typer.echo)
    except SignInError as exc:
        typer.echo(f"Đăng nhập không thành công: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Đã đăng nhập; phiên lưu tại {TOKEN_CACHE}.")


def signed_in() -> KeycloakAuth:
    """The signed-in caller's token source for the service commands (exits with the reason)."""
    from pasc_runtime.auth.client import KeycloakAuth, SignInError

    try:
        auth = KeycloakAuth.from_env()
        auth.token()  # fail here, with the reason, rather than inside a request
    except SignInError as exc:
        typer.echo(f"Chưa đăng nhập được: {exc}", err=True)
        raise typer.Exit(1) from exc
    return auth


def call(
    service: str,
    method: str,
    url: str,
    *,
    timeout: float = 30,
    describe: Callable[[Any], str] = str,
    **request: Any,
) -> httpx.Response:
    """One request of a service's admin command, signed in as the caller. Unreachable, or
    refused (4xx/5xx): prints why, as the service said it, and exits 1. `describe` words each
    item of a refusal's `errors` list (e.g. an import report's rejected lines)."""
    import httpx

    try:
        response = httpx.request(method, url, timeout=timeout, auth=signed_in(), **request)
    except httpx.HTTPError as exc:
        typer.echo(f"{service}: không kết nối được {url} ({exc})", err=True)
        raise typer.Exit(1) from exc
    if response.status_code >= 400:
        typer.echo(f"{service}: lỗi {response.status_code}", err=True)
        for line in refusal_reasons(response, describe):
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(1)
    return response


def refusal_reasons(response: httpx.Response, describe: Callable[[Any], str] = str) -> list[str]:
    """The reasons a refusal gives: the platform's error body (message, field, code), FastAPI's
    `detail` (a text, or validation errors with their location), an `errors` list; else the
    text as it came."""
    try:
        body = response.json()
    except ValueError:
        return [response.text] if response.text else []
    if not isinstance(body, dict):
        return [str(body)]
    reasons: list[str] = []
    if isinstance(body.get("message"), str):
        field = body.get("field")
        # Validation messages name their field already ("query.month: ...").
        where = f"{field}: " if field and not body["message"].startswith(f"{field}:") else ""
        code = f" ({body['code']})" if body.get("code") else ""
        reasons.append(f"{where}{body['message']}{code}")
    detail = body.get("detail")
    for item in detail if isinstance(detail, list) else [] if detail is None else [detail]:
        if isinstance(item, dict) and "msg" in item:
            where = ".".join(str(part) for part in item.get("loc", []))
            reasons.append(f"{where}: {item['msg']}")
        else:
            reasons.append(str(item))
    errors = body.get("errors")
    reasons += [describe(item) for item in errors] if isinstance(errors, list) else []
    return reasons or [response.text]


def main() -> None:
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
