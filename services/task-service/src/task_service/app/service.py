"""task-service's use cases. Each runs inside the caller's transaction: the change, its history
and its events (the outbox) commit together or not at all. Every change to a plan first locks
the plan's row, so changes to one plan apply one at a time, in one lock order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel

from pasc_contracts import Event
from pasc_contracts.events import plan as ev
from pasc_contracts.events.plan import TaskRef, TaskStatus
from pasc_runtime.db import Connection
from pasc_runtime.outbox import stage
from task_service.adapters import store
from task_service.clock import Clock
from task_service.domain import alerts
from task_service.domain.calendar import month_key, parse_month, vn_date, vn_day_text
from task_service.domain.deadlines import Anchors
from task_service.domain.errors import DomainError, forbidden, not_found
from task_service.domain.loading import diff
from task_service.domain.plan import PlanDocument, task_ref
from task_service.domain.progress import Outcome, Progress, change_status, report_progress

E = TypeVar("E", bound=Event)


@dataclass
class LoadResult:
    plan_id: str
    created: bool
    registered: int = 0
    changed: int = 0
    withdrawn: int = 0
    deadlines: int = 0
    events: int = 0


@dataclass
class TickResult:
    now: datetime
    due_soon: int = 0
    overdue: int = 0
    monthly_missing: int = 0
    reassigned: int = 0
    keys: list[str] = field(default_factory=list)


class TaskService:
    def __init__(self, *, producer: str, clock: Clock, clock_skew: timedelta) -> None:
        self.producer = producer
        self.clock = clock
        self.clock_skew = clock_skew

    # -- events ---------------------------------------------------------------------------

    def _event(self, cls: type[E], payload: BaseModel, at: datetime | None = None) -> E:
        # Validated rather than constructed: the subclass fixes event_type and schema_version,
        # and a payload of the wrong model is refused here, not by a consumer.
        return cls.model_validate(
            {"producer": self.producer, "occurred_at": at or self.clock.now(), "payload": payload}
        )

    async def _emit(self, conn: Connection, events: Sequence[Event]) -> int:
        """Stage the events (published after commit) and keep each assignment's history."""
        await stage(conn, events)
        history = []
        for e in events:
            ref = e.payload
            if isinstance(ref, TaskRef):
                history.append(
                    (
                        ref.plan_id,
                        ref.task_no,
                        ref.agency_code,
                        e.event_id,
                        e.event_type,
                        e.occurred_at,
                        ref.model_dump_json(),
                    )
                )
        await store.append_history(conn, history)
        return len(events)

    # -- plans ----------------------------------------------------------------------------

    async def _plan(self, conn: Connection, plan_id: str) -> store.PlanRow:
        row = await store.lock_plan(conn, plan_id)
        if row is None:
            raise not_found("plan_id", f"không có kế hoạch {plan_id}")
        return row

    async def load_plan(self, conn: Connection, document: PlanDocument) -> LoadResult:
        await store.lock_plan_set(conn)
        row = await store.lock_plan(conn, document.plan_id)
        old = row.document if row else None
        changes = diff(old, document)
        result = LoadResult(document.plan_id, created=row is None)
        if row is None:
            await store.insert_plan(conn, document)
        elif not changes.empty:
            await store.update_document(conn, document)
        await store.upsert_assignments(conn, [a for a, _ in changes.registered + changes.changed])
        await store.withdraw(conn, [a.ref for a in changes.withdrawn])

        issue = row.issue_date if row else None
        launch = row.launch_date if row else None
        date_events: list[Event] = []
        if document.issue_date and document.issue_date != issue:
            self._check_issue_date(document, document.issue_date, launch)
            await store.set_issue_date(conn, document.plan_id, document.issue_date)
            date_events.append(
                self._date_set(ev.PlanIssueDateSet, document, document.issue_date, issue)
            )
            issue = document.issue_date
        if document.launch_date and document.launch_date != launch:
            self._check_launch_date(document, document.launch_date, issue)
            await store.set_launch_date(conn, document.plan_id, document.launch_date)
            date_events.append(
                self._date_set(ev.PlanLaunchDateSet, document, document.launch_date, launch)
            )
            launch = document.launch_date

        events: list[Event] = []
        if changes.created:
            events.append(self._event(ev.PlanRegistered, document.info(issue, launch)))
        elif changes.plan_changed or changes.tasks_changed:
            events.append(self._event(ev.PlanRevised, document.info(issue, launch)))
        events += [self._event(ev.TaskRegistered, r) for _, r in changes.registered]
        events += [self._event(ev.TaskChanged, r) for _, r in changes.changed]
        events += [
            self._event(
                ev.TaskWithdrawn,
                ev.TaskWithdrawal(
                    task_ref=a.ref,
                    plan_id=a.plan_id,
                    task_no=a.task_no,
                    agency_code=a.agency_code,
                    reason="Kế hoạch được điều chỉnh không còn giao nhiệm vụ này cho cơ quan",
                ),
            )
            for a in changes.withdrawn
        ]
        result.events = await self._emit(conn, events + date_events)
        result.registered = len(changes.registered)
        result.changed = len(changes.changed)
        result.withdrawn = len(changes.withdrawn)
        fresh = {a.ref for a, _ in changes.registered}
        result.deadlines = await self._recompute(conn, document, issue, launch, force=fresh)
        result.events += result.deadlines
        # A plan naming an agency that has already ended: its assignments go to the successor.
        result.events += await self.apply_successions(conn, vn_date(self.clock.now()))
        return result

    def _date_set(
        self, cls: type[Event], document: PlanDocument, new: date, previous: date | None
    ) -> Event:
        payload = ev.PlanDateSet(plan_id=document.plan_id, new_date=new, previous_date=previous)
        return self._event(cls, payload)

    def _check_issue_date(self, document: PlanDocument, day: date, launch: date | None) -> None:
        if document.based_on and day < document.based_on.signed_on:
            raise DomainError(
                "issue_date",
                f"ngày ban hành {vn_day_text(day)} trước {document.based_on.text()}, "
                "văn bản mà Kế hoạch triển khai",
            )
        if day > vn_date(self.clock.now()):
            raise DomainError("issue_date", f"ngày ban hành {vn_day_text(day)} chưa đến")
        if launch and launch < day:
            raise DomainError(
                "issue_date",
                f"ngày ban hành {vn_day_text(day)} sau ngày Trung tâm ra mắt {vn_day_text(launch)}",
            )

    def _check_launch_date(self, document: PlanDocument, day: date, issue: date | None) -> None:
        if document.based_on and day < document.based_on.signed_on:
            raise DomainError(
                "launch_date", f"ngày ra mắt {vn_day_text(day)} trước {document.based_on.text()}"
            )
        if issue and day < issue:
            raise DomainError(
                "launch_date",
                f"ngày ra mắt {vn_day_text(day)} trước ngày ban hành Kế hoạch {vn_day_text(issue)}",
            )

    async def set_issue_date(self, conn: Connection, plan_id: str, day: date) -> int:
        row = await self._plan(conn, plan_id)
        self._check_issue_date(row.document, day, row.launch_date)
        if day == row.issue_date:
            return 0
        await store.set_issue_date(conn, plan_id, day)
        sent = await self._emit(
            conn, [self._date_set(ev.PlanIssueDateSet, row.document, day, row.issue_date)]
        )
        return sent + await self._recompute(conn, row.document, day, row.launch_date)

    async def set_launch_date(self, conn: Connection, plan_id: str, day: date) -> int:
        row = await self._plan(conn, plan_id)
        self._check_launch_date(row.document, day, row.issue_date)
        if day == row.launch_date:
            return 0
        await store.set_launch_date(conn, plan_id, day)
        sent = await self._emit(
            conn, [self._date_set(ev.PlanLaunchDateSet, row.document, day, row.launch_date)]
        )
        return sent + await self._recompute(conn, row.document, row.issue_date, day)

    async def _recompute(
        self,
        conn: Connection,
        document: PlanDocument,
        issue: date | None,
        launch: date | None,
        *,
        force: set[str] | None = None,
    ) -> int:
        """Compute every assignment's due date again; emit an event for each one that moved."""
        anchors = Anchors(issue, launch, await store.onboarded(conn))
        dues = document.due_dates(anchors)
        updates, events = [], []
        for a in await store.assignments(conn, document.plan_id):
            due = dues.get((a.task_no, a.agency_code))
            if due is None:
                continue
            moved = due.on != a.due_on or a.task_ref in (force or set())
            if moved or due.reason != a.due_reason:
                updates.append((a.task_ref, due.on, due.reason))
            if moved:
                events.append(
                    self._event(
                        ev.TaskDeadlineComputed,
                        ev.DeadlineComputed(
                            task_ref=a.task_ref,
                            plan_id=a.plan_id,
                            task_no=a.task_no,
                            agency_code=a.agency_code,
                            due_on=due.on,
                            previous_due_on=a.due_on,
                            reason=due.reason,
                        ),
                    )
                )
        await store.set_dues(conn, updates)
        return await self._emit(conn, events)

    # -- catalog-service's facts ----------------------------------------------------------

    async def department_onboarding(
        self, conn: Connection, agency_code: str, *, fully: bool, as_of: date
    ) -> int:
        """A department's procedures are (or are no longer) all received at the Center."""
        await store.lock_plan_set(conn)
        await store.set_onboarding(conn, agency_code, fully, as_of)
        sent = 0
        for plan_id in await store.plan_ids(conn):
            row = await self._plan(conn, plan_id)
            sent += await self._recompute(conn, row.document, row.issue_date, row.launch_date)
        return sent

    async def record_lineage(
        self, conn: Connection, rows: Sequence[tuple[str, list[str], str, date, str]]
    ) -> int:
        """Agencies that ended (catalog's agency.lineage_changed): remember them, and move the
        open assignments of those already in effect."""
        await store.save_successions(conn, rows)
        return await self.apply_successions(conn, vn_date(self.clock.now()))

    async def apply_successions(self, conn: Connection, today: date) -> int:
        """Hand each ended agency's open assignments to its successor. Each moves once: the
        predecessor's assignment leaves the plan (withdrawn, moved_to) in the transaction of
        its event, so applying again (each tick, a plan loaded later) finds nothing more. A
        split hands them to its first-named successor (the decision lists the principal one
        first); a close without a successor moves nothing."""
        await store.lock_plan_set(conn)
        events: list[Event] = []
        for succession in await store.lock_successions_in_effect(conn, today):
            if succession.successors:
                to = succession.successors[0]
                for a in await store.lock_open_assignments_of(conn, succession.predecessor):
                    events.append(await self._hand_over(conn, a, to, succession))
            await store.mark_succession_applied(conn, succession.predecessor)
        return await self._emit(conn, events)

    async def _hand_over(
        self, conn: Connection, a: store.AssignmentRow, to: str, succession: store.SuccessionRow
    ) -> Event:
        row = await self._plan(conn, a.plan_id)
        task = row.document.task(a.task_no)
        new_ref = task_ref(a.plan_id, a.task_no, to)
        joined = await store.hand_over(conn, a, to, new_ref)
        return self._event(
            ev.TaskReassigned,
            ev.TaskReassignment(
                task_ref=new_ref,
                plan_id=a.plan_id,
                task_no=a.task_no,
                agency_code=to,
                from_task_ref=a.task_ref,
                from_agency_code=a.agency_code,
                lineage_kind=succession.kind,
                decision_no=succession.decision_no,
                effective_from=succession.effective_from,
                joined_existing=joined,
                title=task.title if task else f"Nhiệm vụ {a.task_no}",
                deadline_text=task.deadline_text if task else "",
                status=a.state.status,
                percent=a.state.percent,
                result_ref=a.state.result_ref,
                due_on=a.due_on,
            ),
        )

    # -- progress, status, monthly reports ------------------------------------------------

    def _check_reported_at(self, document: PlanDocument, at: datetime) -> None:
        if at > self.clock.now() + self.clock_skew:
            raise DomainError("submitted_at", f"thời điểm báo cáo {at.isoformat()} ở tương lai")
        if document.based_on and vn_date(at) < document.based_on.signed_on:
            raise DomainError(
                "submitted_at",
                f"thời điểm báo cáo {vn_day_text(vn_date(at))} trước {document.based_on.text()}",
            )

    async def _assignment(
        self, conn: Connection, row: store.PlanRow, task_no: int, agency_code: str, caller: str
    ) -> tuple[store.AssignmentRow, str | None]:
        document = row.document
        task = document.task(task_no)
        if task is None:
            raise not_found("task_no", f"Kế hoạch {document.plan_id} không có nhiệm vụ {task_no}")
        if document.agency(agency_code) is None:
            raise not_found(
                "agency_code", f"Kế hoạch {document.plan_id} không có cơ quan {agency_code}"
            )
        if caller != agency_code:
            raise forbidden(
                "agency_code",
                f"{document.name_of(caller)} không được báo cáo thay {document.name_of(agency_code)}",
            )
        assignment = await store.lock_assignment(conn, document.plan_id, task_no, agency_code)
        if assignment is None:
            owners = ", ".join(document.name_of(c) for c in document.members(task.lead))
            raise forbidden(
                "agency_code",
                f"nhiệm vụ {task_no} không giao cho {document.name_of(agency_code)}"
                f" (cơ quan thực hiện: {owners})",
            )
        return assignment, task.expected_result

    async def report_progress(
        self,
        conn: Connection,
        *,
        plan_id: str,
        task_no: int,
        agency_code: str,
        caller: str,
        progress: Progress,
        at: datetime,
    ) -> store.AssignmentRow:
        row = await self._plan(conn, plan_id)
        self._check_reported_at(row.document, at)
        a, expected = await self._assignment(conn, row, task_no, agency_code, caller)
        outcome = report_progress(a.state, progress, expected_result=expected, on=vn_date(at))
        await store.save_state(conn, a.task_ref, outcome.after, note=progress.note, reported_at=at)
        report = ev.ProgressReport(
            task_ref=a.task_ref,
            plan_id=plan_id,
            task_no=task_no,
            agency_code=agency_code,
            percent=outcome.after.percent,
            note=progress.note,
            result_ref=progress.result_ref,
            reporter=progress.reporter,
            reported_at=at,
            previous_percent=a.state.percent,
            reason=outcome.reason,
        )
        events: list[Event] = [self._event(ev.TaskProgressReported, report, at)]
        events += self._status_events(a, outcome, at)
        await self._emit(conn, events)
        return a

    async def change_status(
        self,
        conn: Connection,
        *,
        plan_id: str,
        task_no: int,
        agency_code: str,
        caller: str,
        status: TaskStatus,
        reason: str | None,
        result_ref: str | None,
    ) -> int:
        row = await self._plan(conn, plan_id)
        at = self.clock.now()
        a, expected = await self._assignment(conn, row, task_no, agency_code, caller)
        outcome = change_status(
            a.state,
            status,
            reason=reason,
            result_ref=result_ref,
            expected_result=expected,
            on=vn_date(at),
        )
        if not outcome.status_changed:
            return 0
        await store.save_state(conn, a.task_ref, outcome.after, note=None, reported_at=None)
        events: list[Event] = []
        if (
            outcome.after.percent != a.state.percent
            or outcome.after.result_ref != a.state.result_ref
        ):
            report = ev.ProgressReport(
                task_ref=a.task_ref,
                plan_id=plan_id,
                task_no=task_no,
                agency_code=agency_code,
                percent=outcome.after.percent,
                result_ref=outcome.after.result_ref,
                reported_at=at,
                previous_percent=a.state.percent,
                reason=outcome.reason,
            )
            events.append(self._event(ev.TaskProgressReported, report, at))
        events += self._status_events(a, outcome, at)
        return await self._emit(conn, events)

    def _status_events(self, a: store.AssignmentRow, outcome: Outcome, at: datetime) -> list[Event]:
        if not outcome.status_changed:
            return []
        change = ev.StatusChange(
            task_ref=a.task_ref,
            plan_id=a.plan_id,
            task_no=a.task_no,
            agency_code=a.agency_code,
            status=outcome.after.status,
            previous_status=outcome.before.status,
            reason=outcome.reason,
        )
        return [self._event(ev.TaskStatusChanged, change, at)]

    async def receive_monthly_report(
        self,
        conn: Connection,
        *,
        plan_id: str,
        agency_code: str,
        month: str,
        summary: str,
        at: datetime,
    ) -> int:
        row = await self._plan(conn, plan_id)
        document = row.document
        self._check_reported_at(document, at)
        if document.agency(agency_code) is None:
            raise not_found("agency_code", f"Kế hoạch {plan_id} không có cơ quan {agency_code}")
        if agency_code not in document.monthly_reporters():
            raise forbidden(
                "agency_code",
                f"{document.name_of(agency_code)} không thuộc diện gửi báo cáo hằng tháng",
            )
        try:
            year, number = parse_month(month)
        except ValueError as exc:
            raise DomainError("month", str(exc)) from exc
        today = vn_date(self.clock.now())
        if (year, number) > (today.year, today.month):
            raise DomainError("month", f"tháng {month} chưa bắt đầu")
        if (year, number) > (vn_date(at).year, vn_date(at).month):
            raise DomainError("submitted_at", f"báo cáo tháng {month} gửi trước khi tháng bắt đầu")
        start = row.issue_date or (document.based_on.signed_on if document.based_on else None)
        if start and (year, number) < (start.year, start.month):
            raise DomainError(
                "month",
                f"tháng {month} trước khi Kế hoạch ban hành ({month_key(start.year, start.month)})",
            )
        if not await store.save_monthly_report(conn, plan_id, agency_code, month, summary, at):
            return 0
        due = document.monthly_report_due(year, number)
        report = ev.MonthlyReport(
            report_ref=f"{plan_id}:{agency_code}:{month}",
            plan_id=plan_id,
            agency_code=agency_code,
            month=month,
            summary=summary,
            submitted_at=at,
            due_on=due,
        )
        return await self._emit(conn, [self._event(ev.MonthlyReportReceived, report, at)])

    # -- the scheduler --------------------------------------------------------------------

    async def tick(self, conn: Connection, now: datetime) -> TickResult:
        """Emit the alerts due at `now` that were never emitted (once per key, ever); first
        move the assignments of agencies whose succession took effect by today."""
        today = vn_date(now)
        result = TickResult(now)
        result.reassigned = await self.apply_successions(conn, today)
        candidates: dict[str, Event] = {}
        for plan_id in await store.plan_ids(conn):
            row = await self._plan(conn, plan_id)
            for a in await store.assignments(conn, plan_id):
                if a.state.status is TaskStatus.DONE or a.due_on is None:
                    continue
                alert = alerts.deadline_alert(a.task_ref, a.due_on, today)
                if alert is None:
                    continue
                payload = ev.DeadlineAlert(
                    task_ref=a.task_ref,
                    plan_id=a.plan_id,
                    task_no=a.task_no,
                    agency_code=a.agency_code,
                    due_on=alert.due_on,
                    days_left=alert.days_left,
                )
                cls = ev.TaskOverdue if alert.overdue else ev.TaskDueSoon
                candidates[alert.key] = self._event(cls, payload, now)
            received = {
                (r.agency_code, r.month) for r in await store.monthly_reports(conn, plan_id)
            }
            ended = await store.ended_agencies(conn)
            for missing in alerts.missing_reports(
                row.document, row.issue_date, received, today, ended
            ):
                report = ev.MonthlyReport(
                    report_ref=f"{plan_id}:{missing.agency_code}:{missing.month}",
                    plan_id=plan_id,
                    agency_code=missing.agency_code,
                    month=missing.month,
                    due_on=missing.due_on,
                )
                candidates[missing.key] = self._event(ev.MonthlyReportMissing, report, now)
        claimed = await store.claim_alerts(conn, list(candidates))
        events = [candidates[k] for k in sorted(claimed)]
        await self._emit(conn, events)
        for e in events:
            if isinstance(e, ev.TaskOverdue):
                result.overdue += 1
            elif isinstance(e, ev.TaskDueSoon):
                result.due_soon += 1
            else:
                result.monthly_missing += 1
        result.keys = sorted(claimed)
        return result
