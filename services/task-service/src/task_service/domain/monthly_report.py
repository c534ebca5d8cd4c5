"""The monthly progress report the office sends to the People's Committee, as data.

For month M every assignment is shown as it stood at the end of M (or today, for the current
month): its progress, its result, and whether it is on time. The departments' own monthly
reports (section IV.1.c) are received, missing past their day, or not due yet.
Rendering (Markdown, HTML) is in app/report.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pasc_contracts.events.plan import DeadlineKind, TaskStatus
from task_service.domain.calendar import end_of_month, month_key, vn_date
from task_service.domain.errors import DomainError
from task_service.domain.plan import PlanDocument
from task_service.domain.progress import STATUS_LABELS


class Standing(StrEnum):
    DONE_ON_TIME = "Hoàn thành đúng hạn"
    DONE_LATE = "Hoàn thành trễ hạn"
    LATE = "Trễ hạn"
    NOT_DUE = "Chưa đến hạn"
    WAITING = "Chưa xác định thời hạn"
    ONGOING = "Thường xuyên"
    ONGOING_LATE = "Trễ hạn báo cáo tháng"


@dataclass(frozen=True)
class AssignmentFacts:
    """What the report needs of one assignment now (its due date as currently in force)."""

    task_no: int
    agency_code: str
    due_on: date | None
    due_reason: str | None


@dataclass(frozen=True)
class HistoryEntry:
    task_no: int
    agency_code: str
    event_type: str
    at: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class ReceivedReport:
    agency_code: str
    summary: str
    submitted_at: datetime


@dataclass
class StateAt:
    percent: int = 0
    status: TaskStatus = TaskStatus.NOT_STARTED
    result_ref: str | None = None
    note: str | None = None
    blocked_reason: str | None = None
    done_on: date | None = None


def fold_history(entries: Iterable[HistoryEntry]) -> dict[tuple[int, str], StateAt]:
    """Each assignment's state after the given entries (already cut at the report's day)."""
    states: dict[tuple[int, str], StateAt] = {}
    for entry in entries:
        state = states.setdefault((entry.task_no, entry.agency_code), StateAt())
        p = entry.payload
        if entry.event_type == "task.progress_reported":
            state.percent = p["percent"]
            state.result_ref = p.get("result_ref") or state.result_ref
            state.note = p.get("note") or state.note
        elif entry.event_type == "task.status_changed":
            state.status = TaskStatus(p["status"])
            state.blocked_reason = p.get("reason") if state.status is TaskStatus.BLOCKED else None
            if state.status is TaskStatus.DONE:
                state.done_on = state.done_on or vn_date(entry.at)
            else:
                state.done_on = None
        elif entry.event_type == "task.reassigned" and not p.get("joined_existing"):
            # The successor's assignment starts where the predecessor's stood.
            state.percent = p["percent"]
            state.status = TaskStatus(p["status"])
            state.result_ref = p.get("result_ref") or state.result_ref
    return states


@dataclass(frozen=True)
class Reassignment:
    """An assignment handed from an agency that ended to its successor (a line of the report)."""

    task_no: int
    title: str
    from_name: str
    to_name: str
    decision_no: str
    effective_from: date
    joined_existing: bool
    percent: int


def reassignments_in(
    plan: PlanDocument, entries: Iterable[HistoryEntry], year: int, month: int
) -> list[Reassignment]:
    """The assignments moved during the month, in the order they moved."""
    return [
        Reassignment(
            task_no=e.task_no,
            title=e.payload["title"],
            from_name=plan.name_of(e.payload["from_agency_code"]),
            to_name=plan.name_of(e.agency_code),
            decision_no=e.payload["decision_no"],
            effective_from=date.fromisoformat(e.payload["effective_from"]),
            joined_existing=bool(e.payload.get("joined_existing")),
            percent=int(e.payload["percent"]),
        )
        for e in entries
        if e.event_type == "task.reassigned"
        and (vn_date(e.at).year, vn_date(e.at).month) == (year, month)
    ]


@dataclass(frozen=True)
class ReportRow:
    task_no: int
    title: str
    agency_code: str
    agency_name: str
    deadline_text: str
    due_on: date | None
    due_reason: str | None
    state: StateAt
    expected_result: str | None
    standing: Standing
    days_late: int = 0

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.state.status]

    @property
    def standing_label(self) -> str:
        if self.standing is Standing.LATE:
            return f"Trễ hạn {self.days_late} ngày"
        if self.standing is Standing.WAITING and self.due_reason:
            return f"Chưa đến hạn ({self.due_reason})"
        return self.standing.value


@dataclass(frozen=True)
class LateTask:
    task_no: int
    title: str
    due_on: date | None
    rows: list[ReportRow]

    @property
    def days_late(self) -> int:
        return max(r.days_late for r in self.rows)


@dataclass(frozen=True)
class MonthlyDuty:
    agency_code: str
    agency_name: str
    due_on: date
    received: ReceivedReport | None
    overdue: bool


@dataclass
class AgencySection:
    code: str
    name: str
    rows: list[ReportRow] = field(default_factory=list)
    monthly: MonthlyDuty | None = None


@dataclass
class MonthlyReportView:
    plan: PlanDocument
    year: int
    month: int
    as_of: date
    report_date: date
    issue_date: date | None
    launch_date: date | None
    sections: list[AgencySection]
    duties: list[MonthlyDuty]
    reassigned: list[Reassignment] = field(default_factory=list)

    @property
    def month_label(self) -> str:
        return f"{self.month:02d}/{self.year}"

    @property
    def rows(self) -> list[ReportRow]:
        return [r for s in self.sections for r in s.rows]

    @property
    def late(self) -> list[ReportRow]:
        order = {a.code: i for i, a in enumerate(self.plan.agencies)}
        late = [r for r in self.rows if r.standing in (Standing.LATE, Standing.ONGOING_LATE)]
        # A successor the 2023 plan does not list comes after the plan's agencies.
        return sorted(
            late, key=lambda r: (-r.days_late, r.task_no, order.get(r.agency_code, len(order)))
        )

    @property
    def late_by_task(self) -> list[LateTask]:
        """The late assignments, one line per task and due date with the agencies behind."""
        grouped: dict[tuple[int, date | None], list[ReportRow]] = {}
        for row in self.late:
            grouped.setdefault((row.task_no, row.due_on), []).append(row)
        lines = [
            LateTask(rows[0].task_no, rows[0].title, due, rows)
            for (_, due), rows in grouped.items()
        ]
        return sorted(lines, key=lambda t: (-t.days_late, t.task_no))

    @property
    def blocked(self) -> list[ReportRow]:
        return [r for r in self.rows if r.state.status is TaskStatus.BLOCKED]

    @property
    def received(self) -> list[MonthlyDuty]:
        return [d for d in self.duties if d.received]

    @property
    def missing(self) -> list[MonthlyDuty]:
        return [d for d in self.duties if d.overdue]

    @property
    def not_yet_due(self) -> list[MonthlyDuty]:
        return [d for d in self.duties if not d.received and not d.overdue]

    @property
    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for r in self.rows:
            counts[r.state.status.value] += 1
            counts[r.standing.name] += 1
        return counts

    @property
    def tasks_fully_done(self) -> int:
        by_task: dict[int, list[ReportRow]] = {}
        for r in self.rows:
            by_task.setdefault(r.task_no, []).append(r)
        return sum(
            all(r.state.status is TaskStatus.DONE for r in rows) for rows in by_task.values()
        )

    @property
    def percent_done(self) -> float:
        rows = self.rows
        done = sum(r.state.status is TaskStatus.DONE for r in rows)
        return round(100 * done / len(rows), 1) if rows else 0.0


def _standing(
    kind: DeadlineKind, facts: AssignmentFacts, state: StateAt, as_of: date, monthly_late: bool
) -> tuple[Standing, int]:
    if state.status is TaskStatus.DONE:
        late = (
            facts.due_on is not None and state.done_on is not None and state.done_on > facts.due_on
        )
        return (Standing.DONE_LATE if late else Standing.DONE_ON_TIME), 0
    if kind is DeadlineKind.ONGOING:
        return (Standing.ONGOING_LATE if monthly_late else Standing.ONGOING), 0
    if facts.due_on is None:
        return Standing.WAITING, 0
    if as_of > facts.due_on:
        return Standing.LATE, (as_of - facts.due_on).days
    return Standing.NOT_DUE, 0


def build_monthly_report(
    plan: PlanDocument,
    *,
    year: int,
    month: int,
    today: date,
    issue_date: date | None,
    launch_date: date | None,
    assignments: Sequence[AssignmentFacts],
    history: Iterable[HistoryEntry],
    reports: Sequence[ReceivedReport],
    ended: Mapping[str, date] | None = None,
) -> MonthlyReportView:
    """`history` must be cut at the end of `as_of` (see `report_cutoff`)."""
    as_of = report_cutoff(year, month, today)
    history = list(history)
    states = fold_history(history)
    received = {r.agency_code: r for r in reports}
    owed = issue_date is not None and (issue_date.year, issue_date.month) <= (year, month)
    due = plan.monthly_report_due(year, month)
    duties: dict[str, MonthlyDuty] = {}
    if owed and due is not None:
        for code in plan.monthly_reporters():
            got = received.get(code)
            if got is None and ended and code in ended and ended[code] <= due:
                continue  # it ended before the report was due: its successor reports
            duties[code] = MonthlyDuty(
                code, plan.name_of(code), due, got, overdue=got is None and today > due
            )
    sections: dict[str, AgencySection] = {
        a.code: AgencySection(a.code, a.name) for a in plan.agencies
    }
    for facts in assignments:
        task = plan.task(facts.task_no)
        if task is None:
            continue
        state = states.get((facts.task_no, facts.agency_code), StateAt())
        duty = duties.get(facts.agency_code)
        standing, days_late = _standing(
            task.spec.kind, facts, state, as_of, monthly_late=bool(duty and duty.overdue)
        )
        section = sections.setdefault(
            facts.agency_code, AgencySection(facts.agency_code, plan.name_of(facts.agency_code))
        )
        section.rows.append(
            ReportRow(
                task_no=task.number,
                title=task.title,
                agency_code=facts.agency_code,
                agency_name=plan.name_of(facts.agency_code),
                deadline_text=task.deadline_text,
                due_on=facts.due_on,
                due_reason=facts.due_reason,
                state=state,
                expected_result=task.expected_result,
                standing=standing,
                days_late=days_late,
            )
        )
    for code, duty in duties.items():
        sections[code].monthly = duty
    return MonthlyReportView(
        plan=plan,
        year=year,
        month=month,
        as_of=as_of,
        report_date=today,
        issue_date=issue_date,
        launch_date=launch_date,
        sections=[s for s in sections.values() if s.rows or s.monthly],
        duties=list(duties.values()),
        reassigned=reassignments_in(plan, history, year, month),
    )


def report_cutoff(year: int, month: int, today: date) -> date:
    """The day the report's figures stand at: the month's last day, or today in that month."""
    if (year, month) > (today.year, today.month):
        raise DomainError("month", f"tháng {month_key(year, month)} chưa bắt đầu")
    return min(end_of_month(year, month), today)
