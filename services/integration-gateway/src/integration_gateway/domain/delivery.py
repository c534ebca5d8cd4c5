"""Outbound connectors: who receives what, and how patiently failures are retried."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from pasc_contracts import Event


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
    payload: BaseModel = event.payload  # type: ignore[attr-defined]
    dossier = getattr(payload, "dossier", None)
    found = getattr(dossier, "agency_code", None) or getattr(payload, "agency_code", None)
    return str(found) if found else None


def backoff_s(attempts: int, base_s: float, cap_s: float) -> float:
    """1, 2, 4, ... seconds (times base), capped: a system down for minutes is retried all along."""
    return float(min(cap_s, base_s * 2 ** max(0, attempts - 1)))
