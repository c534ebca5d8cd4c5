"""Loading a plan document over the stored one: what to register, change or withdraw.

The same document twice gives an empty difference; nothing is emitted."""

from __future__ import annotations

from dataclasses import dataclass, field

from pasc_contracts.events.plan import TaskRegistration
from task_service.domain.plan import AssignmentDef, PlanDocument

_NOT_PLAN_LEVEL = {"tasks", "issue_date", "launch_date"}


@dataclass
class PlanDiff:
    created: bool
    plan_changed: bool
    registered: list[tuple[AssignmentDef, TaskRegistration]] = field(default_factory=list)
    changed: list[tuple[AssignmentDef, TaskRegistration]] = field(default_factory=list)
    withdrawn: list[AssignmentDef] = field(default_factory=list)

    @property
    def tasks_changed(self) -> bool:
        return bool(self.registered or self.changed or self.withdrawn)

    @property
    def empty(self) -> bool:
        return not (self.created or self.plan_changed or self.tasks_changed)


def diff(old: PlanDocument | None, new: PlanDocument) -> PlanDiff:
    if old is not None and old.plan_id != new.plan_id:
        raise ValueError("plan_id differs")
    result = PlanDiff(
        created=old is None,
        plan_changed=old is not None
        and old.model_dump(mode="json", exclude=_NOT_PLAN_LEVEL)
        != new.model_dump(mode="json", exclude=_NOT_PLAN_LEVEL),
    )
    before = {a.ref: a for a in old.assignments()} if old else {}
    for a in new.assignments():
        registration = new.registration(a)
        if a.ref not in before:
            result.registered.append((a, registration))
        elif old is not None and old.registration(before[a.ref]) != registration:
            result.changed.append((a, registration))
    after = {a.ref for a in new.assignments()}
    result.withdrawn = [a for ref, a in before.items() if ref not in after]
    return result
