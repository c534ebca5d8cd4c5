"""The monthly report the office files to the People's Committee: HTML in Vietnamese, CSV tables."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from pasc_runtime.db import Connection
from reporting_service.adapters import catalog_store, kpi_queries, plan_store
from reporting_service.app import format as fmt
from reporting_service.app.kpi import agency_names, coverage, index766, plan_progress
from reporting_service.domain.agencies import AGENCY_CODES
from reporting_service.domain.figures import Figures, change
from reporting_service.domain.periods import as_of_moment, month_period, previous_month, today_vn

TEMPLATES = Environment(
    loader=PackageLoader("reporting_service", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters.update(
    number=fmt.number, percent=fmt.percent, signed=fmt.signed, vn_date=fmt.vn_date
)
COMPARED = ("received", "processed", "on_time", "late", "online", "digitized")
COMPARED_RATES = ("on_time_rate", "online_rate", "digitized_rate")


def _compare(current: Figures, previous: Figures) -> dict[str, Any]:
    row: dict[str, Any] = {**current.as_dict()}
    for name in (*COMPARED, *COMPARED_RATES):
        row[f"{name}_previous"] = getattr(previous, name)
        row[f"{name}_change"] = change(getattr(current, name), getattr(previous, name))
    return row


async def monthly_report(conn: Connection, month: str, now: datetime) -> dict[str, Any]:
    period = month_period(month)
    before = previous_month(period)
    names = await agency_names(conn)
    # Each month is judged as of its own last day (in process, overdue), never as of today.
    as_of, as_of_before = as_of_moment(None, period.end, now), as_of_moment(None, before.end, now)
    current = await kpi_queries.figures_by(conn, period, None, as_of, "agency")
    previous = await kpi_queries.figures_by(conn, before, None, as_of_before, "agency")
    codes = list(AGENCY_CODES) + sorted((set(current) | set(previous)) - set(AGENCY_CODES))
    city_now = await kpi_queries.figures(conn, period, None, as_of)
    city_before = await kpi_queries.figures(conn, before, None, as_of_before)
    submissions = {r["agency_code"]: r for r in await plan_store.monthly_reports(conn, month)}
    return {
        "month": month,
        "month_label": f"{period.start.month:02d}/{period.start.year}",
        "previous_label": f"{before.start.month:02d}/{before.start.year}",
        "period": period,
        "generated_at": now,
        "city": _compare(city_now, city_before),
        "as_of": as_of,
        "score": await index766(conn, period, None, as_of),
        "agencies": [
            {
                "agency_code": code,
                "agency_name": names.get(code, code),
                **_compare(current.get(code, Figures()), previous.get(code, Figures())),
            }
            for code in codes
        ],
        "late_by_procedure": [
            {**r, "agency_name": names.get(r["agency_code"], r["agency_code"])}
            for r in await kpi_queries.late_by_procedure(conn, period)
        ],
        "coverage": await coverage(conn, None),
        "plan": await plan_progress(conn, None, today_vn(now)),
        "plan_titles": await plan_store.plan_titles(conn),
        "submissions": submissions,
        "decisions": await catalog_store.decisions_between(conn, period.start, period.end),
        "names": names,
    }


def render_html(report: dict[str, Any]) -> str:
    return TEMPLATES.get_template("monthly_report.html.j2").render(r=report)


COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "agencies": (
        ("Mã cơ quan", "agency_code"),
        ("Cơ quan", "agency_name"),
        ("Tiếp nhận", "received"),
        ("Tiếp nhận tháng trước", "received_previous"),
        ("Chênh lệch tiếp nhận", "received_change"),
        ("Đã giải quyết", "processed"),
        ("Đúng hạn", "on_time"),
        ("Quá hạn", "late"),
        ("Tỷ lệ đúng hạn", "on_time_rate"),
        ("Tỷ lệ đúng hạn tháng trước", "on_time_rate_previous"),
        ("Trực tuyến", "online"),
        ("Tỷ lệ trực tuyến", "online_rate"),
        ("Bưu chính công ích", "postal"),
        ("Số hóa", "digitized"),
        ("Tỷ lệ số hóa", "digitized_rate"),
        ("Tái sử dụng dữ liệu", "reused"),
        ("Thanh toán trực tuyến", "paid_online"),
        ("Kết quả điện tử", "electronic_result"),
        ("Trả kết quả", "result_returned"),
        ("Từ chối", "refused"),
        ("Công dân rút", "withdrawn"),
        ("Dừng xử lý", "stopped"),
        ("Đang giải quyết", "in_process"),
        ("Đang giải quyết quá hạn", "overdue"),
    ),
    "late_by_procedure": (
        ("Mã cơ quan", "agency_code"),
        ("Cơ quan", "agency_name"),
        ("Mã TTHC", "ma_tthc"),
        ("Tên TTHC", "ten_tthc"),
        ("Đã giải quyết", "processed"),
        ("Quá hạn", "late"),
    ),
    "coverage": (
        ("Mã cơ quan", "agency_code"),
        ("Cơ quan", "agency_name"),
        ("TTHC đủ điều kiện", "eligible"),
        ("TTHC tiếp nhận tại Trung tâm", "at_center"),
        ("TTHC loại trừ", "excluded"),
        ("Tỷ lệ", "coverage_rate"),
        ("Ngày cập nhật", "as_of"),
    ),
    "plan": (
        ("Mã cơ quan", "agency_code"),
        ("Cơ quan", "agency_name"),
        ("Nhiệm vụ", "tasks"),
        ("Hoàn thành", "done"),
        ("Đang thực hiện", "in_progress"),
        ("Chưa thực hiện", "not_started"),
        ("Vướng mắc", "blocked"),
        ("Quá hạn", "overdue"),
        ("Tiến độ bình quân (%)", "average_percent"),
        ("Báo cáo tháng", "monthly_report"),
    ),
}
TABLES = tuple(COLUMNS)


def _rows(report: dict[str, Any], table: str) -> list[dict[str, Any]]:
    names = report["names"]
    if table == "coverage":
        return [
            {**c, "agency_name": names.get(c["agency_code"], c["agency_code"])}
            for c in report["coverage"]["by_agency"]
        ]
    if table == "plan":
        states = {"received": "Đã nộp", "missing": "Chưa nộp"}
        return [
            {
                **p,
                "agency_name": names.get(p["agency_code"], p["agency_code"]),
                "monthly_report": states.get(
                    report["submissions"].get(p["agency_code"], {}).get("state"), ""
                ),
            }
            for p in report["plan"]["by_agency"]
        ]
    return list(report[table])


def render_csv(report: dict[str, Any], table: str) -> str:
    """One table as CSV (UTF-8 with BOM so spreadsheet programs show the Vietnamese right)."""
    columns = COLUMNS[table]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _ in columns])
    for row in _rows(report, table):
        writer.writerow(["" if row.get(key) is None else row[key] for _, key in columns])
    return out.getvalue()
