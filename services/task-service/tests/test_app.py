"""task-service builds with its defaults and serves the platform endpoints."""

from __future__ import annotations

import httpx

from task_service.bootstrap import build_app
from task_service.settings import Settings


def test_defaults_name_the_service_and_its_schema() -> None:
    settings = Settings()
    assert settings.service_name == "task-service"
    assert settings.db_schema.isidentifier()


async def test_platform_endpoints_are_served() -> None:
    app = build_app(Settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        assert (await client.get("/metrics")).status_code == 200
        assert (await client.get("/health")).status_code == 503  # not started: no broker, no DB
        assert "AsyncAPI" in (await client.get("/asyncapi")).text
