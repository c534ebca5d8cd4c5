"""The plan's deadlines as it states them, and the due date each one gives once its anchor is known.

A deadline text ("Trước ngày 30 tháng 3 năm 2023", "Thường xuyên", ...) is parsed into a
`DeadlineSpec`; `compute_due` turns a spec and the anchors known so far (the plan's issue date,
the launch date, the departments fully onboarded) into a `Due`. Days are calendar days unless the
text says working days ("ngày làm việc"), counted on Vietnam's calendar.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from unidecode import unidecode

from pasc_contracts.events.plan import DeadlineKind
from task_service.domain.calendar import add_working_days, end_of_month, vn_day_text

T = TypeVar("T")


class Condition(StrEnum):
    CATALOG_FULLY_ONBOARDED = "catalog_fully_onboarded"


class DeadlineSpec(BaseModel):
    """A deadline's meaning; which fields apply depends on `kind`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DeadlineKind
    on: date | None = Field(default=None, description="fixed_date: the last day allowed")
    year: int | None = Field(default=None, ge=2000, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)
    days: int | None = Field(default=None, ge=1, le=3650)
    working_days: bool = False
    task_no: int | None = Field(default=None, ge=1, description="concurrent_with: the task")
    condition: Condition | None = None
    after_days: int = Field(default=0, ge=0, description="conditional: days once it is met")
    tentative: bool = Field(default=False, description="'Dự kiến': an estimate")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Self:
        needed = {
            DeadlineKind.FIXED_DATE: ("on",),
            DeadlineKind.END_OF_MONTH: ("year", "month"),
            DeadlineKind.YEAR: ("year",),
            DeadlineKind.RELATIVE_TO_ISSUE: ("days",),
            DeadlineKind.CONCURRENT_WITH: ("task_no",),
            DeadlineKind.CONDITIONAL: ("condition",),
        }.get(self.kind, ())
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"thời hạn loại {self.kind.value} cần {', '.join(missing)}")
        return self


class DeadlineTextError(ValueError):
    pass


def _fold(text: str) -> str:
    """Lower case without diacritics ('Trước ngày' -> 'truoc ngay'), whitespace collapsed."""
    return " ".join(unidecode(text).lower().split())


