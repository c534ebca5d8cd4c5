"""A shortened `make demo MONTH=2026-05`: a month with today's organisation, its figures per
successor agency adding up to what was simulated, next to the 2023 organisation's codes."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pasc_simulator.demo import Urls, run_demo
from support import keycloak
from support.demo_platform import demo_platform

pytestmark = pytest.mark.integration
FIGURES = ("received", "processed", "on_time", "late", "online", "digitized")
GONE = {"SKHDT", "SGTVT", "STNMT", "SNNPTNT", "STTTT", "SLDTBXH", "BDT"}


@pytest.fixture(scope="module")
def platform(kafka_bootstrap: str, database_url: str) -> Iterator[Urls]:
    with demo_platform(kafka_bootstrap, database_url) as urls:
        yield urls


@pytest.mark.timeout(900)
def test_a_2026_month_runs_with_today_s_organisation(platform: Urls, tmp_path: Path) -> None:
    # A month after 01/07/2025 and before today (the gateway refuses future records), and a
    # seed of its own so its dossiers are no other run's.
    period = random.choice([(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 11)])
    summary = run_demo(
        platform,
        dossiers=300,
        seed=random.randrange(10_000, 1_000_000),
        state_dir=tmp_path,
        settle_s=4,
        period=period,
    )
    assert summary["organisation"] == "2025"
    assert not GONE & set(summary["agencies"])
    assert {"SNNMT", "SDTTG", "STC", "SXD", "SNV"} <= set(summary["agencies"])
    expected = summary["expected"]
    assert {k: summary["kpi"][k] for k in FIGURES} == {k: expected["city"][k] for k in FIGURES}
    for code, row in summary["by_agency"].items():
        assert code not in GONE
        assert {k: row[k] for k in FIGURES} == {k: expected[code][k] for k in FIGURES}, code

    organisation = httpx.get(
        f"{platform.catalog}/v1/organisation",
        params={"as_of": f"{period[0]}-{period[1]:02d}-01"},
        auth=keycloak.auth("office"),
    ).json()
    codes = {a["agency_code"] for a in organisation["agencies"]}
    assert not GONE & codes and "SNNMT" in codes
    before = httpx.get(
        f"{platform.catalog}/v1/organisation",
        params={"as_of": "2023-05-31"},
        auth=keycloak.auth("office"),
    ).json()
    assert GONE <= {a["agency_code"] for a in before["agencies"]}
