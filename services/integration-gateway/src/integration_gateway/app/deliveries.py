"""Outbound: events become durable deliveries (in the consumer's transaction), a dispatcher sends them.

Per connector and message key (a dossier, a KPI scope, a camera) deliveries go strictly in
order: the next one waits until the one before is delivered or dead. Failures back off
exponentially; after `max_attempts` a delivery is dead (with its last error) and replayable.
A connector that is down delays only its own queue, never ingest.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge

from integration_gateway.adapters import connector_store
from integration_gateway.adapters.key_vault import KeyVault
from integration_gateway.domain.delivery import Connector, agency_of, backoff_s, webhook_headers
from pasc_contracts import Event, encode, topic_of
from pasc_runtime.consumer import Rejection
from pasc_runtime.db import Connection
from pasc_runtime.handlers import EventsHandler
from pasc_runtime.leader import lead
from pasc_runtime.tracing import continue_trace

log = logging.getLogger(__name__)


def enqueue_handler(topic_name: str) -> EventsHandler[Event]:
    async def enqueue(conn: Connection, events: Sequence[Event]) -> list[Rejection]:
        connectors = [
            c for c in await connector_store.all_connectors(conn, None) if topic_name in c.topics
        ]
        rows = [
            (c.name, e.event_id, e.event_type, topic_of(e).key_for(e), encode(e))
            for e in events
            for c in connectors
            if c.wants(topic_name, agency_of(e))
        ]
        if rows:
            await connector_store.enqueue(conn, rows)
        return []

    return enqueue


class DeliveryMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.attempts = Counter(
            "pasc_connector_deliveries_total",
            "Delivery attempts to external systems, by connector and outcome.",
            ["connector", "outcome"],
            registry=registry,
        )
        self.backlog = Gauge(
            "pasc_connector_backlog",
            "Deliveries not yet made, by connector and status (pending, dead).",
            ["connector", "status"],
            registry=registry,
        )


class Dispatcher:
    def __init__(
        self,
        *,
        database_url: str,
        schema: str,
        vault: KeyVault,
        metrics: DeliveryMetrics,
        max_attempts: int,
        base_backoff_s: float,
        max_backoff_s: float,
        timeout_s: float,
        concurrency: int,
        poll_interval_s: float,
    ) -> None:
        self._url = database_url
        self._schema = schema
        self._vault = vault
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._base = base_backoff_s
        self._cap = max_backoff_s
        self._timeout = timeout_s
        self._concurrency = concurrency
        self._poll = poll_interval_s

    async def run(self) -> None:
        """Only one dispatcher per schema sends at a time (an advisory lock), to keep key order."""
        await lead(
            "connector dispatcher",
            self._url,
            self._schema,
            "dispatcher",
            self._dispatch_while_leading,
            poll_s=self._poll * 10,
            retry_s=1.0,
        )

    async def _dispatch_while_leading(self, conn: Any) -> None:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            sealed = await connector_store.seal_plain_secrets(conn, self._vault)
            if sealed:
                log.info("sealed %d connector secrets stored in clear", sealed)
            ticks = 0
            while True:
                sent = await self.dispatch_once(conn, client)
                ticks += 1
                if ticks % 20 == 0:
                    await self._report_backlog(conn)
                if sent == 0:
                    await asyncio.sleep(self._poll)

    async def dispatch_once(self, conn: Any, client: httpx.AsyncClient) -> int:
        heads = await connector_store.due_heads(conn, self._concurrency * 4)
        if not heads:
            return 0
        connectors = {c.name: c for c in await connector_store.all_connectors(conn, self._vault)}
        gate = asyncio.Semaphore(self._concurrency)

        async def attempt(delivery: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
            async with gate:
                return delivery, await self._send(
                    client, connectors[delivery["connector"]], delivery
                )

        results = await asyncio.gather(*(attempt(d) for d in heads))
        delivered = [d["id"] for d, error in results if error is None]
        if delivered:
            await connector_store.mark_delivered(conn, delivered)
        for delivery, error in results:
            name = delivery["connector"]
            if error is None:
                self._metrics.attempts.labels(name, "delivered").inc()
                continue
            attempts = delivery["attempts"] + 1
            dead = attempts >= self._max_attempts
            retry_at = datetime.now(UTC) + timedelta(
                seconds=backoff_s(attempts, self._base, self._cap)
            )
            await connector_store.mark_failed(conn, delivery["id"], error, retry_at, dead)
            self._metrics.attempts.labels(name, "dead" if dead else "failed").inc()
        return len(delivered)

    async def _send(
        self, client: httpx.AsyncClient, connector: Connector, delivery: dict[str, Any]
    ) -> str | None:
        body = bytes(delivery["payload"])
        headers = {
            "content-type": "application/json",
            "x-pasc-event-id": str(delivery["event_id"]),
            "x-pasc-event-type": delivery["event_type"],
            "x-pasc-delivery-attempt": str(delivery["attempts"] + 1),
        }
        if connector.secret:
            msg_id = str(delivery["event_id"])
            headers |= webhook_headers(connector.secret, msg_id, body, datetime.now(UTC))
        try:
            with continue_trace(_trace_of(body)):  # the POST joins the trace of the record's origin
                response = await client.post(connector.endpoint, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code}"

    async def _report_backlog(self, conn: Any) -> None:
        for connector in await connector_store.all_connectors(conn, None):
            for status in ("pending", "dead"):
                self._metrics.backlog.labels(connector.name, status).set(0)
        for row in await connector_store.counts(conn):
            if row["status"] in ("pending", "dead"):
                self._metrics.backlog.labels(row["connector"], row["status"]).set(row["n"])


def _trace_of(body: bytes) -> dict[str, str] | None:
    """The W3C trace context an encoded event carries (its envelope's `trace`), if any."""
    try:
        trace = json.loads(body).get("trace")
    except (ValueError, AttributeError):
        return None
    if not isinstance(trace, dict):
        return None
    return {k: v for k, v in trace.items() if isinstance(v, str)}
