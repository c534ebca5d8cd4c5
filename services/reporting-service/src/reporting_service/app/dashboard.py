"""The dashboard page for the CIOC screen and the office: one HTML page, its script and style.

Everything it needs is in the package (no CDN): the trend chart is drawn as inline SVG.
Vietnamese by default, `?lang=en` for English; `?date=YYYY-MM-DD` shows another day.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response

from reporting_service.app.reports import TEMPLATES
from reporting_service.domain.periods import month_to_date, today_vn, trailing_days

ASSETS = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}

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
        "score": "Điểm chỉ số 766",
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
        "score": "Index 766 points",
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


def make_dashboard(refresh_s: int) -> APIRouter:
    router = APIRouter()

    @router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
    async def dashboard(
        lang: Annotated[str, Query(pattern="^(vi|en)$", description="vi or en")] = "vi",
        day: Annotated[
            date | None, Query(alias="date", description="Day shown (default today)")
        ] = None,
        refresh: Annotated[
            int | None, Query(ge=5, le=3600, description="Seconds between reloads")
        ] = None,
    ) -> HTMLResponse:
        shown = day or today_vn()
        month = month_to_date(shown)
        config: dict[str, Any] = {
            "lang": lang,
            "labels": LABELS[lang],
            "date": shown.isoformat(),
            "month_from": month.start.isoformat(),
            "trend_from": trailing_days(shown).start.isoformat(),
            "refresh_s": refresh or refresh_s,
            "other_lang_query": "?lang="
            + ("en" if lang == "vi" else "vi")
            + (f"&date={day.isoformat()}" if day else ""),
        }
        page = TEMPLATES.get_template("dashboard.html.j2").render(
            config=config, labels=LABELS[lang]
        )
        return HTMLResponse(page)

    @router.get("/dashboard/assets/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in ASSETS:
            raise HTTPException(404, f"no dashboard asset named {name!r}")
        body = files("reporting_service").joinpath("static", name).read_bytes()
        return Response(body, media_type=ASSETS[name], headers={"cache-control": "max-age=300"})

    return router
