"""The rules of an assignment's progress and status.

- a task is done only at 100% and, when the plan names an expected result, with that result
  referenced (a decision number and date...);
- progress never goes backwards without a reason, nor does a done task reopen without one;
- a blocked task says why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from pasc_contracts.events.plan import TaskStatus
from task_service.domain.errors import DomainError

STATUS_LABELS = {
    TaskStatus.NOT_STARTED: "Chưa thực hiện",
    TaskStatus.IN_PROGRESS: "Đang thực hiện",
    TaskStatus.DONE: "Hoàn thành",
    TaskStatus.BLOCKED: "Vướng mắc",
}


@dataclass(frozen=True)
class AssignmentState:
    status: TaskStatus = TaskStatus.NOT_STARTED
    percent: int = 0
    result_ref: str | None = None
    blocked_reason: str | None = None
    done_on: date | None = None


@dataclass(frozen=True)
class Progress:
    """A progress report as an agency (or the office, for its own tasks) gives it."""

    percent: int
    note: str | None = None
    result_ref: str | None = None
    reporter: str | None = None
    status: TaskStatus | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Outcome:
    before: AssignmentState
    after: AssignmentState
    reason: str | None

    @property
    def status_changed(self) -> bool:
        return self.before.status != self.after.status or (
            self.after.status is TaskStatus.BLOCKED
            and self.before.blocked_reason != self.after.blocked_reason
        )


def _clean(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def _check_percent(percent: int) -> None:
    if not 0 <= percent <= 100:
        raise DomainError("percent", f"tiến độ {percent}% không hợp lệ: phải từ 0 đến 100")


def _check_transition(
    state: AssignmentState,
    target: TaskStatus,
    *,
    reason: str | None,
    result_ref: str | None,
    expected_result: str | None,
) -> None:
    if target is TaskStatus.BLOCKED and not reason:
        raise DomainError("reason", "nhiệm vụ vướng mắc phải nêu lý do")
    if state.status is TaskStatus.DONE and target is not TaskStatus.DONE and not reason:
        raise DomainError("reason", "mở lại nhiệm vụ đã hoàn thành phải nêu lý do")
    if target is TaskStatus.DONE and expected_result and not result_ref:
        raise DomainError(
            "result_ref",
            f"nhiệm vụ chỉ hoàn thành khi có kết quả thực hiện «{expected_result}»:"
            " ghi số, ngày văn bản",
        )


def report_progress(
    state: AssignmentState, progress: Progress, *, expected_result: str | None, on: date
) -> Outcome:
    _check_percent(progress.percent)
    reason = _clean(progress.reason)
    if progress.percent < state.percent and not reason:
        raise DomainError(
            "reason",
            f"tiến độ giảm từ {state.percent}% xuống {progress.percent}%: phải nêu lý do",
        )
    target = progress.status or state.status
    if progress.status is None:
        if state.status is TaskStatus.NOT_STARTED and progress.percent > 0:
            target = TaskStatus.IN_PROGRESS
        elif state.status is TaskStatus.DONE and progress.percent < 100:
            target = TaskStatus.IN_PROGRESS
    if target is TaskStatus.DONE and progress.percent != 100:
        raise DomainError(
            "percent", f"nhiệm vụ hoàn thành phải đạt 100% (báo cáo {progress.percent}%)"
        )
    result_ref = _clean(progress.result_ref) or state.result_ref
    _check_transition(
        state, target, reason=reason, result_ref=result_ref, expected_result=expected_result
    )
    after = replace(
        state,
        status=target,
        percent=progress.percent,
        result_ref=result_ref,
        blocked_reason=reason if target is TaskStatus.BLOCKED else None,
        done_on=(state.done_on or on) if target is TaskStatus.DONE else None,
    )
    return Outcome(state, after, reason)


def change_status(
    state: AssignmentState,
    status: TaskStatus,
    *,
    reason: str | None,
    result_ref: str | None,
    expected_result: str | None,
    on: date,
) -> Outcome:
    reason = _clean(reason)
    result_ref = _clean(result_ref) or state.result_ref
    _check_transition(
        state, status, reason=reason, result_ref=result_ref, expected_result=expected_result
    )
    percent = state.percent
    if status is TaskStatus.DONE:
        percent = 100
    elif status is TaskStatus.NOT_STARTED:
        if state.percent > 0 and not reason:
            raise DomainError(
                "reason", f"đưa nhiệm vụ đang ở {state.percent}% về chưa thực hiện phải nêu lý do"
            )
        percent = 0
    after = replace(
        state,
        status=status,
        percent=percent,
        result_ref=result_ref,
        blocked_reason=reason if status is TaskStatus.BLOCKED else None,
        done_on=(state.done_on or on) if status is TaskStatus.DONE else None,
    )
    return Outcome(state, after, reason)
