"""Each kind of deadline the plan states, and the due date it gives once its anchor is known."""

from __future__ import annotations

from datetime import date

import pytest

from pasc_contracts.events.plan import DeadlineKind
from task_service.domain.calendar import add_working_days, is_working_day
from task_service.domain.deadlines import Anchors, DeadlineTextError, parse_deadline
from task_service.domain.plan import PlanDocument

K = DeadlineKind


@pytest.mark.parametrize(
    ("text", "kind", "fields"),
    [
        ("Trước ngày 30 tháng 3 năm 2023", K.FIXED_DATE, {"on": date(2023, 3, 29)}),
        (
            "Dự kiến trước ngày 30 tháng 4 năm 2023",
            K.FIXED_DATE,
            {"on": date(2023, 4, 29), "tentative": True},
        ),
        ("Trước ngày 15/4/2023", K.FIXED_DATE, {"on": date(2023, 4, 14)}),
        ("Hoàn thành ngày 15 tháng 4 năm 2023", K.FIXED_DATE, {"on": date(2023, 4, 15)}),
        ("Tháng 3 năm 2023", K.END_OF_MONTH, {"year": 2023, "month": 3}),
        (
            "Theo thời gian đề nghị của cơ quan lập dự toán; hoàn thành chậm nhất trong tháng 3 năm 2023.",
            K.END_OF_MONTH,
            {"year": 2023, "month": 3},
        ),
        ("Năm 2023", K.YEAR, {"year": 2023}),
        ("Chậm nhất 20 ngày kể từ ngày Kế hoạch ban hành", K.RELATIVE_TO_ISSUE, {"days": 20}),
        (
            "Chậm nhất 10 ngày làm việc kể từ ngày Kế hoạch ban hành",
            K.RELATIVE_TO_ISSUE,
            {"days": 10, "working_days": True},
        ),
        ("Trước ngày Trung tâm ra mắt", K.BEFORE_LAUNCH, {}),
        ("Trước thời gian ra mắt Trung tâm", K.BEFORE_LAUNCH, {}),
        ("Sau khi tổ chức tiếp nhận 100% thủ tục hành chính tại Trung tâm", K.CONDITIONAL, {}),
        ("Thường xuyên", K.ONGOING, {}),
        ("THƯỜNG XUYÊN", K.ONGOING, {}),
    ],
)
def test_deadline_texts_parse_to_their_kind(text: str, kind: DeadlineKind, fields: dict) -> None:
    spec = parse_deadline(text)
    assert spec.kind is kind
    for name, value in fields.items():
        assert getattr(spec, name) == value


@pytest.mark.parametrize(
    "text",
    [
        "Khi nào xong thì thôi",
        "Trước ngày 31 tháng 2 năm 2023",  # no such day
        "Tháng 13 năm 2023",
        "Thực hiện đồng thời với nhiệm vụ bố trí trụ sở",  # which task: the file must say
    ],
)
def test_texts_that_state_no_deadline_we_know_are_refused(text: str) -> None:
    with pytest.raises(DeadlineTextError):
        parse_deadline(text)


def due(plan: PlanDocument, anchors: Anchors, task_no: int, agency: str = "VPUBND") -> date | None:
    return plan.due_dates(anchors)[(task_no, agency)].on


def test_fixed_month_and_year_deadlines_need_no_anchor(plan: PlanDocument) -> None:
    anchors = Anchors()
    assert due(plan, anchors, 4, "SXD") == date(2023, 3, 29)  # trước ngày 30/3
    assert due(plan, anchors, 5) == date(2023, 4, 14)
    assert due(plan, anchors, 1) == date(2023, 3, 31)  # tháng 3 năm 2023
    assert due(plan, anchors, 2, "STC") == date(2023, 3, 31)  # chậm nhất trong tháng 3
    assert due(plan, anchors, 17, "STTTT") == date(2023, 12, 31)  # năm 2023
    assert due(plan, anchors, 22, "SNV") == date(2023, 12, 31)


def test_relative_deadlines_wait_for_the_issue_date(plan: PlanDocument) -> None:
    assert due(plan, Anchors(), 13) is None
    reason = plan.due_dates(Anchors())[(13, "VPUBND")].reason
    assert reason == "chờ ngày ban hành Kế hoạch"
    issued = Anchors(issue_date=date(2023, 3, 10))
    for task_no in (13, 14, 15, 20):
        assert due(plan, issued, task_no) == date(2023, 3, 30)  # 20 calendar days


