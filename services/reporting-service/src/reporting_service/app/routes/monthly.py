"""The monthly report: HTML for reading, CSV tables, the signed Word document, the workbook."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, Response

from pasc_contracts import now_vn
from pasc_runtime.auth import Role
from pasc_runtime.auth.routes import allow, refusals
from reporting_service.app import documents, errors, reports
from reporting_service.app.deps import App, Services, period_refusal
from reporting_service.app.errors import refused
from reporting_service.domain.periods import PeriodError, today_vn
from reporting_service.domain.report_document import (
    ReportDocument,
    Signing,
    SigningError,
    check_signing,
)

READERS = (Role.CIOC, Role.CENTER_OFFICE)
# From 1900, as domain.periods.MONTH: an earlier month passed this pattern and failed later (500).
Month = Annotated[str, Path(pattern=r"^(?:19|2\d)\d\d-(0[1-9]|1[0-2])$", description="YYYY-MM")]

router = APIRouter(tags=["Báo cáo tháng"])
NOT_STARTED = refused(errors.MONTH_NOT_STARTED, "tháng 12/2099 chưa bắt đầu", "month")
SIGNING = refused(errors.SIGNING_INVALID, "ngày ký không thể sau ngày hôm nay", "ngay")


def document_of(media_type: str, description: str) -> dict[int | str, Any]:
    """A route answering one file of `media_type`, and its refusals."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {200: {"description": description, "content": content}, **refusals(NOT_STARTED, SIGNING)}


@router.get(
    "/v1/reports/monthly/{month}.html",
    response_class=HTMLResponse,
    responses=refusals(),
    **allow(*READERS),
)
async def monthly_html(app: App, month: Month) -> HTMLResponse:
    """The monthly report in Vietnamese, for the People's Committee."""
    async with app.pool().acquire() as conn:
        report = await reports.monthly_report(conn, month, now_vn())
    return HTMLResponse(reports.render_html(report))


@router.get(
    "/v1/reports/monthly/{month}/{table}.csv",
    responses={
        200: {
            "description": "The table as CSV (UTF-8 with BOM, Vietnamese headers).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **refusals(refused(errors.REPORT_TABLE_NOT_FOUND, field="table")),
    },
    **allow(*READERS),
)
async def monthly_csv(app: App, month: Month, table: str) -> Response:
    """One table of the monthly report: agencies, late_by_procedure, coverage or plan."""
    if table not in reports.TABLES:
        raise refused(
            errors.REPORT_TABLE_NOT_FOUND,
            f"báo cáo tháng không có bảng '{table}'; các bảng: {', '.join(reports.TABLES)}",
            "table",
        )
    async with app.pool().acquire() as conn:
        report = await reports.monthly_report(conn, month, now_vn())
    return Response(
        reports.render_csv(report, table),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="bao-cao-{month}-{table}.csv"'},
    )


@router.get(
    "/v1/reports/monthly/{month}.docx",
    responses=document_of(documents.DOCX_TYPE, "The report as a Word document."),
    **allow(*READERS),
)
async def monthly_docx(
    app: App,
    month: Month,
    so: Annotated[str | None, Query(max_length=5, description="Số văn bản, e.g. 125")] = None,
    ngay: Annotated[date | None, Query(description="Ngày ký, YYYY-MM-DD")] = None,
    nguoi_ky: Annotated[str | None, Query(max_length=60, description="Người ký")] = None,
    chuc_vu: Annotated[str, Query(max_length=80)] = "CHÁNH VĂN PHÒNG",
    tham_quyen: Annotated[
        str | None, Query(max_length=80, description="e.g. KT. CHÁNH VĂN PHÒNG")
    ] = None,
) -> Response:
    """The monthly report as a Word document laid out as Decree 30/2020/NĐ-CP says."""
    signing = Signing(so, ngay, nguoi_ky, chuc_vu, tham_quyen)
    document = await signed_document(app, month, signing)
    return Response(
        documents.render_docx(document),
        media_type=documents.DOCX_TYPE,
        headers={"content-disposition": f'attachment; filename="bao-cao-thang-{month}.docx"'},
    )


@router.get(
    "/v1/reports/monthly/{month}.xlsx",
    responses=document_of(documents.XLSX_TYPE, "The report's tables as an Excel workbook."),
    **allow(*READERS),
)
async def monthly_xlsx(
    app: App,
    month: Month,
    so: Annotated[str | None, Query(max_length=5)] = None,
    ngay: Annotated[date | None, Query()] = None,
) -> Response:
    """The monthly report's tables as an Excel workbook (numbers, dd/mm/yyyy dates)."""
    document = await signed_document(app, month, Signing(so, ngay, None, "CHÁNH VĂN PHÒNG", None))
    return Response(
        documents.render_xlsx(document),
        media_type=documents.XLSX_TYPE,
        headers={"content-disposition": f'attachment; filename="bao-cao-thang-{month}.xlsx"'},
    )


async def signed_document(app: Services, month: str, signing: Signing) -> ReportDocument:
    """The month's document with its signing checked: a month not over yet, a date after it."""
    now = now_vn()
    try:
        period = documents.reportable(month, now)
        signing = check_signing(signing, period, today_vn(now))
    except PeriodError as exc:
        raise period_refusal(exc) from exc
    except SigningError as exc:
        raise refused(errors.SIGNING_INVALID, str(exc), exc.field) from exc
    async with app.pool().acquire() as conn:
        return await documents.monthly_document(conn, month, signing, now)
