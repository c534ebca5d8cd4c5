"""Periods the figures are asked for: days in Vietnam's calendar, months, the 30-day window."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pasc_contracts import VN_TZ

MONTH = re.compile(r"^((?:19|2\d)\d\d)-(0[1-9]|1[0-2])$")  # from 1900: no calendar has year 0
MAX_DAYS = 3 * 366


def today_vn(now: datetime | None = None) -> date:
    return (now or datetime.now(VN_TZ)).astimezone(VN_TZ).date()


def end_of_day(day: date) -> datetime:
    """The last moment of a day in Vietnam's calendar."""
    return datetime.combine(day, time.max, VN_TZ)


def as_of_moment(day: date | None, period_end: date, now: datetime) -> datetime:
    """The moment figures are "as of": the end of `day` (default: the period's last day), never
    after now. A past month is judged as of its last day, not as of today."""
    return min(end_of_day(day or period_end), now)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


class PeriodError(ValueError):
    """A period that cannot be asked for: `field` names the input at fault, `code` the reason's
    stable machine code (the API's error body), the message says it in Vietnamese."""

    def __init__(self, field: str, message: str, code: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code


def checked(start: date, end: date) -> Period:
    if start > end:
        raise PeriodError(
            "from",
            f"ngày bắt đầu {start:%d/%m/%Y} sau ngày kết thúc {end:%d/%m/%Y}",
            "period_reversed",
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError("to", f"kỳ dài hơn {MAX_DAYS} ngày", "period_too_long")
    return Period(start, end)


def month_period(month: str) -> Period:
    found = MONTH.match(month)
    if not found:
        raise PeriodError(
            "month",
            f"'{month}' không phải tháng viết dạng YYYY-MM (ví dụ 2023-05)",
            "month_malformed",
        )
    year, number = int(found.group(1)), int(found.group(2))
    return Period(date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1]))


def previous_month(period: Period) -> Period:
    last = period.start - timedelta(days=1)
    return month_period(f"{last.year:04d}-{last.month:02d}")


def month_to_date(day: date) -> Period:
    return Period(day.replace(day=1), day)


def trailing_days(day: date, days: int = 30) -> Period:
    return Period(day - timedelta(days=days - 1), day)


def up_to(period: Period, as_of: date | None) -> Period:
    """The period as known on `as_of`: it ends there when `as_of` comes before its end."""
    if as_of is None or as_of >= period.end:
        return period
    if as_of < period.start:
        raise PeriodError(
            "as_of",
            f"ngày tính đến {as_of:%d/%m/%Y} trước ngày bắt đầu {period.start:%d/%m/%Y}",
            "as_of_before_period",
        )
    return Period(period.start, as_of)
