"""Logs, traces and probes every service gets from the runtime (no broker, no database)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider

from pasc_contracts import TraceContext
from pasc_contracts.events.dossier import DossierReceived
from pasc_runtime.health import make_liveness, make_readiness
from pasc_runtime.logs import JsonFormatter, configure_logging, safe_error
from pasc_runtime.outbox import message_headers
from pasc_runtime.tracing import continue_trace, current_trace, remote_span, with_current_trace

TRACEPARENT = "00-" + "a" * 32 + "-" + "b" * 16 + "-01"


@pytest.fixture
def tracer() -> Iterator[TracerProvider]:
    provider = TracerProvider()
    yield provider
    provider.shutdown()


def record(msg: str, **extra: object) -> logging.LogRecord:
    entry = logging.LogRecord("faststream.access.kafka", logging.INFO, __file__, 1, msg, (), None)
    for key, value in extra.items():
        setattr(entry, key, value)
    return entry


def test_a_log_line_in_a_span_carries_its_trace_and_the_message_ids(
    tracer: TracerProvider,
) -> None:
    formatter = JsonFormatter("reporting-service")
    with tracer.get_tracer("t").start_as_current_span("apply") as span:
        line = json.loads(
            formatter.format(record("Processed", topic="dossier.lifecycle.v1", message_id="7-1"))
        )
    context = span.get_span_context()
    assert line["trace_id"] == format(context.trace_id, "032x")
    assert line["span_id"] == format(context.span_id, "016x")
    assert line["service"] == "reporting-service"
    assert (line["topic"], line["message_id"]) == ("dossier.lifecycle.v1", "7-1")
    outside = json.loads(formatter.format(record("Received")))
    assert "trace_id" not in outside


def test_database_error_details_never_reach_the_log() -> None:
    error = asyncpg.UniqueViolationError('duplicate key value violates unique constraint "x"')
    error.detail = "Key (so_cmnd)=(079123456789) already exists."  # type: ignore[attr-defined]
    assert "079123456789" not in safe_error(error)
    assert "23505" in safe_error(error)
    plain = ValueError("bad thing\nDETAIL: Key (x)=(079123456789)")
    assert "079123456789" not in safe_error(plain)
    try:
        raise plain
    except ValueError:
        import sys

        entry = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert "079123456789" not in JsonFormatter().format(entry)


def test_faststream_and_uvicorn_print_through_the_json_formatter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("INFO", "task-service")
        for name in ("faststream", "faststream.access.kafka", "uvicorn.error"):
            logging.getLogger(name).info("hello from %s", name)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["logger"] for line in lines] == [
        "faststream",
        "faststream.access.kafka",
        "uvicorn.error",
    ]
    assert all(line["service"] == "task-service" for line in lines)


def test_staged_events_carry_the_active_trace_unless_they_have_one(tracer: TracerProvider) -> None:
    event = DossierReceived.example()
    assert with_current_trace(event) is event  # no span, nothing to carry
    with tracer.get_tracer("t").start_as_current_span("POST /v1/hoso") as span:
        stamped = with_current_trace(event)
        own = event.model_copy(update={"trace": TraceContext(traceparent=TRACEPARENT)})
        assert with_current_trace(own).trace == own.trace
    assert stamped.trace is not None
    assert stamped.trace.traceparent.split("-")[1] == format(
        span.get_span_context().trace_id, "032x"
    )
    assert message_headers(stamped)["traceparent"] == stamped.trace.traceparent


def test_a_trace_continues_from_headers_or_an_event(tracer: TracerProvider) -> None:
    remote = remote_span({"traceparent": TRACEPARENT})
    assert remote is not None and remote.trace_id == int("a" * 32, 16)
    assert remote_span({}) is None
    for carrier in ({"traceparent": TRACEPARENT}, TraceContext(traceparent=TRACEPARENT)):
        with continue_trace(carrier), tracer.get_tracer("t").start_as_current_span("deliver"):
            context = current_trace()
            assert context is not None and context.traceparent.split("-")[1] == "a" * 32
    with continue_trace(None):
        assert current_trace() is None


async def ok() -> bool:
    return True


async def down() -> bool:
    return False


async def get(handler: object, path: str = "/") -> httpx.Response:
    transport = httpx.ASGITransport(app=handler)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        return await client.get(path)


async def test_liveness_stays_up_while_a_dependency_is_down() -> None:
    """Restarting the process would not bring the database back: degraded, still alive."""
    alive = await get(make_liveness(lambda: True, {"broker": ok, "database": down}))
    assert alive.status_code == 200
    assert alive.json() == {"status": "degraded", "broker": True, "database": False}
    starting = await get(make_liveness(lambda: False, {"broker": ok, "database": ok}))
    assert starting.status_code == 503


async def test_readiness_waits_for_every_consumer_to_join_its_group() -> None:
    checks = {"broker": ok, "database": ok}
    joining = await get(make_readiness(checks, lambda: {"svc dossier.lifecycle.v1": None}))
    assert joining.status_code == 503
    standby = await get(make_readiness(checks, lambda: {"svc catalog.decisions.v1": 0}))
    assert standby.status_code == 200  # more replicas than partitions: a ready standby
    assert standby.json()["consumers"] == {"svc catalog.decisions.v1": 0}
    no_db = await get(make_readiness({"broker": ok, "database": down}, lambda: {}))
    assert no_db.status_code == 503
    assert no_db.json() == {"status": "unavailable", "broker": True, "database": False}
