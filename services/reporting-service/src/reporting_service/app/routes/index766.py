"""The 766 index API: the index per scope and agency, and the office's audited outside figures."""

from __future__ import annotations

import hmac
import ipaddress
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from pasc_contracts import now_vn
from pasc_runtime.api_errors import ApiError
from pasc_runtime.auth import Role
from pasc_runtime.auth.routes import allow, refusals
from pasc_runtime.db import Connection
from reporting_service.adapters import index_inputs, kpi_queries
from reporting_service.adapters.kpi_queries import Organisation
from reporting_service.app import errors
from reporting_service.app.deps import App, period_of
from reporting_service.app.errors import refused
from reporting_service.app.kpi import agency_names, index766
from reporting_service.domain.periods import MAX_DAYS, Period, as_of_moment
from reporting_service.domain.scoring import INDICATORS, OUTSIDE_CODES

READERS = (Role.CIOC, Role.CENTER_OFFICE)

router = APIRouter(tags=["Chỉ số 766"])


class OutsideFigureIn(BaseModel):
    """A figure the dossier stream cannot give, entered by the office (kept, never changed)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    indicator: str = Field(description=f"One of: {', '.join(OUTSIDE_CODES)}")
    agency: str | None = Field(default=None, description="Agency code; city-wide without it")
    start: date = Field(alias="from", description="First day the figure covers")
    end: date = Field(alias="to", description="Last day the figure covers")
    numerator: float = Field(ge=0, description="E.g. satisfied ratings")
    denominator: float = Field(gt=0, description="E.g. all ratings")
    source: str = Field(min_length=3, max_length=500, description="Where the figure comes from")
    entered_by: str = Field(min_length=2, max_length=200, description="Who enters it")
    reason: str = Field(min_length=3, max_length=1000, description="Why it is entered")


async def office(
    app: App, request: Request, x_admin_token: Annotated[str | None, Header()] = None
) -> str:
    """Who may enter outside figures: the holder of ADMIN_TOKEN, or a loopback client when unset."""
    if app.admin_token:
        if x_admin_token is None or not hmac.compare_digest(
            x_admin_token.encode(), app.admin_token.encode()
        ):
            raise refused(errors.ADMIN_TOKEN_REQUIRED, field="x-admin-token")
        return "admin"
    host = request.client.host if request.client else ""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if not local:
        raise refused(errors.LOOPBACK_ONLY, field="x-admin-token")
    return "admin@localhost"


@router.get(
    "/v1/index766",
    responses=refusals(
        refused(errors.UNKNOWN_AGENCY, field="agency"),
        refused(errors.PERIOD_REVERSED, field="from"),
        refused(errors.PERIOD_TOO_LONG, field="to"),
    ),
    **allow(*READERS),
)
async def index(
    app: App,
    agency: Annotated[str | None, Query(description="Agency code; city-wide without it")] = None,
    start: Annotated[date | None, Query(alias="from", description="First day")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day, inclusive")] = None,
    as_of: Annotated[date | None, Query(description="As of the end of this day")] = None,
    organisation: Annotated[
        Organisation,
        Query(
            description="then: each dossier under the agency that held it (default); today:"
            " under the agency holding its series now, a successor's figures including its"
            " predecessors' (renamed, merged, split agencies). City totals are the same."
        ),
    ] = "then",
) -> dict[str, Any]:
    """The 766 index out of 100 with its six groups and sub-indicators; city-wide also per
    agency (every agency with dossiers in the period or a backlog as of its end)."""
    code = await app.agency(agency)
    period = period_of(start, end, as_of)
    moment = as_of_moment(as_of, period.end, now_vn())
    async with app.pool().acquire() as conn:
        result: dict[str, Any] = {
            "scope": code or "city",
            "from": period.start,
            "to": period.end,
            "as_of": moment,
            "organisation": organisation,
            **await index766(conn, period, code, moment, organisation),
        }
        if code is None:
            result["by_agency"] = await by_agency(conn, period, moment, organisation)
    return result


async def by_agency(
    conn: Connection, period: Period, moment: Any, organisation: Organisation = "then"
) -> list[dict[str, Any]]:
    """Each active agency's index in brief: points, band, the groups' points."""
    names = await agency_names(conn)
    found = []
    for a in await kpi_queries.agencies_active(conn, period, organisation):
        one = await index766(conn, period, a, moment, organisation)
        found.append(
            {
                "agency_code": a,
                "agency_name": names.get(a, a),
                **{k: one[k] for k in ("points", "complete", "band", "band_name")},
                "measured_max_points": one["measured_max_points"],
                "groups": [
                    {k: g[k] for k in ("code", "max_points", "points")} for g in one["groups"]
                ],
            }
        )
    return found


@router.post(
    "/v1/index766/inputs",
    status_code=201,
    responses=refusals(
        refused(errors.ADMIN_TOKEN_REQUIRED, field="x-admin-token"),
        refused(errors.LOOPBACK_ONLY, field="x-admin-token"),
        refused(errors.INDICATOR_FROM_DATA, field="indicator"),
        refused(errors.UNKNOWN_INDICATOR, field="indicator"),
        refused(errors.NUMERATOR_ABOVE_DENOMINATOR, field="numerator"),
        refused(errors.PERIOD_REVERSED, field="from"),
        refused(errors.PERIOD_TOO_LONG, field="to"),
        refused(errors.UNKNOWN_AGENCY, field="agency"),
    ),
    dependencies=[*allow(Role.CENTER_OFFICE)["dependencies"], Depends(office)],
    openapi_extra=allow(Role.CENTER_OFFICE)["openapi_extra"],
)
async def enter(app: App, figure: OutsideFigureIn) -> dict[str, Any]:
    """Enter an outside figure (survey results, complaints, the portal's publication checks).

    Kept append-only with who, why, where from and when; the latest entry for an
    indicator, scope and period is the one the index uses, earlier ones stay as the trail.
    """
    if figure.indicator not in OUTSIDE_CODES:
        known = ", ".join(OUTSIDE_CODES)
        data = figure.indicator in INDICATORS
        raise refused(
            errors.INDICATOR_FROM_DATA if data else errors.UNKNOWN_INDICATOR,
            f"Chỉ tiêu '{figure.indicator}' "
            + ("được tính từ dữ liệu hồ sơ, không nhập tay" if data else "không có")
            + f"; chỉ nhập được: {known}.",
            "indicator",
        )
    if figure.numerator > figure.denominator:
        raise refused(errors.NUMERATOR_ABOVE_DENOMINATOR, field="numerator")
    if figure.start > figure.end:
        raise refused(errors.PERIOD_REVERSED, field="from")
    if (figure.end - figure.start).days + 1 > MAX_DAYS:
        raise refused(errors.PERIOD_TOO_LONG, field="to")
    try:
        agency = await app.agency(figure.agency)
    except ApiError as exc:
        raise refused(errors.UNKNOWN_AGENCY, field="agency") from exc
    return await index_inputs.append(
        app.pool(),
        indicator=figure.indicator,
        agency=agency,
        start=figure.start,
        end=figure.end,
        numerator=figure.numerator,
        denominator=figure.denominator,
        source=figure.source.strip(),
        entered_by=figure.entered_by.strip(),
        reason=figure.reason.strip(),
    )


@router.get(
    "/v1/index766/inputs",
    responses=refusals(refused(errors.UNKNOWN_AGENCY, field="agency")),
    **allow(*READERS),
)
async def entered(
    app: App,
    indicator: Annotated[str | None, Query(description="One indicator; all without it")] = None,
    agency: Annotated[
        str | None, Query(description="Agency code; 'city' for city-wide; all without it")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Every outside figure entered, newest first: the audit trail."""
    every = agency is None
    code = None if agency in (None, "city") else await app.agency(agency)
    rows = await index_inputs.history(app.pool(), indicator, code, every_scope=every, limit=limit)
    return {"inputs": rows}
