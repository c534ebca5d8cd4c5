"""`pasc --help` lists every service's commands, gathered through entry points."""

from __future__ import annotations

from typer.testing import CliRunner

from pasc_runtime import cli


def test_help_lists_every_service_group() -> None:
    cli._load_service_commands()
    result = CliRunner().invoke(cli.app, ["--help"])
    assert result.exit_code == 0
    for group in ("catalog", "gateway", "plan", "reporting", "topics"):
        assert group in result.output


def test_topics_lists_the_registry() -> None:
    result = CliRunner().invoke(cli.app, ["topics"])
    assert "dossier.lifecycle.v1" in result.output
    assert "key=MaHoSo" in result.output
