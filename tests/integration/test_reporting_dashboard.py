"""The dashboard in a real headless browser (Debian's chromium, driven by Playwright).

A real reporting-service, fed ~300 generated dossiers over 30 days of a month of their own,
serves /dashboard: a CIOC user signs in through the real Keycloak (authorization code + PKCE),
the page shows the figures the API gives, the agencies' overdue dossiers add up to the city's,
everything fits a 1920×1080 wall screen with nothing below the fold, it links to the month's
reports, logs no console error, and a screenshot is kept in test-artifacts/.
Skipped only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from pasc_contracts import Event
from pasc_contracts.events import dossier
from support import keycloak
from support.kafka import publish
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

# Vietnam's offset; zoneinfo would give the local mean time (+07:06:30) of those years.
VN_TZ = timezone(timedelta(hours=7))

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
RUN = uuid.uuid4().hex[:8]
_rng = random.Random()
SHOWN = date(_rng.randint(1960, 1999), _rng.randint(2, 12), 28)  # a month no other run uses
AGENCIES = ("SXD", "STP", "SYT", "STNMT", "SGTVT", "SKHDT", "SLDTBXH", "SGDDT", "SCT", "SNV")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def generated(seed: int = 7) -> list[Event]:
    """~300 dossiers received over the 30 days up to SHOWN, most processed, some late or open."""
    rng = random.Random(seed)
    events: list[Event] = []
    for n in range(300):
        received = datetime.combine(
            SHOWN - timedelta(days=rng.randint(0, 29)), datetime.min.time(), VN_TZ
        ) + timedelta(hours=rng.randint(7, 16))
        due = received + timedelta(days=rng.choice((3, 5, 7, 10)), hours=8)
        snap: dict[str, Any] = {
            "ma_ho_so": f"DASH-{RUN}-{n:04d}",
            "ma_tthc": f"1.{rng.randint(0, 40):06d}",
            "ma_linh_vuc": rng.choice(("XD", "TP", "YT", "DD")),
            "agency_code": rng.choices(AGENCIES, weights=range(len(AGENCIES), 0, -1))[0],
            "kenh_thuc_hien": rng.choices((1, 2, 3), weights=(5, 5, 1))[0],
            "trang_thai_ho_so": 2,
            "ngay_tiep_nhan": received.isoformat(),
            "ngay_hen_tra": due.isoformat(),
            "due_at_in_force": due.isoformat(),
            "digitized": rng.random() < 0.75,
            "revision": 1,
        }
        events.append(_event(dossier.DossierReceived, snap))
        outcome = rng.random()
        if outcome < 0.8:
            finished = received + timedelta(days=rng.uniform(1, 9))
            snap = {**snap, "trang_thai_ho_so": 10, "ngay_ket_thuc_xu_ly": finished.isoformat(),
                    "ngay_tra": finished.isoformat(), "revision": 2}  # fmt: skip
            events.append(_event(dossier.DossierResultReturned, snap))
        elif outcome < 0.85:
            events.append(
                _event(dossier.DossierRefused, {**snap, "trang_thai_ho_so": 3, "revision": 2})
            )
        else:
            events.append(
                _event(dossier.DossierStatusChanged, {**snap, "trang_thai_ho_so": 4, "revision": 2})
            )
    return events


def _event(cls: type[Event], snap: dict[str, Any]) -> Event:
    return cls.model_validate({"producer": "integration-gateway", "payload": {"dossier": snap}})


@pytest.fixture(scope="module")
def reporting(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service("reporting_service", kafka=kafka_bootstrap, database_url=database_url) as s:
        yield s


async def api(service: RunningService, path: str, **params: str) -> Any:
    async with httpx.AsyncClient(
        base_url=service.url, timeout=10, auth=keycloak.auth("cioc")
    ) as client:
        response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def api_status(service: RunningService, path: str) -> int:
    async with httpx.AsyncClient(
        base_url=service.url, timeout=30, auth=keycloak.auth("cioc")
    ) as client:
        return (await client.get(path)).status_code


async def sign_in(page: Any, user: str) -> None:
    """Keycloak's login form (the page went there for a token), then back to the dashboard."""
    await page.wait_for_selector("#username", timeout=20_000)
    assert page.url.startswith(keycloak.ISSUER), page.url
    await page.fill("#username", user)
    await page.fill("#password", user)
    await page.click("#kc-login")


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
)
async def test_dashboard_shows_the_api_figures_in_a_real_browser(
    reporting: RunningService, kafka_bootstrap: str
) -> None:
    from playwright.async_api import async_playwright

    events = generated()
    await publish(kafka_bootstrap, events)
    month = {"from": SHOWN.replace(day=1).isoformat(), "to": SHOWN.isoformat()}
    received = sum(1 for e in events if e.event_type == "dossier.received"
                   and e.payload.dossier.ngay_tiep_nhan.date() >= SHOWN.replace(day=1))  # type: ignore[attr-defined]  # fmt: skip
    deadline = time.monotonic() + 150  # a fresh service first replays the shared topic
    while (await api(reporting, "/v1/kpi", **month))["received"] != received:
        assert time.monotonic() < deadline, "the generated dossiers never all arrived"
        await asyncio.sleep(0.5)

    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1920, "height": 1080})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
            await page.goto(f"{reporting.url}/dashboard?date={SHOWN.isoformat()}")
            await sign_in(page, "cioc")
            await page.wait_for_selector("body[data-loaded=true]", timeout=20_000)
            assert page.url == f"{reporting.url}/dashboard?date={SHOWN.isoformat()}"
            kpi = await api(reporting, "/v1/kpi", **month)
            shown = {
                key: await page.get_attribute(f'[data-figure="{key}"] .value', "data-value")
                for key in (
                    "received",
                    "processed",
                    "on_time_rate",
                    "online_rate",
                    "digitized_rate",
                )
            }
            assert shown == {k: str(kpi[k]) for k in shown}
            received_text = await page.text_content('[data-figure="received"] .value')
            assert received_text is not None and received_text.replace(".", "") == str(
                kpi["received"]
            )
            for agency in kpi["by_agency"]:
                row = page.locator(f'#agency-rows tr[data-agency="{agency["agency_code"]}"] td')
                assert await row.nth(1).get_attribute("data-value") == str(agency["received"])
                assert await row.nth(2).get_attribute("data-value") == str(agency["processed"])
            # The agencies' overdue dossiers add up to the city's: every agency with a backlog as
            # of the day shown is listed, in the API and on the screen.
            city_overdue = await page.get_attribute('[data-figure="overdue"] .value', "data-value")
            assert city_overdue == str(kpi["backlog"]["overdue"])
            assert sum(a["backlog_overdue"] for a in kpi["by_agency"]) == kpi["backlog"]["overdue"]
            assert (
                sum(a["backlog_in_process"] for a in kpi["by_agency"])
                == (kpi["backlog"]["in_process"])
            )
            row_overdue = await page.eval_on_selector_all(
                "#agency-rows tr", "rows => rows.map(r => Number(r.lastElementChild.dataset.value))"
            )
            assert len(row_overdue) == len(kpi["by_agency"])
            assert sum(row_overdue) == int(city_overdue) > 0
            total = await page.get_attribute('#agency-total [data-total="overdue"]', "data-value")
            assert total == city_overdue
            # Nothing below the fold (or beyond the right edge) at 1920×1080.
            outside = await page.evaluate(
                """() => [...document.querySelectorAll('header, .card, .panel, tr, svg')]
                  .map(e => [e.id || e.className || e.tagName, e.getBoundingClientRect()])
                  .filter(([, r]) => r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5)
                  .map(([name, r]) => name + ' ' + Math.round(r.bottom) + ' ' + Math.round(r.right))"""
            )
            assert outside == []
            # The 766 index out of 100 with its six groups; the date picker; the month's reports.
            assert await page.locator("#index-groups tr").count() == 6
            score_text = await page.text_content('[data-figure="score"] .value') or ""
            assert score_text.endswith("/100")
            assert await page.get_attribute("#date", "value") == SHOWN.isoformat()
            month_id = f"{SHOWN.year:04d}-{SHOWN.month:02d}"
            for kind in ("html", "docx", "xlsx"):
                href = await page.get_attribute(f"#report-{kind}", "href")
                assert href == f"v1/reports/monthly/{month_id}.{kind}"
            report = await api_status(reporting, f"/v1/reports/monthly/{month_id}.html")
            assert report == 200
            bars = await page.locator("#trend svg rect").count()
            assert bars == 30
            assert await page.locator("#overdue-rows tr").count() >= 1
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "reporting-dashboard.png"))
            english = await browser.new_page()
            await english.goto(f"{reporting.url}/dashboard?lang=en&date={SHOWN.isoformat()}")
            await sign_in(english, "office")  # a new browser context: a new session
            await english.wait_for_selector("body[data-loaded=true]", timeout=20_000)
            assert "On time" in (await english.text_content("#cards") or "")
        finally:
            await browser.close()
    assert errors == []
