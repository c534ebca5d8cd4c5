"""Dates as people type them into the CLI: dd/mm/yyyy (as every output writes them), mm/yyyy
for a month, and ISO 8601; a date without an offset is Vietnam time.

`day_option`, `month_option` and `when_option` are typer parsers: a value that is not a date
stops the command with a Vietnamese message naming the option and the forms it accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import typer

from pasc_contracts import VN_TZ

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_MY = re.compile(r"^(\d{1,2})/(\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DAY_FORMS = "dd/mm/yyyy (31/05/2023) hoặc yyyy-mm-dd (2023-05-31)"
MONTH_FORMS = "mm/yyyy (05/2023), dd/mm/yyyy (31/05/2023) hoặc yyyy-mm (2023-05)"
WHEN_FORMS = "dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc ISO 8601 (2023-05-31T08:00:00+07:00)"


def parse_when(text: str, *, end_of_day: bool = False) -> datetime:
    """dd/mm/yyyy [HH:MM[:SS]] or ISO 8601, in Vietnam time unless the ISO form carries an
    offset. A bare date means its start (or, with `end_of_day`, its end)."""
    text = text.strip()
    if found := _DMY.match(text):
        d, m, y, hh, mm, ss = found.groups()
        day = date(int(y), int(m), int(d))
        if hh is None:
            return _whole_day(day, end_of_day)
        return datetime(day.year, day.month, day.day, int(hh), int(mm), int(ss or 0), tzinfo=VN_TZ)
    if len(text) == 10:
        return _whole_day(date.fromisoformat(text), end_of_day)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def _whole_day(day: date, end_of_day: bool) -> datetime:
    start = datetime.combine(day, time(), tzinfo=VN_TZ)
    return start + timedelta(days=1) if end_of_day else start


def parse_day(text: str) -> date:
    """dd/mm/yyyy or yyyy-mm-dd; ValueError otherwise."""
    text = text.strip()
    if found := _DMY.match(text):
        d, m, y, hh, _, _ = found.groups()
        if hh is None:
            return date(int(y), int(m), int(d))
        raise ValueError(f"{text!r}: a day, not a moment")
    if len(text) != 10:
        raise ValueError(f"{text!r}: not a day")
    return date.fromisoformat(text)


def parse_month(text: str) -> str:
    """The month of mm/yyyy, dd/mm/yyyy, yyyy-mm or yyyy-mm-dd, written yyyy-mm; ValueError
    otherwise (months of years before 1900 too: no report has them)."""
    text = text.strip()
    if found := _MY.match(text):
        month, year = int(found.group(1)), int(found.group(2))
    elif found := _ISO_MONTH.match(text):
        year, month = int(found.group(1)), int(found.group(2))
    else:
        day = parse_day(text)
        year, month = day.year, day.month
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        raise ValueError(f"{text!r}: not a month")
    return f"{year:04d}-{month:02d}"


def option_parser(name: str, forms: str, parse: Callable[[str], object]) -> Callable[[str], object]:
    """A typer parser: `parse(value)`, or stop with a Vietnamese message naming `forms`."""

    def parser(value: str) -> object:
        try:
            return parse(value)
        except ValueError:
            typer.echo(f"Lỗi: {name} '{value}' không đúng; viết {forms}.", err=True)
            raise typer.Exit(2) from None

    return parser


def day_option(name: str) -> Callable[[str], object]:
    """A typer parser of a day option (a `date`)."""
    return option_parser(name, DAY_FORMS, parse_day)


def month_option(name: str) -> Callable[[str], object]:
    """A typer parser of a month option (a "yyyy-mm" string)."""
    return option_parser(name, MONTH_FORMS, parse_month)


def when_option(name: str, *, end_of_day: bool = False) -> Callable[[str], object]:
    """A typer parser of a moment option (an aware `datetime`)."""
    return option_parser(name, WHEN_FORMS, lambda text: parse_when(text, end_of_day=end_of_day))
