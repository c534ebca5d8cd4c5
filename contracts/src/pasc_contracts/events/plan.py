"""task-service's events (the plan and its tasks) and the agencies' submissions the gateway relays."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from pasc_contracts.envelope import Contract, Event


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"


class DeadlineKind(StrEnum):
    FIXED_DATE = "fixed_date"
    END_OF_MONTH = "end_of_month"
    YEAR = "year"
    RELATIVE_TO_ISSUE = "relative_to_issue"
    BEFORE_LAUNCH = "before_launch"
    CONCURRENT_WITH = "concurrent_with"
    CONDITIONAL = "conditional"
    ONGOING = "ongoing"


class TaskRef(Contract):
    """One assignment: a task of a plan, for one agency (a group task fans out per department)."""

    task_ref: str = Field(min_length=1, description="'{plan_id}:{task_no}:{agency_code}'")
    plan_id: str = Field(min_length=1)
    task_no: int = Field(ge=1)
    agency_code: str = Field(min_length=1)


class TaskRegistration(TaskRef):
    title: str = Field(min_length=1)
    coordinating_agencies: list[str] = Field(default_factory=list)
    deadline_text: str
    deadline_kind: DeadlineKind
    expected_result: str | None = None
    lead_group: str | None = Field(
        default=None,
        description="The group the plan names as lead (e.g. SBN, 'Sở, ban ngành') when fanned out.",
    )
    concurrent_with_task: int | None = Field(
        default=None, ge=1, description="For concurrent_with deadlines: the task it follows."
    )


class TaskWithdrawal(TaskRef):
    """An assignment no longer in the plan (a revised plan removed the task or the agency)."""

    reason: str = Field(min_length=1)


class DeadlineComputed(TaskRef):
    due_on: date | None = Field(
        description="None while the anchor is unknown, or for ongoing tasks."
    )
    previous_due_on: date | None = None
    reason: str


class ProgressReport(TaskRef):
    percent: int = Field(ge=0, le=100)
    note: str | None = None
    result_ref: str | None = Field(default=None, description="e.g. a decision number and date")
    reporter: str | None = None
    reported_at: AwareDatetime
    previous_percent: int | None = Field(default=None, ge=0, le=100)
    reason: str | None = Field(default=None, description="Why the progress went backwards.")


class StatusChange(TaskRef):
    status: TaskStatus
    previous_status: TaskStatus | None = None
    reason: str | None = None


class TaskReassignment(TaskRef):
    """An open assignment of an agency that ended (merged, renamed, split, closed with a
    successor), handed to its successor once, from the lineage's effective date.

    `task_ref`/`agency_code` are the successor's assignment; `from_task_ref` the predecessor's,
    which leaves the plan. Where the successor already had the task (a task of every
    department), the predecessor's assignment joins it (`joined_existing`) and its state stays
    the successor's; otherwise the successor's new assignment starts from the predecessor's."""

    from_task_ref: str = Field(min_length=1)
    from_agency_code: str = Field(min_length=1)
    lineage_kind: str = Field(min_length=1, description="rename, merge, split or close")
    decision_no: str = Field(min_length=1)
    effective_from: date
    joined_existing: bool = False
    title: str = Field(min_length=1)
    deadline_text: str
    status: TaskStatus
    percent: int = Field(ge=0, le=100)
    result_ref: str | None = None
    due_on: date | None = None


class DeadlineAlert(TaskRef):
    due_on: date
    days_left: int = Field(description="7, 3, 1 before; negative or 0 when overdue")


class MonthlyReport(Contract):
    report_ref: str = Field(min_length=1, description="'{plan_id}:{agency_code}:{YYYY-MM}'")
    plan_id: str = Field(min_length=1)
    agency_code: str = Field(min_length=1)
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    summary: str | None = None
    submitted_at: AwareDatetime | None = None
    due_on: date | None = Field(default=None, description="When the month's report was due.")


