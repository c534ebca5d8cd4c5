"""Consumers of reporting-service: thin, the rules live in domain/, the SQL in adapters/.

Every handler runs in the consumer's transaction (with the inbox claim), holds the read
model's shared lock (a rebuild waits for it) and, when it changed something, notifies the
snapshot publisher at commit. Events are dispatched by type; those a handler does not use
(e.g. processing steps) are accepted and ignored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from pasc_contracts import Event, now_vn
from pasc_contracts.events.dossier import DossierChange, DossierSnapshot
from pasc_runtime.consumer import Rejection
from pasc_runtime.db import Connection
from reporting_service.adapters import catalog_store, locks, plan_store, read_model_store
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.domain.figures import rollup_delta
from reporting_service.domain.read_model import fold, plan_changes
from reporting_service.domain.scoring import fee_bearing

Handler = Callable[[Connection, list[Event]], Awaitable[list[Rejection]]]


def payload(event: Event) -> Any:
    """The typed payload every concrete event declares (the base class does not)."""
    return event.payload


class Handlers:
    def __init__(self, schema: str, metrics: ReportingMetrics) -> None:
        self.schema = schema
        self.metrics = metrics

    def for_topics(self) -> dict[str, Handler]:
        """The handler of each topic this service consumes (see the topic registry)."""
        return {
            "dossier.lifecycle.v1": self.on_dossier_events,
            "catalog.procedures.v1": self.on_procedure_events,
            "catalog.agencies.v1": self.on_agency_events,
            "catalog.decisions.v1": self.on_decision_events,
            "plan.tasks.v1": self.on_task_events,
            "plan.monthly_reports.v1": self.on_monthly_report_events,
            "plan.plans.v1": self.on_plan_events,
        }

    async def _begin(self, conn: Connection, topic: str, events: list[Event]) -> None:
        await locks.share_read_model(conn, self.schema)
        now = now_vn()
        for event in events:
            self.metrics.event_delay.labels(topic).observe(
                max(0.0, (now - event.occurred_at).total_seconds())
            )

    async def on_dossier_events(self, conn: Connection, events: list[Event]) -> list[Rejection]:
        await self._begin(conn, "dossier.lifecycle.v1", events)
        snapshots: list[DossierSnapshot] = [
            e.payload.dossier for e in events if isinstance(e.payload, DossierChange)
        ]
        if not snapshots:
            return []
        folded = fold(snapshots)
        stored = await read_model_store.lock_stored(conn, list(folded))
        plans = plan_changes(folded, stored)
        await read_model_store.save(conn, plans)
        changed = [(p.old, p.new) for p in plans if p.new is not None]
        await read_model_store.add_to_rollup(conn, rollup_delta(changed))
        self.metrics.snapshots_applied.labels("applied").inc(len(changed))
        self.metrics.snapshots_applied.labels("stale").inc(len(snapshots) - len(changed))
        if changed:
            await locks.notify_changed(conn, self.schema)
        return []

    async def on_procedure_events(self, conn: Connection, events: list[Event]) -> list[Rejection]:
        await self._begin(conn, "catalog.procedures.v1", events)
        saved, withdrawn = [], []
        for e in events:
            p = payload(e)
            if e.event_type in ("procedure.registered", "procedure.changed"):
                saved.append(
                    (
                        p.ma_tthc,
                        p.ten_tthc,
                        p.ma_linh_vuc,
                        p.ten_linh_vuc,
                        p.agency_code,
                        p.at_center,
                        str(p.muc_do_dvc),
                        p.catalog_version,
                        fee_bearing(p.phi_le_phi),
                    )
                )
            elif e.event_type == "procedure.withdrawn":
                withdrawn.append((p.ma_tthc, p.agency_code, p.catalog_version))
        await catalog_store.save_procedures(conn, saved)
        await catalog_store.save_withdrawals(conn, withdrawn)
        return []

    async def on_agency_events(self, conn: Connection, events: list[Event]) -> list[Rejection]:
        await self._begin(conn, "catalog.agencies.v1", events)
        agencies, coverage = [], []
        for e in events:
            p = payload(e)
            if e.event_type == "agency.registered":
                agencies.append((p.agency_code, p.name, str(p.kind), e.occurred_at))
            elif hasattr(p, "eligible"):
                coverage.append(
                    (p.agency_code, p.eligible, p.at_center, p.excluded, p.as_of, e.occurred_at)
                )
        await catalog_store.save_agencies(conn, agencies)
        await catalog_store.save_coverage(conn, coverage)
        if coverage:
            await locks.notify_changed(conn, self.schema)
        return []

    async def on_decision_events(self, conn: Connection, events: list[Event]) -> list[Rejection]:
        await self._begin(conn, "catalog.decisions.v1", events)
        rows = []
        for e in events:
            p = payload(e)
            if e.event_type == "decision.applied":
                rows.append(
                    (
                        p.decision_no,
                        p.signed_on,
                        p.effective_from,
                        len(p.added),
                        len(p.changed),
                        len(p.withdrawn),
                    )
                )
        await catalog_store.save_decisions(conn, rows)
        return []

    async def on_task_events(self, conn: Connection, events: list[Event]) -> list[Rejection]:
        await self._begin(conn, "plan.tasks.v1", events)
        rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for e in sorted(events, key=lambda ev: ev.occurred_at):
            p = payload(e)
            at: datetime = e.occurred_at
            rows["ensure"].append((p.task_ref, p.plan_id, p.task_no, p.agency_code))
            kind = e.event_type
            if kind in ("task.registered", "task.changed"):
                rows["registered"].append((p.task_ref, p.title, p.deadline_text, at))
                rows["reinstated"].append((p.task_ref, at))
            elif kind in ("task.deadline_computed", "task.due_soon"):
                rows["due_on"].append((p.task_ref, p.due_on, at))
            elif kind == "task.overdue":
                rows["due_on"].append((p.task_ref, p.due_on, at))
                rows["overdue_alert"].append((p.task_ref, p.due_on))
            elif kind == "task.progress_reported":
                rows["percent"].append((p.task_ref, p.percent, at))
            elif kind == "task.status_changed":
                rows["status"].append((p.task_ref, str(p.status), at))
            elif kind == "task.withdrawn":
                rows["withdrawn"].append((p.task_ref, at))
        for kind in plan_store.STATEMENTS:
            await plan_store.apply(conn, kind, rows.get(kind, []))
        if events:
            await locks.notify_changed(conn, self.schema)
        return []

    async def on_monthly_report_events(
        self, conn: Connection, events: list[Event]
    ) -> list[Rejection]:
        await self._begin(conn, "plan.monthly_reports.v1", events)
        rows = []
        for e in events:
            p = payload(e)
            state = {"monthly_report.received": "received", "monthly_report.missing": "missing"}
            if e.event_type in state:
                rows.append(
                    (
                        p.report_ref,
                        p.plan_id,
                        p.agency_code,
                        p.month,
                        state[e.event_type],
                        p.submitted_at,
                        e.occurred_at,
                    )
                )
        await plan_store.apply(conn, "monthly", rows)
        return []

    async def on_plan_events(self, conn: Connection, events: list[Event]) -> list[Rejection]:
        await self._begin(conn, "plan.plans.v1", events)
        rows = [
            (payload(e).plan_id, payload(e).title, e.occurred_at)
            for e in events
            if e.event_type in ("plan.registered", "plan.revised")
        ]
        await plan_store.apply(conn, "plan", rows)
        return []
