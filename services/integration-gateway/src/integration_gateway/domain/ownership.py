"""Whose dossier number is it.

Systems number their dossiers in their own formats, so a number belongs to the agency that
sent it first. Where a number starts with an agency's code (STP-2023-…) or unit code
(mã định danh, 000.00.17.H13-230403-0001), only that agency may use it: nobody can take another
agency's numbers before it sends them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, time

from pasc_contracts import VN_TZ
from pasc_runtime.working_days import add_working_days

SEPARATORS = "-._/"
# Results are due by the end of office hours of the last working day.
END_OF_OFFICE = time(17, 0)


def procedure_owner(
    current: str,
    history: Sequence[tuple[date, str]],
    received: date,
    acting_for: Collection[str],
) -> str | None:
    """The agency, of those the caller acts for, whose procedure a dossier received on
    `received` is: its owner today; else its owner on that day (the versions in force then,
    or the first known ones for a dossier older than the catalog). A dossier received before
    its procedure moved to another agency stays the then-owner's: its system may still report
    it, under a key issued to it. None: the caller never owned it for that day."""
    if current in acting_for:
        return current
    in_force = [d for d, _ in history if d <= received]
    day = max(in_force) if in_force else min((d for d, _ in history), default=None)
    return next((a for d, a in history if d == day and a in acting_for), None)


def numbering_owner(ma_ho_so: str, prefixes: dict[str, str]) -> str | None:
    """The agency whose code or unit code starts `ma_ho_so`, if any (the longest such prefix)."""
    best: tuple[int, str] | None = None
    for prefix, agency in prefixes.items():
        if ma_ho_so.startswith(prefix) and (
            len(ma_ho_so) == len(prefix) or ma_ho_so[len(prefix)] in SEPARATORS
        ):
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), agency)
    return best[1] if best else None


def derived_due(received: datetime, working_days: int) -> datetime:
    """NgayHenTra when a system sends none: the procedure's processing time in working days
    counted from the day of reception (Decree 61/2018 art. 19: due dates are set that way)."""
    day: date = add_working_days(received.astimezone(VN_TZ).date(), working_days)
    return datetime.combine(day, END_OF_OFFICE, tzinfo=VN_TZ)
