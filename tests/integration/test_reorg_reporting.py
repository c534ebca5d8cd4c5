"""The 2025 reorganisation in reporting-service, on the real broker and database.

Two departments (A, B) merge into S and X splits into Y and Z (procedure by procedure) on
01/03/2025. Dossiers of a month of 2024 were received by A, B, S and X; dossiers of a month of
2026 by S, Y and Z. Figures "as the organisation was" (organisation=then) keep each dossier
under the agency that held it; "as it is today" (organisation=today) put A's and B's under S
and X's under Y or Z, so S's 2024 series is comparable with its 2026 one. The city's totals
are the same both ways, and the agencies' figures add up to them both ways.

Agency codes are this run's own (the lineage events stay on the shared catalog topic).
"""

from __future__ import annotations

import asyncio
import random
import string
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from pasc_contracts import VN_TZ, Event
from pasc_contracts.events import dossier
from pasc_contracts.events.catalog import (
    AgencyLineage,
    AgencyLineageChanged,
    LineageKind,
    ProcedureMove,
)
from support import keycloak
from support.kafka import publish
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration
CIOC = keycloak.auth("cioc")
TAG = "".join(random.choices(string.ascii_uppercase, k=5))
A, B, S, X, Y, Z, D = (f"R{n}{TAG}" for n in "ABSXYZD")
RNG = random.Random()
P_A, P_B, P_S, P_X1, P_X2, P_D = (f"4.{RNG.randrange(10**6):06d}" for _ in range(6))
BEFORE = (2024, RNG.randint(1, 12))
AFTER = (2026, RNG.randint(1, 10))
MERGED_ON = date(2025, 3, 1)
FIGURES = ("received", "online", "processed", "on_time", "late", "in_process")


