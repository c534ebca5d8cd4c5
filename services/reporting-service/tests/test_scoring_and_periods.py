"""Periods, plan progress and the Vietnamese number format (the 766 index: test_index766.py)."""

from __future__ import annotations

from datetime import date

import pytest

from reporting_service.app import format as fmt
from reporting_service.domain.periods import PeriodError, checked, month_period, previous_month
from reporting_service.domain.plan import TaskState, progress, total


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
