"""Consumers of task-service: thin; the rules live in domain/, the use cases in service.py.

Each event runs in its own savepoint: an event the domain refuses is dead-lettered with the
field and reason, and leaves nothing behind; the others in the batch apply.
"""

from __future__ import annotations

import logging

from pasc_contracts import Event
from pasc_contracts.events import catalog
from pasc_contracts.events.plan import MonthlyReportSubmitted, ProgressSubmitted
from pasc_runtime.consumer import BatchHandler, Rejection
from pasc_runtime.db import Connection
from task_service.app.service import TaskService
from task_service.domain.errors import DomainError
from task_service.domain.progress import Progress

log = logging.getLogger(__name__)


def submissions_handler(service: TaskService) -> BatchHandler:
    """plan.submissions.v1: agencies' progress and monthly reports, authenticated by the gateway."""

    async def apply(conn: Connection, event: Event) -> None:
        if isinstance(event, ProgressSubmitted):
            p = event.payload
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
        elif isinstance(event, MonthlyReportSubmitted):
            m = event.payload
            await service.receive_monthly_report(
                conn,
                plan_id=m.plan_id,
                agency_code=m.agency_code,
                month=m.month,
                summary=m.summary,
                at=m.submitted_at,
            )

    async def handle(conn: Connection, events: list[Event]) -> list[Rejection]:
        rejections = []
        for event in events:
            try:
                async with conn.transaction():
                    await apply(conn, event)
            except DomainError as exc:
                rejections.append(Rejection(event, f"{exc.field}: {exc.reason}"))
        return rejections

    return handle


def catalog_agencies_handler(service: TaskService) -> BatchHandler:
    """catalog.agencies.v1: a department 100% onboarded (or reopened) moves task 11's deadline."""

    async def handle(conn: Connection, events: list[Event]) -> list[Rejection]:
        for event in events:
            if isinstance(event, catalog.DepartmentFullyOnboarded):
                fully = True
            elif isinstance(event, catalog.DepartmentOnboardingReopened):
                fully = False
            else:
                continue  # coverage figures and agency records: not this service's concern
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

    return handle
