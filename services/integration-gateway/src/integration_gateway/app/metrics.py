"""The gateway's own metrics: what each agency sent, accepted or refused and why (bounded labels)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter

if TYPE_CHECKING:
    from integration_gateway.app.ingest import IngestOutcome


class GatewayMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.records = Counter(
            "pasc_gateway_records_total",
            "DVCQG records received, by agency, outcome and refusal reason.",
            ["agency", "outcome", "reason"],
            registry=registry,
        )
        self.requests = Counter(
            "pasc_gateway_requests_total",
            "Requests by endpoint and HTTP status.",
            ["endpoint", "status"],
            registry=registry,
        )

    def count(self, agency: str, outcome: IngestOutcome) -> None:
        if outcome.accepted:
            self.records.labels(agency, "accepted", "").inc(outcome.accepted)
        for reason, n in outcome.rejection_codes().items():
            self.records.labels(agency, "rejected", reason).inc(n)
