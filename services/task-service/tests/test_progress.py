"""The rules of progress and status: done needs the result, no going back without a reason."""

from __future__ import annotations

from datetime import date

import pytest

from pasc_contracts.events.plan import TaskStatus
from task_service.domain.errors import DomainError
from task_service.domain.progress import AssignmentState, Progress, change_status, report_progress

TODAY = date(2023, 4, 20)
RESULT = "Quyết định ban hành Quy chế."


def progress(state: AssignmentState, **kwargs: object) -> AssignmentState:
    return report_progress(
        state,
        Progress(**kwargs),
        expected_result=RESULT,
        on=TODAY,
    ).after


def test_first_progress_starts_the_task() -> None:
    after = progress(AssignmentState(), percent=30, note="Đang dự thảo")
    assert (after.status, after.percent) == (TaskStatus.IN_PROGRESS, 30)


def test_progress_never_goes_backwards_without_a_reason() -> None:
    state = AssignmentState(TaskStatus.IN_PROGRESS, 60)
    with pytest.raises(DomainError) as err:
        progress(state, percent=40)
    assert err.value.field == "reason"
    assert "60% xuống 40%" in err.value.reason
    assert progress(state, percent=40, reason="Phải dự thảo lại theo góp ý").percent == 40


@pytest.mark.parametrize("percent", [-1, 101, 150])
def test_percent_out_of_range_is_refused(percent: int) -> None:
    with pytest.raises(DomainError) as err:
        progress(AssignmentState(), percent=percent)
    assert err.value.field == "percent"


def test_done_only_with_the_expected_result_referenced() -> None:
    state = AssignmentState(TaskStatus.IN_PROGRESS, 90)
    with pytest.raises(DomainError) as err:
        progress(state, percent=100, status=TaskStatus.DONE)
    assert err.value.field == "result_ref"
    assert RESULT in err.value.reason
    after = progress(
        state,
        percent=100,
        status=TaskStatus.DONE,
        result_ref="Quyết định số 800/QĐ-UBND ngày 28/3/2023",
    )
    assert (after.status, after.done_on) == (TaskStatus.DONE, TODAY)


def test_done_without_a_named_result_needs_none() -> None:
    outcome = change_status(
        AssignmentState(TaskStatus.IN_PROGRESS, 50),
        TaskStatus.DONE,
        reason=None,
        result_ref=None,
        expected_result=None,  # tasks 18 and 22 name no result
        on=TODAY,
    )
    assert (outcome.after.status, outcome.after.percent) == (TaskStatus.DONE, 100)


def test_done_means_100_percent() -> None:
    with pytest.raises(DomainError) as err:
        progress(AssignmentState(), percent=80, status=TaskStatus.DONE, result_ref="QĐ 1")
    assert err.value.field == "percent"


def test_blocked_needs_a_reason_and_keeps_it() -> None:
    with pytest.raises(DomainError) as err:
        change_status(
            AssignmentState(),
            TaskStatus.BLOCKED,
            reason=" ",
            result_ref=None,
            expected_result=None,
            on=TODAY,
        )
    assert err.value.field == "reason"
    outcome = change_status(
        AssignmentState(TaskStatus.IN_PROGRESS, 40),
        TaskStatus.BLOCKED,
        reason="Chưa được bố trí kinh phí",
        result_ref=None,
        expected_result=None,
        on=TODAY,
    )
    assert outcome.after.blocked_reason == "Chưa được bố trí kinh phí"
    assert outcome.status_changed


def test_reopening_a_done_task_needs_a_reason() -> None:
    done = AssignmentState(TaskStatus.DONE, 100, result_ref="QĐ 1", done_on=TODAY)
    with pytest.raises(DomainError):
        change_status(
            done,
            TaskStatus.IN_PROGRESS,
            reason=None,
            result_ref=None,
            expected_result=RESULT,
            on=TODAY,
        )
    with pytest.raises(DomainError):
        progress(done, percent=80)
    reopened = progress(done, percent=80, reason="Quyết định bị thay thế")
    assert (reopened.status, reopened.done_on) == (TaskStatus.IN_PROGRESS, None)


def test_the_same_status_again_changes_nothing() -> None:
    outcome = change_status(
        AssignmentState(TaskStatus.IN_PROGRESS, 40),
        TaskStatus.IN_PROGRESS,
        reason=None,
        result_ref=None,
        expected_result=RESULT,
        on=TODAY,
    )
    assert not outcome.status_changed
