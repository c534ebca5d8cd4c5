"""The gateway's consumers: the catalog it checks against, and the signed Kafka ingress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from pydantic import ValidationError

from integration_gateway.adapters import audit, catalog_store, keys_store, lineage_store
from integration_gateway.app.deliveries import enqueue_handler
from integration_gateway.app.identity import AgencyEnded, Caller, IngressMessage, bind_lineage
from integration_gateway.app.ingest import (
    IngestOutcome,
    audit_ingest,
    context_for,
    record_steps,
    sync_dossiers,
)
from integration_gateway.app.metrics import GatewayMetrics
from integration_gateway.domain.bounded_json import loads_bounded
from integration_gateway.settings import Settings
from pasc_contracts import topic
from pasc_contracts.codec import describe_validation_error
from pasc_contracts.dvcqg import DVCQG_REQUEST, CapNhatTienDoHoSoMC
from pasc_contracts.events.catalog import (
    AgencyLineageChanged,
    AgencyRegistered,
    CoverageChanged,
    DecisionApplied,
    DepartmentFullyOnboarded,
    DepartmentOnboardingReopened,
    ProcedureChanged,
    ProcedureRegistered,
    ProcedureWithdrawn,
)
from pasc_runtime.consumer import Rejection
from pasc_runtime.db import Connection
from pasc_runtime.handlers import EventHandlers


def handlers(delivered: tuple[str, ...]) -> EventHandlers:
    """The gateway's handlers by event class: the catalog it checks against, the decisions its
    audit log keeps, and every event of the `delivered` topics queued for the connectors.
    (The signed ingress carries DVCQG bodies, not events: bootstrap consumes it directly.)"""
    registry = EventHandlers()
    # One class a call: mypy checks that the handler takes each (a loop would join them).
    registry.add(on_procedure_events, ProcedureRegistered)
    registry.add(on_procedure_events, ProcedureChanged)
    registry.add(on_procedure_events, ProcedureWithdrawn)
    registry.add(on_catalog_decisions, DecisionApplied)
    registry.add(on_agency_lineage, AgencyLineageChanged)
    registry.ignore(
        AgencyRegistered,
        CoverageChanged,
        DepartmentFullyOnboarded,
        DepartmentOnboardingReopened,
        reason="names and coverage: the gateway checks records against procedures, not agencies",
    )
    for topic_name in delivered:
        registry.add(enqueue_handler(topic_name), *topic(topic_name).events)
    return registry


ProcedureEvent = ProcedureRegistered | ProcedureChanged | ProcedureWithdrawn


async def on_procedure_events(
    conn: Connection, events: Sequence[ProcedureEvent]
) -> list[Rejection]:
    upserts, withdrawals, owners = [], [], []
    for event in events:
        match event:
            case ProcedureWithdrawn(payload=gone):
                withdrawals.append((gone.ma_tthc, gone.catalog_version))
            case ProcedureRegistered(payload=p) | ProcedureChanged(payload=p):
                upserts.append(
                    (
                        p.ma_tthc,
                        p.ten_tthc,
                        p.agency_code,
                        p.at_center,
                        False,
                        p.catalog_version,
                        p.thoi_han_giai_quyet,
                    )
                )
                owners.append((p.ma_tthc, p.agency_code, p.effective_from))
    await catalog_store.upsert(conn, upserts)
    await catalog_store.record_owners(conn, owners)
    await catalog_store.mark_withdrawn(conn, withdrawals)
    return []


async def on_catalog_decisions(
    conn: Connection, events: Sequence[DecisionApplied]
) -> list[Rejection]:
    """The audit log keeps every catalog decision next to the gateway's own admin actions."""
    for event in events:
        decision = event.payload
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


async def on_agency_lineage(
    conn: Connection, events: Sequence[AgencyLineageChanged]
) -> list[Rejection]:
    """Agencies renamed, merged, split or closed: whom a predecessor's keys are bound to."""
    for event in events:
        lineage = event.payload
        await lineage_store.save(
            conn,
            [
                (
                    code,
                    list(lineage.successors),
                    lineage.kind.value,
                    lineage.effective_from,
                    lineage.decision_no,
                )
                for code in lineage.predecessors
                if code not in lineage.successors  # one that continues has not ended
            ],
        )
        await audit.record(
            conn,
            actor=f"{event.producer}:{lineage.recorded_by or 'unknown'}",
            action="catalog.lineage_changed",
            outcome="applied",
            details={
                "event_id": str(event.event_id),
                "kind": lineage.kind.value,
                "predecessors": lineage.predecessors,
                "successors": lineage.successors,
                "effective_from": lineage.effective_from.isoformat(),
                "decision_no": lineage.decision_no,
            },
        )
    return []


def ingress_handler(settings: Settings, metrics: GatewayMetrics) -> Any:
    async def on_ingress(conn: Connection, messages: list[IngressMessage]) -> list[Rejection]:
        rejections = []
        # The audit entries are written after the whole batch: appending to the audit chain
        # takes its lock until the transaction commits, and taken at the first message it made
        # every other gateway process wait for this one's whole batch (two gateways were no
        # faster than one).
        audits: list[AuditEntry] = []
        for message in messages:
            try:
                outcome, entry = await _apply(conn, message, settings)
            except ValidationError as exc:
                rejections.append(Rejection(message, describe_validation_error(exc)))
                continue
            except AgencyEnded as exc:
                rejections.append(Rejection(message, f"{exc.code}: {exc}"))
                continue
            except (ValueError, RecursionError):
                # Not JSON, nested past any real body, or a number too long to read.
                rejections.append(Rejection(message, "nội dung không phải JSON đọc được"))
                continue
            audits.append(entry)
            metrics.count(message.agency_code, outcome)
            if outcome.rejected:
                # Over Kafka no answer carries the refusals back: the dead-letter topic does.
                rejections.append(Rejection(message, refused_records(outcome)))
        for write in audits:
            await write(conn)
        return rejections

    return on_ingress


def refused_records(outcome: IngestOutcome) -> str:
    """Which records of a message were refused and why (MaHoSo and rule, never values)."""
    refused = [r for r in outcome.results if not r.accepted]
    listed = "; ".join(f"MaHoSo {r.ma_ho_so}: {r.reason}" for r in refused)
    return f"{len(refused)} of {len(outcome.results)} records refused, the others applied: {listed}"


AuditEntry = Callable[[Connection], Awaitable[None]]


async def _apply(
    conn: Connection, message: IngressMessage, settings: Settings
) -> tuple[IngestOutcome, AuditEntry]:
    """One signed message: a DongBoHoSoMC or CapNhatTienDoHoSoMC body, applied like an HTTP
    call. The body's own `service` field says which (a discriminated union)."""
    body = DVCQG_REQUEST.validate_python(loads_bounded(message.body))
    unit_code = await keys_store.unit_code_of(conn, message.agency_code)
    who = await bind_lineage(
        conn,
        Caller(
            message.agency_code,
            f"kafka:{message.message_id}",
            unit_code,
            issued_at=message.key_issued_at,
        ),
        settings.lineage_transition_days,
    )
    ctx = context_for(settings, who.agency_code, unit_code, bound=who.bound)
    if isinstance(body, CapNhatTienDoHoSoMC):
        outcome = await record_steps(conn, ctx, body.data)
    else:
        outcome = await sync_dossiers(conn, ctx, body.data)
    entry = partial(
        audit_ingest,
        actor=f"kafka:{message.message_id}",
        agency=who.agency_code,
        action=f"kafka.{body.service}",
        outcome=outcome,
        sent_as=who.sent_as,
    )
    return outcome, entry
