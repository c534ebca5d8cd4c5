"""Every 766 sub-indicator pinned on a scripted data set with hand-computed values, and the
"as of" rule for dossiers in process and overdue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pasc_contracts import VN_TZ
from reporting_service.domain.figures import Figures
from reporting_service.domain.periods import as_of_moment, end_of_day
from reporting_service.domain.read_model import DossierFacts
from reporting_service.domain.scoring import (
    GROUPS,
    INDICATORS,
    IndexInputs,
    OutsideFigure,
    band,
    fee_bearing,
    score,
)

# A month of one agency, counted by hand:
# 40 received (12 online, 30 digitized, 8 reused), 25 processed (20 on time, 5 late,
# 15 with an electronic result), 10 in process at the month's end of which 2 overdue;
# processing took 150 days in all. Catalog: 8 procedures, 6 offered online; dossiers of
# online-capable procedures 30 (of them 12 online). Fee-bearing procedures with dossiers 4,
# 3 of them with an online payment; 20 dossiers of fee-bearing procedures, 9 paid online.
SCRIPTED = IndexInputs(
    figures=Figures(
        received=40,
        online=12,
        digitized=30,
        reused=8,
        processed=25,
        on_time=20,
        late=5,
        electronic_result=15,
        paid_online=9,
    ),
    in_process=10,
    in_process_overdue=2,
    processing_days=150.0,
    procedures=8,
    procedures_online=6,
    received_online_capable=30,
    online_of_capable=12,
    fee_procedures_with_dossiers=4,
    fee_procedures_paid_online=3,
    fee_dossiers=20,
    fee_dossiers_paid_online=9,
)

# (numerator, denominator, points) per data sub-indicator, by hand.
EXPECTED = {
    "dung_han": (28, 35, 16.0),  # (20 on time + 8 in process within time) / (25 + 10) × 20
    "tthc_truc_tuyen": (6, 8, 4.5),  # 6 × 6/8
    "ho_so_truc_tuyen": (12, 30, 2.4),  # 6 × 12/30
    "tthc_phat_sinh_tttt": (3, 4, 3.75),  # 5 × 3/4
    "ho_so_tttt": (9, 20, 2.25),  # 5 × 9/20 (not 9/40: only fee-bearing procedures' dossiers)
    "so_hoa_ho_so": (30, 40, 7.5),  # 10 × 30/40
    "ket_qua_dien_tu": (15, 25, 3.6),  # 6 × 15/25
    "tai_su_dung": (8, 40, 1.2),  # 6 × 8/40
    "khong_phai_xin_loi": (20, 25, 4.8),  # 6 × 20/25
}


def indicators(result: dict[str, object]) -> dict[str, dict[str, object]]:
    return {i["code"]: i for g in result["groups"] for i in g["indicators"]}  # type: ignore[attr-defined]  # a JSON document


def test_six_groups_out_of_100_as_the_portal_publishes() -> None:
    assert [(g.code, g.max_points) for g in GROUPS] == [
        ("cong_khai_minh_bach", 18),
        ("tien_do_giai_quyet", 20),
        ("dich_vu_truc_tuyen", 12),
        ("thanh_toan_truc_tuyen", 10),
        ("so_hoa_ho_so", 22),
        ("muc_do_hai_long", 18),
    ]
    for group in GROUPS:
        assert sum(i.max_points for i in group.indicators) == group.max_points
        assert all(i.formula and i.source for i in group.indicators)


def test_every_data_sub_indicator_on_the_scripted_month() -> None:
    result = score(SCRIPTED)
    got = indicators(result)
    for code, (numerator, denominator, points) in EXPECTED.items():
        assert (got[code]["numerator"], got[code]["denominator"], got[code]["points"]) == (
            numerator,
            denominator,
            points,
        ), code
    assert set(EXPECTED) | {
        "cong_bo_cong_khai_dung_han",
        "cong_khai_day_du",
        "dong_bo_trang_thai",
        "hai_long_danh_gia",
        "pakn_dung_han",
    } == set(INDICATORS)
    assert result["average_processing_days"] == 6.0  # 150 days / 25 processed
    # Without the office's outside figures the index is partial: no band, nothing counted as 0.
    assert result["points"] == 46.0  # the sum of EXPECTED's points
    assert result["measured_max_points"] == 70
    assert (result["complete"], result["band"]) == (False, None)
    groups = {g["code"]: g for g in result["groups"]}
    assert groups["cong_khai_minh_bach"]["supported"] is False
    assert groups["muc_do_hai_long"]["points"] == 4.8 and not groups["muc_do_hai_long"]["complete"]


def test_outside_figures_complete_the_index_and_show_their_source() -> None:
    when = datetime(2023, 6, 2, 9, tzinfo=VN_TZ)

    def entered(n: float, d: float, source: str) -> OutsideFigure:
        return OutsideFigure(1, n, d, source, "Văn phòng UBND", "số liệu tháng 5", when,
                             date(2023, 5, 1), date(2023, 5, 31))  # fmt: skip

    outside = {
        "cong_bo_cong_khai_dung_han": entered(10, 10, "Cổng DVCQG"),  # 4
        "cong_khai_day_du": entered(9, 10, "Cổng DVCQG"),  # 3.6
        "dong_bo_trang_thai": entered(38, 40, "Cổng DVCQG"),  # 9.5
        "hai_long_danh_gia": entered(45, 50, "Khảo sát tháng 5"),  # 5.4
        "pakn_dung_han": entered(3, 4, "Hệ thống 1022"),  # 4.5
    }
    result = score(SCRIPTED, outside)
    assert result["complete"] is True
    assert result["points"] == 46.0 + 4 + 3.6 + 9.5 + 5.4 + 4.5 == 73.0
    assert (result["band"], result["band_name"]) == ("kha", "Khá")
    survey = indicators(result)["hai_long_danh_gia"]
    assert survey["outside"]["source"] == "Khảo sát tháng 5" and survey["basis"] == "outside"
    assert survey["outside"]["entered_by"] == "Văn phòng UBND"


def test_rating_bands_of_the_decision() -> None:
    assert [band(p)[1] for p in (100, 90, 89.99, 80, 70, 69.9, 50, 49.9, 0)] == [
        "Xuất sắc", "Xuất sắc", "Tốt", "Tốt", "Khá", "Trung bình", "Trung bình", "Yếu", "Yếu",
    ]  # fmt: skip


def test_no_denominator_no_points() -> None:
    result = score(Figures())
    assert result["points"] is None and result["measured_max_points"] == 0
    assert all(not g["supported"] for g in result["groups"])


def test_fee_bearing_from_the_published_fee_text() -> None:
    assert fee_bearing("Không") is False and fee_bearing("Miễn phí.") is False
    assert fee_bearing("50.000 đồng/hồ sơ") is True
    assert fee_bearing(None) is None


T0 = datetime(2023, 5, 2, 8, tzinfo=VN_TZ)
MAY_31 = end_of_day(date(2023, 5, 31))


def dossier(status: int, due_days: int, finished_days: int | None = None) -> DossierFacts:
    finished = T0 + timedelta(days=finished_days) if finished_days is not None else None
    return DossierFacts(
        ma_ho_so="X", revision=1, ma_tthc="1.000001", ma_linh_vuc="", agency_code="SXD",
        trang_thai_ho_so=status, kenh_thuc_hien=1, ngay_tiep_nhan=T0, ngay_hen_tra=T0 + timedelta(days=due_days),
        due_at_in_force=T0 + timedelta(days=due_days), supplement_count=0,
        ngay_ket_thuc_xu_ly=finished, ngay_tra=None, digitized=False, reused_data=False,
        reused_from_national_db=False, electronic_result=False, paid_online=False,
    )  # fmt: skip


def test_a_past_month_is_judged_as_of_its_last_day() -> None:
    assert as_of_moment(None, date(2023, 5, 31), datetime(2026, 1, 1, tzinfo=VN_TZ)) == MAY_31
    now = datetime(2023, 5, 20, 10, tzinfo=VN_TZ)
    assert as_of_moment(None, date(2023, 5, 31), now) == now  # never after now
    late_in_june = dossier(10, due_days=10, finished_days=40)  # processed 11/6, due 12/5
    assert late_in_june.in_process_at(MAY_31) and late_in_june.overdue_at(MAY_31)
    on_time_in_june = dossier(9, due_days=35, finished_days=33)  # due 6/6, processed 4/6
    assert on_time_in_june.in_process_at(MAY_31) and not on_time_in_june.overdue_at(MAY_31)
    done_in_may = dossier(9, due_days=10, finished_days=20)
    assert not done_in_may.in_process_at(MAY_31)
    open_late = dossier(4, due_days=10)
    assert open_late.overdue_at(MAY_31)
    assert not open_late.overdue_at(T0 + timedelta(days=5))  # not yet due on 7/5


def test_the_clock_stops_while_the_applicant_acts() -> None:
    for waiting in (5, 6):  # supplement requested, financial obligation
        d = dossier(waiting, due_days=10)
        assert d.in_process_at(MAY_31) and not d.overdue_at(MAY_31)
    refused_undated = dossier(3, due_days=10)
    assert not refused_undated.in_process_at(MAY_31)  # closed, date unknown: not in the backlog


def test_a_dossier_is_digitized_only_when_all_its_documents_are() -> None:
    from pasc_contracts.events.dossier import DossierReceived, DossierSnapshot
    from reporting_service.domain.read_model import digitized

    base = DossierReceived.EXAMPLE_PAYLOAD["dossier"]

    def snap(**facts: object) -> DossierSnapshot:
        return DossierSnapshot.model_validate({**base, **facts})

    assert digitized(snap(digitized=True, documents_submitted=3, documents_digitized=3))
    assert not digitized(snap(digitized=True, documents_submitted=3, documents_digitized=2))
    assert digitized(snap(digitized=True))  # an older event without counts: the sender's flag
    assert digitized(snap(digitized=True, documents_submitted=0, documents_digitized=0))


def test_a_period_as_of_a_day_before_its_end_ends_that_day() -> None:
    import pytest

    from reporting_service.domain.periods import PeriodError, month_period, up_to

    may = month_period("2023-05")
    assert up_to(may, date(2023, 5, 15)).end == date(2023, 5, 15)
    assert up_to(may, date(2023, 6, 15)) == may and up_to(may, None) == may
    with pytest.raises(PeriodError) as before:
        up_to(may, date(2023, 4, 30))
    assert before.value.field == "as_of"
