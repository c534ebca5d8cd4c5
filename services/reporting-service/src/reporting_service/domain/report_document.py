"""The office's monthly report as an administrative document (Decree 30/2020/NĐ-CP), pure.

`build_report` turns the facts of one month, all cut off at the same instant (`MonthFacts.until`:
the first instant of the next month, or now while the month runs), into a `ReportDocument`: the
parts Decree 30 names (quốc hiệu và tiêu ngữ, tên cơ quan, số và ký hiệu, địa danh và ngày tháng,
tên loại và trích yếu, nội dung, chức vụ và người ký, nơi nhận) and five sections of content,
each sentence carrying the figures behind it. Rendering to DOCX or XLSX is the app's concern.

Cut-off rules (nothing after `until` is shown as if it had happened in the month):
- dossier figures are the month's, with the backlog as of `until`;
- a plan task counts as done only if its "done" status was reported before `until`; a task whose
  last report came later is "not done" at the cut-off (its later state is not shown);
- overdue at the cut-off: not done, due date before the cut-off day;
- coverage: each agency's latest figure if dated before `until`; later ones are left out and
  counted as such;
- the departments' monthly reports listed are those for the previous month, due on the
  `report_due_day` of this month, received before `until` (this month's own reports fall due
  next month and belong to next month's document).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from pasc_contracts import VN_TZ
from reporting_service.domain.figures import Figures, change, rate
from reporting_service.domain.periods import Period

DONE = "done"
BLOCKED = "blocked"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_TYPE = "BÁO CÁO"
PERSON_NAME = re.compile(r"^[^\W\d_]+(?:[ .'-]+[^\W\d_]+)*\.?$")
TITLE_TEXT = re.compile(r"^[^\W\d_]+(?:[ ,.'-]+[^\W\d_]+)*\.?$")
AUTHORITY = re.compile(r"^(KT|TL|TUQ|TM|Q)\. [^\W\d_]+(?:[ ,'-]+[^\W\d_]+)*$")
NUMBER = re.compile(r"^\d{1,5}$")


# -- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """Who issues the report and under which symbol (Decree 30, Appendix III)."""

    parent: str = "UBND THÀNH PHỐ CẦN THƠ"  # the parent body, abbreviated as usual
    issuer: str = "VĂN PHÒNG"
    issuer_name: str = "Văn phòng Ủy ban nhân dân thành phố"  # as written in running text
    symbol: str = "BC-VPUBND"
    place: str = "Cần Thơ"
    recipient: str = "Ủy ban nhân dân thành phố Cần Thơ"
    copies_to: tuple[str, ...] = (
        "Như trên;",
        "Chủ tịch, các Phó Chủ tịch UBND thành phố;",
        "Sở, ban ngành thành phố;",
        "Lưu: VT, TTPVHCC.",
    )


@dataclass(frozen=True)
class Signing:
    """The parameters the office fills in: number, date, signer. Blank ones stay blank to be
    filled by hand (the number is given by the records clerk on registration)."""

    number: str | None = None
    day: date | None = None
    signer: str | None = None
    position: str = "CHÁNH VĂN PHÒNG"
    authority: str | None = None  # e.g. "KT. CHÁNH VĂN PHÒNG" above the signer's own position


class SigningError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


def check_signing(signing: Signing, period: Period, today: date) -> Signing:
    """The signing parameters, refused (SigningError naming the field) when they can't be right."""
    if signing.number is not None and not NUMBER.match(signing.number):
        raise SigningError("so", "số văn bản là số Ả Rập, tối đa 5 chữ số (ví dụ 125)")
    if signing.signer is not None and (
        len(signing.signer) > 60 or not PERSON_NAME.match(signing.signer)
    ):
        raise SigningError("nguoi_ky", "họ và tên người ký chỉ gồm chữ cái và dấu cách")
    if len(signing.position) > 80 or not TITLE_TEXT.match(signing.position):
        raise SigningError("chuc_vu", "chức vụ người ký chỉ gồm chữ cái, dấu cách và dấu phẩy")
    if signing.authority is not None and (
        len(signing.authority) > 80 or not AUTHORITY.match(signing.authority)
    ):
        raise SigningError(
            "tham_quyen", "thẩm quyền ký có dạng 'KT. CHÁNH VĂN PHÒNG' (KT., TL., TUQ., TM., Q.)"
        )
    if signing.day is not None:
        if signing.day < period.end:
            raise SigningError(
                "ngay",
                f"báo cáo tháng {period.start:%m/%Y} ký từ ngày {period.end:%d/%m/%Y} trở đi",
            )
        if signing.day > today:
            raise SigningError("ngay", "ngày ký không thể sau ngày hôm nay")
    return signing


