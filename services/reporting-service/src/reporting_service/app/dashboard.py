"""The dashboard page for the CIOC screen and the office: one HTML page, its script and style
(the routes: app/routes/dashboard.py).

Everything it needs is in the package (no CDN): the trend chart is drawn as inline SVG.
Vietnamese by default, `?lang=en` for English; `?date=YYYY-MM-DD` (or the date picker) shows
another day: the month to that day, in process and overdue as of its end. Laid out for a
1920×1080 wall screen with nothing below the fold; links to the month's reports.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from typing import Any

from reporting_service.app.reports import TEMPLATES
from reporting_service.domain.periods import month_to_date, trailing_days

ASSETS = {
    "dashboard.js": "text/javascript",
    "signin.js": "text/javascript",
    "dashboard.css": "text/css",
}

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
        "subtitle": "Tình hình tiếp nhận, giải quyết thủ tục hành chính",
        "month": "Tháng",
        "until": "đến ngày",
        "updated": "Cập nhật lúc",
        "error": "Không lấy được số liệu, sẽ thử lại",
        "received": "Tiếp nhận",
        "processed": "Đã giải quyết",
        "on_time_rate": "Đúng hạn",
        "online_rate": "Trực tuyến",
        "digitized_rate": "Số hóa",
        "in_process": "Đang giải quyết",
        "overdue": "Quá hạn",
        "score": "Chỉ số 766 (/100)",
        "as_of": "Số liệu đến hết ngày",
        "figures_as_of": "tính đến",
        "end_of_day": "hết ngày",
        "show": "Xem",
        "reports": "Báo cáo tháng",
        "total": "Cộng các cơ quan",
        "backlog_note": "(đang giải quyết, quá hạn: đến hết ngày xem)",
        "index_title": "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)",
        "band": "Xếp loại",
        "partial": "chưa đủ số liệu",
        "partial_note": "chưa đủ chỉ tiêu thành phần, điểm trên {m} điểm chấm được; chưa xếp loại",
        "missing": "Chưa có số liệu",
        "avg_days": "Thời gian giải quyết bình quân (ngày)",
        "agency": "Cơ quan",
        "agencies": "Theo cơ quan",
        "trend": "Xu hướng 30 ngày",
        "overdue_list": "Hồ sơ đang quá hạn",
        "dossier": "Mã hồ sơ",
        "procedure": "Thủ tục",
        "due": "Hạn trả",
        "days_late": "Số ngày quá hạn",
        "none": "Không có",
        "plan": "Tiến độ Kế hoạch",
        "tasks": "Nhiệm vụ",
        "done": "Hoàn thành",
        "coverage": "TTHC tại Trung tâm",
        "other_lang": "English",
    },
    "en": {
        "title": "Can Tho City Public Administrative Service Center",
        "subtitle": "Administrative procedures received and processed",
        "month": "Month",
        "until": "through",
        "updated": "Updated at",
        "error": "Figures unavailable, retrying",
        "received": "Received",
        "processed": "Processed",
        "on_time_rate": "On time",
        "online_rate": "Online",
        "digitized_rate": "Digitized",
        "in_process": "In process",
        "overdue": "Overdue",
        "score": "Index 766 (/100)",
        "as_of": "Figures through",
        "figures_as_of": "as of",
        "end_of_day": "the end of",
        "show": "Show",
        "reports": "Monthly report",
        "total": "Sum of agencies",
        "backlog_note": "(in process, overdue: as of the day shown)",
        "index_title": "Service to citizens and businesses (Decision 766/QĐ-TTg)",
        "band": "Rating",
        "partial": "incomplete",
        "partial_note": "sub-indicators missing, points out of the {m} measured; no rating",
        "missing": "No figure yet",
        "avg_days": "Average processing time (days)",
        "agency": "Agency",
        "agencies": "By agency",
        "trend": "30-day trend",
        "overdue_list": "Overdue dossiers",
        "dossier": "Dossier",
        "procedure": "Procedure",
        "due": "Due",
        "days_late": "Days overdue",
        "none": "None",
        "plan": "Plan progress",
        "tasks": "Tasks",
        "done": "Done",
        "coverage": "Procedures at the Center",
        "other_lang": "Tiếng Việt",
    },
}


def page(shown: date, lang: str, refresh_s: int, chosen: date | None) -> str:
    """The page for the day `shown` (`chosen`: the day asked for, kept in the language link)."""
    month = month_to_date(shown)
    config: dict[str, Any] = {
        "lang": lang,
        "labels": LABELS[lang],
        "date": shown.isoformat(),
        "month_from": month.start.isoformat(),
        "trend_from": trailing_days(shown).start.isoformat(),
        "month": f"{shown.year:04d}-{shown.month:02d}",
        "month_label": f"{shown.month:02d}/{shown.year:04d}",
        "refresh_s": refresh_s,
        "other_lang_query": "?lang="
        + ("en" if lang == "vi" else "vi")
        + (f"&date={chosen.isoformat()}" if chosen else ""),
    }
    return TEMPLATES.get_template("dashboard.html.j2").render(config=config, labels=LABELS[lang])


def asset(name: str) -> bytes | None:
    """One of the page's files shipped in the package; None for any other name."""
    if name not in ASSETS:
        return None
    return files("reporting_service").joinpath("static", name).read_bytes()
