"""A plan as a document: its agencies, goals, duties and tasks; validated as a whole.

The document is what `pasc plan load FILE` sends. Loading the same document twice changes
nothing; a different one is compared with the stored one (see `loading.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pasc_contracts.events.plan import DeadlineKind, PlanDuty, PlanInfo, TaskRegistration
from task_service.domain.agencies import Agency, AgencyGroup, AgencyKind
from task_service.domain.deadlines import (
    Anchors,
    DeadlineSpec,
    DeadlineTextError,
    Due,
    compute_due,
    parse_deadline,
)

PLAN_ID = r"^[a-z0-9][a-z0-9-]{1,62}$"


def task_ref(plan_id: str, task_no: int, agency_code: str) -> str:
    return f"{plan_id}:{task_no}:{agency_code}"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BasedOn(_Strict):
    document: str = Field(min_length=1)
    signed_on: date
    subject: str | None = None

    def text(self) -> str:
        return f"{self.document} ngày {self.signed_on:%d/%m/%Y}"


class Goal(_Strict):
    kind: Literal["general", "specific"]
    text: str = Field(min_length=1)
    target_percent: int | None = Field(default=None, ge=0, le=100)
    indicator: str | None = None


class Duty(_Strict):
    section: str = Field(min_length=1)
    agencies: tuple[str, ...] = Field(min_length=1)
    text: str = Field(min_length=1)
    recurrence: Literal["monthly"] | None = None


class MonthlyReporting(_Strict):
    duty: str = Field(min_length=1, description="The duty's section, e.g. IV.1.c")
    due_day_of_next_month: int = Field(ge=1, le=28)


class TaskDef(_Strict):
    number: int = Field(ge=1, le=999)
    title: str = Field(min_length=1)
    lead: str = Field(min_length=1, description="An agency code or a group code")
    coordinating: tuple[str, ...] = ()
    deadline_text: str = Field(min_length=1)
    deadline: DeadlineSpec = Field(description="Parsed from deadline_text unless given")
    expected_result: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _deadline_from_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("deadline") is None:
            text = data.get("deadline_text")
            if isinstance(text, str) and text.strip():
                try:
                    data = {**data, "deadline": parse_deadline(text)}
                except DeadlineTextError as exc:
                    raise ValueError(str(exc)) from exc
        return data

    @property
    def spec(self) -> DeadlineSpec:
        return self.deadline


@dataclass(frozen=True)
class AssignmentDef:
    """One agency's share of a task (a group task fans out, one per member)."""

    plan_id: str
    task_no: int
    agency_code: str
    lead_group: str | None

    @property
    def ref(self) -> str:
        return task_ref(self.plan_id, self.task_no, self.agency_code)


