"""The Decision 766-style score, periods, plan progress and the Vietnamese number format."""

from __future__ import annotations

from datetime import date

import pytest

from reporting_service.app import format as fmt
from reporting_service.domain.figures import Figures
from reporting_service.domain.periods import PeriodError, checked, month_period, previous_month
from reporting_service.domain.plan import TaskState, progress, total
from reporting_service.domain.scoring import GROUPS, score


def test_group_maxima_add_up_to_100_and_indicators_fit_their_group() -> None:
    assert sum(g.max_points for g in GROUPS) == 100
    for group in GROUPS:
        if group.indicators:
            assert sum(i.max_points for i in group.indicators) == group.max_points


def test_full_points_at_the_target_and_unsupported_groups_have_no_number() -> None:
    f = Figures(received=10, online=5, digitized=8, reused=5, paid_online=5, processed=10,
                on_time=10, electronic_result=8)  # fmt: skip
    result = score(f)
    assert result["points"] == result["max_points"] == 64
    unsupported = [g for g in result["groups"] if not g["supported"]]
    assert {g["code"] for g in unsupported} == {"cong_khai_minh_bach", "muc_do_hai_long"}
    assert all(g["points"] is None and g["reason"] for g in unsupported)


def test_partial_points_are_proportional_below_the_target() -> None:
    result = score(Figures(received=10, online=2, processed=4, on_time=3))
    online = next(g for g in result["groups"] if g["code"] == "dich_vu_truc_tuyen")
    assert online["indicators"][0]["points"] == 4.8  # 12 × 0.2 / 0.5
    timely = next(g for g in result["groups"] if g["code"] == "tien_do_giai_quyet")
    assert timely["points"] == 15.0


def test_no_dossiers_no_score() -> None:
    assert score(Figures())["points"] is None


def test_periods() -> None:
    april = month_period("2024-02")
    assert (april.start, april.end) == (date(2024, 2, 1), date(2024, 2, 29))
    assert previous_month(month_period("2024-01")).start == date(2023, 12, 1)
    with pytest.raises(PeriodError) as bad:
        checked(date(2023, 5, 1), date(2023, 4, 1))
    assert bad.value.field == "from"
    with pytest.raises(PeriodError):
        month_period("2023-13")


def test_plan_progress_counts_overdue_only_when_not_done() -> None:
    tasks = [
        TaskState("p:1:SXD", "SXD", 1, "a", "done", 100, date(2023, 3, 1)),
        TaskState("p:2:SXD", "SXD", 2, "b", "in_progress", 50, date(2023, 3, 1)),
        TaskState("p:3:SXD", "SXD", 3, "c", None, None, None),
        TaskState("p:4:SXD", "SXD", 4, "d", "blocked", 10, date(2023, 3, 1), withdrawn=True),
    ]
    by_agency = progress(tasks, date(2023, 4, 1))
    sxd = by_agency["SXD"]
    assert (sxd.tasks, sxd.done, sxd.in_progress, sxd.not_started, sxd.overdue) == (3, 1, 1, 1, 1)
    assert sxd.average_percent == 50.0
    assert total(by_agency).tasks == 3


def test_vietnamese_numbers() -> None:
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(1234.5) == "1.234,5"
    assert fmt.percent(0.952) == "95,2 %"
    assert fmt.signed(-3) == "−3"
    assert fmt.number(None) == "–"
