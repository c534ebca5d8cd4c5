"""JSON shapes of the HTTP API (plain dicts: FastAPI serialises dates and enums)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from pasc_contracts.events.plan import DeadlineKind, TaskStatus
from task_service.adapters.store import AssignmentRow, PlanRow
from task_service.domain.monthly_report import HistoryEntry
from task_service.domain.plan import PlanDocument
from task_service.domain.progress import STATUS_LABELS


def is_overdue(a: AssignmentRow, today: date) -> bool:
    return a.state.status is not TaskStatus.DONE and a.due_on is not None and today > a.due_on


def assignment(document: PlanDocument, a: AssignmentRow, today: date) -> dict[str, Any]:
    task = document.task_of(a.task_no)
    return {
        "task_ref": a.task_ref,
        "task_no": a.task_no,
        "title": task.title,
        "agency_code": a.agency_code,
        "agency_name": document.name_of(a.agency_code),
        "lead_group": a.lead_group,
        "status": a.state.status.value,
        "status_label": STATUS_LABELS[a.state.status],
        "percent": a.state.percent,
        "result_ref": a.state.result_ref,
        "expected_result": task.expected_result,
        "note": a.note,
        "blocked_reason": a.state.blocked_reason,
        "deadline_text": task.deadline_text,
        "deadline_kind": task.spec.kind.value,
        "due_on": a.due_on,
        "due_reason": a.due_reason,
        "done_on": a.state.done_on,
        "overdue": is_overdue(a, today),
        "days_left": (a.due_on - today).days if a.due_on else None,
        "last_reported_at": a.last_reported_at,
    }


def task(
    document: PlanDocument,
    task_no: int,
    rows: list[AssignmentRow],
    history: list[HistoryEntry],
    today: date,
) -> dict[str, Any]:
    definition = document.task_of(task_no)
    return {
        "plan_id": document.plan_id,
        "task_no": task_no,
        "title": definition.title,
        "lead": {"code": definition.lead, "name": document.name_of(definition.lead)},
        "coordinating": [{"code": c, "name": document.name_of(c)} for c in definition.coordinating],
        "deadline_text": definition.deadline_text,
        "deadline": definition.spec.model_dump(mode="json", exclude_defaults=True),
        "expected_result": definition.expected_result,
        "assignments": [assignment(document, a, today) for a in rows],
        "history": [
            {
                "agency_code": h.agency_code,
                "event_type": h.event_type,
                "at": h.at,
                "payload": h.payload,
            }
            for h in history
        ],
    }


def plan_summary(row: PlanRow, rows: list[AssignmentRow], today: date) -> dict[str, Any]:
    document = row.document
    by_status = Counter(a.state.status.value for a in rows)
    done = by_status[TaskStatus.DONE.value]
    tasks_done = sum(
        all(a.state.status is TaskStatus.DONE for a in rows if a.task_no == t.number)
        for t in document.tasks
    )
    overdue = [assignment(document, a, today) for a in rows if is_overdue(a, today)]
    soon = [
        assignment(document, a, today)
        for a in rows
        if a.state.status is not TaskStatus.DONE
        and a.due_on is not None
        and 0 <= (a.due_on - today).days <= 7
    ]
    return {
        "plan_id": document.plan_id,
        "title": document.title,
        "issuer": document.issuer,
        "based_on": document.based_on.text() if document.based_on else None,
        "issue_date": row.issue_date,
        "launch_date": row.launch_date,
        "as_of": today,
        "tasks": len(document.tasks),
        "tasks_done": tasks_done,
        "assignments": len(rows),
        "by_status": {s.value: by_status[s.value] for s in TaskStatus},
        "percent_done": round(100 * done / len(rows), 1) if rows else 0.0,
        "overdue_count": len(overdue),
        "overdue": overdue,
        "due_within_7_days": soon,
        "goals": [g.model_dump(mode="json", exclude_none=True) for g in document.goals],
    }


def agency_duties(
    document: PlanDocument, code: str, rows: list[AssignmentRow], today: date
) -> dict[str, Any]:
    agency = document.agency(code)
    if agency is None:
        raise KeyError(f"plan {document.plan_id} has no agency {code}")
    groups = [g.code for g in document.groups if code in g.resolve(document.agencies)]
    named = {code, *groups}
    return {
        "code": code,
        "name": agency.name,
        "kind": agency.kind.value,
        "groups": [{"code": g, "name": document.name_of(g)} for g in groups],
        "lead": [assignment(document, a, today) for a in rows if a.agency_code == code],
        "coordinating": [
            {
                "task_no": t.number,
                "title": t.title,
                "lead": document.name_of(t.lead),
                "deadline_text": t.deadline_text,
            }
            for t in document.tasks
            if named & set(t.coordinating) and t.lead != code
        ],
        "duties": [
            {"section": d.section, "text": d.text, "recurrence": d.recurrence}
            for d in document.duties
            if named & set(d.agencies)
        ],
        "monthly_report_due_day": document.monthly_reports.due_day_of_next_month
        if document.monthly_reports and code in document.monthly_reporters()
        else None,
        "ongoing_tasks": [
            a.task_no
            for a in rows
            if a.agency_code == code
            and (t := document.task(a.task_no)) is not None
            and t.spec.kind is DeadlineKind.ONGOING
        ],
    }
