"""A DVCQG field the 766 index needs flows from the POST to the KPI (issue 14's how-to, proven).

Documents taken from the national databases (`DuocLayTuKhoDMQG`) and online payment
(`DuocThanhToanTrucTuyen`) go through the real gateway (HTTP), `dossier.lifecycle.v1` and a real
reporting-service to `GET /v1/kpi`: the per-procedure counts and rates, and the 766
sub-indicators "tái sử dụng dữ liệu" and "thanh toán trực tuyến" of the agency's month.

The dossiers belong to an agency code of this run only (the gateway keys any well-formed
code; reporting knows it once it has figures), so the agency's month holds exactly them,
whatever other tests send to the shared topic.
"""

from __future__ import annotations

import asyncio
import calendar
import random
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from pasc_contracts.events.catalog import MucDoDvc
from support import keycloak
from support.catalog import procedure, teach_gateway
from support.kafka import read_until
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

_rng = random.Random()
YEAR, MONTH = _rng.randint(2015, 2019), _rng.randint(1, 12)
LAST_DAY = calendar.monthrange(YEAR, MONTH)[1]
RUN = uuid.uuid4().hex[:8].upper()
AGENCY = f"NF{RUN}"
CODE = f"4.{_rng.randrange(10**6):06d}"


@pytest.fixture(scope="module")
def services(kafka_bootstrap: str, database_url: str) -> Iterator[dict[str, RunningService]]:
    with (
        run_service("integration_gateway", kafka=kafka_bootstrap, database_url=database_url) as gw,
        run_service("reporting_service", kafka=kafka_bootstrap, database_url=database_url) as rep,
    ):
        yield {"gateway": gw, "reporting": rep}


def record(n: int, documents: list[dict[str, Any]], paid_online: int) -> dict[str, Any]:
    return {
        "MaHoSo": f"{AGENCY}-{n}",
        "MaTTHC": CODE,
        "KenhThucHien": 2,
        "NgayTiepNhan": f"{YEAR}{MONTH:02d}03083000",
        "NgayHenTra": f"{YEAR}{MONTH:02d}20170000",
        "TrangThaiHoSo": 2,
        "TaiLieuNop": documents,
        "DuocThanhToanTrucTuyen": paid_online,
    }


async def kpi(reporting: RunningService) -> dict[str, Any] | None:
    """The agency's month, or None while reporting does not know the agency yet (422)."""
    period = {
        "from": date(YEAR, MONTH, 1).isoformat(),
        "to": date(YEAR, MONTH, LAST_DAY).isoformat(),
        "agency": AGENCY,
    }
    async with httpx.AsyncClient(
        base_url=reporting.url, timeout=60, auth=keycloak.auth("cioc")
    ) as client:
        response = await client.get("/v1/kpi", params=period)
    if response.status_code == 422 and response.json().get("code") == "unknown_agency":
        return None
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def indicator(body: dict[str, Any], code: str) -> tuple[float | None, float | None]:
    for group in body["score"]["groups"]:
        for found in group["indicators"]:
            if found["code"] == code:
                return found["numerator"], found["denominator"]
    raise AssertionError(f"no indicator {code}")


async def test_national_data_reuse_and_online_payment_reach_the_kpi(
    services: dict[str, RunningService], kafka_bootstrap: str, database_url: str
) -> None:
    gateway, reporting = services["gateway"], services["reporting"]
    fee_bearing = procedure(CODE, AGENCY, working_days=10).model_copy(
        update={"phi_le_phi": "50.000 đồng/hồ sơ", "muc_do_dvc": MucDoDvc.TOAN_TRINH}
    )
    await teach_gateway(kafka_bootstrap, database_url, gateway, [fee_bearing])
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        issued = await client.post(
            "/admin/keys", json={"agency": AGENCY}, auth=keycloak.auth("operator")
        )
        assert issued.status_code == 201, issued.text
        records = [
            # From the national databases, paid online.
            record(1, [{"TepDinhKemId": "a", "DuocLayTuKhoDMQG": 1}], paid_online=1),
            # Reused from the applicant's earlier dossier, not paid online.
            record(2, [{"TepDinhKemId": "b", "DuocTaiSuDung": 1}], paid_online=0),
            # Neither.
            record(3, [{"TepDinhKemId": "c"}], paid_online=0),
        ]
        posted = await client.post(
            "/v1/dvcqg/DongBoHoSoMC",
            json={"service": "DongBoHoSoMC", "data": records},
            headers={"X-API-Key": issued.json()["api_key"]},
        )
    assert posted.status_code == 200, posted.text
    assert [r["accepted"] for r in posted.json()["results"]] == [True, True, True], posted.text

    published = await read_until(
        kafka_bootstrap,
        "dossier.lifecycle.v1",
        lambda v: str(v.get("payload", {}).get("dossier", {}).get("ma_ho_so", "")).startswith(
            f"{AGENCY}-"
        ),
        want=3,
        timeout=60,
    )
    flags = {
        e["payload"]["dossier"]["ma_ho_so"][-1]: (
            e["payload"]["dossier"]["reused_data"],
            e["payload"]["dossier"]["reused_from_national_db"],
            e["payload"]["dossier"]["paid_online"],
        )
        for e in published
    }
    assert flags == {"1": (True, True, True), "2": (True, False, False), "3": (False, False, False)}

    want = {
        "received": 3,
        "reused": 2,
        "reused_from_national_db": 1,
        "reused_from_national_db_rate": 0.3333,
        "paid_online": 1,
    }
    # Reporting learns the procedure (and that it bears a fee) from catalog.procedures.v1, which
    # its fresh consumer group reads from the start: on a long-lived broker that can come after
    # the dossiers. Wait for both; the assertions below are unchanged.
    fee_indicators = {"ho_so_tttt": (1, 3), "tthc_phat_sinh_tttt": (1, 1)}
    deadline, row, body = time.monotonic() + 150, {}, None
    while time.monotonic() < deadline:
        body = await kpi(reporting)
        by_code = {p["ma_tthc"]: p for p in body["by_procedure"]} if body else {}
        row = {k: by_code.get(CODE, {}).get(k) for k in want}
        if row == want and all(indicator(body, c) == v for c, v in fee_indicators.items()):
            break
        await asyncio.sleep(1)
    assert row == want
    assert body is not None
    # The 766 sub-indicators of the agency's month (its only dossiers are these three): data reused (either way) over received,
    # and online payment of the fee-bearing procedure's dossiers.
    assert indicator(body, "tai_su_dung") == (2, 3)
    assert indicator(body, "ho_so_tttt") == (1, 3)
    assert indicator(body, "tthc_phat_sinh_tttt") == (1, 1)
