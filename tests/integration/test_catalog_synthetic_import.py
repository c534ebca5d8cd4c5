"""`pasc catalog import` of the synthetic catalog, twice, against a real catalog-service.

The second import reports every row unchanged, stages no event, and the exported catalog
is the same as after the first.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner

from catalog_service.cli import app as catalog_cli
from support import keycloak
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

SYNTHETIC = Path(__file__).resolve().parents[2] / "services/catalog-service/data/tthc-synthetic.csv"


@pytest.fixture(scope="module")
def catalog(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service("catalog_service", kafka=kafka_bootstrap, database_url=database_url) as svc:
        yield svc


def pasc(service: RunningService, *args: str) -> tuple[int, str]:
    signed_in = {"PASC_USERNAME": "catalog", "PASC_PASSWORD": "catalog"}  # catalog officer
    env = {**signed_in, "PASC_OIDC_ISSUER": keycloak.ISSUER}
    result = CliRunner(env=env).invoke(catalog_cli, [*args, "--url", service.url])
    return result.exit_code, result.output


async def staged(database_url: str, service: RunningService) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return int(await conn.fetchval(f"SELECT count(*) FROM {service.schema}.outbox"))
    finally:
        await conn.close()


async def test_importing_the_synthetic_catalog_twice(
    catalog: RunningService, database_url: str, tmp_path: Path
) -> None:
    rows = sum(1 for _ in csv.DictReader(io.StringIO(SYNTHETIC.read_text(encoding="utf-8"))))
    args = ("import", str(SYNTHETIC), "--decision-no", "1000/QĐ-UBND")
    code, out = pasc(catalog, *args, "--decision-date", "2023-04-10", "--by", "test")
    assert code == 0, out
    assert f"tạo mới {rows} · thay đổi 0 · không đổi 0" in out
    first_export = pasc(catalog, "export", "--format", "csv")[1]
    events = await staged(database_url, catalog)

    code, out = pasc(catalog, *args, "--decision-date", "2023-04-10", "--by", "test")
    assert code == 0, out
    assert f"tạo mới 0 · thay đổi 0 · không đổi {rows} · rút 0 · từ chối 0" in out
    assert "không áp dụng; 0 sự kiện" in out
    assert await staged(database_url, catalog) == events
    assert pasc(catalog, "export", "--format", "csv")[1] == first_export
    assert len(first_export.splitlines()) == rows + 1

    exported = tmp_path / "catalog.json"
    assert pasc(catalog, "export", "--format", "json", "--out", str(exported))[0] == 0
    items = json.loads(exported.read_text(encoding="utf-8"))
    assert len(items) == rows
    assert all(i["decision_no"] == "1000/QĐ-UBND" and i["version"] == 1 for i in items)

    code, out = pasc(catalog, "coverage")
    assert code == 0 and "SNGV" in out and "THÀNH PHỐ" in out