@dataclass(frozen=True)
class AgencyFigures:
    code: str
    name: str
    figures: Figures
    previous: Figures
    backlog: int = 0
    backlog_overdue: int = 0


@dataclass(frozen=True)
class LateProcedure:
    agency_code: str
    ma_tthc: str
    ten_tthc: str | None
    processed: int
    late: int


@dataclass(frozen=True)
class CoverageFigure:
    agency_code: str
    eligible: int
    at_center: int
    excluded: int
    as_of: date


@dataclass(frozen=True)
class PlanTask:
    agency_code: str
    task_no: int
    title: str | None
    status: str | None
    status_at: datetime | None
    percent: int | None
    due_on: date | None
    registered_at: datetime | None = None
    withdrawn: bool = False


@dataclass(frozen=True)
class Submission:
    agency_code: str
    state: str
    submitted_at: datetime | None


@dataclass(frozen=True)
class MonthFacts:
    period: Period
    until: datetime  # exclusive cut-off
    city: Figures
    city_previous: Figures
    backlog: int
    backlog_overdue: int
    agencies: Sequence[AgencyFigures]
    late_by_procedure: Sequence[LateProcedure]
    coverage: Sequence[CoverageFigure]
    tasks: Sequence[PlanTask]
    submissions: Sequence[Submission]  # the previous month's reports
    names: dict[str, str]
    plan_title: str | None = None
    report_due_day: int = 5


# -- the document ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, int, rate (0..1), date
    width_cm: float = 2.0


@dataclass(frozen=True)
class Table:
    name: str  # the XLSX sheet's name
    caption: str
    columns: tuple[Column, ...]
    rows: list[list[object]]
    total: list[object] | None = None


@dataclass
class Section:
    heading: str
    blocks: list[str | Table] = field(default_factory=list)

    def sub(self, text: str) -> None:
        self.blocks.append(f"§{text}")  # a sub-heading (rendered bold)

    def say(self, text: str) -> None:
        self.blocks.append(text)

    def bullet(self, text: str) -> None:
        self.blocks.append(f"- {text}")

    def table(self, table: Table) -> None:
        self.blocks.append(table)


@dataclass(frozen=True)
class ReportDocument:
    letterhead: Letterhead
    signing: Signing
    number_line: str
    place_date_line: str
    title: str
    summary: str
    recipient_line: str
    sections: list[Section]
    closing: str
    as_of_note: str

    @property
    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


# -- formatting (Vietnamese conventions) ----------------------------------------------------


def n(value: int | None) -> str:
    """1.234 (Vietnamese thousands separator)."""
    return "–" if value is None else f"{value:,}".replace(",", ".")


def pct(value: float | None) -> str:
    """95,2% (one decimal, comma)."""
    return "–" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def vn_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def number_line(letterhead: Letterhead, signing: Signing) -> str:
    return f"Số: {signing.number or ' ' * 8}/{letterhead.symbol}"


