"""Loading a plan: validated as a whole; the same document twice is no change; an edit is a diff."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from task_service.domain.loading import diff
from task_service.domain.plan import PlanDocument


def edited(seed_document: dict) -> dict:
    return copy.deepcopy(seed_document)


def test_first_load_registers_every_assignment(plan: PlanDocument) -> None:
    changes = diff(None, plan)
    assert changes.created
    assert len(changes.registered) == 113
    assert not changes.changed and not changes.withdrawn


def test_loading_the_same_plan_twice_changes_nothing(
    seed_document: dict, plan: PlanDocument
) -> None:
    again = PlanDocument.model_validate(edited(seed_document))
    assert diff(plan, again).empty


def test_an_edited_plan_applies_the_difference(seed_document: dict, plan: PlanDocument) -> None:
    document = edited(seed_document)
    document["tasks"][4]["deadline_text"] = "Trước ngày 30 tháng 4 năm 2023"  # task 5 moved
    document["tasks"][8]["lead"] = "SXD"  # task 9: only one department now
    document["tasks"].append(
        {
            "number": 24,
            "title": "Tổng kết một năm hoạt động của Trung tâm",
            "lead": "VPUBND",
            "deadline_text": "Tháng 4 năm 2024",
        }
    )
    document["goals"] = document["goals"][:-1]
    changes = diff(plan, PlanDocument.model_validate(document))
    assert changes.plan_changed
    assert [a.ref for a, _ in changes.changed] == ["cantho-2023:5:VPUBND", "cantho-2023:9:SXD"]
    assert changes.changed[0][1].deadline_text == "Trước ngày 30 tháng 4 năm 2023"
    assert changes.changed[1][1].lead_group is None  # was fanned out from SBN
    assert [a.ref for a, _ in changes.registered] == ["cantho-2023:24:VPUBND"]
    assert len(changes.withdrawn) == 18
    assert "cantho-2023:9:SYT" in {a.ref for a in changes.withdrawn}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["tasks"][0].update(lead="SXDD"), "cơ quan thực hiện SXDD không có"),
        (lambda d: d["tasks"][1].update(coordinating=["SBN", "XYZ"]), "cơ quan phối hợp"),
        (lambda d: d["tasks"][1].update(number=1), "số nhiệm vụ trùng nhau"),
        (
            lambda d: d["tasks"][2].update(deadline_text="Khi có điều kiện"),
            "không xác định được thời hạn",
        ),
        (
            lambda d: d["tasks"][2].update(deadline={"kind": "concurrent_with", "task_no": 16}),
            "thành vòng",
        ),
        (
            lambda d: d["tasks"][15].update(deadline={"kind": "concurrent_with", "task_no": 99}),
            "99",
        ),
        (lambda d: d.update(launch_task=40), "launch_task"),
        (lambda d: d.update(issue_date="2023-02-01"), "trước văn bản căn cứ"),
        (lambda d: d.update(issue_date="2023-03-10", launch_date="2023-03-09"), "ngày ra mắt"),
        (lambda d: d.update(plan_id="Cần Thơ 2023"), "plan_id"),
    ],
)
def test_a_bad_plan_is_refused_naming_what_is_wrong(
    seed_document: dict, edit, message: str
) -> None:
    document = edited(seed_document)
    edit(document)
    with pytest.raises(ValidationError) as err:
        PlanDocument.model_validate(document)
    assert message in str(err.value)


def test_another_plan_loads_the_same_way(seed_document: dict) -> None:
    other = edited(seed_document)
    other["plan_id"] = "cantho-2023-dieu-chinh"
    other["title"] = "Kế hoạch điều chỉnh"
    plan = PlanDocument.model_validate(other)
    assert plan.registration(plan.assignments()[0]).task_ref == "cantho-2023-dieu-chinh:1:VPUBND"
