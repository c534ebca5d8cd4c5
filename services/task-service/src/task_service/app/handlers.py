"""Consumers of task-service: thin; the rules live in domain/, the use cases in service.py.

One registry keyed by event class (`handlers(service)`); the topics it consumes follow from it.
Each submission runs in its own savepoint: an event the domain refuses is dead-lettered with the
field and reason, and leaves nothing behind; the others in the batch apply.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pasc_contracts.events import catalog
from pasc_contracts.events.plan import MonthlyReportSubmitted, ProgressSubmitted
from pasc_runtime.consumer import Rejection
from pasc_runtime.db import Connection
from pasc_runtime.handlers import EventHandlers
from task_service.app.service import TaskService
from task_service.domain.errors import DomainError
from task_service.domain.progress import Progress

log = logging.getLogger(__name__)

Submission = ProgressSubmitted | MonthlyReportSubmitted
Onboarding = catalog.DepartmentFullyOnboarded | catalog.DepartmentOnboardingReopened


def handlers(service: TaskService) -> EventHandlers:
    """plan.submissions.v1: agencies' progress and monthly reports, authenticated by the gateway;
    catalog.agencies.v1: a department 100% onboarded (or reopened) moves task 11's deadline; an
    agency that ended hands its open assignments to its successor."""
    registry = EventHandlers()

    async def on_submissions(conn: Connection, events: Sequence[Submission]) -> list[Rejection]:
        rejections = []
        for event in events:
            try:
                async with conn.transaction():
                    await _apply_submission(service, conn, event)
            except DomainError as exc:
                rejections.append(Rejection(event, f"{exc.field}: {exc.reason}"))
        return rejections

    async def on_onboarding(conn: Connection, events: Sequence[Onboarding]) -> list[Rejection]:
        for event in events:
            fully = isinstance(event, catalog.DepartmentFullyOnboarded)
            coverage = event.payload
            sent = await service.department_onboarding(
                conn, coverage.agency_code, fully=fully, as_of=coverage.as_of
            )
            log.info(
                "%s %s (as of %s): %d deadline events",
                coverage.agency_code,
                "fully onboarded" if fully else "reopened",
                coverage.as_of,
                sent,
            )
        return []

    registry.add(on_submissions, ProgressSubmitted)
    registry.add(on_submissions, MonthlyReportSubmitted)

    async def on_lineage(
        conn: Connection, events: Sequence[catalog.AgencyLineageChanged]
    ) -> list[Rejection]:
        """An agency that ended hands its open assignments to its successor."""
        for event in events:
            lineage = event.payload
            moved = await service.record_lineage(
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
            log.info(
                "%s %s -> %s from %s: %d assignments moved",
                lineage.kind.value,
                lineage.predecessors,
                lineage.successors,
                lineage.effective_from,
                moved,
            )
        return []

    registry.add(on_lineage, catalog.AgencyLineageChanged)
    registry.add(on_onboarding, catalog.DepartmentFullyOnboarded)
    registry.add(on_onboarding, catalog.DepartmentOnboardingReopened)
    registry.ignore(
        catalog.AgencyRegistered,
        catalog.CoverageChanged,
        reason="agency records and coverage figures: reporting's concern, not the plan's",
    )
    return registry


async def _apply_submission(service: TaskService, conn: Connection, event: Submission) -> None:
    match event:
        case ProgressSubmitted(payload=p):
            await service.report_progress(
                conn,
                plan_id=p.plan_id,
                task_no=p.task_no,
                agency_code=p.agency_code,
                caller=p.agency_code,
                progress=Progress(
                    percent=p.percent,
                    note=p.note,
                    result_ref=p.result_ref,
                    reporter=p.reporter,
                    status=p.status,
                    reason=p.reason,
                ),
                at=p.submitted_at,
            )
        case MonthlyReportSubmitted(payload=m):
            await service.receive_monthly_report(
                conn,
                plan_id=m.plan_id,
                agency_code=m.agency_code,
                month=m.month,
                summary=m.summary,
                at=m.submitted_at,
            )
