"""What a decision does row by row: create, change, leave, withdraw, or refuse with a reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from catalog_service.domain.decisions import (
    ChangeKind,
    DecisionPlan,
    DecisionTerms,
    Outcome,
    check_terms,
    plan_decision,
)
from catalog_service.domain.legal import with_ground_in_force
from catalog_service.domain.procedures import ProcedureVersion
from catalog_service.domain.rows import ParsedRow, RawRow, RowError, parse_row

TERMS = DecisionTerms("100/QĐ-UBND", date(2023, 4, 10), "Chủ tịch", date(2023, 4, 15), "vp")


def rows(*values: dict[str, str]) -> list[ParsedRow | RowError]:
    return [parse_row(RawRow(i, v)) for i, v in enumerate(values, start=2)]


def apply(plan: DecisionPlan, latest: dict[str, ProcedureVersion]) -> dict[str, ProcedureVersion]:
    return {**latest, **{c.new.data.ma_tthc: c.new for c in plan.changes}}


def decide(
    ctx: dict[str, Any],
    latest: dict[str, ProcedureVersion],
    terms: DecisionTerms = TERMS,
    *values: dict[str, str],
    withdraw: tuple[str, ...] = (),
) -> DecisionPlan:
    return plan_decision(
        terms=terms,
        latest=latest,
        rows=rows(*values),
        withdrawals=withdraw,
        agencies=ctx["agencies"],
        grounds=ctx["grounds"],
    )


def outcomes(plan: DecisionPlan) -> list[tuple[int | None, str | None, Outcome]]:
    return [(r.line, r.ma_tthc, r.outcome) for r in plan.results]


def test_first_import_creates_then_the_same_rows_change_nothing(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    ctx = {"agencies": agencies, "grounds": grounds}
    first = decide(ctx, {}, TERMS, make_row(), make_row(ma_tthc="1.000002", ten_tthc="Khác"))
    assert [o for *_, o in outcomes(first)] == [Outcome.CREATED, Outcome.CREATED]
    assert {c.new.version for c in first.changes} == {1}
    assert all(c.new.valid_from == date(2023, 4, 15) for c in first.changes)
    latest = apply(first, {})

    again = decide(
        ctx,
        latest,
        replace(TERMS, decision_no="101/QĐ-UBND"),
        make_row(),
        make_row(ma_tthc="1.000002", ten_tthc="Khác"),
    )
    assert [o for *_, o in outcomes(again)] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert again.changes == []


def test_a_change_is_a_new_version_naming_the_fields(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    ctx = {"agencies": agencies, "grounds": grounds}
    latest = apply(decide(ctx, {}, TERMS, make_row(tiep_nhan_tai_trung_tam=0)), {})
    later = DecisionTerms(
        "200/QĐ-UBND", date(2023, 6, 1), "Chủ tịch", date(2023, 6, 1), "vp", "chuyển về Trung tâm"
    )
    plan = decide(ctx, latest, later, make_row(muc_do_dvc="mot_phan"))
    (result,) = plan.results
    assert result.outcome is Outcome.CHANGED
    assert set(result.changed_fields) == {"at_center", "muc_do_dvc"}
    (change,) = plan.changes
    assert change.kind is ChangeKind.CHANGED
    assert (change.new.version, change.new.decision_no, change.new.reason) == (
        2,
        "200/QĐ-UBND",
        "chuyển về Trung tâm",
    )
    assert change.previous is latest["1.001234"]


def test_bad_rows_are_refused_and_good_ones_still_planned(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    ctx = {"agencies": agencies, "grounds": grounds}
    plan = decide(
        ctx,
        {},
        TERMS,
        make_row(),
        make_row(ma_tthc="1.000002", ma_co_quan="SXYZ", ten_co_quan=""),
        make_row(ma_tthc="1.000003", ten_co_quan="Sở Tài chính"),
        make_row(ma_tthc="12345"),
        make_row(ma_tthc="1.000005", tiep_nhan_tai_trung_tam=0, ly_do_khong_tiep_nhan="z"),
    )
    assert outcomes(plan) == [
        (2, "1.001234", Outcome.CREATED),
        (3, "1.000002", Outcome.REJECTED),
        (4, "1.000003", Outcome.REJECTED),
        (5, "12345", Outcome.REJECTED),
        (6, "1.000005", Outcome.REJECTED),
    ]
    reasons = [r.reason or "" for r in plan.rejected]
    assert "ma_co_quan: 'SXYZ' chưa có" in reasons[0]
    assert "ten_co_quan" in reasons[1] and "Sở Xây dựng" in reasons[1]
    assert "ma_tthc" in reasons[2]
    assert "ly_do_khong_tiep_nhan" in reasons[3]
    assert [c.new.data.ma_tthc for c in plan.changes] == ["1.001234"]


def test_agency_name_is_compared_without_case_or_diacritics(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    plan = decide(
        {"agencies": agencies, "grounds": grounds}, {}, TERMS, make_row(ten_co_quan="SO XAY DUNG")
    )
    assert plan.results[0].outcome is Outcome.CREATED


def test_duplicate_code_with_conflicting_data_refuses_every_copy(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    ctx = {"agencies": agencies, "grounds": grounds}
    plan = decide(ctx, {}, TERMS, make_row(), make_row(thoi_han_giai_quyet=20))
    assert [r.outcome for r in plan.results] == [Outcome.REJECTED, Outcome.REJECTED]
    assert "dòng 2, 3" in (plan.results[0].reason or "")
    assert plan.changes == []


def test_an_identical_duplicate_is_applied_once(agencies: Any, grounds: Any, make_row: Any) -> None:
    plan = decide({"agencies": agencies, "grounds": grounds}, {}, TERMS, make_row(), make_row())
    assert [r.outcome for r in plan.results] == [Outcome.CREATED, Outcome.UNCHANGED]
    assert len(plan.changes) == 1


def test_exclusion_basis_is_the_decree_in_force_on_the_effective_date(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    ctx = {"agencies": agencies, "grounds": grounds}
    excluded = make_row(tiep_nhan_tai_trung_tam=0, ly_do_khong_tiep_nhan="a")
    before = decide(ctx, {}, TERMS, excluded).changes[0].new.basis
    after_terms = DecisionTerms("9/QĐ-UBND", date(2025, 8, 1), "Chủ tịch", date(2025, 8, 1), "vp")
    after = decide(ctx, {}, after_terms, excluded).changes[0].new.basis
    assert before is not None and after is not None
    assert (before.document, before.article, before.clause, before.point) == (
        "61/2018/NĐ-CP",
        "14",
        "5",
        "a",
    )
    assert after.document == "118/2025/NĐ-CP"


def test_an_unchanged_exclusion_keeps_its_basis_across_decrees(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    ctx = {"agencies": agencies, "grounds": grounds}
    excluded = make_row(tiep_nhan_tai_trung_tam=0, ly_do_khong_tiep_nhan="a")
    latest = apply(decide(ctx, {}, TERMS, excluded), {})
    later = DecisionTerms("9/QĐ-UBND", date(2025, 8, 1), "Chủ tịch", date(2025, 8, 1), "vp")
    plan = decide(ctx, latest, later, {**excluded, "thoi_han_giai_quyet": "30"})
    assert plan.changes[0].new.basis == latest["1.001234"].basis


def test_no_basis_in_force_refuses_the_exclusion(agencies: Any, make_row: Any) -> None:
    plan = decide(
        {"agencies": agencies, "grounds": []},
        {},
        TERMS,
        make_row(tiep_nhan_tai_trung_tam=0, ly_do_khong_tiep_nhan="b"),
    )
    assert plan.results[0].outcome is Outcome.REJECTED
    assert "căn cứ" in (plan.results[0].reason or "")


def test_a_decision_may_not_take_effect_before_the_version_it_changes(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    ctx = {"agencies": agencies, "grounds": grounds}
    latest = apply(decide(ctx, {}, TERMS, make_row()), {})
    backdated = DecisionTerms("50/QĐ-UBND", date(2023, 1, 1), "Chủ tịch", date(2023, 1, 1), "vp")
    plan = decide(ctx, latest, backdated, make_row(thoi_han_giai_quyet=3))
    assert plan.results[0].outcome is Outcome.REJECTED
    assert "trước phiên bản hiện hành" in (plan.results[0].reason or "")


def test_withdrawals(agencies: Any, grounds: Any, make_row: Any) -> None:
    ctx = {"agencies": agencies, "grounds": grounds}
    latest = apply(decide(ctx, {}, TERMS, make_row()), {})
    later = DecisionTerms("300/QĐ-UBND", date(2023, 7, 1), "Chủ tịch", date(2023, 7, 1), "vp")
    plan = decide(ctx, latest, later, withdraw=("1.001234", "1.999999", "bad"))
    assert [(r.ma_tthc, r.outcome) for r in plan.results] == [
        ("1.001234", Outcome.WITHDRAWN),
        ("1.999999", Outcome.REJECTED),
        ("bad", Outcome.REJECTED),
    ]
    assert "không có trong danh mục" in (plan.results[1].reason or "")
    (change,) = plan.changes
    assert change.kind is ChangeKind.WITHDRAWN and change.new.withdrawn and change.new.version == 2
    withdrawn = apply(plan, latest)

    assert (
        decide(ctx, withdrawn, later, withdraw=("1.001234",)).results[0].outcome
        is Outcome.UNCHANGED
    )
    other = replace(later, decision_no="301/QĐ-UBND")
    assert (
        decide(ctx, withdrawn, other, withdraw=("1.001234",)).results[0].outcome is Outcome.REJECTED
    )
    back = decide(ctx, withdrawn, other, make_row())
    assert back.results[0].outcome is Outcome.CREATED
    assert back.changes[0].kind is ChangeKind.REGISTERED and back.changes[0].new.version == 3


def test_the_same_code_added_and_withdrawn_is_refused(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    plan = decide(
        {"agencies": agencies, "grounds": grounds}, {}, TERMS, make_row(), withdraw=("1.001234",)
    )
    assert [r.outcome for r in plan.results] == [Outcome.REJECTED, Outcome.REJECTED]
    assert plan.changes == []


def test_decision_terms_are_checked() -> None:
    assert check_terms(TERMS) == []
    bad = DecisionTerms(" ", date(2023, 4, 10), "", date(2023, 4, 1), "")
    problems = " ".join(check_terms(bad))
    for name in ("decision_no", "signer", "recorded_by", "effective_from"):
        assert name in problems


def test_the_catalog_as_of_a_date_shows_the_ground_in_force_that_day(
    agencies: Any, grounds: Any, make_row: Any
) -> None:
    ctx = {"agencies": agencies, "grounds": grounds}
    excluded = make_row(tiep_nhan_tai_trung_tam=0, ly_do_khong_tiep_nhan="b")
    version = decide(ctx, {}, TERMS, excluded).changes[0].new
    assert version.basis is not None and version.basis.document == "61/2018/NĐ-CP"
    in_2024 = with_ground_in_force(version, grounds, date(2024, 6, 1)).basis
    assert in_2024 is not None
    assert (in_2024.document, in_2024.clause, in_2024.point) == ("61/2018/NĐ-CP", "5", "b")
    in_aug_2025 = with_ground_in_force(version, grounds, date(2025, 8, 1)).basis
    assert in_aug_2025 is not None
    assert (in_aug_2025.document, in_aug_2025.reason) == ("118/2025/NĐ-CP", "118 b")
    assert version.basis.document == "61/2018/NĐ-CP"  # the decision's own record is untouched
    at_center = decide(ctx, {}, TERMS, make_row()).changes[0].new
    assert with_ground_in_force(at_center, grounds, date(2025, 8, 1)) == at_center