def test_working_days_skip_weekends_and_vietnams_holidays() -> None:
    # 28/4/2023 is a Friday; 29/4-3/5 are Hùng Kings', Reunification, Labour day and the
    # days off in lieu: the fifth working day after is Wednesday 10 May.
    assert not is_working_day(date(2023, 5, 2))
    assert add_working_days(date(2023, 4, 28), 5) == date(2023, 5, 10)
    assert add_working_days(date(2023, 3, 10), 5) == date(2023, 3, 17)


def test_working_day_deadline_uses_the_holiday_calendar(seed_document: dict) -> None:
    document = {**seed_document, "tasks": [dict(t) for t in seed_document["tasks"]]}
    document["tasks"][12]["deadline_text"] = (
        "Chậm nhất 5 ngày làm việc kể từ ngày Kế hoạch ban hành"
    )
    plan = PlanDocument.model_validate(document)
    assert due(plan, Anchors(issue_date=date(2023, 4, 28)), 13) == date(2023, 5, 10)


def test_before_launch_follows_task_23_and_moves_with_the_launch_date(plan: PlanDocument) -> None:
    # Before a launch date is set, task 23's own estimate ("Dự kiến trước ngày 30/4") anchors.
    estimate = Anchors()
    assert due(plan, estimate, 23) == date(2023, 4, 29)
    assert due(plan, estimate, 3) == date(2023, 4, 28)
    assert due(plan, estimate, 8) == date(2023, 4, 28)
    set_ = Anchors(launch_date=date(2023, 4, 25))
    assert due(plan, set_, 23) == date(2023, 4, 25)
    assert due(plan, set_, 3) == date(2023, 4, 24)
    moved = Anchors(launch_date=date(2023, 5, 19))
    assert due(plan, moved, 23) == date(2023, 5, 19)
    assert due(plan, moved, 3) == date(2023, 5, 18)
    assert due(plan, moved, 8) == date(2023, 5, 18)


def test_concurrent_task_shares_its_partners_due_date(plan: PlanDocument) -> None:
    for anchors in (Anchors(), Anchors(launch_date=date(2023, 5, 19))):
        assert due(plan, anchors, 16, "STTTT") == due(plan, anchors, 3)
    reason = plan.due_dates(Anchors())[(16, "STTTT")].reason
    assert reason.startswith("đồng thời với nhiệm vụ 3")


def test_conditional_task_11_is_due_per_department_once_fully_onboarded(plan: PlanDocument) -> None:
    assert due(plan, Anchors(), 11, "SXD") is None
    anchors = Anchors(onboarded={"SXD": date(2023, 6, 1)})
    assert due(plan, anchors, 11, "SXD") == date(2023, 6, 1)
    assert due(plan, anchors, 11, "SYT") is None  # each department on its own


def test_task_11_is_never_due_before_the_launch(plan: PlanDocument) -> None:
    # The catalog decisions of April 2023 brought 16 departments to 100% before the Center
    # opened on 28/04/2023: nothing is received there, so nothing is due, before that day.
    decided = {code: date(2023, 4, 15) for code in plan.members("CQTTHC")}
    launched = Anchors(launch_date=date(2023, 4, 28), onboarded=decided)
    for code in plan.members("CQTTHC"):
        assert due(plan, launched, 11, code) == date(2023, 4, 28)
    reason = plan.due_dates(launched)[(11, "SXD")].reason
    assert "15/04/2023" in reason and "ra mắt 28/04/2023" in reason
    # The launch moved: the deadline moves with it.
    moved = Anchors(launch_date=date(2023, 5, 19), onboarded=decided)
    assert due(plan, moved, 11, "SXD") == date(2023, 5, 19)
    # No launch date yet: the launch task's own estimate (before 30/4) is the earliest day.
    assert due(plan, Anchors(onboarded=decided), 11, "SXD") == date(2023, 4, 29)
    # A department brought to 100% after the launch is due that day.
    later = Anchors(launch_date=date(2023, 4, 28), onboarded={"SXD": date(2023, 6, 1)})
    assert due(plan, later, 11, "SXD") == date(2023, 6, 1)


def test_ongoing_tasks_have_no_end_date(plan: PlanDocument) -> None:
    anchors = Anchors(issue_date=date(2023, 3, 10), launch_date=date(2023, 4, 28))
    for task_no, agency in ((6, "SXD"), (7, "VPUBND"), (12, "STTTT"), (21, "VPUBND")):
        assert due(plan, anchors, task_no, agency) is None


def test_monthly_reports_are_due_the_fifth_of_the_next_month(plan: PlanDocument) -> None:
    assert plan.monthly_report_due(2023, 4) == date(2023, 5, 5)
    assert plan.monthly_report_due(2023, 12) == date(2024, 1, 5)