@pytest.fixture(scope="module")
def reporting(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service(
        "reporting_service", kafka=kafka_bootstrap, database_url=database_url
    ) as service:
        yield service


def received(
    number: str, agency: str, ma_tthc: str, month: tuple[int, int], day: int, *, done: bool
) -> list[Event]:
    at = datetime(month[0], month[1], day, 9, tzinfo=VN_TZ)
    state: dict[str, Any] = {
        "ma_ho_so": number,
        "ma_tthc": ma_tthc,
        "ma_linh_vuc": "LV",
        "agency_code": agency,
        "kenh_thuc_hien": 2 if day % 2 else 1,
        "trang_thai_ho_so": 2,
        "ngay_tiep_nhan": at.isoformat(),
        "ngay_hen_tra": (at + timedelta(days=5)).isoformat(),
        "due_at_in_force": (at + timedelta(days=5)).isoformat(),
        "revision": 1,
    }
    events: list[Event] = [
        dossier.DossierReceived.model_validate(
            {"producer": "integration-gateway", "payload": {"dossier": dict(state)}}
        )
    ]
    if done:
        finished = at + timedelta(days=3 if day % 3 else 8)  # some late
        state.update(trang_thai_ho_so=9, ngay_ket_thuc_xu_ly=finished.isoformat(), revision=2)
        events.append(
            dossier.DossierProcessed.model_validate(
                {"producer": "integration-gateway", "payload": {"dossier": dict(state)}}
            )
        )
    return events


def dossiers() -> list[Event]:
    events: list[Event] = []
    plan = [
        (BEFORE, A, P_A, 3),
        (BEFORE, B, P_B, 2),
        (BEFORE, S, P_S, 1),
        (BEFORE, X, P_X1, 2),
        (BEFORE, X, P_X2, 3),
        (BEFORE, D, P_D, 2),
        (AFTER, S, P_A, 2),
        (AFTER, S, P_B, 1),
        (AFTER, S, P_S, 1),
        (AFTER, Y, P_X1, 1),
        (AFTER, Z, P_X2, 2),
    ]
    for month, agency, ma_tthc, count in plan:
        for i in range(count):
            number = f"{agency}-{month[0]}-{ma_tthc}-{i}"
            events += received(number, agency, ma_tthc, month, 3 + i, done=i % 2 == 0)
    return events


def lineage() -> list[AgencyLineageChanged]:
    common: dict[str, Any] = {
        "effective_from": MERGED_ON,
        "signed_on": MERGED_ON - timedelta(days=10),
        "signer": "Chủ tịch UBND thành phố",
    }
    return [
        AgencyLineageChanged(
            producer="catalog-service",
            payload=AgencyLineage(
                agency_code=S,
                kind=LineageKind.MERGE,
                predecessors=[A, B, S],  # S continues: it is not ended
                successors=[S],
                decision_no=f"M-{TAG}/QĐ-UBND",
                **common,
            ),
        ),
        AgencyLineageChanged(
            producer="catalog-service",
            payload=AgencyLineage(
                agency_code=X,
                kind=LineageKind.SPLIT,
                predecessors=[X],
                successors=[Y, Z],
                decision_no=f"S-{TAG}/QĐ-UBND",
                procedures=[
                    ProcedureMove(ma_tthc=P_X1, from_agency=X, to_agency=Y),
                    ProcedureMove(ma_tthc=P_X2, from_agency=X, to_agency=Z),
                ],
                **common,
            ),
        ),
        # A district closed by the district level's abolition: no successor to hold its series.
        AgencyLineageChanged(
            producer="catalog-service",
            payload=AgencyLineage(
                agency_code=D,
                kind=LineageKind.CLOSE,
                predecessors=[D],
                decision_no=f"D-{TAG}/QĐ-UBND",
                **common,
            ),
        ),
    ]


def month_params(month: tuple[int, int], organisation: str) -> dict[str, str]:
    first = date(*month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return {"from": first.isoformat(), "to": last.isoformat(), "organisation": organisation}


async def kpi(client: httpx.AsyncClient, month: tuple[int, int], organisation: str) -> Any:
    response = await client.get("/v1/kpi", params=month_params(month, organisation))
    assert response.status_code == 200, response.text
    return response.json()


def mine(report: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {
        row["agency_code"]: {f: row[f] for f in FIGURES}
        for row in report["by_agency"]
        if row["agency_code"] in (A, B, S, X, Y, Z, D)
    }


def added(*rows: dict[str, int]) -> dict[str, int]:
    return {f: sum(r.get(f, 0) for r in rows) for f in FIGURES}


async def test_figures_as_the_organisation_was_and_as_it_is_today_add_up_both_ways(
    reporting: RunningService, kafka_bootstrap: str
) -> None:
    await publish(kafka_bootstrap, dossiers())
    await publish(kafka_bootstrap, lineage())
    async with httpx.AsyncClient(base_url=reporting.url, timeout=120, auth=CIOC) as client:
        for _ in range(300):
            then = mine(await kpi(client, BEFORE, "then"))
            today = mine(await kpi(client, BEFORE, "today"))
            if (
                sum(r["received"] for r in then.values()) == 13
                and set(today) == {S, Y, Z, D}
                and sum(
                    r["received"]
                    for r in (await kpi(client, AFTER, "then"))["by_agency"]
                    if r["agency_code"] in (S, Y, Z)
                )
                == 7
            ):
                break
            await asyncio.sleep(0.5)
        assert set(then) == {A, B, S, X, D}, then
        assert set(today) == {S, Y, Z, D}, today
        assert today[D] == then[D]  # closed without a successor: its own series

        # Today S's 2024 series holds A's, B's and its own; X's went to Y and Z by procedure.
        assert today[S] == added(then[A], then[B], then[S])
        assert today[Y]["received"] == 2 and today[Z]["received"] == 3
        assert added(today[Y], today[Z]) == then[X]
        assert added(*today.values()) == added(*then.values())

        # The city's totals are the same both ways (for the whole city and this run's share).
        for month in (BEFORE, AFTER):
            city_then = await kpi(client, month, "then")
            city_today = await kpi(client, month, "today")
            assert {f: city_then[f] for f in FIGURES} == {f: city_today[f] for f in FIGURES}
            for report in (city_then, city_today):
                assert sum(r["received"] for r in report["by_agency"]) == report["received"]

        # 2024 vs 2026, S as it is today: one series across the reorganisation.
        s_before = await client.get(
            "/v1/kpi", params={**month_params(BEFORE, "today"), "agency": S}
        )
        s_after = await client.get("/v1/kpi", params={**month_params(AFTER, "today"), "agency": S})
        assert s_before.status_code == s_after.status_code == 200, s_before.text
        assert (s_before.json()["received"], s_after.json()["received"]) == (6, 4)
        assert s_before.json()["organisation"] == "today"
        s_row = next(r for r in city_today["by_agency"] if r["agency_code"] == S)
        assert set(s_row.get("includes", [])) >= {A, B}
        # As the organisation was, S alone had one dossier in 2024.
        s_then = await client.get("/v1/kpi", params={**month_params(BEFORE, "then"), "agency": S})
        assert s_then.json()["received"] == 1

        index = await client.get("/v1/index766", params=month_params(BEFORE, "today"))
        assert index.status_code == 200, index.text
        codes = {r["agency_code"] for r in index.json()["by_agency"]}
        assert {S, Y, Z, D} <= codes and not codes & {A, B, X}
        bad = await client.get(
            "/v1/kpi", params={**month_params(BEFORE, "then"), "organisation": "x"}
        )
        assert bad.status_code in (400, 422)
