"""The demo receivers verify Standard Webhooks signatures and apply a delivery once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from pasc_simulator.receivers import demo_webhook_secret, serve

BODY = b'{"event_id": "e-1", "payload": {}}'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def webhook_headers(secret: str, msg_id: str, body: bytes, at: datetime) -> dict[str, str]:
    """What the gateway sends (integration_gateway.domain.delivery), made with the library."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode()),
    }


@pytest.fixture
def cioc() -> Iterator[str]:
    port = free_port()
    server = serve("cioc", port)
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def post(url: str, headers: dict[str, str], body: bytes = BODY) -> int:
    headers = {**headers, "x-pasc-event-type": "kpi.snapshot"}
    return httpx.post(f"{url}/events", content=body, headers=headers, timeout=5).status_code


def test_a_signed_delivery_is_taken_once_and_its_replay_is_not(cioc: str) -> None:
    headers = webhook_headers(demo_webhook_secret("cioc"), "e-1", BODY, datetime.now(UTC))
    assert post(cioc, headers) == 204
    assert post(cioc, headers) == 204  # the same webhook-id: already had, not applied again
    summary = httpx.get(cioc, timeout=5).json()
    assert (summary["received"], summary["duplicates"], summary["refused"]) == (1, 1, 0)


def test_unsigned_wrongly_signed_and_stale_deliveries_are_refused(cioc: str) -> None:
    now = datetime.now(UTC)
    other = demo_webhook_secret("home-affairs")
    assert post(cioc, {}) == 401
    assert post(cioc, webhook_headers(other, "e-2", BODY, now)) == 401
    stale = webhook_headers(demo_webhook_secret("cioc"), "e-3", BODY, now - timedelta(minutes=10))
    assert post(cioc, stale) == 401
    tampered = webhook_headers(demo_webhook_secret("cioc"), "e-4", BODY, now)
    assert post(cioc, tampered, BODY.replace(b"e-1", b"e-9")) == 401
    assert post(cioc, {**tampered, "webhook-signature": "garbage"}) == 401
    summary = httpx.get(cioc, timeout=5).json()
    assert (summary["received"], summary["refused"]) == (0, 5)
