"""Every service's API documents render in a real browser with no route out of the machine.

The four services run as real processes (tests/support/processes.py). Debian's chromium, driven
by Playwright, opens `/docs` (Swagger UI) and `/asyncapi` (the AsyncAPI page) on each; every
request that would leave 127.0.0.1 is refused (and the host resolver knows no other name), so
a page that needs a CDN stays blank and fails here. The pages must show the service's
operations (from its /openapi.json) and channels (from its /asyncapi.json), log no error, and
a screenshot of each is kept in test-artifacts/api-docs/.
Skipped only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "api-docs"
SERVICES = ("integration_gateway", "catalog_service", "task_service", "reporting_service")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No name resolves but the machine's own: nothing can be fetched from outside.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


@pytest.fixture(scope="module")
def services(kafka_bootstrap: str, database_url: str) -> Iterator[dict[str, RunningService]]:
    common = {"kafka": kafka_bootstrap, "database_url": database_url}
    with (
        run_service("integration_gateway", **common) as gateway,
        run_service("catalog_service", **common) as catalog,
        run_service("task_service", **common) as task,
        run_service("reporting_service", **common) as reporting,
    ):
        yield {
            "integration_gateway": gateway,
            "catalog_service": catalog,
            "task_service": task,
            "reporting_service": reporting,
        }


def operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


async def render(page: Any, url: str, ready: str, shot: Path) -> tuple[str, list[str]]:
    """Open `url`, wait for `ready`, keep a screenshot; the page's text and what went wrong."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    await page.goto(url)
    await page.wait_for_selector(ready, timeout=30_000)
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=str(shot))
    return await page.inner_text("body"), problems


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
)
@pytest.mark.parametrize("module", SERVICES)
async def test_docs_and_asyncapi_render_offline(
    services: dict[str, RunningService], module: str
) -> None:
    from playwright.async_api import Route, async_playwright

    service = services[module]
    async with httpx.AsyncClient(base_url=service.url, timeout=10) as client:
        spec = (await client.get("/openapi.json")).json()
        asyncapi = (await client.get("/asyncapi.json")).json()
    assert spec["info"]["version"] == asyncapi["info"]["version"]
    channels = [c["address"] for c in asyncapi["channels"].values()]
    assert channels, f"{module}: the AsyncAPI document lists no channel"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []

    async def local_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort("blockedbyclient")

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            await context.route("**/*", local_only)
            swagger, swagger_problems = await render(
                await context.new_page(),
                f"{service.url}/docs",
                ".opblock-summary-path",
                ARTIFACTS / f"{module}-docs.png",
            )
            page = await context.new_page()
            # The component's own parser loads no network resource: the page is the proof.
            events, events_problems = await render(
                page,
                f"{service.url}/asyncapi",
                "#introduction",
                ARTIFACTS / f"{module}-asyncapi.png",
            )
        finally:
            await browser.close()

    assert outside == [], f"{module}: the pages asked for resources outside the machine"
    assert swagger_problems == [] and events_problems == []
    assert f"{spec['info']['title']}" in swagger and spec["info"]["version"] in swagger
    shown = {line.strip().replace("\u200b", "") for line in swagger.splitlines()}
    missing = [f"{m} {p}" for m, p in operations(spec) if p not in shown]
    assert missing == [], f"{module}: operations not shown on /docs: {missing}"
    missing_channels = [c for c in channels if c not in events]
    assert missing_channels == [], f"{module}: channels not shown on /asyncapi"
