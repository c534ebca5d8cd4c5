"""`pasc --help` lists every service's commands, gathered through entry points and loaded lazily."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from typer.testing import CliRunner

from pasc_runtime import cli

SERVICE_MODULES = (
    "catalog_service.cli",
    "integration_gateway.cli",
    "reporting_service.cli",
    "task_service.cli",
    "pasc_simulator.cli",
)


def test_help_lists_every_service_group_with_its_help() -> None:
    result = CliRunner().invoke(cli.app, ["--help"])
    assert result.exit_code == 0
    for group in ("catalog", "gateway", "keys", "plan", "reporting", "simulate", "topics"):
        assert group in result.output
    assert "Integration gateway: ingest, audit, imports." in result.output
    assert "API keys of the agencies' systems." in result.output


def test_help_imports_no_service_module() -> None:
    probe = (
        "import sys\n"
        "from pasc_runtime.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print([m for m in {SERVICE_MODULES!r} if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_group_is_loaded_when_it_is_run() -> None:
    result = CliRunner().invoke(cli.app, ["gateway", "--help"])
    assert result.exit_code == 0, result.output
    for command in ("health", "import", "audit", "check"):
        assert command in result.output
    assert "--install-completion" not in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"pasc {version('pasc-runtime')}"


def test_topics_lists_the_registry() -> None:
    result = CliRunner().invoke(cli.app, ["topics"])
    assert "dossier.lifecycle.v1" in result.output
    assert "key=MaHoSo" in result.output
