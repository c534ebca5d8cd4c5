"""`pasc gateway check` agrees with a real gateway record by record on the test corpora.

The same payload goes to the gateway over HTTP and through the CLI offline. Every record the
offline check refuses, the gateway refuses with the same reason; every record the gateway
accepts passes offline; a record the gateway refuses and the offline check lets through is
refused for a rule that needs the gateway's database (catalog, numbering, ownership).
"""

from __future__ import annotations

import importlib.util
import json
import math
import random
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from integration.test_hostile_corpus import RECORD_CASES, good

from support import keycloak
from support.catalog import procedure, teach_gateway
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
UNIT_CORPUS = ROOT / "services/integration-gateway/tests/test_normalize_and_strictness.py"
SXD_UNIT, STP_UNIT = "000.00.17.H13", "000.00.09.H13"
# Refusals that need the gateway's database: the offline check says it did not check them.
DATABASE_RULES = (
    "không có trong danh mục tiếp nhận tại Trung tâm",
    "thuộc cơ quan",
    "mang mã của cơ quan khác",
    "đã thuộc cơ quan khác",
)


def unit_corpus() -> list[tuple[str, dict[str, Any]]]:
    spec = importlib.util.spec_from_file_location("gateway_unit_corpus", UNIT_CORPUS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases: list[tuple[str, dict[str, Any]]] = module.HOSTILE_VALUES
    return cases


def finite(value: Any) -> bool:
    """JSON has no NaN or infinity: such cases are request-level refusals, not records."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, list):
        return all(finite(v) for v in value)
    return True


def corpus(run: str, sxd: str, stp: str, derived: str) -> list[tuple[str, Any]]:
    cases: list[tuple[str, Any]] = []
    for n, (case, changes, _) in enumerate(RECORD_CASES):
        if not isinstance(changes, dict):
            cases.append((case, changes))
            continue
        filled = {
            k: v.format(code=sxd, stp_code=stp, run=run) if isinstance(v, str) and "{" in v else v
            for k, v in changes.items()
        }
        record = {k: v for k, v in {**good(run, 1000 + n, sxd), **filled}.items() if v is not None}
        cases.append((case, record))
    for n, (case, changes) in enumerate(unit_corpus()):
        if finite(changes):
            cases.append((f"unit: {case}", {**good(run, 2000 + n, sxd), **changes}))
    opencps = {
        **good(run, 3000, sxd),
        "KenhThucHien": "2",
        "TrangThaiHoSo": " 2 ",
        "NgayTra": "",
        "HinhThuc": "True",
    }
    missing_due = good(run, 3002, derived)
    del missing_due["NgayHenTra"]
    cases += [
        ("good", good(run, 1, sxd)),
        ("OpenCPS strings", opencps),
        ("long MaTTHC of the sender's unit", good(run, 3001, sxd, MaTTHC=f"{sxd}.{SXD_UNIT}")),
        ("due derived from the catalog", missing_due),
        (
            "returned",
            good(
                run,
                3003,
                sxd,
                TrangThaiHoSo=10,
                NgayKetThucXuLy="20230410100000",
                NgayTra="20230411090000",
            ),
        ),
    ]
    return cases


@pytest.fixture(scope="module")
def gateway(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service(
        "integration_gateway", kafka=kafka_bootstrap, database_url=database_url
    ) as service:
        yield service


def offline(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "pasc"),
            "gateway",
            "check",
            str(path),
            "--unit-code",
            SXD_UNIT,
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 2), done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


async def test_the_offline_check_agrees_with_the_gateway_record_by_record(
    gateway: RunningService, kafka_bootstrap: str, database_url: str, tmp_path: Path
) -> None:
    rng = random.Random()
    sxd, stp, derived = (f"3.{rng.randrange(10**6):06d}" for _ in range(3))
    await teach_gateway(
        kafka_bootstrap,
        database_url,
        gateway,
        [procedure(sxd, "SXD"), procedure(stp, "STP"), procedure(derived, "SXD", working_days=5)],
    )
    keys = {}
    async with httpx.AsyncClient(base_url=gateway.url, auth=keycloak.auth("operator")) as client:
        for agency, unit in (("SXD", SXD_UNIT), ("STP", STP_UNIT)):
            issued = await client.post("/admin/keys", json={"agency": agency, "unit_code": unit})
            assert issued.status_code == 201, issued.text
            keys[agency] = issued.json()["api_key"]

    run = f"OC-{uuid.uuid4().hex[:8]}"
    cases = corpus(run, sxd, stp, derived)
    # A lone surrogate cannot be encoded as UTF-8: the payload is written with JSON escapes.
    raw = json.dumps(
        {"service": "DongBoHoSoMC", "data": [record for _, record in cases]}, ensure_ascii=True
    ).encode()
    path = tmp_path / "payload.json"
    path.write_bytes(raw)

    async with httpx.AsyncClient(
        base_url=gateway.url, headers={"X-API-Key": keys["SXD"]}, timeout=60
    ) as client:
        response = await client.post(
            "/v1/dvcqg/DongBoHoSoMC", content=raw, headers={"content-type": "application/json"}
        )
    assert response.status_code == 200, response.text
    online = response.json()["results"]
    checked = offline(path)["verdicts"]
    assert len(online) == len(checked) == len(cases)

    disagreements = []
    for (case, _), answer, verdict in zip(cases, online, checked, strict=True):
        if verdict["outcome"] == "refused":
            agrees = not answer["accepted"] and answer["reason"] == verdict["reason"]
        elif answer["accepted"]:
            agrees = True
        else:
            agrees = any(rule in (answer["reason"] or "") for rule in DATABASE_RULES) or (
                verdict["outcome"] == "undetermined"
            )
        agrees = agrees and answer["MaHoSo"] == verdict["MaHoSo"]
        if not agrees:
            disagreements.append((case, answer, verdict))
    refused_offline = sum(v["outcome"] == "refused" for v in checked)
    print(
        f"\n{len(cases)} records: {refused_offline} refused offline, "
        f"{sum(not a['accepted'] for a in online)} refused by the gateway"
    )
    assert not disagreements, json.dumps(disagreements, ensure_ascii=False, indent=1)
    # The corpus exercises both sides: offline refusals and database-only refusals.
    assert refused_offline > 40
    assert any(
        not a["accepted"] and v["outcome"] != "refused"
        for a, v in zip(online, checked, strict=True)
    )