class ProgressSubmission(Contract):
    """An agency's progress report as received by the gateway (the agency is authenticated)."""

    agency_code: str = Field(min_length=1, description="From the authenticated API key.")
    plan_id: str = Field(min_length=1)
    task_no: int = Field(ge=1)
    percent: int = Field(ge=0, le=100)
    status: TaskStatus | None = None
    note: str | None = None
    result_ref: str | None = None
    reporter: str | None = None
    submitted_at: AwareDatetime
    reason: str | None = Field(
        default=None, description="Required when progress goes backwards or the task is blocked."
    )


class MonthlyReportSubmission(Contract):
    agency_code: str = Field(min_length=1, description="From the authenticated API key.")
    plan_id: str = Field(min_length=1)
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    summary: str = Field(min_length=1)
    submitted_at: AwareDatetime


class PlanDuty(Contract):
    """A standing duty of section IV (e.g. monthly reports from every department)."""

    section: str = Field(min_length=1, examples=["IV.1.c"])
    agencies: list[str] = Field(description="Agency or group codes the duty falls on.")
    text: str = Field(min_length=1)


class PlanInfo(Contract):
    """A plan as loaded: its identity, goals and duties (the tasks travel on plan.tasks.v1)."""

    plan_id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    issuer: str | None = None
    based_on: str | None = Field(default=None, description="e.g. the decision the plan implements")
    goals: list[str] = Field(default_factory=list)
    duties: list[PlanDuty] = Field(default_factory=list)
    task_count: int = Field(ge=0)
    assignment_count: int = Field(ge=0)
    issue_date: date | None = None
    launch_date: date | None = None


class PlanDateSet(Contract):
    plan_id: str = Field(min_length=1)
    new_date: date
    previous_date: date | None = None


_REF: dict[str, Any] = {
    "task_ref": "cantho-2023:4:SXD",
    "plan_id": "cantho-2023",
    "task_no": 4,
    "agency_code": "SXD",
}


class TaskRegistered(Event[TaskRegistration]):
    event_type: Literal["task.registered"] = "task.registered"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        **_REF,
        "title": "Rà soát, đề xuất những thủ tục hành chính thực hiện và không thực hiện tiếp nhận tại Trung tâm",
        "coordinating_agencies": ["VPUBND"],
        "deadline_text": "Trước ngày 30 tháng 3 năm 2023",
        "deadline_kind": "fixed_date",
        "expected_result": "Danh mục thủ tục hành chính tiếp nhận tại Trung tâm",
    }


class TaskDeadlineComputed(Event[DeadlineComputed]):
    event_type: Literal["task.deadline_computed"] = "task.deadline_computed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**_REF, "due_on": "2023-03-29", "reason": "fixed date"}


class TaskProgressReported(Event[ProgressReport]):
    event_type: Literal["task.progress_reported"] = "task.progress_reported"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**_REF, "percent": 60, "reported_at": "2023-03-20T09:00:00+07:00"}


class TaskStatusChanged(Event[StatusChange]):
    event_type: Literal["task.status_changed"] = "task.status_changed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**_REF, "status": "in_progress", "previous_status": "not_started"}


class TaskDueSoon(Event[DeadlineAlert]):
    event_type: Literal["task.due_soon"] = "task.due_soon"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**_REF, "due_on": "2023-03-29", "days_left": 3}


class TaskOverdue(Event[DeadlineAlert]):
    event_type: Literal["task.overdue"] = "task.overdue"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**_REF, "due_on": "2023-03-29", "days_left": 0}


_MONTHLY: dict[str, Any] = {
    "report_ref": "cantho-2023:SXD:2023-04",
    "plan_id": "cantho-2023",
    "agency_code": "SXD",
    "month": "2023-04",
}


class MonthlyReportReceived(Event[MonthlyReport]):
    event_type: Literal["monthly_report.received"] = "monthly_report.received"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        **_MONTHLY,
        "summary": "Đã rà soát 80 thủ tục",
        "submitted_at": "2023-05-02T10:00:00+07:00",
    }


