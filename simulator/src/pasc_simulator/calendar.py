"""Office hours in Vietnam, on the runtime's working days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pasc_contracts import VN_TZ
from pasc_runtime.working_days import add_working_days, is_working_day

__all__ = ["add_working_days", "at", "is_working_day", "office_time", "working_days_of_month"]

MORNING = (time(7, 30), time(11, 30))
AFTERNOON = (time(13, 30), time(17, 0))


def working_days_of_month(year: int, month: int) -> list[date]:
    day, days = date(year, month, 1), []
    while day.month == month:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=VN_TZ)


def office_time(day: date, fraction: float) -> datetime:
    """A moment in the day's office hours, `fraction` (0..1) of the way through them."""
    morning = (MORNING[1].hour * 60 + MORNING[1].minute) - (
        MORNING[0].hour * 60 + MORNING[0].minute
    )
    afternoon = (AFTERNOON[1].hour * 60 + AFTERNOON[1].minute) - (
        AFTERNOON[0].hour * 60 + AFTERNOON[0].minute
    )
    minutes = int(fraction * (morning + afternoon))
    start = MORNING[0] if minutes < morning else AFTERNOON[0]
    offset = minutes if minutes < morning else minutes - morning
    return at(day, start) + timedelta(minutes=offset)
