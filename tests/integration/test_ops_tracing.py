"""One trace across two services over the real broker and database.

Two runtimes in this process, each with its own tracer provider (its own service.name), broker
connection, schema and HTTP server (uvicorn on a free port), spans collected by the SDK's
in-memory exporter. A department's request to the producer's API stages an event in the outbox;
the relay publishes it; the consumer applies it. The consumer's spans must be in the request's
trace: the per-event span a child of the publish, the batch span linked to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from pasc_contracts import VN_TZ, Event
from pasc_contracts.events.camera import CameraState, CameraStatus, CameraStatusChanged
from pasc_runtime.app import Runtime, ServiceApp
from pasc_runtime.consumer import Rejection
from pasc_runtime.db import Connection
from pasc_runtime.outbox import stage
from pasc_runtime.settings import ServiceSettings
from support.processes import free_port

pytestmark = pytest.mark.integration

TOPIC = "camera.status.v1"
DEPARTMENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
DEPARTMENT_SPAN = "00f067aa0ba902b7"


class OpsSettings(ServiceSettings):
    service_name: str = "ops-tracing"
    db_schema: str = "ops_tracing"
    http_port: int = 0
    outbox_poll_interval_s: float = 0.2
    consumer_lag_interval_s: float = 1.0


def provider(service: str, exporter: InMemorySpanExporter) -> TracerProvider:
    tracer_provider = TracerProvider(resource=Resource.create({"service.name": service}))
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    return tracer_provider


def producer_app(settings: OpsSettings, tracer_provider: TracerProvider) -> ServiceApp:
    runtime = Runtime(settings, tracer_provider=tracer_provider)
    api = FastAPI()

    @api.post("/v1/cameras/{camera_id}/offline", status_code=202)
    async def offline(camera_id: str) -> dict[str, str]:
        event = CameraStatusChanged(
            producer=settings.service_name,
            payload=CameraStatus(
                camera_id=camera_id, state=CameraState.OFFLINE, observed_at=datetime.now(VN_TZ)
            ),
        )
        async with runtime.pool.acquire() as conn, conn.transaction():
            await stage(conn, [event])
        return {"event_id": str(event.event_id)}

    return runtime.app(title="producer", description="stages camera events", http=api)


def consumer_app(
    settings: OpsSettings, tracer_provider: TracerProvider, seen: list[Event]
) -> ServiceApp:
    runtime = Runtime(settings, tracer_provider=tracer_provider)

    async def handler(conn: Connection, events: list[Event]) -> list[Rejection]:
        seen.extend(events)
        return []

    runtime.consume(TOPIC, handler, group=settings.service_name)
    return runtime.app(title="consumer", description="applies camera events")


@dataclass
class Served:
    url: str
    settings: OpsSettings


@contextlib.asynccontextmanager
async def serving(build: Callable[[OpsSettings], ServiceApp], name: str) -> AsyncIterator[Served]:
    suffix = uuid.uuid4().hex[:8]
    port = free_port()
    settings = OpsSettings(
        service_name=f"ops-{name}-{suffix}", db_schema=f"ops_{name}_{suffix}", http_port=port
    )
    server = uvicorn.Server(
        uvicorn.Config(build(settings), host="127.0.0.1", port=port, log_config=None)
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        yield Served(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        await task
        conn = await asyncpg.connect(settings.database_url)
        try:
            await conn.execute(f"DROP SCHEMA IF EXISTS {settings.db_schema} CASCADE")
        finally:
            await conn.close()


async def wait_ready(url: str, timeout: float = 30) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url) as client:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            response = await client.get("/ready")
            if response.status_code == 200:
                return dict(response.json())
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{url}/ready: {response.status_code} {response.text}")
            await asyncio.sleep(0.2)


def spans_of(exporter: InMemorySpanExporter, service: str) -> list[ReadableSpan]:
    return [
        s for s in exporter.get_finished_spans() if s.resource.attributes["service.name"] == service
    ]


async def test_a_request_and_the_consumption_it_causes_are_one_trace(
    kafka_bootstrap: str, database_url: str
) -> None:
    exporter = InMemorySpanExporter()
    seen: list[Event] = []
    producer_provider = provider("ops-producer", exporter)
    consumer_provider = provider("ops-consumer", exporter)
    camera = f"CAM-TRACE-{uuid.uuid4().hex[:8]}"

    async with (
        serving(lambda s: producer_app(s, producer_provider), "producer") as producer,
        serving(lambda s: consumer_app(s, consumer_provider, seen), "consumer") as consumer,
    ):
        ready = await wait_ready(consumer.url)
        assert ready["consumers"] == {f"{consumer.settings.service_name} {TOPIC}": 3}
        async with httpx.AsyncClient(base_url=producer.url) as client:
            response = await client.post(
                f"/v1/cameras/{camera}/offline",
                headers={"traceparent": f"00-{DEPARTMENT_TRACE}-{DEPARTMENT_SPAN}-01"},
            )
        assert response.status_code == 202, response.text
        event_id = response.json()["event_id"]
        for _ in range(300):
            if any(str(e.event_id) == event_id for e in seen):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the consumer never applied the event")
        await asyncio.sleep(0.3)  # the per-event span ends right after the batch commits

    delivered = next(e for e in seen if str(e.event_id) == event_id)
    assert delivered.trace is not None
    assert delivered.trace.traceparent.split("-")[1] == DEPARTMENT_TRACE

    produced = spans_of(exporter, "ops-producer")
    server = [s for s in produced if s.kind is SpanKind.SERVER]
    assert server and server[0].context.trace_id == int(DEPARTMENT_TRACE, 16)
    assert server[0].parent is not None and server[0].parent.span_id == int(DEPARTMENT_SPAN, 16)
    in_trace = {
        s.context.span_id: s for s in produced if s.context.trace_id == int(DEPARTMENT_TRACE, 16)
    }
    assert any(s.name == f"{TOPIC} publish" for s in in_trace.values()), [s.name for s in produced]

    consumed = spans_of(exporter, "ops-consumer")
    processed = [
        s
        for s in consumed
        if s.name == f"{TOPIC} process"
        and s.kind is SpanKind.CONSUMER
        and (s.attributes or {}).get("messaging.message.id") == event_id
    ]
    assert len(processed) == 1
    span = processed[0]
    assert span.context.trace_id == int(DEPARTMENT_TRACE, 16)
    assert span.parent is not None and span.parent.span_id in in_trace  # the producer's span
    assert (span.attributes or {})["pasc.outcome"] == "applied"
    assert (span.attributes or {})[
        "messaging.consumer.group.name"
    ] == consumer.settings.service_name

    batch = next(
        s for s in consumed if span.links and s.context.span_id == span.links[0].context.span_id
    )
    assert batch.name == f"{TOPIC} apply batch"
    assert any(link.context.span_id in in_trace for link in batch.links)
