"""Outbound connectors: who receives what, how deliveries are signed, how patiently failures
are retried.

Deliveries are signed the Standard Webhooks way (standardwebhooks.com): `webhook-id` (the
event's id: the same on every retry, so receivers can drop what they already have),
`webhook-timestamp` (when this attempt was made) and `webhook-signature`, an HMAC-SHA256 with
the connector's `whsec_` secret over `id.timestamp.body`. A receiver refuses a timestamp more
than five minutes away and an id it has seen: a captured delivery cannot be replayed.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel
from standardwebhooks.webhooks import Webhook

from pasc_contracts import Event

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
MIN_SECRET_BYTES = 24  # Standard Webhooks: between 24 and 64 bytes
MAX_SECRET_BYTES = 64


def is_webhook_secret(secret: str) -> bool:
    """A Standard Webhooks secret: `whsec_` then the base64 of 24 to 64 random bytes."""
    if not secret.startswith(SECRET_PREFIX):
        return False
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return False
    return MIN_SECRET_BYTES <= len(raw) <= MAX_SECRET_BYTES


def webhook_headers(secret: str, msg_id: str, body: bytes, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers of one delivery attempt made at `at`."""
    at = at.astimezone(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode("utf-8")),
    }


class ConnectorKind(StrEnum):
    DEPARTMENT = "department"
    CIOC = "cioc"
    HOME_AFFAIRS = "home_affairs"
    NATIONAL_PORTAL = "national_portal"
    OTHER = "other"


@dataclass(frozen=True)
class Connector:
    name: str
    kind: ConnectorKind
    endpoint: str
    topics: tuple[str, ...]
    agency_code: str | None = None
    secret: str | None = None
    paused: bool = False

    def wants(self, topic: str, agency: str | None) -> bool:
        """A connector bound to an agency gets only that agency's events (e.g. its own dossiers)."""
        if topic not in self.topics:
            return False
        return self.agency_code is None or self.agency_code == agency


def agency_of(event: Event) -> str | None:
    payload: BaseModel = event.payload
    dossier = getattr(payload, "dossier", None)
    found = getattr(dossier, "agency_code", None) or getattr(payload, "agency_code", None)
    return str(found) if found else None


def backoff_s(attempts: int, base_s: float, cap_s: float) -> float:
    """1, 2, 4, ... seconds (times base), capped: a system down for minutes is retried all along."""
    return float(min(cap_s, base_s * 2 ** max(0, attempts - 1)))
