"""reporting-service's HTTP API: figures, overdue dossiers, coverage, plan, monthly report, dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import asyncpg
from fastapi import FastAPI, HTTPException, Path, Query
from fastapi.responses import HTMLResponse, Response

from pasc_contracts import now_vn
from pasc_runtime.auth import Access, Role
from reporting_service.adapters import kpi_queries, read_model_store
from reporting_service.app import documents, reports
from reporting_service.app.dashboard import make_dashboard
from reporting_service.app.index766 import make_index766
from reporting_service.app.kpi import coverage, kpi_report, plan_progress
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.domain.agencies import AGENCY_NAMES
from reporting_service.domain.periods import (
    Period,
    PeriodError,
    as_of_moment,
    checked,
    month_to_date,
    today_vn,
    up_to,
)
from reporting_service.domain.report_document import (
    ReportDocument,
    Signing,
    SigningError,
    check_signing,
)

# From 1900, as domain.periods.MONTH: an earlier month passed this pattern and failed later (500).
Month = Annotated[str, Path(pattern=r"^(?:19|2\d)\d\d-(0[1-9]|1[0-2])$", description="YYYY-MM")]


def invalid(field: str, message: str) -> HTTPException:
    """A 422 shaped like FastAPI's own validation errors: the field and the reason."""
    return HTTPException(422, [{"loc": ["query", field], "msg": message, "type": "value_error"}])


