"""Which alert is due on a day: reminders 7, 3 and 1 days before, overdue after, monthly reports."""

from __future__ import annotations

from datetime import date, timedelta

from task_service.domain.alerts import DeadlineAlert, deadline_alert, missing_reports
from task_service.domain.plan import PlanDocument

DUE = date(2023, 4, 27)
REF = "cantho-2023:3:VPUBND"


def on(days_before: int) -> date:
    return DUE - timedelta(days=days_before)


def due_alert(due: date, today: date) -> DeadlineAlert:
    """The alert of a day that has one."""
    alert = deadline_alert(REF, due, today)
    assert alert is not None, today
    return alert


def test_nothing_more_than_a_week_before() -> None:
    assert deadline_alert(REF, DUE, on(8)) is None


def test_reminders_at_7_3_and_1_days() -> None:
    keys = {due_alert(DUE, on(d)).key for d in range(7, -1, -1)}
    assert keys == {
        f"due_soon:{REF}:7:2023-04-27",
        f"due_soon:{REF}:3:2023-04-27",
        f"due_soon:{REF}:1:2023-04-27",
    }
    assert due_alert(DUE, on(5)).days_left == 7
    assert due_alert(DUE, DUE).days_left == 1


def test_a_reminder_missed_while_down_is_not_sent_late() -> None:
    alert = deadline_alert(REF, DUE, on(2))
    assert alert is not None and alert.days_left == 3


def test_overdue_the_day_after_the_due_date_and_once() -> None:
    first = deadline_alert(REF, DUE, DUE + timedelta(days=1))
    later = deadline_alert(REF, DUE, DUE + timedelta(days=9))
    assert first is not None and later is not None
    assert first.overdue and first.days_left == -1
    assert first.key == later.key == f"overdue:{REF}:2023-04-27"


def test_a_moved_deadline_earns_its_reminders_again() -> None:
    moved = DUE + timedelta(days=21)
    assert due_alert(moved, moved - timedelta(days=7)).key != due_alert(DUE, on(7)).key


def test_monthly_reports_owed_from_the_issue_month(plan: PlanDocument) -> None:
    issued = date(2023, 3, 10)
    assert missing_reports(plan, None, set(), date(2023, 6, 1)) == []
    # 5 April: March's report is due today, not missing yet.
    assert missing_reports(plan, issued, set(), date(2023, 4, 5)) == []
    missing = missing_reports(plan, issued, {("SXD", "2023-03")}, date(2023, 4, 6))
    assert len(missing) == 18
    assert all(m.month == "2023-03" and m.due_on == date(2023, 4, 5) for m in missing)
    assert "SXD" not in {m.agency_code for m in missing}
    assert "VPUBND" not in {m.agency_code for m in missing}  # it receives them
    assert missing[0].key == "monthly_missing:cantho-2023:STC:2023-03"
    by_june = missing_reports(plan, issued, set(), date(2023, 6, 6))
    assert {m.month for m in by_june} == {"2023-03", "2023-04", "2023-05"}


def test_an_agency_that_ended_owes_no_report_due_after_it_did(plan: PlanDocument) -> None:
    issued = date(2023, 3, 10)
    merged = {"SKHDT": date(2023, 5, 1)}  # into STC, say
    missing = missing_reports(plan, issued, set(), date(2023, 6, 6), merged)
    skhdt = {m.month for m in missing if m.agency_code == "SKHDT"}
    assert skhdt == {"2023-03"}  # April's and May's were due after 1 May
    assert {m.month for m in missing if m.agency_code == "STC"} == {"2023-03", "2023-04", "2023-05"}
