"""The monthly report rendered for officials: Markdown (Jinja2), and HTML from that Markdown."""

from __future__ import annotations

from datetime import date, datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt

from task_service.domain.calendar import vn_date, vn_day_text
from task_service.domain.monthly_report import MonthlyDuty, MonthlyReportView, ReportRow


def _day(value: date | datetime) -> str:
    return vn_day_text(vn_date(value) if isinstance(value, datetime) else value)


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",").removesuffix(",0") + "%"


def _deadline(row: ReportRow) -> str:
    if row.due_on is None:
        return row.deadline_text
    return f"{row.deadline_text} (hạn: {vn_day_text(row.due_on)})"


def _progress(row: ReportRow) -> str:
    text = f"{row.state.percent}% - {row.status_label}"
    if row.state.note:
        text += f". {row.state.note}"
    return text


def _result(row: ReportRow) -> str:
    if row.state.result_ref:
        return row.state.result_ref
    return "Chưa có" if row.expected_result else "(Kế hoạch không quy định)"


def _agencies_with_progress(rows: list[ReportRow]) -> str:
    if len(rows) > 1 and all(r.state.percent == 0 for r in rows):
        return f"{len(rows)} cơ quan (chưa thực hiện): " + "; ".join(r.agency_name for r in rows)
    return "; ".join(f"{r.agency_name} ({r.state.percent}%)" for r in rows)


def _date_line(day: date) -> str:
    """'ngày 05 tháng 5 năm 2023': days below 10 and months 1, 2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _monthly_line(duty: MonthlyDuty) -> str:
    if duty.received:
        late = " (gửi trễ hạn)" if vn_date(duty.received.submitted_at) > duty.due_on else ""
        return (
            f"Báo cáo tháng: đã gửi ngày {_day(duty.received.submitted_at)}{late}: "
            f"{' '.join(duty.received.summary.split())}"
        )
    if duty.overdue:
        return f"Báo cáo tháng: **chưa gửi, quá hạn** ({vn_day_text(duty.due_on)})."
    return f"Báo cáo tháng: chưa đến hạn gửi ({vn_day_text(duty.due_on)})."


def _environment() -> Environment:
    # HTML templates are escaped; the Markdown one is text, turned into HTML by markdown-it
    # with raw HTML off.
    env = Environment(
        loader=PackageLoader("task_service", "templates"),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(
        day=_day,
        cell=_cell,
        percent=_percent,
        deadline=_deadline,
        progress=_progress,
        result=_result,
        monthly_line=_monthly_line,
        agencies_with_progress=_agencies_with_progress,
        date_line=_date_line,
        vn_date=vn_date,
    )
    return env


_TEMPLATES = _environment()
# Agencies' summaries are their text, not markup: raw HTML in the Markdown is shown, not run.
_MD_TO_HTML = MarkdownIt("commonmark", {"html": False}).enable("table")


def _office(report: MonthlyReportView) -> tuple[str, tuple[str, ...]]:
    plan = report.plan
    office = plan.agency(plan.office)
    name = office.name if office else plan.office
    letterhead = plan.office_letterhead or ((plan.issuer or "").upper(), name.upper())
    return name, letterhead


def _dated(report: MonthlyReportView) -> str:
    place = report.plan.place
    return f"{place}, {_date_line(report.report_date)}" if place else _date_line(report.report_date)


def render_markdown(report: MonthlyReportView) -> str:
    office, letterhead = _office(report)
    text = _TEMPLATES.get_template("monthly_report.md.j2").render(
        report=report,
        office=office,
        letterhead=letterhead,
        dated=_dated(report),
        signature_title=report.plan.office_signer_title or f"THỦ TRƯỞNG {office.upper()}",
    )
    # Collapse the blank lines Jinja's blocks leave behind.
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() or (lines and lines[-1]):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def render_html(report: MonthlyReportView) -> str:
    """The same report as HTML; the letterhead is laid out in two columns as on paper."""
    markdown = render_markdown(report)
    body = markdown[markdown.index("\n# ") :]  # from the title: the letterhead is the template's
    _, letterhead = _office(report)
    return _TEMPLATES.get_template("monthly_report.html.j2").render(
        title=f"Báo cáo tình hình thực hiện Kế hoạch tháng {report.month_label}",
        letterhead=letterhead,
        dated=_dated(report),
        body=_MD_TO_HTML.render(body),
    )
