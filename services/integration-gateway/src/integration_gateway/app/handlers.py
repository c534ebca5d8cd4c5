"""The gateway's consumers: the catalog it checks against, and the signed Kafka ingress."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from integration_gateway.adapters import audit, catalog_store
from integration_gateway.app.identity import IngressMessage
from integration_gateway.app.ingest import IngestOutcome, audit_ingest, record_steps, sync_dossiers
from integration_gateway.app.metrics import GatewayMetrics
from pasc_contracts import Event
from pasc_contracts.codec import describe_validation_error
from pasc_contracts.dvcqg import CapNhatTienDoHoSoMC, DongBoHoSoMC
from pasc_contracts.events.catalog import Decision, ProcedureWithdrawn
from pasc_runtime.consumer import Rejection
from pasc_runtime.db import Connection


async def on_catalog_events(conn: Connection, events: list[Event]) -> list[Rejection]:
    upserts, withdrawals = [], []
    for event in events:
        p: Any = event.payload
        if isinstance(event, ProcedureWithdrawn):
            withdrawals.append((p.ma_tthc, p.catalog_version))
        else:
            upserts.append(
                (p.ma_tthc, p.ten_tthc, p.agency_code, p.at_center, False, p.catalog_version)
            )
    await catalog_store.upsert(conn, upserts)
    await catalog_store.mark_withdrawn(conn, withdrawals)
    return []


async def on_catalog_decisions(conn: Connection, events: list[Event]) -> list[Rejection]:
    """The audit log keeps every catalog decision next to the gateway's own admin actions."""
    for event in events:
        decision: Decision = event.payload  # type: ignore[assignment]
        await audit.record(
            conn,
            actor=f"{event.producer}:{decision.recorded_by or 'unknown'}",
            action="catalog.decision_applied",
            outcome="applied",
            details={
                "event_id": str(event.event_id),
                "decision_no": decision.decision_no,
                "signed_on": decision.signed_on.isoformat(),
                "signer": decision.signer,
                "effective_from": decision.effective_from.isoformat(),
                "added": len(decision.added),
                "changed": len(decision.changed),
                "withdrawn": len(decision.withdrawn),
                "reason": decision.reason,
            },
        )
    return []


def ingress_handler(pseudonym_secret: str, metrics: GatewayMetrics) -> Any:
    async def on_ingress(conn: Connection, messages: list[IngressMessage]) -> list[Rejection]:
        rejections = []
        for message in messages:
            try:
                outcome = await _apply(conn, message, pseudonym_secret)
            except ValidationError as exc:
                rejections.append(Rejection(message, describe_validation_error(exc)))
                continue
            metrics.count(message.agency_code, outcome)
            if outcome.rejected:
                # Over Kafka no answer carries the refusals back: the dead-letter topic does.
                rejections.append(Rejection(message, refused_records(outcome)))
        return rejections

    return on_ingress


def refused_records(outcome: IngestOutcome) -> str:
    """Which records of a message were refused and why (MaHoSo and rule, never values)."""
    refused = [r for r in outcome.results if not r.accepted]
    listed = "; ".join(f"MaHoSo {r.ma_ho_so}: {r.reason}" for r in refused)
    return f"{len(refused)} of {len(outcome.results)} records refused, the others applied: {listed}"


async def _apply(conn: Connection, message: IngressMessage, secret: str) -> IngestOutcome:
    """One signed message: a DongBoHoSoMC or CapNhatTienDoHoSoMC body, applied like an HTTP call."""
    if b'"CapNhatTienDoHoSoMC"' in message.body:
        steps = CapNhatTienDoHoSoMC.model_validate_json(message.body)
        outcome = await record_steps(conn, agency=message.agency_code, records=steps.data)
        action = "kafka.CapNhatTienDoHoSoMC"
    else:
        sync = DongBoHoSoMC.model_validate_json(message.body)
        outcome = await sync_dossiers(
            conn, agency=message.agency_code, records=sync.data, pseudonym_secret=secret
        )
        action = "kafka.DongBoHoSoMC"
    await audit_ingest(
        conn,
        actor=f"kafka:{message.message_id}",
        agency=message.agency_code,
        action=action,
        outcome=outcome,
    )
    return outcome
