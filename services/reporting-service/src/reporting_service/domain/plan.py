"""Plan progress per agency, from the task-service's events (at most a few hundred assignments)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

DONE = "done"


@dataclass(frozen=True)
class TaskState:
    task_ref: str
    agency_code: str
    task_no: int
    title: str | None
    status: str | None
    percent: int | None
    due_on: date | None
    withdrawn: bool = False

    def overdue_on(self, today: date) -> bool:
        """Not done and its deadline has passed (ongoing tasks and unknown deadlines never are)."""
        return (
            not self.withdrawn
            and self.status != DONE
            and self.due_on is not None
            and self.due_on < today
        )


@dataclass
class PlanProgress:
    agency_code: str
    tasks: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    blocked: int = 0
    overdue: int = 0
    percent_sum: int = 0
    overdue_tasks: list[TaskState] = field(default_factory=list)

    @property
    def done_rate(self) -> float | None:
        return round(self.done / self.tasks, 4) if self.tasks else None

    @property
    def average_percent(self) -> float | None:
        return round(self.percent_sum / self.tasks, 1) if self.tasks else None

    def as_dict(self) -> dict[str, object]:
        return {
            "agency_code": self.agency_code,
            "tasks": self.tasks,
            "done": self.done,
            "in_progress": self.in_progress,
            "not_started": self.not_started,
            "blocked": self.blocked,
            "overdue": self.overdue,
            "done_rate": self.done_rate,
            "average_percent": self.average_percent,
            "overdue_tasks": [
                {"task_ref": t.task_ref, "task_no": t.task_no, "title": t.title, "due_on": t.due_on}
                for t in self.overdue_tasks
            ],
        }


def progress(tasks: Iterable[TaskState], today: date) -> dict[str, PlanProgress]:
    """Per agency: tasks by status, overdue as of `today`; a done task counts 100 %."""
    by_agency: dict[str, PlanProgress] = {}
    for task in tasks:
        if task.withdrawn:
            continue
        p = by_agency.setdefault(task.agency_code, PlanProgress(task.agency_code))
        p.tasks += 1
        status = task.status or "not_started"
        if status == DONE:
            p.done += 1
        elif status == "in_progress":
            p.in_progress += 1
        elif status == "blocked":
            p.blocked += 1
        else:
            p.not_started += 1
        p.percent_sum += 100 if status == DONE else (task.percent or 0)
        if task.overdue_on(today):
            p.overdue += 1
            p.overdue_tasks.append(task)
    return dict(sorted(by_agency.items()))


def total(progress_by_agency: dict[str, PlanProgress]) -> PlanProgress:
    city = PlanProgress("city")
    for p in progress_by_agency.values():
        city.tasks += p.tasks
        city.done += p.done
        city.in_progress += p.in_progress
        city.not_started += p.not_started
        city.blocked += p.blocked
        city.overdue += p.overdue
        city.percent_sum += p.percent_sum
    return city
