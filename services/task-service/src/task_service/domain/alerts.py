"""Which deadline alerts are due today: reminders 7, 3 and 1 days before, overdue after, and the
monthly reports of section IV missing past their day. Each alert has a key; the scheduler emits
an alert once per key, so a key names the assignment (or agency and month), the threshold and
the due date it was computed for (a deadline that moves earns its reminders again)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from task_service.domain.calendar import month_key, months_between
from task_service.domain.plan import PlanDocument

THRESHOLDS = (1, 3, 7)


@dataclass(frozen=True)
class DeadlineAlert:
    key: str
    task_ref: str
    due_on: date
    overdue: bool
    days_left: int  # the threshold (7, 3, 1) for reminders; negative days once overdue


@dataclass(frozen=True)
class MissingReport:
    key: str
    plan_id: str
    agency_code: str
    month: str
    due_on: date


def deadline_alert(task_ref: str, due_on: date, today: date) -> DeadlineAlert | None:
    """The one alert that applies today: the overdue one, or the tightest reminder reached.

    A reminder whose moment passed while the service was down is not sent late: at 2 days
    left only the 3-day reminder is due, not the 7-day one.
    """
    days_left = (due_on - today).days
    if days_left < 0:
        return DeadlineAlert(f"overdue:{task_ref}:{due_on}", task_ref, due_on, True, days_left)
    for threshold in THRESHOLDS:
        if days_left <= threshold:
            key = f"due_soon:{task_ref}:{threshold}:{due_on}"
            return DeadlineAlert(key, task_ref, due_on, False, threshold)
    return None


def missing_reports(
    plan: PlanDocument,
    issue_date: date | None,
    received: Collection[tuple[str, str]],
    today: date,
    ended: Mapping[str, date] | None = None,
) -> list[MissingReport]:
    """(agency, month) pairs owed since the plan's issue month, past their day, not received.
    An agency that ended (merged, renamed, split, closed: `ended`, from its effective date)
    owes no report due from that day: its successor reports."""
    if plan.monthly_reports is None or issue_date is None:
        return []
    missing = []
    for year, month in months_between(
        (issue_date.year, issue_date.month), (today.year, today.month)
    ):
        due = plan.monthly_report_due(year, month)
        if due is None or due >= today:
            continue
        key = month_key(year, month)
        for agency in plan.monthly_reporters():
            if ended and agency in ended and ended[agency] <= due:
                continue
            if (agency, key) not in received:
                missing.append(
                    MissingReport(
                        f"monthly_missing:{plan.plan_id}:{agency}:{key}",
                        plan.plan_id,
                        agency,
                        key,
                        due,
                    )
                )
    return missing