class PlanDocument(_Strict):
    plan_id: str = Field(pattern=PLAN_ID)
    title: str = Field(min_length=1)
    issuer: str | None = None
    signer: str | None = None
    based_on: BasedOn | None = None
    office: str = Field(min_length=1, description="The office that runs the plan and reports")
    place: str | None = Field(default=None, description="Where the office's reports are dated")
    office_letterhead: tuple[str, ...] = Field(
        default=(), max_length=2, description="The two letterhead lines of the office's reports"
    )
    office_signer_title: str | None = None
    launch_task: int | None = Field(default=None, description="The task whose date is the launch")
    issue_date: date | None = None
    launch_date: date | None = None
    agencies: tuple[Agency, ...] = Field(min_length=1)
    groups: tuple[AgencyGroup, ...] = ()
    goals: tuple[Goal, ...] = ()
    duties: tuple[Duty, ...] = ()
    monthly_reports: MonthlyReporting | None = None
    tasks: tuple[TaskDef, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        codes = [a.code for a in self.agencies] + [g.code for g in self.groups]
        if duplicated := sorted({c for c in codes if codes.count(c) > 1}):
            raise ValueError(f"mã cơ quan trùng nhau: {', '.join(duplicated)}")
        known = set(codes)
        agency_codes = {a.code for a in self.agencies}
        for group in self.groups:
            if unknown := [m for m in group.members if m not in agency_codes]:
                raise ValueError(f"nhóm {group.code}: không có cơ quan {', '.join(unknown)}")
        if self.office not in agency_codes:
            raise ValueError(f"office: không có cơ quan {self.office}")
        numbers = [t.number for t in self.tasks]
        if duplicated_no := sorted({n for n in numbers if numbers.count(n) > 1}):
            raise ValueError(f"số nhiệm vụ trùng nhau: {duplicated_no}")
        for task in self.tasks:
            if task.lead not in known:
                raise ValueError(f"nhiệm vụ {task.number}: cơ quan thực hiện {task.lead} không có")
            if unknown := [c for c in task.coordinating if c not in known]:
                raise ValueError(f"nhiệm vụ {task.number}: cơ quan phối hợp {unknown} không có")
            if task.lead in self._group_codes and not self.members(task.lead):
                raise ValueError(f"nhiệm vụ {task.number}: nhóm {task.lead} không có thành viên")
            if task.spec.kind is DeadlineKind.CONCURRENT_WITH:
                self._check_follow_chain(task)
        if self.launch_task is not None:
            launch = self.task(self.launch_task)
            if launch is None:
                raise ValueError(f"launch_task: không có nhiệm vụ {self.launch_task}")
            if launch.spec.kind in (DeadlineKind.BEFORE_LAUNCH, DeadlineKind.CONCURRENT_WITH):
                raise ValueError("launch_task: ngày ra mắt không thể tính theo chính nó")
        for duty in self.duties:
            if unknown := [c for c in duty.agencies if c not in known]:
                raise ValueError(f"nhiệm vụ chung {duty.section}: cơ quan {unknown} không có")
        if self.monthly_reports and self.monthly_reports.duty not in {
            d.section for d in self.duties
        }:
            raise ValueError(f"monthly_reports.duty: không có mục {self.monthly_reports.duty}")
        if self.issue_date and self.based_on and self.issue_date < self.based_on.signed_on:
            raise ValueError("issue_date: Kế hoạch không thể ban hành trước văn bản căn cứ")
        if self.issue_date and self.launch_date and self.launch_date < self.issue_date:
            raise ValueError("launch_date: ngày ra mắt không thể trước ngày ban hành Kế hoạch")
        return self

    def _check_follow_chain(self, task: TaskDef) -> None:
        seen = [task.number]
        current: TaskDef | None = task
        while current is not None and current.spec.kind is DeadlineKind.CONCURRENT_WITH:
            target = current.spec.task_no
            if target not in {t.number for t in self.tasks}:
                raise ValueError(
                    f"nhiệm vụ {current.number}: thời hạn theo nhiệm vụ {target} không có"
                )
            if target in seen:
                raise ValueError(f"nhiệm vụ {task.number}: thời hạn theo nhau thành vòng {seen}")
            seen.append(target)
            current = self.task_of(target)

    # -- lookups ---------------------------------------------------------------------------

    @cached_property
    def _group_codes(self) -> dict[str, AgencyGroup]:
        return {g.code: g for g in self.groups}

    @cached_property
    def _agencies(self) -> dict[str, Agency]:
        return {a.code: a for a in self.agencies}

    def agency(self, code: str) -> Agency | None:
        return self._agencies.get(code)

    def name_of(self, code: str) -> str:
        if code in self._agencies:
            return self._agencies[code].name
        if code in self._group_codes:
            return self._group_codes[code].name
        return code

    def members(self, code: str) -> tuple[str, ...]:
        """An agency code stands for itself; a group code for its members."""
        group = self._group_codes.get(code)
        return group.resolve(self.agencies) if group else (code,)

    def task(self, no: int) -> TaskDef | None:
        return next((t for t in self.tasks if t.number == no), None)

    def task_of(self, no: int) -> TaskDef:
        """A task the plan is known to have (KeyError otherwise: a programming error)."""
        task = self.task(no)
        if task is None:
            raise KeyError(f"plan {self.plan_id} has no task {no}")
        return task

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(
            a.code for a in self.agencies if a.kind in (AgencyKind.DEPARTMENT, AgencyKind.BOARD)
        )

    def monthly_reporters(self) -> tuple[str, ...]:
        """Agencies that owe the monthly report (the duty's agencies, groups resolved)."""
        if self.monthly_reports is None:
            return ()
        duty = next(d for d in self.duties if d.section == self.monthly_reports.duty)
        return tuple(dict.fromkeys(m for code in duty.agencies for m in self.members(code)))

    # -- what the plan implies -------------------------------------------------------------

    def assignments(self) -> list[AssignmentDef]:
        result = []
        for task in self.tasks:
            group = task.lead if task.lead in self._group_codes else None
            for code in self.members(task.lead):
                result.append(AssignmentDef(self.plan_id, task.number, code, group))
        return result

    def registration(self, a: AssignmentDef) -> TaskRegistration:
        task = self.task_of(a.task_no)
        coordinating = [
            m for code in task.coordinating for m in self.members(code) if m != a.agency_code
        ]
        return TaskRegistration(
            task_ref=a.ref,
            plan_id=self.plan_id,
            task_no=a.task_no,
            agency_code=a.agency_code,
            title=task.title,
            coordinating_agencies=list(dict.fromkeys(coordinating)),
            deadline_text=task.deadline_text,
            deadline_kind=task.spec.kind,
            expected_result=task.expected_result,
            lead_group=a.lead_group,
            concurrent_with_task=task.spec.task_no
            if task.spec.kind is DeadlineKind.CONCURRENT_WITH
            else None,
        )

    def info(self, issue_date: date | None, launch_date: date | None) -> PlanInfo:
        return PlanInfo(
            plan_id=self.plan_id,
            title=self.title,
            issuer=self.issuer,
            based_on=self.based_on.text() if self.based_on else None,
            goals=[g.text for g in self.goals],
            duties=[
                PlanDuty(section=d.section, agencies=list(d.agencies), text=d.text)
                for d in self.duties
            ],
            task_count=len(self.tasks),
            assignment_count=len(self.assignments()),
            issue_date=issue_date,
            launch_date=launch_date,
        )

    def due_dates(self, anchors: Anchors) -> dict[tuple[int, str], Due]:
        """Every assignment's due date given what is known now."""
        memo: dict[tuple[int, str], Due] = {}

        def launch_day() -> Due:
            if anchors.launch_date is not None:
                return Due(anchors.launch_date, f"{anchors.launch_date:%d/%m/%Y}")
            if self.launch_task is None:
                return Due(None, "chưa có ngày ra mắt")
            launch = self.task_of(self.launch_task)
            own = due_of(launch, self.members(launch.lead)[0])
            return Due(own.on, f"(dự kiến {own.on:%d/%m/%Y})" if own.on else own.reason)

        def due_of(task: TaskDef, agency: str) -> Due:
            key = (task.number, agency)
            if key in memo:
                return memo[key]
            if task.number == self.launch_task and anchors.launch_date is not None:
                memo[key] = Due(
                    anchors.launch_date, f"ngày Trung tâm ra mắt {anchors.launch_date:%d/%m/%Y}"
                )
            else:
                memo[key] = compute_due(
                    task.spec,
                    anchors,
                    agency=agency,
                    launch_day=launch_day,
                    follow=lambda n: follow(n, agency),
                )
            return memo[key]

        def follow(no: int, agency: str) -> Due:
            target = self.task_of(no)
            owners = self.members(target.lead)
            return due_of(target, agency if agency in owners else owners[0])

        result: dict[tuple[int, str], Due] = {}
        for a in self.assignments():
            task = self.task_of(a.task_no)
            result[(a.task_no, a.agency_code)] = due_of(task, a.agency_code)
        return result

    def monthly_report_due(self, year: int, month: int) -> date | None:
        if self.monthly_reports is None:
            return None
        first_of_next = date(year + month // 12, month % 12 + 1, 1)
        return first_of_next + timedelta(days=self.monthly_reports.due_day_of_next_month - 1)
