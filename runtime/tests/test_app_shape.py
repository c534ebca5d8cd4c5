"""The app every service gets: FastStream serves /health, /metrics, /asyncapi; the rest goes to the service."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from pasc_runtime.app import Runtime
from pasc_runtime.health import make_health
from pasc_runtime.settings import ServiceSettings


class DemoSettings(ServiceSettings):
    service_name: str = "demo-service"
    db_schema: str = "demo"
    http_port: int = 8999


def build() -> httpx.AsyncClient:
    runtime = Runtime(DemoSettings())
    api = FastAPI()

    @api.get("/v1/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    app = runtime.app(title="demo", description="demo", http=api)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo")


async def test_unmatched_paths_go_to_the_service_api() -> None:
    async with build() as client:
        assert (await client.get("/v1/hello")).json() == {"hello": "world"}
        assert (await client.get("/v1/nothing")).status_code == 404


async def test_metrics_are_prometheus_text() -> None:
    async with build() as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert "pasc_outbox_backlog" in response.text


async def test_health_is_503_naming_what_failed_while_not_started() -> None:
    async with build() as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "broker": False, "database": False}


async def test_health_is_200_when_every_check_passes() -> None:
    async def ok() -> bool:
        return True

    async def boom() -> bool:
        raise ConnectionError("down")

    for checks, status in (({"a": ok}, 200), ({"a": ok, "b": boom}, 503)):
        handler = make_health(checks)
        app = FastAPI()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=handler), base_url="http://h")
        async with client:
            assert (await client.get("/")).status_code == status
        del app


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db:5432/pasc")
    settings = DemoSettings()
    assert settings.kafka_bootstrap_servers == "kafka-1:9092,kafka-2:9092"
    assert settings.database_url == "postgresql://u:p@db:5432/pasc"
    assert settings.http_port == 8999
