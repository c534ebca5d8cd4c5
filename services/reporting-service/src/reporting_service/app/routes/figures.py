"""The figures: KPIs of a period, overdue dossiers, coverage, the plan, one dossier."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from pasc_contracts import now_vn
from pasc_runtime.auth import Role
from pasc_runtime.auth.routes import allow, refusals
from reporting_service.adapters import kpi_queries, read_model_store
from reporting_service.adapters.kpi_queries import Organisation
from reporting_service.app import errors
from reporting_service.app.deps import App, period_of
from reporting_service.app.errors import refused
from reporting_service.app.kpi import coverage, kpi_report, plan_progress
from reporting_service.domain.periods import as_of_moment, today_vn

READERS = (Role.CIOC, Role.CENTER_OFFICE)

router = APIRouter(tags=["Số liệu"])
BY_AGENCY = refusals(refused(errors.UNKNOWN_AGENCY, field="agency"))
BY_PERIOD = refusals(
    refused(errors.UNKNOWN_AGENCY, field="agency"),
    refused(errors.PERIOD_REVERSED, field="from"),
    refused(errors.PERIOD_TOO_LONG, field="to"),
    refused(errors.AS_OF_BEFORE_PERIOD, field="as_of"),
)


@router.get("/v1/kpi", responses=BY_PERIOD, **allow(*READERS))
async def kpi(
    app: App,
    agency: Annotated[str | None, Query(description="Agency code; city-wide without it")] = None,
    start: Annotated[date | None, Query(alias="from", description="First day, YYYY-MM-DD")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day, inclusive")] = None,
    as_of: Annotated[
        date | None,
        Query(description="Day the figures are as of (end of day); default the period's end"),
    ] = None,
    organisation: Annotated[
        Organisation,
        Query(
            description="then: each dossier under the agency that held it (default); today:"
            " under the agency holding its series now, a successor's figures including its"
            " predecessors' (renamed, merged, split agencies). City totals are the same."
        ),
    ] = "then",
) -> dict[str, Any]:
    """Figures of the period, breakdowns by agency, procedure, field and day, coverage, plan,
    the 766 index. In process and overdue are as of the end of `as_of` (default: the end of
    the period, or now while it runs)."""
    code = await app.agency(agency)
    period = period_of(start, end, as_of)
    moment = as_of_moment(as_of, period.end, now_vn())
    with app.metrics.query_seconds.labels("kpi").time():
        async with app.pool().acquire() as conn:
            return await kpi_report(conn, period, code, moment, organisation=organisation)


@router.get("/v1/overdue", responses=BY_AGENCY, **allow(*READERS))
async def overdue(
    app: App,
    agency: Annotated[str | None, Query(description="Agency code; all without it")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    as_of: Annotated[
        date | None, Query(description="As of the end of this day; default now")
    ] = None,
) -> dict[str, Any]:
    """Dossiers in process past their due date in force (clock not stopped), as of the end
    of `as_of` or now, the longest overdue first."""
    code = await app.agency(agency)
    now = as_of_moment(as_of, today_vn(), now_vn())
    with app.metrics.query_seconds.labels("overdue").time():
        rows = await kpi_queries.overdue_dossiers(app.pool(), now, code, limit)
    for row in rows:
        row["days_overdue"] = (now - row["due_at_in_force"]).days
    return {"as_of": now, "dossiers": rows}


@router.get("/v1/coverage", responses=BY_AGENCY, **allow(*READERS))
async def catalog_coverage(app: App, agency: str | None = None) -> dict[str, Any]:
    """Procedures received at the Center over eligible, per agency and city-wide."""
    code = await app.agency(agency)
    async with app.pool().acquire() as conn:
        return await coverage(conn, code)


@router.get("/v1/plan", responses=BY_AGENCY, **allow(*READERS))
async def plan(app: App, agency: str | None = None, plan_id: str | None = None) -> dict[str, Any]:
    """The plan's task assignments per agency: done, in progress, overdue."""
    code = await app.agency(agency)
    async with app.pool().acquire() as conn:
        return await plan_progress(conn, code, today_vn(), plan_id)


@router.get(
    "/v1/dossiers/{ma_ho_so}",
    responses=refusals(refused(errors.DOSSIER_NOT_FOUND, field="ma_ho_so")),
    **allow(Role.CENTER_OFFICE),
)
async def get_dossier(app: App, ma_ho_so: str) -> dict[str, object]:
    """The read model's state of one dossier (no personal data is kept here)."""
    found = await read_model_store.dossier(app.pool(), ma_ho_so)
    if found is None:
        raise refused(
            errors.DOSSIER_NOT_FOUND,
            f"hồ sơ {ma_ho_so} chưa có trong dữ liệu báo cáo",
            "ma_ho_so",
        )
    return found
