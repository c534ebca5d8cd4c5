"""Consumers of reporting-service: thin, the rules live in domain/, the SQL in adapters/.

Every handler runs in the consumer's transaction (with the inbox claim), holds the read
model's shared lock (a rebuild waits for it) and, when it changed something, notifies the
snapshot publisher at commit. `Handlers.registry()` keys them by event class; the events the
read model has no use for (processing steps, plan dates) are ignored by name there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pasc_contracts import Event, now_vn
from pasc_contracts.events import catalog as cat
from pasc_contracts.events import dossier as dos
from pasc_contracts.events import plan
from pasc_contracts.events.catalog import Coverage
from pasc_contracts.events.dossier import DossierChange, DossierSnapshot
from pasc_contracts.events.plan import MonthlyReport, PlanInfo, TaskRef
from pasc_runtime.consumer import Rejection
from pasc_runtime.db import Connection
from pasc_runtime.handlers import EventHandlers
from reporting_service.adapters import catalog_store, locks, plan_store, read_model_store
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.domain.figures import rollup_delta
from reporting_service.domain.read_model import DossierFold, fold, plan_changes
from reporting_service.domain.scoring import fee_bearing

ProcedureEvent = cat.ProcedureRegistered | cat.ProcedureChanged | cat.ProcedureWithdrawn
AgencyEvent = cat.AgencyRegistered | Event[Coverage]


class Handlers:
    def __init__(self, schema: str, metrics: ReportingMetrics) -> None:
        self.schema = schema
        self.metrics = metrics

    def registry(self) -> EventHandlers:
        """Each event class this service reads, and its handler; the topics follow."""
        r = EventHandlers()
        r.add(
            self.on_dossier_events,
            dos.DossierReceived,
            dos.DossierStatusChanged,
            dos.DossierSupplementRequested,
            dos.DossierSupplementAnswered,
            dos.DossierDueDateChanged,
            dos.DossierDocumentDigitized,
            dos.DossierProcessed,
            dos.DossierResultReturned,
            dos.DossierWithdrawn,
            dos.DossierRefused,
            dos.DossierStopped,
            dos.DossierUpdated,
        )
        r.ignore(dos.DossierProcessingStepRecorded, reason="steps carry no figure of the model")
        # A union handler is added one class a call, so mypy checks it takes each one.
        r.add(self.on_procedure_events, cat.ProcedureRegistered)
        r.add(self.on_procedure_events, cat.ProcedureChanged)
        r.add(self.on_procedure_events, cat.ProcedureWithdrawn)
        r.add(self.on_agency_events, cat.AgencyRegistered)
        r.add(
            self.on_agency_events,
            cat.CoverageChanged,
            cat.DepartmentFullyOnboarded,
            cat.DepartmentOnboardingReopened,
        )
        r.add(self.on_lineage_events, cat.AgencyLineageChanged)
        r.add(self.on_decision_events, cat.DecisionApplied)
        r.add(
            self.on_task_events,
            plan.TaskRegistered,
            plan.TaskChanged,
            plan.TaskDeadlineComputed,
            plan.TaskDueSoon,
            plan.TaskOverdue,
            plan.TaskProgressReported,
            plan.TaskStatusChanged,
            plan.TaskWithdrawn,
            plan.TaskReassigned,
        )
        r.add(self.on_monthly_report_events, plan.MonthlyReportReceived, plan.MonthlyReportMissing)
        r.add(self.on_plan_events, plan.PlanRegistered, plan.PlanRevised)
        r.ignore(
            plan.PlanIssueDateSet,
            plan.PlanLaunchDateSet,
            reason="the plan's dates reach the figures through its tasks' deadlines",
        )
        return r

    async def _begin(self, conn: Connection, topic: str, events: Sequence[Event]) -> None:
        await locks.share_read_model(conn, self.schema)
        now = now_vn()
        for event in events:
            self.metrics.event_delay.labels(topic).observe(
                max(0.0, (now - event.occurred_at).total_seconds())
            )

    async def on_dossier_events(
        self, conn: Connection, events: Sequence[Event[DossierChange]]
    ) -> list[Rejection]:
        await self._begin(conn, "dossier.lifecycle.v1", events)
        snapshots: list[DossierSnapshot] = [e.payload.dossier for e in events]
        if snapshots:
            await self.apply_folded(conn, fold(snapshots))
        return []

    async def apply_folded(self, conn: Connection, folded: dict[str, DossierFold]) -> None:
        """Dossier events folded per dossier into the read model (row-locked, rollups by delta)."""
        stored = await read_model_store.lock_stored(conn, list(folded))
        plans = plan_changes(folded, stored)
        await read_model_store.save(conn, plans)
        changed = [(p.old, p.new) for p in plans if p.new is not None]
        await read_model_store.add_to_rollup(conn, rollup_delta(changed))
        snapshots = sum(f.events for f in folded.values())
        self.metrics.snapshots_applied.labels("applied").inc(len(changed))
        self.metrics.snapshots_applied.labels("stale").inc(snapshots - len(changed))
        if changed:
            await locks.notify_changed(conn, self.schema)

    async def on_procedure_events(
        self, conn: Connection, events: Sequence[ProcedureEvent]
    ) -> list[Rejection]:
        await self._begin(conn, "catalog.procedures.v1", events)
        saved, withdrawn = [], []
        for e in events:
            match e:
                case cat.ProcedureRegistered(payload=p) | cat.ProcedureChanged(payload=p):
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
                case cat.ProcedureWithdrawn(payload=gone):
                    withdrawn.append((gone.ma_tthc, gone.agency_code, gone.catalog_version))
        await catalog_store.save_procedures(conn, saved)
        await catalog_store.save_withdrawals(conn, withdrawn)
        return []

    async def on_agency_events(
        self, conn: Connection, events: Sequence[AgencyEvent]
    ) -> list[Rejection]:
        await self._begin(conn, "catalog.agencies.v1", events)
        agencies, coverage = [], []
        for e in events:
            if isinstance(e, cat.AgencyRegistered):
                a = e.payload
                agencies.append((a.agency_code, a.name, str(a.kind), e.occurred_at))
            else:
                c = e.payload
                coverage.append(
                    (c.agency_code, c.eligible, c.at_center, c.excluded, c.as_of, e.occurred_at)
                )
        await catalog_store.save_agencies(conn, agencies)
        await catalog_store.save_coverage(conn, coverage)
        if coverage:
            await locks.notify_changed(conn, self.schema)
        return []

    async def on_lineage_events(
        self, conn: Connection, events: Sequence[cat.AgencyLineageChanged]
    ) -> list[Rejection]:
        """Agencies renamed, merged, split or closed: whose series their figures join today."""
        await self._begin(conn, "catalog.agencies.v1", events)
        successions, moves = [], []
        for e in events:
            p = e.payload
            successions += [
                (code, list(p.successors), p.kind.value, p.effective_from, p.decision_no)
                for code in p.predecessors
                if code not in p.successors  # one that continues has not ended
            ]
            moves += [(m.ma_tthc, m.from_agency, m.to_agency) for m in p.procedures]
        await catalog_store.save_lineage(conn, successions, moves)
        await locks.notify_changed(conn, self.schema)
        return []

    async def on_decision_events(
        self, conn: Connection, events: Sequence[cat.DecisionApplied]
    ) -> list[Rejection]:
        await self._begin(conn, "catalog.decisions.v1", events)
        rows = [
            (
                d.decision_no,
                d.signed_on,
                d.effective_from,
                len(d.added),
                len(d.changed),
                len(d.withdrawn),
            )
            for d in (e.payload for e in events)
        ]
        await catalog_store.save_decisions(conn, rows)
        return []

    async def on_task_events(
        self, conn: Connection, events: Sequence[Event[TaskRef]]
    ) -> list[Rejection]:
        await self._begin(conn, "plan.tasks.v1", events)
        rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for e in sorted(events, key=lambda ev: ev.occurred_at):
            ref = e.payload
            at: datetime = e.occurred_at
            rows["ensure"].append((ref.task_ref, ref.plan_id, ref.task_no, ref.agency_code))
            match e:
                case plan.TaskRegistered(payload=p) | plan.TaskChanged(payload=p):
                    rows["registered"].append((p.task_ref, p.title, p.deadline_text, at))
                    rows["reinstated"].append((p.task_ref, at))
                case plan.TaskDeadlineComputed(payload=d):
                    rows["due_on"].append((d.task_ref, d.due_on, at))
                case plan.TaskDueSoon(payload=alert):
                    rows["due_on"].append((alert.task_ref, alert.due_on, at))
                case plan.TaskOverdue(payload=alert):
                    rows["due_on"].append((alert.task_ref, alert.due_on, at))
                    rows["overdue_alert"].append((alert.task_ref, alert.due_on))
                case plan.TaskProgressReported(payload=progress):
                    rows["percent"].append((progress.task_ref, progress.percent, at))
                case plan.TaskStatusChanged(payload=change):
                    rows["status"].append((change.task_ref, str(change.status), at))
                case plan.TaskWithdrawn():
                    rows["withdrawn"].append((ref.task_ref, at))
                case plan.TaskReassigned(payload=moved):
                    # The predecessor's assignment leaves; the successor's takes its place, or,
                    # where the successor had the task already, keeps its own state.
                    rows["ensure"].append(
                        (moved.from_task_ref, moved.plan_id, moved.task_no, moved.from_agency_code)
                    )
                    rows["withdrawn"].append((moved.from_task_ref, at))
                    if not moved.joined_existing:
                        rows["registered"].append(
                            (moved.task_ref, moved.title, moved.deadline_text, at)
                        )
                        rows["due_on"].append((moved.task_ref, moved.due_on, at))
                        rows["percent"].append((moved.task_ref, moved.percent, at))
                        rows["status"].append((moved.task_ref, str(moved.status), at))
        for kind in plan_store.STATEMENTS:
            await plan_store.apply(conn, kind, rows.get(kind, []))
        if events:
            await locks.notify_changed(conn, self.schema)
        return []

    async def on_monthly_report_events(
        self, conn: Connection, events: Sequence[Event[MonthlyReport]]
    ) -> list[Rejection]:
        await self._begin(conn, "plan.monthly_reports.v1", events)
        rows = [
            (
                e.payload.report_ref,
                e.payload.plan_id,
                e.payload.agency_code,
                e.payload.month,
                "received" if isinstance(e, plan.MonthlyReportReceived) else "missing",
                e.payload.submitted_at,
                e.occurred_at,
            )
            for e in events
        ]
        await plan_store.apply(conn, "monthly", rows)
        return []

    async def on_plan_events(
        self, conn: Connection, events: Sequence[Event[PlanInfo]]
    ) -> list[Rejection]:
        await self._begin(conn, "plan.plans.v1", events)
        rows = [(e.payload.plan_id, e.payload.title, e.occurred_at) for e in events]
        await plan_store.apply(conn, "plan", rows)
        return []
