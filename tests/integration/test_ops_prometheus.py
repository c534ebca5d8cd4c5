"""A real Prometheus (Debian's `prometheus`) scrapes a real service process and evaluates the
platform's rules on what it scraped; the series are checked through its HTTP API.

reporting-service runs with its own schema and consumer groups, consumes one event, and
Prometheus scrapes it every second with the labels the rules and dashboards expect.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from pasc_contracts.events.dossier import DossierReceived
from support.kafka import publish
from support.processes import LOG_DIR, RunningService, free_port, run_service

pytestmark = pytest.mark.integration

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "rules"


@pytest.fixture(scope="module")
def reporting(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service(
        "reporting_service",
        kafka=kafka_bootstrap,
        database_url=database_url,
        extra_env={"CONSUMER_LAG_INTERVAL_S": "1"},
    ) as service:
        yield service


@pytest.fixture(scope="module")
def prometheus(
    reporting: RunningService, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus not found: run `make ops-deps` (Debian's prometheus package)")
    workdir = tmp_path_factory.mktemp("prometheus")
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES / "*.yml")],
        "scrape_configs": [
            {
                "job_name": "pasc-services",
                "static_configs": [
                    {
                        "targets": [reporting.url.removeprefix("http://")],
                        "labels": {"service": "reporting-service"},
                    }
                ],
            }
        ],
    }
    (workdir / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"prometheus-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={workdir / 'prometheus.yml'}",
                f"--storage.tsdb.path={workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()[-2000:]
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def query(prometheus: str, promql: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{prometheus}/api/v1/query", params={"query": promql}, timeout=5)
    response.raise_for_status()
    return list(response.json()["data"]["result"])


def eventually(
    prometheus: str, promql: str, check: Any, timeout: float = 30
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    result: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        result = query(prometheus, promql)
        if check(result):
            return result
        time.sleep(0.5)
    raise AssertionError(f"{promql}: {result}")


def test_prometheus_scrapes_the_platform_and_the_faststream_series(
    reporting: RunningService, prometheus: str, kafka_bootstrap: str
) -> None:
    event = DossierReceived.example().model_dump(mode="json")
    event["event_id"] = str(uuid.uuid4())
    event["payload"]["dossier"]["ma_ho_so"] = f"PROM-{uuid.uuid4().hex[:10]}"
    asyncio.run(publish(kafka_bootstrap, [DossierReceived.model_validate(event)]))

    up = eventually(prometheus, 'up{job="pasc-services"}', lambda r: r and r[0]["value"][1] == "1")
    assert up[0]["metric"]["service"] == "reporting-service"

    expected = {
        "pasc_outbox_backlog",
        "pasc_outbox_oldest_age_seconds",
        "pasc_consumer_lag",
        "pasc_consumer_assigned_partitions",
        "pasc_events_processed_total",
        "pasc_dead_letters_total",
        "pasc_consumer_batch_duration_seconds_bucket",
        "faststream_received_messages_total",
        "faststream_received_processed_messages_total",
        "faststream_received_processed_messages_duration_seconds_bucket",
    }
    names = eventually(
        prometheus,
        'count by (__name__) ({__name__=~"(pasc|faststream)_.+", job="pasc-services"})',
        lambda r: expected <= {s["metric"]["__name__"] for s in r},
    )
    assert expected <= {s["metric"]["__name__"] for s in names}

    # the lag of every partition of the dossier stream, for the service's own group(s)
    own = f'group=~"{reporting.name}([.].+)?"'
    lag = eventually(
        prometheus,
        f'pasc_consumer_lag{{{own}, topic="dossier.lifecycle.v1"}}',
        lambda r: len(r) == 12,
    )
    assert all(float(s["value"][1]) >= 0 for s in lag)
    recorded = eventually(
        prometheus,
        f"pasc:consumer_lag:sum{{{own}}}",
        lambda r: any(s["metric"]["topic"] == "dossier.lifecycle.v1" for s in r),
    )
    assert recorded

    # every rule evaluates on the real series without error, and no alert of the platform's
    # fires for a healthy service
    rules = httpx.get(f"{prometheus}/api/v1/rules", timeout=5).json()["data"]["groups"]
    assert {g["name"] for g in rules} >= {"pasc-recording", "pasc-platform", "pasc-center"}
    broken = [
        (r["name"], r.get("lastError")) for g in rules for r in g["rules"] if r["health"] == "err"
    ]
    assert not broken, broken
    firing = query(prometheus, 'ALERTS{alertname=~"PascServiceDown|PascOutboxStale"}')
    assert not firing, firing
