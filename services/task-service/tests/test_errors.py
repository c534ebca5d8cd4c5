"""Every refusal of the domain has its stable code: each (field, kind) that the code raises is
registered, and the API answers it in the one error body with the domain's own reason."""

from __future__ import annotations

import ast
from pathlib import Path

import task_service
from task_service.app.errors import BY_REFUSAL, refusal
from task_service.domain.errors import DomainError, Refusal, forbidden, not_found

SOURCE = Path(task_service.__file__).parent
KINDS = {"not_found": Refusal.NOT_FOUND, "forbidden": Refusal.FORBIDDEN}


def raised() -> set[tuple[str, Refusal]]:
    """(field, kind) of every DomainError, not_found(...) and forbidden(...) in the source."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name = node.func.id
            if name not in ("DomainError", *KINDS) or not node.args:
                continue
            first = node.args[0]
            if not isinstance(first, ast.Constant):  # the helpers' own definitions
                continue
            kind = KINDS.get(name, Refusal.INVALID)
            given = [*node.args[2:3], *(k.value for k in node.keywords if k.arg == "kind")]
            if given:
                kind = Refusal[ast.unparse(given[0]).removeprefix("Refusal.")]
            found.add((first.value, kind))
    return found


def test_every_refusal_the_code_raises_has_a_registered_code() -> None:
    found = raised()
    assert len(found) >= 12  # the walk finds them (plan, task, agency, dates, progress...)
    assert found <= set(BY_REFUSAL), f"no code for {sorted(found - set(BY_REFUSAL))}"


def test_a_refusal_answers_the_one_error_body() -> None:
    assert refusal(not_found("plan_id", "không có kế hoạch x")).body() == {
        "error_code": "404",
        "code": "plan_not_found",
        "message": "không có kế hoạch x",
        "field": "plan_id",
    }
    assert refusal(forbidden("agency_code", "không giao")).body()["code"] == "assignment_not_yours"
    assert refusal(DomainError("reason", "phải nêu lý do")).body() == {
        "error_code": "422",
        "code": "reason_required",
        "message": "phải nêu lý do",
        "field": "reason",
    }