def make_api(
    pool: Callable[[], asyncpg.Pool],
    metrics: ReportingMetrics,
    refresh_s: int,
    access: Access,
    sign_in_client: str = "pasc-dashboard",
    *,
    admin_token: str | None = None,
) -> FastAPI:
    api = FastAPI(
        title="reporting-service",
        description="Figures for the CIOC and the office (counts of dossiers; rates 0..1).",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    api.include_router(make_dashboard(refresh_s, access, sign_in_client))

    async def agency_param(agency: str | None) -> str | None:
        if agency is None or agency in AGENCY_NAMES:
            return agency
        if await kpi_queries.agency_known(pool(), agency):
            return agency
        raise invalid("agency", f"unknown agency code {agency!r}; known: {', '.join(AGENCY_NAMES)}")

    def period_param(start: date | None, end: date | None, as_of: date | None = None) -> Period:
        default = month_to_date(as_of or today_vn())
        try:
            return up_to(
                checked(
                    start or (end.replace(day=1) if end else default.start), end or default.end
                ),
                as_of,
            )
        except PeriodError as exc:
            raise invalid(exc.field, str(exc)) from exc

    api.include_router(make_index766(pool, agency_param, period_param, admin_token, access))

    @api.get("/v1/kpi", **access.allow(Role.CIOC, Role.CENTER_OFFICE))
    async def kpi(
        agency: Annotated[
            str | None, Query(description="Agency code; city-wide without it")
        ] = None,
        start: Annotated[
            date | None, Query(alias="from", description="First day, YYYY-MM-DD")
        ] = None,
        end: Annotated[date | None, Query(alias="to", description="Last day, inclusive")] = None,
        as_of: Annotated[
            date | None,
            Query(description="Day the figures are as of (end of day); default the period's end"),
        ] = None,
    ) -> dict[str, Any]:
        """Figures of the period, breakdowns by agency, procedure, field and day, coverage, plan,
        the 766 index. In process and overdue are as of the end of `as_of` (default: the end of
        the period, or now while it runs)."""
        code = await agency_param(agency)
        period = period_param(start, end, as_of)
        moment = as_of_moment(as_of, period.end, now_vn())
        with metrics.query_seconds.labels("kpi").time():
            async with pool().acquire() as conn:
                return await kpi_report(conn, period, code, moment)

    @api.get("/v1/overdue", **access.allow(Role.CIOC, Role.CENTER_OFFICE))
    async def overdue(
        agency: Annotated[str | None, Query(description="Agency code; all without it")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        as_of: Annotated[
            date | None, Query(description="As of the end of this day; default now")
        ] = None,
    ) -> dict[str, Any]:
        """Dossiers in process past their due date in force (clock not stopped), as of the end
        of `as_of` or now, the longest overdue first."""
        code = await agency_param(agency)
        now = as_of_moment(as_of, today_vn(), now_vn())
        with metrics.query_seconds.labels("overdue").time():
            rows = await kpi_queries.overdue_dossiers(pool(), now, code, limit)
        for row in rows:
            row["days_overdue"] = (now - row["due_at_in_force"]).days
        return {"as_of": now, "dossiers": rows}

    @api.get("/v1/coverage", **access.allow(Role.CIOC, Role.CENTER_OFFICE))
    async def catalog_coverage(agency: str | None = None) -> dict[str, Any]:
        """Procedures received at the Center over eligible, per agency and city-wide."""
        async with pool().acquire() as conn:
            return await coverage(conn, await agency_param(agency))

    @api.get("/v1/plan", **access.allow(Role.CIOC, Role.CENTER_OFFICE))
    async def plan(agency: str | None = None, plan_id: str | None = None) -> dict[str, Any]:
        """The plan's task assignments per agency: done, in progress, overdue."""
        async with pool().acquire() as conn:
            return await plan_progress(conn, await agency_param(agency), today_vn(), plan_id)

    @api.get(
        "/v1/reports/monthly/{month}.html",
        response_class=HTMLResponse,
        **access.allow(Role.CIOC, Role.CENTER_OFFICE),
    )
    async def monthly_html(month: Month) -> HTMLResponse:
        """The monthly report in Vietnamese, for the People's Committee."""
        async with pool().acquire() as conn:
            report = await reports.monthly_report(conn, month, now_vn())
        return HTMLResponse(reports.render_html(report))

    @api.get(
        "/v1/reports/monthly/{month}/{table}.csv", **access.allow(Role.CIOC, Role.CENTER_OFFICE)
    )
    async def monthly_csv(month: Month, table: str) -> Response:
        """One table of the monthly report: agencies, late_by_procedure, coverage or plan."""
        if table not in reports.TABLES:
            raise HTTPException(
                404,
                [
                    {
                        "loc": ["path", "table"],
                        "msg": f"no table {table!r}; tables: {', '.join(reports.TABLES)}",
                        "type": "value_error",
                    }
                ],
            )
        async with pool().acquire() as conn:
            report = await reports.monthly_report(conn, month, now_vn())
        return Response(
            reports.render_csv(report, table),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="bao-cao-{month}-{table}.csv"'},
        )

    async def signed_document(
        month: str,
        so: str | None,
        ngay: date | None,
        nguoi_ky: str | None,
        chuc_vu: str,
        tham_quyen: str | None,
    ) -> ReportDocument:
        now = now_vn()
        try:
            period = documents.reportable(month, now)
            signing = check_signing(
                Signing(so, ngay, nguoi_ky, chuc_vu, tham_quyen), period, today_vn(now)
            )
        except PeriodError as exc:
            raise HTTPException(
                422, [{"loc": ["path", exc.field], "msg": str(exc), "type": "value_error"}]
            ) from exc
        except SigningError as exc:
            raise invalid(exc.field, str(exc)) from exc
        async with pool().acquire() as conn:
            return await documents.monthly_document(conn, month, signing, now)

    @api.get("/v1/reports/monthly/{month}.docx", **access.allow(Role.CIOC, Role.CENTER_OFFICE))
    async def monthly_docx(
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
        document = await signed_document(month, so, ngay, nguoi_ky, chuc_vu, tham_quyen)
        return Response(
            documents.render_docx(document),
            media_type=documents.DOCX_TYPE,
            headers={"content-disposition": f'attachment; filename="bao-cao-thang-{month}.docx"'},
        )

    @api.get("/v1/reports/monthly/{month}.xlsx", **access.allow(Role.CIOC, Role.CENTER_OFFICE))
    async def monthly_xlsx(
        month: Month,
        so: Annotated[str | None, Query(max_length=5)] = None,
        ngay: Annotated[date | None, Query()] = None,
    ) -> Response:
        """The monthly report's tables as an Excel workbook (numbers, dd/mm/yyyy dates)."""
        document = await signed_document(month, so, ngay, None, "CHÁNH VĂN PHÒNG", None)
        return Response(
            documents.render_xlsx(document),
            media_type=documents.XLSX_TYPE,
            headers={"content-disposition": f'attachment; filename="bao-cao-thang-{month}.xlsx"'},
        )

    @api.get("/v1/dossiers/{ma_ho_so}", **access.allow(Role.CENTER_OFFICE))
    async def get_dossier(ma_ho_so: str) -> dict[str, object]:
        """The read model's state of one dossier (no personal data is kept here)."""
        found = await read_model_store.dossier(pool(), ma_ho_so)
        if found is None:
            raise HTTPException(404, f"dossier {ma_ho_so} not in the read model")
        return found

    return api