def place_date_line(letterhead: Letterhead, day: date | None) -> str:
    """Decree 30: days below 10 and months 1 and 2 are written with a leading zero."""
    if day is None:
        return f"{letterhead.place}, ngày      tháng      năm       "
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{letterhead.place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _signed_change(value: float | int | None, *, points: bool = False) -> str:
    if value is None:
        return "–"
    if points:
        text = f"{abs(value) * 100:.1f}".replace(".", ",")
        unit = " điểm %"
    else:
        text, unit = n(abs(int(value))), ""
    return ("tăng " if value > 0 else "giảm " if value < 0 else "không đổi") + (
        f"{text}{unit}" if value else ""
    )


# -- the month as of its cut-off ------------------------------------------------------------


@dataclass(frozen=True)
class TaskAtCutOff:
    task: PlanTask
    done: bool
    overdue: bool
    later_update: bool  # its last report came after the cut-off: its later state is not shown
    days_late: int = 0


def tasks_at(tasks: Sequence[PlanTask], until: datetime) -> list[TaskAtCutOff]:
    cut_day = until.astimezone(VN_TZ).date()
    result = []
    for t in tasks:
        if t.withdrawn or (t.registered_at is not None and t.registered_at >= until):
            continue
        known = t.status_at is None or t.status_at < until
        done = known and t.status == DONE
        overdue = not done and t.due_on is not None and t.due_on < cut_day
        late_days = (cut_day - timedelta(days=1) - t.due_on).days if overdue and t.due_on else 0
        result.append(TaskAtCutOff(t, done, overdue, not known, late_days))
    return result


def _coverage_known(facts: MonthFacts) -> tuple[list[CoverageFigure], list[CoverageFigure]]:
    cut_day = facts.until.astimezone(VN_TZ).date()
    known = [c for c in facts.coverage if c.as_of < cut_day]
    later = [c for c in facts.coverage if c.as_of >= cut_day]
    return known, later


def _name(facts: MonthFacts, code: str) -> str:
    return facts.names.get(code, code)


def _month_text(period: Period) -> str:
    return f"tháng {period.start.month} năm {period.start.year}"


# -- building -------------------------------------------------------------------------------


def build_report(
    facts: MonthFacts, signing: Signing, letterhead: Letterhead = Letterhead()
) -> ReportDocument:
    period = facts.period
    tasks = tasks_at(facts.tasks, facts.until)
    covered, covered_later = _coverage_known(facts)
    sections = [
        _general(facts),
        _results(facts, tasks),
        _goals(facts, covered, covered_later),
        _assessment(facts, tasks, covered),
        _next_month(facts, tasks, covered),
    ]
    cut_day = facts.until.astimezone(VN_TZ) - timedelta(microseconds=1)
    return ReportDocument(
        letterhead=letterhead,
        signing=signing,
        number_line=number_line(letterhead, signing),
        place_date_line=place_date_line(letterhead, signing.day),
        title=DOCUMENT_TYPE,
        summary=(
            "Tình hình tiếp nhận, giải quyết thủ tục hành chính tại Trung tâm Phục vụ hành chính"
            f" công thành phố và kết quả thực hiện Kế hoạch {_month_text(period)}"
        ),
        recipient_line=f"Kính gửi: {letterhead.recipient}.",
        sections=sections,
        closing=(
            f"Trên đây là báo cáo tình hình {_month_text(period)} của {letterhead.issuer_name},"
            f" kính trình {letterhead.recipient} xem xét, chỉ đạo./."
        ),
        as_of_note=(
            f"Số liệu tính đến hết {cut_day:%H:%M} ngày {vn_day(cut_day.date())}; hồ sơ tiếp nhận"
            " tính theo ngày tiếp nhận, hồ sơ đã giải quyết theo ngày kết thúc xử lý."
        ),
    )


def _general(facts: MonthFacts) -> Section:
    c, p = facts.city, facts.city_previous
    s = Section("I. TÌNH HÌNH CHUNG")
    s.say(
        f"Trong {_month_text(facts.period)}, Trung tâm Phục vụ hành chính công thành phố tiếp nhận"
        f" {n(c.received)} hồ sơ ({_signed_change(change(c.received, p.received))} so với tháng"
        f" trước: {n(p.received)} hồ sơ), trong đó {n(c.online)} hồ sơ trực tuyến"
        f" ({pct(c.online_rate)}), {n(c.postal)} hồ sơ qua dịch vụ bưu chính công ích."
    )
    s.say(
        f"Đã giải quyết {n(c.processed)} hồ sơ: đúng hạn {n(c.on_time)} hồ sơ"
        f" ({pct(c.on_time_rate)}), quá hạn {n(c.late)} hồ sơ; trả kết quả {n(c.result_returned)}"
        f" hồ sơ, từ chối {n(c.refused)}, công dân rút {n(c.withdrawn)}, dừng xử lý {n(c.stopped)}."
    )
    s.say(
        f"Đến thời điểm cuối kỳ báo cáo còn {n(facts.backlog)} hồ sơ đang giải quyết, trong đó"
        f" {n(facts.backlog_overdue)} hồ sơ đã quá hạn. Tỷ lệ hồ sơ được số hóa đạt"
        f" {pct(c.digitized_rate)} ({n(c.digitized)}/{n(c.received)} hồ sơ), tỷ lệ thanh toán"
        f" trực tuyến {pct(c.paid_online_rate)}."
    )
    return s


def _agency_table(facts: MonthFacts) -> Table:
    rows: list[list[object]] = []
    total = Figures()
    for i, a in enumerate(facts.agencies, 1):
        f = a.figures
        rows.append(
            [
                i,
                a.name,
                f.received,
                f.online,
                f.processed,
                f.on_time,
                f.late,
                f.on_time_rate,
                f.digitized_rate,
                a.backlog,
                a.backlog_overdue,
            ]
        )
        total = _add(total, f)
    return Table(
        name="Theo cơ quan",
        caption=f"Bảng 1. Kết quả tiếp nhận, giải quyết hồ sơ theo cơ quan {_month_text(facts.period)}",
        columns=(
            Column("STT", "int", 1.1),
            Column("Cơ quan", "text", 3.6),
            Column("Tiếp nhận", "int", 1.35),
            Column("Trực tuyến", "int", 1.35),
            Column("Đã giải quyết", "int", 1.35),
            Column("Đúng hạn", "int", 1.35),
            Column("Quá hạn", "int", 1.2),
            Column("Tỷ lệ đúng hạn", "rate", 1.6),
            Column("Tỷ lệ số hóa", "rate", 1.6),
            Column("Đang giải quyết cuối kỳ", "int", 1.4),
            Column("Trong đó quá hạn", "int", 1.4),
        ),
        rows=rows,
        total=[
            None,
            "Toàn thành phố",
            total.received,
            total.online,
            total.processed,
            total.on_time,
            total.late,
            total.on_time_rate,
            total.digitized_rate,
            sum(a.backlog for a in facts.agencies),
            sum(a.backlog_overdue for a in facts.agencies),
        ],
    )


def _add(a: Figures, b: Figures) -> Figures:
    return Figures(**{f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(Figures)})


def _plan_table(facts: MonthFacts, tasks: list[TaskAtCutOff]) -> Table:
    by_agency: dict[str, list[TaskAtCutOff]] = {}
    for t in tasks:
        by_agency.setdefault(t.task.agency_code, []).append(t)
    rows: list[list[object]] = []
    for i, code in enumerate(sorted(by_agency, key=lambda c: _name(facts, c)), 1):
        mine = by_agency[code]
        done = sum(t.done for t in mine)
        rows.append(
            [
                i,
                _name(facts, code),
                len(mine),
                done,
                len(mine) - done,
                sum(t.overdue for t in mine),
                rate(done, len(mine)),
            ]
        )
    done_all = sum(t.done for t in tasks)
    return Table(
        name="Kế hoạch",
        caption="Bảng 2. Kết quả thực hiện nhiệm vụ của Kế hoạch theo cơ quan (đến cuối kỳ)",
        columns=(
            Column("STT", "int", 1.1),
            Column("Cơ quan", "text", 6.0),
            Column("Nhiệm vụ", "int", 1.8),
            Column("Hoàn thành", "int", 1.8),
            Column("Chưa hoàn thành", "int", 2.0),
            Column("Quá hạn", "int", 1.6),
            Column("Tỷ lệ hoàn thành", "rate", 1.9),
        ),
        rows=rows,
        total=[
            None,
            "Tổng cộng",
            len(tasks),
            done_all,
            len(tasks) - done_all,
            sum(t.overdue for t in tasks),
            rate(done_all, len(tasks)),
        ],
    )


def _overdue_tasks_table(facts: MonthFacts, tasks: list[TaskAtCutOff]) -> Table:
    late = sorted(
        (t for t in tasks if t.overdue), key=lambda t: (t.task.task_no, t.task.agency_code)
    )
    return Table(
        name="Nhiệm vụ quá hạn",
        caption="Bảng 3. Nhiệm vụ quá hạn tại thời điểm cuối kỳ",
        columns=(
            Column("Nhiệm vụ số", "int", 1.5),
            Column("Nội dung", "text", 7.0),
            Column("Cơ quan thực hiện", "text", 4.0),
            Column("Hạn hoàn thành", "date", 2.2),
            Column("Số ngày quá hạn", "int", 1.8),
        ),
        rows=[
            [
                t.task.task_no,
                t.task.title or "",
                _name(facts, t.task.agency_code),
                t.task.due_on,
                t.days_late,
            ]
            for t in late
        ],
    )


def _submission_lines(facts: MonthFacts) -> tuple[list[str], list[str], list[str]]:
    start = facts.period.start
    due = start.replace(day=facts.report_due_day)
    on_time: list[str] = []
    late: list[str] = []
    missing: list[str] = []
    for sub in sorted(facts.submissions, key=lambda s: _name(facts, s.agency_code)):
        received = sub.state == "received" and sub.submitted_at is not None
        if received and sub.submitted_at is not None and sub.submitted_at < facts.until:
            day = sub.submitted_at.astimezone(VN_TZ).date()
            (on_time if day <= due else late).append(
                f"{_name(facts, sub.agency_code)} ({vn_day(day)})"
            )
        else:
            missing.append(_name(facts, sub.agency_code))
    return on_time, late, missing


def _results(facts: MonthFacts, tasks: list[TaskAtCutOff]) -> Section:
    s = Section("II. KẾT QUẢ THEO NHIỆM VỤ VÀ CƠ QUAN")
    s.sub("1. Kết quả tiếp nhận, giải quyết thủ tục hành chính theo cơ quan")
    active = [a for a in facts.agencies if a.figures.received or a.figures.processed or a.backlog]
    s.say(
        f"{n(len(active))}/{n(len(facts.agencies))} cơ quan có hồ sơ tiếp nhận, giải quyết hoặc"
        " đang giải quyết trong kỳ; chi tiết tại Bảng 1 (các cơ quan không phát sinh hồ sơ vẫn"
        " được liệt kê để số liệu cộng đúng tổng toàn thành phố)."
    )
    s.table(_agency_table(facts))
    if facts.late_by_procedure:
        top = facts.late_by_procedure[:5]
        s.say(
            "Các thủ tục có nhiều hồ sơ giải quyết quá hạn nhất: "
            + "; ".join(
                f"{p.ten_tthc or p.ma_tthc} ({_name(facts, p.agency_code)}: {n(p.late)}/"
                f"{n(p.processed)} hồ sơ)"
                for p in top
            )
            + "."
        )
    s.sub("2. Kết quả thực hiện các nhiệm vụ của Kế hoạch")
    if facts.plan_title:
        s.say(f"Thực hiện {facts.plan_title}:")
    done = sum(t.done for t in tasks)
    overdue = [t for t in tasks if t.overdue]
    later = sum(t.later_update for t in tasks)
    s.say(
        f"Đến cuối kỳ, {n(done)}/{n(len(tasks))} lượt nhiệm vụ của các cơ quan đã hoàn thành"
        f" ({pct(rate(done, len(tasks)))}); {n(len(tasks) - done)} lượt chưa hoàn thành, trong đó"
        f" {n(len(overdue))} lượt đã quá hạn (Bảng 2, Bảng 3)."
        + (
            f" {n(later)} lượt nhiệm vụ có báo cáo cập nhật sau thời điểm cuối kỳ, không tính vào"
            " kỳ này."
            if later
            else ""
        )
    )
    s.table(_plan_table(facts, tasks))
    if overdue:
        s.table(_overdue_tasks_table(facts, tasks))
    s.sub("3. Việc báo cáo định kỳ của các cơ quan")
    previous = facts.period.start - timedelta(days=1)
    on_time, late, missing = _submission_lines(facts)
    due = facts.period.start.replace(day=facts.report_due_day)
    s.say(
        f"Báo cáo tháng {previous.month}/{previous.year} (hạn gửi ngày {vn_day(due)}):"
        f" {n(len(on_time))} cơ quan gửi đúng hạn, {n(len(late))} cơ quan gửi trễ hạn,"
        f" {n(len(missing))} cơ quan chưa gửi đến cuối kỳ."
    )
    if late:
        s.bullet("Gửi trễ hạn: " + ", ".join(late) + ".")
    if missing:
        s.bullet("Chưa gửi: " + ", ".join(missing) + ".")
    return s


@dataclass(frozen=True)
class Goal:
    text: str
    target: float | None
    value: float | None
    detail: str

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target


def goals(
    facts: MonthFacts, covered: list[CoverageFigure], covered_later: list[CoverageFigure]
) -> list[Goal]:
    eligible = sum(c.eligible for c in covered)
    at_center = sum(c.at_center for c in covered)
    later = (
        f"; {n(len(covered_later))} cơ quan có số liệu cập nhật sau cuối kỳ, không tính"
        if covered_later
        else ""
    )
    c = facts.city
    return [
        Goal(
            "100% thủ tục hành chính cấp thành phố (không thuộc trường hợp loại trừ) được tiếp"
            " nhận hồ sơ và trả kết quả tại Trung tâm",
            1.0,
            rate(at_center, eligible),
            f"{n(at_center)}/{n(eligible)} thủ tục đủ điều kiện của {n(len(covered))} cơ quan{later}",
        ),
        Goal(
            "Số hóa 100% hồ sơ, giấy tờ, kết quả giải quyết thủ tục hành chính tại Trung tâm",
            1.0,
            c.digitized_rate,
            f"{n(c.digitized)}/{n(c.received)} hồ sơ tiếp nhận trong tháng được số hóa",
        ),
        Goal(
            "Tỷ lệ hồ sơ nộp trực tuyến (Kế hoạch không đặt chỉ tiêu; mục IV.1.d hướng dẫn ưu"
            " tiên nộp trực tuyến)",
            None,
            c.online_rate,
            f"{n(c.online)}/{n(c.received)} hồ sơ; tháng trước"
            f" {pct(facts.city_previous.online_rate)}",
        ),
    ]


def _goals(
    facts: MonthFacts, covered: list[CoverageFigure], covered_later: list[CoverageFigure]
) -> Section:
    s = Section("III. TIẾN ĐỘ CÁC MỤC TIÊU CỦA KẾ HOẠCH")
    listed = goals(facts, covered, covered_later)
    for g in listed:
        verdict = {True: "đạt", False: "chưa đạt", None: "theo dõi"}[g.met]
        s.bullet(f"{g.text}: {pct(g.value)} ({g.detail}) – {verdict}.")
    s.table(
        Table(
            name="Mục tiêu",
            caption="Bảng 4. Tiến độ các mục tiêu cụ thể của Kế hoạch",
            columns=(
                Column("Mục tiêu", "text", 7.5),
                Column("Chỉ tiêu", "rate", 1.8),
                Column("Kết quả", "rate", 1.8),
                Column("Căn cứ số liệu", "text", 4.5),
                Column("Đánh giá", "text", 1.9),
            ),
            rows=[
                [
                    g.text,
                    g.target,
                    g.value,
                    g.detail,
                    {True: "Đạt", False: "Chưa đạt", None: "Theo dõi"}[g.met],
                ]
                for g in listed
            ],
        )
    )
    if covered:
        s.table(
            Table(
                name="Danh mục TTHC",
                caption="Bảng 5. Thủ tục hành chính tiếp nhận tại Trung tâm theo cơ quan",
                columns=(
                    Column("STT", "int", 1.1),
                    Column("Cơ quan", "text", 6.0),
                    Column("TTHC đủ điều kiện", "int", 2.0),
                    Column("Tiếp nhận tại Trung tâm", "int", 2.2),
                    Column("Loại trừ", "int", 1.5),
                    Column("Tỷ lệ", "rate", 1.5),
                    Column("Số liệu ngày", "date", 2.2),
                ),
                rows=[
                    [
                        i,
                        _name(facts, c.agency_code),
                        c.eligible,
                        c.at_center,
                        c.excluded,
                        rate(c.at_center, c.eligible),
                        c.as_of,
                    ]
                    for i, c in enumerate(
                        sorted(covered, key=lambda c: _name(facts, c.agency_code)), 1
                    )
                ],
            )
        )
    return s


def _worst(facts: MonthFacts, key: str, count: int = 3) -> list[AgencyFigures]:
    ranked = [a for a in facts.agencies if _gap(a, key) > 0]
    return sorted(ranked, key=lambda a: (-_gap(a, key), a.name))[:count]


def _gap(a: AgencyFigures, key: str) -> int:
    f = a.figures
    if key == "late":
        return f.late
    if key == "undigitized":
        return f.received - f.digitized
    if key == "overdue":
        return a.backlog_overdue
    return 0


def _assessment(
    facts: MonthFacts, tasks: list[TaskAtCutOff], covered: list[CoverageFigure]
) -> Section:
    c, p = facts.city, facts.city_previous
    s = Section("IV. ĐÁNH GIÁ CHUNG")
    s.sub("1. Kết quả đạt được")
    s.bullet(
        f"Tỷ lệ giải quyết hồ sơ đúng hạn đạt {pct(c.on_time_rate)} ({n(c.on_time)}/"
        f"{n(c.processed)} hồ sơ; tháng trước {pct(p.on_time_rate)})."
    )
    all_on_time = [a.name for a in facts.agencies if a.figures.processed and not a.figures.late]
    if all_on_time:
        s.bullet(
            f"{n(len(all_on_time))} cơ quan giải quyết 100% hồ sơ đúng hạn: "
            + ", ".join(all_on_time)
            + "."
        )
    full = [c_ for c_ in covered if c_.eligible and c_.at_center >= c_.eligible]
    s.bullet(
        f"{n(len(full))}/{n(len(covered))} cơ quan đã đưa 100% thủ tục hành chính đủ điều kiện vào"
        " tiếp nhận tại Trung tâm."
    )
    online_change = change(c.online_rate, p.online_rate)
    online_line = (
        f"Tỷ lệ hồ sơ trực tuyến {pct(c.online_rate)}"
        f" ({_signed_change(online_change, points=True)} so với tháng trước: {pct(p.online_rate)})."
    )
    if online_change is None or online_change >= 0:
        s.bullet(online_line)
    done = sum(t.done for t in tasks)
    s.bullet(f"Hoàn thành {n(done)}/{n(len(tasks))} lượt nhiệm vụ của Kế hoạch.")

    s.sub("2. Hạn chế")
    limits = 0
    if c.late:
        limits += 1
        worst = _worst(facts, "late")
        s.bullet(
            f"Còn {n(c.late)} hồ sơ giải quyết quá hạn ({pct(rate(c.late, c.processed))} số hồ sơ"
            " đã giải quyết), nhiều nhất tại: "
            + ", ".join(f"{a.name} ({n(a.figures.late)})" for a in worst)
            + "."
        )
    if facts.backlog_overdue:
        limits += 1
        worst = _worst(facts, "overdue")
        s.bullet(
            f"{n(facts.backlog_overdue)}/{n(facts.backlog)} hồ sơ đang giải quyết đã quá hạn tại"
            " thời điểm cuối kỳ, nhiều nhất tại: "
            + ", ".join(f"{a.name} ({n(a.backlog_overdue)})" for a in worst)
            + "."
        )
    if online_change is not None and online_change < 0:
        limits += 1
        s.bullet(online_line)
    undigitized = c.received - c.digitized
    if undigitized > 0:
        limits += 1
        s.bullet(
            f"Chưa đạt mục tiêu số hóa 100%: {n(undigitized)} hồ sơ tiếp nhận trong tháng chưa"
            f" được số hóa (đạt {pct(c.digitized_rate)})."
        )
    pending = [c_ for c_ in covered if c_.at_center < c_.eligible]
    if pending:
        limits += 1
        left = sum(c_.eligible - c_.at_center for c_ in pending)
        s.bullet(
            f"{n(len(pending))} cơ quan chưa đưa đủ thủ tục hành chính vào Trung tâm, còn"
            f" {n(left)} thủ tục đủ điều kiện chưa tiếp nhận tại Trung tâm."
        )
    overdue = [t for t in tasks if t.overdue]
    if overdue:
        limits += 1
        s.bullet(f"{n(len(overdue))} lượt nhiệm vụ của Kế hoạch quá hạn chưa hoàn thành (Bảng 3).")
    _, late_reports, missing = _submission_lines(facts)
    if late_reports or missing:
        limits += 1
        s.bullet(
            f"{n(len(late_reports))} cơ quan gửi báo cáo tháng trễ hạn, {n(len(missing))} cơ quan"
            " chưa gửi."
        )
    if not limits:
        s.bullet("Không có hạn chế nào thể hiện trên số liệu của kỳ báo cáo.")

    s.sub("3. Nguyên nhân")
    causes = 0
    if facts.late_by_procedure and c.late:
        causes += 1
        top = facts.late_by_procedure[:3]
        share = rate(sum(x.late for x in top), c.late)
        s.bullet(
            f"Hồ sơ quá hạn tập trung ở {n(len(top))} thủ tục ({pct(share)} số hồ sơ quá hạn): "
            + "; ".join(f"{x.ten_tthc or x.ma_tthc} ({n(x.late)})" for x in top)
            + "; cần rà soát quy trình nội bộ và thời hạn giải quyết của các thủ tục này."
        )
    if undigitized > 0:
        causes += 1
        worst = _worst(facts, "undigitized")
        s.bullet(
            "Hồ sơ chưa số hóa chủ yếu ở: "
            + ", ".join(f"{a.name} ({n(_gap(a, 'undigitized'))})" for a in worst)
            + "."
        )
    if pending:
        causes += 1
        s.bullet(
            "Các thủ tục còn lại chưa có quyết định công bố đưa vào tiếp nhận tại Trung tâm: "
            + ", ".join(
                f"{_name(facts, x.agency_code)} ({n(x.eligible - x.at_center)})"
                for x in sorted(pending, key=lambda x: -(x.eligible - x.at_center))[:5]
            )
            + "."
        )
    blocked = [t for t in tasks if not t.done and not t.later_update and t.task.status == BLOCKED]
    if blocked:
        causes += 1
        s.bullet(
            f"{n(len(blocked))} lượt nhiệm vụ được cơ quan báo cáo đang vướng mắc: "
            + "; ".join(
                f"nhiệm vụ {t.task.task_no} ({_name(facts, t.task.agency_code)})" for t in blocked
            )
            + "."
        )
    if not causes:
        s.bullet("Không có nguyên nhân nào cần nêu từ số liệu của kỳ báo cáo.")
    return s


def _next_month(
    facts: MonthFacts, tasks: list[TaskAtCutOff], covered: list[CoverageFigure]
) -> Section:
    start = facts.period.end + timedelta(days=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    s = Section("V. NHIỆM VỤ THÁNG TỚI")
    items = 0

    def item(text: str) -> None:
        nonlocal items
        items += 1
        s.say(f"{items}. {text}")

    overdue = [t for t in tasks if t.overdue]
    if overdue:
        item(
            "Các cơ quan khẩn trương hoàn thành các nhiệm vụ quá hạn: "
            + "; ".join(
                f"nhiệm vụ {t.task.task_no} ({_name(facts, t.task.agency_code)}, hạn"
                f" {vn_day(t.task.due_on)})"
                for t in overdue[:10]
                if t.task.due_on
            )
            + ("; ..." if len(overdue) > 10 else "")
            + "."
        )
    coming = [
        t
        for t in tasks
        if not t.done and t.task.due_on is not None and start <= t.task.due_on <= end
    ]
    if coming:
        item(
            f"Hoàn thành các nhiệm vụ đến hạn trong tháng {start.month}/{start.year}: "
            + "; ".join(
                f"nhiệm vụ {t.task.task_no} ({_name(facts, t.task.agency_code)}, hạn"
                f" {vn_day(t.task.due_on)})"
                for t in coming
                if t.task.due_on
            )
            + "."
        )
    if facts.backlog_overdue:
        item(
            f"Giải quyết dứt điểm {n(facts.backlog_overdue)} hồ sơ đang quá hạn; thực hiện xin lỗi"
            " tổ chức, cá nhân đối với hồ sơ trễ hạn theo quy định."
        )
    pending = [c for c in covered if c.at_center < c.eligible]
    if pending:
        item(
            "Các cơ quan "
            + ", ".join(_name(facts, c.agency_code) for c in pending[:8])
            + (" và các cơ quan khác" if len(pending) > 8 else "")
            + " tham mưu công bố đưa các thủ tục hành chính còn lại vào tiếp nhận tại Trung tâm."
        )
    if facts.city.received and facts.city.digitized < facts.city.received:
        item("Số hóa hồ sơ, giấy tờ, kết quả giải quyết thủ tục hành chính để đạt chỉ tiêu 100%.")
    item(
        "Hướng dẫn tổ chức, cá nhân ưu tiên nộp hồ sơ trực tuyến; duy trì và nâng tỷ lệ hồ sơ"
        f" trực tuyến (tháng này {pct(facts.city.online_rate)})."
    )
    due = start.replace(day=facts.report_due_day)
    item(
        f"Các cơ quan gửi báo cáo tháng {facts.period.start.month}/{facts.period.start.year}"
        f" về Văn phòng Ủy ban nhân dân thành phố trước ngày {vn_day(due)}."
    )
    return s
