"""A shortened `make demo` on real services: its summary is what the API shows, and what was simulated."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pasc_simulator.demo import LAST_PROCEDURE, Urls, dashboard_url, month_params, run_demo
from support import keycloak
from support.demo_platform import demo_platform

pytestmark = pytest.mark.integration
FIGURES = ("received", "processed", "on_time", "late", "online", "digitized")


@pytest.fixture(scope="module")
def platform(kafka_bootstrap: str, database_url: str) -> Iterator[Urls]:
    with demo_platform(kafka_bootstrap, database_url) as urls:
        yield urls


@pytest.mark.timeout(900)  # four services start and the month flows through them
def test_shortened_demo_summary_matches_the_api_and_the_simulation(
    platform: Urls, tmp_path: Path
) -> None:
    # A month no other run has dossiers in, inside the gateway's plausible window (records
    # dated in the future or before 2015 are refused): 2016-2022, before the demo's own 2023.
    period = (random.randrange(2016, 2023), random.randrange(1, 13))
    summary = run_demo(
        platform, dossiers=400, seed=7, state_dir=tmp_path, settle_s=4, period=period
    )

    expected = summary["expected"]
    assert {k: summary["kpi"][k] for k in FIGURES} == {k: expected["city"][k] for k in FIGURES}
    for code, row in summary["by_agency"].items():
        assert {k: row[k] for k in FIGURES} == {k: expected[code][k] for k in FIGURES}, code
    assert summary["tally"]["unexpected"] == []
    # Over HTTP each refusal is answered with its reason; the wrong records sent over Kafka
    # are refused too (they are in no figure above): the dead letters say so, and the summary
    # counts them, so every record wrong on purpose is accounted for.
    assert sum(summary["tally"]["rejected"].values()) == summary["tally"]["refusals_expected"] > 0
    assert summary["ingress_refused"] == summary["tally"]["kafka_refusals_expected"] > 0
    assert summary["tally"]["refusals_expected"] + summary["ingress_refused"] == sum(
        summary["bad_sent"].values()
    )

    api: dict[str, Any] = httpx.get(
        f"{platform.reporting}/v1/kpi", params=month_params(*period), auth=keycloak.auth("cioc")
    ).json()
    assert {k: api[k] for k in FIGURES} == {k: summary["kpi"][k] for k in FIGURES}
    dashboard = httpx.get(dashboard_url(platform, summary["month"]))  # the link the demo prints
    assert dashboard.status_code == 200
    assert f'"month": "{summary["month"]}"' in dashboard.text  # opens on the demo's month

    cioc, department = summary["receivers"]["cioc"], summary["receivers"]["department-sxd"]
    assert cioc["by_type"].get("kpi.snapshot", 0) > 0 and cioc["duplicates"] == 0
    assert department["received"] > 0 and department["duplicates"] == 0
    # Every delivery carried a valid Standard Webhooks signature (the receivers verify them).
    assert all(r["refused"] == 0 for r in summary["receivers"].values()), summary["receivers"]
    assert summary["receivers"]["home-affairs"]["by_type"] == {"camera.status_changed": 4}
    assignment = next(
        a for a in summary["task11"]["assignments"] if a["agency_code"] == LAST_PROCEDURE[1]
    )
    assert assignment["due_on"] is not None
