"""Dates as the plan counts them: Vietnam's calendar, months, working days (`holidays`' VN calendar)."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from pasc_contracts import VN_TZ
from pasc_runtime.working_days import add_working_days, is_working_day

__all__ = ["add_working_days", "is_working_day"]  # the plan counts the runtime's working days


def end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def vn_date(instant: datetime) -> date:
    """The calendar day in Vietnam of an instant (deadlines are Vietnamese days)."""
    return instant.astimezone(VN_TZ).date()


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, datetime.max.time(), tzinfo=VN_TZ)


def parse_month(text: str) -> tuple[int, int]:
    """'2023-04' -> (2023, 4); raises ValueError for anything else."""
    year_text, sep, month_text = text.partition("-")
    if not sep or len(year_text) != 4 or len(month_text) != 2:
        raise ValueError(f"tháng {text!r} phải có dạng YYYY-MM")
    year, month = int(year_text), int(month_text)
    if not 1 <= month <= 12:
        raise ValueError(f"tháng {month} không tồn tại")
    return year, month


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every month from `first` to `last`, both included (empty if last is before first)."""
    months, current = [], first
    while current <= last:
        months.append(current)
        current = next_month(*current)
    return months


def vn_day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")