class MonthlyReportMissing(Event[MonthlyReport]):
    event_type: Literal["monthly_report.missing"] = "monthly_report.missing"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = _MONTHLY


class ProgressSubmitted(Event[ProgressSubmission]):
    event_type: Literal["plan.progress_submitted"] = "plan.progress_submitted"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "agency_code": "SXD",
        "plan_id": "cantho-2023",
        "task_no": 4,
        "percent": 60,
        "note": "Đang rà soát",
        "submitted_at": "2023-03-20T09:00:00+07:00",
    }


class MonthlyReportSubmitted(Event[MonthlyReportSubmission]):
    event_type: Literal["plan.monthly_report_submitted"] = "plan.monthly_report_submitted"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "agency_code": "SXD",
        "plan_id": "cantho-2023",
        "month": "2023-04",
        "summary": "Đã rà soát 80 thủ tục",
        "submitted_at": "2023-05-02T10:00:00+07:00",
    }


class TaskChanged(Event[TaskRegistration]):
    """A revised plan changed the task's text, agencies or deadline: the new registration."""

    event_type: Literal["task.changed"] = "task.changed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**TaskRegistered.EXAMPLE_PAYLOAD, "deadline_text": "Tháng 4 năm 2023"}


class TaskReassigned(Event[TaskReassignment]):
    """An open assignment of a merged, renamed, split or closed agency moved to its successor."""

    event_type: Literal["task.reassigned"] = "task.reassigned"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "task_ref": "cantho-2023:5:STC",
        "plan_id": "cantho-2023",
        "task_no": 5,
        "agency_code": "STC",
        "from_task_ref": "cantho-2023:5:SKHDT",
        "from_agency_code": "SKHDT",
        "lineage_kind": "merge",
        "decision_no": "500/QĐ-UBND",
        "effective_from": "2025-03-01",
        "title": "Rà soát quy trình nội bộ",
        "deadline_text": "Trước ngày 28 tháng 4 năm 2023",
        "status": "in_progress",
        "percent": 60,
    }


class TaskWithdrawn(Event[TaskWithdrawal]):
    event_type: Literal["task.withdrawn"] = "task.withdrawn"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**_REF, "reason": "Kế hoạch điều chỉnh không còn nhiệm vụ này"}


_PLAN: dict[str, Any] = {
    "plan_id": "cantho-2023",
    "title": "Kế hoạch triển khai thực hiện Quyết định thành lập Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
    "issuer": "Ủy ban nhân dân thành phố Cần Thơ",
    "based_on": "Quyết định số 595/QĐ-UBND ngày 06/3/2023",
    "goals": [
        "100% thủ tục hành chính cấp thành phố ... được tiếp nhận hồ sơ và trả kết quả tại Trung tâm."
    ],
    "duties": [
        {
            "section": "IV.1.c",
            "agencies": ["SBN"],
            "text": "Định kỳ hằng tháng ... báo cáo tình hình, kết quả thực hiện Kế hoạch này",
        }
    ],
    "task_count": 23,
    "assignment_count": 113,
}


class PlanRegistered(Event[PlanInfo]):
    event_type: Literal["plan.registered"] = "plan.registered"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = _PLAN


class PlanRevised(Event[PlanInfo]):
    """A plan loaded again with changes (goals, duties, title, tasks)."""

    event_type: Literal["plan.revised"] = "plan.revised"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**_PLAN, "task_count": 24, "assignment_count": 114}


class PlanIssueDateSet(Event[PlanDateSet]):
    event_type: Literal["plan.issue_date_set"] = "plan.issue_date_set"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {"plan_id": "cantho-2023", "new_date": "2023-03-15"}


class PlanLaunchDateSet(Event[PlanDateSet]):
    """The Center's launch date (task 23's date): every 'before the launch' deadline follows it."""

    event_type: Literal["plan.launch_date_set"] = "plan.launch_date_set"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "plan_id": "cantho-2023",
        "new_date": "2023-04-28",
        "previous_date": "2023-04-29",
    }
