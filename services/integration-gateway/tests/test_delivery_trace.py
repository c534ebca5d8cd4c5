"""A delivery to an external system is made under the trace of the event it carries."""

from __future__ import annotations

import httpx
from opentelemetry import trace
from prometheus_client import CollectorRegistry

from integration_gateway.adapters.key_vault import KeyVault
from integration_gateway.app.deliveries import DeliveryMetrics, Dispatcher
from integration_gateway.domain.delivery import Connector, ConnectorKind

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def dispatcher() -> Dispatcher:
    return Dispatcher(
        database_url="postgresql://unused",
        schema="unused",
        vault=KeyVault("unused"),
        metrics=DeliveryMetrics(CollectorRegistry()),
        max_attempts=3,
        base_backoff_s=1,
        max_backoff_s=10,
        timeout_s=5,
        concurrency=1,
        poll_interval_s=1,
    )


async def post_and_see_trace(body: bytes) -> int:
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(trace.get_current_span().get_span_context().trace_id)
        return httpx.Response(200)

    connector = Connector(
        name="cioc", kind=ConnectorKind.CIOC, endpoint="http://cioc.test/events", topics=("kpi.v1",)
    )
    delivery = {"payload": body, "event_id": "e1", "event_type": "kpi.snapshot", "attempts": 0}
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        assert await dispatcher()._send(client, connector, delivery) is None
    return seen[0]


async def test_the_post_joins_the_trace_the_event_carries() -> None:
    body = (
        b'{"event_id": "e1", "trace": {"traceparent": "00-'
        + TRACE_ID.encode()
        + b'-00f067aa0ba902b7-01", "tracestate": null}}'
    )
    assert await post_and_see_trace(body) == int(TRACE_ID, 16)


async def test_an_event_without_a_trace_is_still_delivered() -> None:
    assert await post_and_see_trace(b'{"event_id": "e1", "trace": null}') == 0
    assert await post_and_see_trace(b"[1, 2]") == 0