def _day(day: int, month: int, year: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DeadlineTextError(f"ngày {day}/{month}/{year} không tồn tại trong {text!r}") from exc


_ONGOING = re.compile(r"^thuong xuyen\b")
_CONDITIONAL = re.compile(r"sau khi .*tiep nhan 100% thu tuc hanh chinh")
_CONCURRENT = re.compile(r"dong thoi voi nhiem vu")
_BEFORE_LAUNCH = re.compile(r"truoc (ngay|thoi gian|thoi diem) (trung tam ra mat|ra mat trung tam)")
_RELATIVE = re.compile(r"(\d+) ngay( lam viec)? ke tu ngay ke hoach (duoc )?ban hanh")
_BEFORE_DAY = re.compile(r"(du kien )?truoc ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})")
_BEFORE_DAY_NUMERIC = re.compile(r"(du kien )?truoc ngay (\d{1,2})/(\d{1,2})/(\d{4})")
_ON_DAY = re.compile(r"(du kien )?ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})")
_MONTH = re.compile(r"(du kien )?thang (\d{1,2}) nam (\d{4})")
_YEAR = re.compile(r"(du kien )?nam (\d{4})")


def parse_deadline(text: str) -> DeadlineSpec:
    """The spec a Vietnamese deadline text states; DeadlineTextError when it states none we know.

    "Trước ngày D" means D is no longer in time: the last day allowed is the day before.
    """
    folded = _fold(text)
    if _ONGOING.search(folded):
        return DeadlineSpec(kind=DeadlineKind.ONGOING)
    if _CONDITIONAL.search(folded):
        return DeadlineSpec(
            kind=DeadlineKind.CONDITIONAL, condition=Condition.CATALOG_FULLY_ONBOARDED
        )
    if _CONCURRENT.search(folded):
        raise DeadlineTextError(
            f"{text!r} gắn với một nhiệm vụ khác: ghi rõ deadline: {{kind: concurrent_with, task_no: N}}"
        )
    if _BEFORE_LAUNCH.search(folded):
        return DeadlineSpec(kind=DeadlineKind.BEFORE_LAUNCH)
    if m := _RELATIVE.search(folded):
        return DeadlineSpec(
            kind=DeadlineKind.RELATIVE_TO_ISSUE, days=int(m[1]), working_days=bool(m[2])
        )
    for pattern in (_BEFORE_DAY, _BEFORE_DAY_NUMERIC):
        if m := pattern.search(folded):
            day = _day(int(m[2]), int(m[3]), int(m[4]), text)
            return DeadlineSpec(
                kind=DeadlineKind.FIXED_DATE, on=day - timedelta(days=1), tentative=bool(m[1])
            )
    if m := _ON_DAY.search(folded):
        day = _day(int(m[2]), int(m[3]), int(m[4]), text)
        return DeadlineSpec(kind=DeadlineKind.FIXED_DATE, on=day, tentative=bool(m[1]))
    if m := _MONTH.search(folded):
        month, year = int(m[2]), int(m[3])
        if not 1 <= month <= 12:
            raise DeadlineTextError(f"tháng {month} không tồn tại trong {text!r}")
        return DeadlineSpec(
            kind=DeadlineKind.END_OF_MONTH, year=year, month=month, tentative=bool(m[1])
        )
    if m := _YEAR.search(folded):
        return DeadlineSpec(kind=DeadlineKind.YEAR, year=int(m[2]), tentative=bool(m[1]))
    raise DeadlineTextError(f"không xác định được thời hạn từ {text!r}")


@dataclass(frozen=True)
class Due:
    """An effective due date (None while its anchor is unknown, or for ongoing work) and why."""

    on: date | None
    reason: str


@dataclass(frozen=True)
class Anchors:
    """What deadlines hang on, as far as it is known now."""

    issue_date: date | None = None
    launch_date: date | None = None
    onboarded: Mapping[str, date] | None = None  # agency -> day its TTHC were 100% at the Center


def _given(value: T | None) -> T:
    """A field the spec's validator already requires for its kind."""
    if value is None:
        raise ValueError("deadline spec is missing a field its kind needs")
    return value


def compute_due(
    spec: DeadlineSpec,
    anchors: Anchors,
    *,
    agency: str,
    launch_day: Callable[[], Due],
    follow: Callable[[int], Due],
) -> Due:
    """The due date `spec` gives for one agency's assignment.

    `launch_day` is the Center's launch date (set, or the launch task's own estimate);
    `follow(n)` is task n's due date for the same agency, for concurrent deadlines.
    """
    kind = spec.kind
    if kind is DeadlineKind.FIXED_DATE:
        on = _given(spec.on)
        label = "ngày dự kiến trong Kế hoạch" if spec.tentative else "ngày ghi trong Kế hoạch"
        return Due(on, label)
    if kind is DeadlineKind.END_OF_MONTH:
        year, month = _given(spec.year), _given(spec.month)
        return Due(end_of_month(year, month), f"trong tháng {month}/{year}")
    if kind is DeadlineKind.YEAR:
        year = _given(spec.year)
        return Due(date(year, 12, 31), f"trong năm {year}")
    if kind is DeadlineKind.RELATIVE_TO_ISSUE:
        days = _given(spec.days)
        if anchors.issue_date is None:
            return Due(None, "chờ ngày ban hành Kế hoạch")
        issued = vn_day_text(anchors.issue_date)
        if spec.working_days:
            on = add_working_days(anchors.issue_date, days)
            return Due(on, f"{days} ngày làm việc kể từ ngày ban hành Kế hoạch ({issued})")
        on = anchors.issue_date + timedelta(days=days)
        return Due(on, f"{days} ngày kể từ ngày ban hành Kế hoạch ({issued})")
    if kind is DeadlineKind.BEFORE_LAUNCH:
        launch = launch_day()
        if launch.on is None:
            return Due(None, "chờ ngày Trung tâm ra mắt")
        return Due(launch.on - timedelta(days=1), f"trước ngày Trung tâm ra mắt {launch.reason}")
    if kind is DeadlineKind.CONCURRENT_WITH:
        task_no = _given(spec.task_no)
        other = follow(task_no)
        return Due(other.on, f"đồng thời với nhiệm vụ {task_no}: {other.reason}")
    if kind is DeadlineKind.CONDITIONAL:
        return _once_received_at_center(spec, anchors, agency, launch_day())
    return Due(None, "thường xuyên: báo cáo kết quả hằng tháng")


def _once_received_at_center(spec: DeadlineSpec, anchors: Anchors, agency: str, launch: Due) -> Due:
    """Task 11: "Sau khi tổ chức tiếp nhận 100% thủ tục hành chính tại Trung tâm".

    A catalog decision may bring a department's procedures to 100% before the Center exists
    (the decisions of April 2023 took effect before the launch on 28/04/2023), but nothing is
    received "tại Trung tâm" before the Center opens: the condition is met on the later of the
    day the department's last procedure moves to the Center and the launch day (the day set, or
    the launch task's own estimate while none is). The plan names no period after that
    ("Sau khi ..." with no number of days, and the expected result is "thông báo địa điểm tiếp
    nhận, trả kết quả tại Trung tâm", a notice due when receiving there starts), so the due
    date is that day plus `after_days`, which is 0 unless a plan states a period.
    """
    reached = (anchors.onboarded or {}).get(agency)
    if reached is None:
        return Due(None, "chờ tiếp nhận 100% thủ tục hành chính tại Trung tâm")
    if launch.on is None:
        return Due(
            None,
            f"đã đủ 100% thủ tục hành chính từ {vn_day_text(reached)}; chờ ngày Trung tâm ra mắt",
        )
    received = max(reached, launch.on)
    on = received + timedelta(days=spec.after_days)
    if received == reached:
        return Due(
            on, f"đã tiếp nhận 100% thủ tục hành chính tại Trung tâm từ {vn_day_text(reached)}"
        )
    return Due(
        on,
        f"đủ 100% thủ tục hành chính từ {vn_day_text(reached)}; tiếp nhận tại Trung tâm"
        f" từ ngày Trung tâm ra mắt {launch.reason}",
    )
