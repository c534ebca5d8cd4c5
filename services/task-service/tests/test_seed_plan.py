"""The shipped plan matches the seed: 23 tasks, each one's agencies, deadline kind and result.

The table below was written by reading ../shared/seeds/can-tho-pasc-plan.vi.md, not generated
from the data file. SBN is the group "Sở, ban ngành"; CQTTHC is task 11's "Cơ quan có thủ tục
hành chính tiếp nhận tại Trung tâm"; BAODAI is task 7's "cơ quan báo, đài".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pasc_contracts.events.plan import DeadlineKind
from task_service.domain.plan import PlanDocument

K = DeadlineKind
SEED = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds" / "can-tho-pasc-plan.vi.md"

# number: (lead, coordinating, deadline kind, expected result or None)
FROM_THE_SEED: dict[int, tuple[str, tuple[str, ...], DeadlineKind, str | None]] = {
    1: (
        "VPUBND",
        ("SBN",),
        K.END_OF_MONTH,
        "Danh mục cơ quan, đơn vị tổ chức tiếp nhận, trả kết quả tại Trung tâm.",
    ),
    2: ("STC", ("SBN", "VPUBND"), K.END_OF_MONTH, "Quyết định phê duyệt kinh phí."),
    3: (
        "VPUBND",
        ("SBN",),
        K.BEFORE_LAUNCH,
        "Hoàn thành bố trí trụ sở, cơ sở vật chất, trang thiết bị Trung tâm theo tiêu chuẩn; Trung tâm có con dấu và tài khoản để thực hiện nhiệm vụ được giao.",
    ),
    4: (
        "SBN",
        ("VPUBND",),
        K.FIXED_DATE,
        "Văn bản đề nghị thủ tục hành chính tổ chức tiếp nhận, trả kết quả tại Trung tâm.",
    ),
    5: ("VPUBND", ("SBN",), K.FIXED_DATE, "Quyết định ban hành Danh mục."),
    6: (
        "SBN",
        ("VPUBND", "STTTT"),
        K.ONGOING,
        "Tờ trình phê duyệt quy trình nội bộ giải quyết thủ tục hành chính.",
    ),
    7: (
        "VPUBND",
        ("SBN", "BAODAI"),
        K.ONGOING,
        "Tổ chức thực hiện Kế hoạch tuyên truyền của Ủy ban nhân dân thành phố.",
    ),
    8: (
        "VPUBND",
        ("SNV",),
        K.BEFORE_LAUNCH,
        "Quyết định bổ nhiệm của Chủ tịch Ủy ban nhân dân thành phố.",
    ),
    9: (
        "SBN",
        (),
        K.FIXED_DATE,
        "Văn bản cử cán bộ, công chức, viên chức gửi Văn phòng Ủy ban nhân dân thành phố.",
    ),
    10: (
        "VPUBND",
        ("SBN",),
        K.FIXED_DATE,
        "Quyết định phê duyệt danh sách cán bộ, công chức, viên chức làm việc tại Trung tâm.",
    ),
    11: (
        "CQTTHC",
        (),
        K.CONDITIONAL,
        "Văn bản giải thể Bộ phận Một cửa; thông báo địa điểm tiếp nhận, trả kết quả tại Trung tâm.",
    ),
    12: (
        "SBN",
        ("STTTT",),
        K.ONGOING,
        "Hoàn thành nâng cấp hạ tầng công nghệ thông tin theo hướng dẫn của Sở Thông tin và Truyền thông.",
    ),
    13: ("VPUBND", ("SBN",), K.RELATIVE_TO_ISSUE, "Quyết định ban hành Quy chế."),
    14: ("VPUBND", ("SBN",), K.RELATIVE_TO_ISSUE, "Quyết định ban hành Quy chế."),
    15: ("VPUBND", ("SBN",), K.RELATIVE_TO_ISSUE, "Quyết định ban hành Nội quy."),
    16: (
        "STTTT",
        ("VPUBND",),
        K.CONCURRENT_WITH,
        "Hoàn thành việc kết nối Hệ thống thông tin tại Trung tâm với cơ quan giải quyết thủ tục hành chính.",
    ),
    17: (
        "STTTT",
        ("VPUBND",),
        K.YEAR,
        "Hoàn thành kết nối dữ liệu với Trung tâm điều hành đô thị thông minh.",
    ),
    18: ("SNV", ("SBN",), K.YEAR, None),
    19: ("VPUBND", ("STTTT",), K.FIXED_DATE, "Hoàn thành việc tạo lập theo đúng quy định."),
    20: (
        "VPUBND",
        (),
        K.RELATIVE_TO_ISSUE,
        "Kế hoạch bảo vệ trật tự, an toàn, an ninh của Trung tâm.",
    ),
    21: ("VPUBND", ("SBN",), K.ONGOING, "Kế hoạch tập huấn."),
    22: ("SNV", ("STC", "VPUBND"), K.YEAR, None),
    23: ("VPUBND", ("SBN",), K.FIXED_DATE, "Lễ ra mắt Trung tâm."),
}

DEPARTMENTS = (
    "STC SNV STTTT SKHDT SXD STNMT SGTVT SCT SNNPTNT SYT SGDDT SLDTBXH SVHTTDL STP SKHCN SNGV"
    " BQLKCN TTTP BDT"
).split()


def test_the_plan_has_the_seeds_23_tasks(plan: PlanDocument) -> None:
    assert [t.number for t in plan.tasks] == list(range(1, 24))


@pytest.mark.parametrize("number", sorted(FROM_THE_SEED))
def test_each_task_matches_the_seed(plan: PlanDocument, number: int) -> None:
    lead, coordinating, kind, result = FROM_THE_SEED[number]
    task = plan.task_of(number)
    assert task.lead == lead
    assert task.coordinating == coordinating
    assert task.spec.kind is kind
    assert task.expected_result == result


def test_agencies_are_the_shared_codes(plan: PlanDocument) -> None:
    names = {a.code: a.name for a in plan.agencies}
    assert names["VPUBND"] == "Văn phòng Ủy ban nhân dân thành phố"
    assert names["SLDTBXH"] == "Sở Lao động - Thương binh và Xã hội"
    assert names["BQLKCN"] == "Ban Quản lý các khu chế xuất và công nghiệp"
    assert plan.members("SBN") == tuple(DEPARTMENTS)  # every department and board, not VPUBND
    assert plan.members("CQTTHC") == tuple(DEPARTMENTS)


def test_group_tasks_fan_out_one_assignment_per_department(plan: PlanDocument) -> None:
    assignments = plan.assignments()
    per_task: dict[int, list[str]] = {}
    for a in assignments:
        per_task.setdefault(a.task_no, []).append(a.agency_code)
    for number in (4, 6, 9, 11, 12):
        assert per_task[number] == DEPARTMENTS
    assert per_task[2] == ["STC"]
    assert len(assignments) == 5 * 19 + 18
    sxd_4 = next(a for a in assignments if a.ref == "cantho-2023:4:SXD")
    assert sxd_4.lead_group == "SBN"


def test_registration_names_coordinating_agencies_by_code(plan: PlanDocument) -> None:
    a = next(a for a in plan.assignments() if a.ref == "cantho-2023:2:STC")
    registration = plan.registration(a)
    assert "STC" not in registration.coordinating_agencies  # not its own coordinator
    assert registration.coordinating_agencies[-1] == "VPUBND"
    assert len(registration.coordinating_agencies) == 19
    assert registration.deadline_kind is DeadlineKind.END_OF_MONTH


def test_goals_and_section_iv_duties(plan: PlanDocument) -> None:
    targets = [g for g in plan.goals if g.target_percent == 100]
    assert len(targets) == 2
    assert targets[0].text.startswith("100% thủ tục hành chính cấp thành phố")
    assert {d.section for d in plan.duties} == {
        "IV.1.a",
        "IV.1.b",
        "IV.1.c",
        "IV.1.d",
        "IV.2.a",
        "IV.2.b",
        "IV.2.c",
    }
    monthly = next(d for d in plan.duties if d.section == "IV.1.c")
    assert monthly.text.startswith("Định kỳ hằng tháng")
    assert plan.monthly_reporters() == tuple(DEPARTMENTS)
    online = next(d for d in plan.duties if d.section == "IV.1.d")
    assert "nộp hồ sơ trực tuyến" in online.text


@pytest.mark.skipif(not SEED.exists(), reason="the seed is beside the repository in ../shared")
def test_every_text_is_verbatim_from_the_seed(plan: PlanDocument) -> None:
    seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    for task in plan.tasks:
        assert f"{task.number}. {task.title}**" in seed, task.number
        assert f"Thời gian hoàn thành: {task.deadline_text};" in seed, task.number
        if task.expected_result:
            assert f"Kết quả thực hiện: {task.expected_result}" in seed, task.number
    for text in [g.text for g in plan.goals] + [d.text for d in plan.duties]:
        assert text in seed
