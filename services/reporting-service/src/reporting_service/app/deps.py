"""What the routes get from FastAPI's dependencies: the pool, the metrics, the dashboard's
settings, and the checks every figure route shares (a known agency, a period that can be asked).

`make_api` puts one `Services` on the app (`api.state.services`); routes ask for it with `App`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from pasc_runtime.api_errors import ApiError
from reporting_service.adapters import kpi_queries
from reporting_service.app import errors
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.domain.agencies import AGENCY_NAMES
from reporting_service.domain.periods import (
    Period,
    PeriodError,
    checked,
    month_to_date,
    today_vn,
    up_to,
)


@dataclass(frozen=True)
class Services:
    pool: Callable[[], asyncpg.Pool]  # the runtime's pool exists only once the service runs
    metrics: ReportingMetrics
    refresh_s: int  # the dashboard's default reload interval
    sign_in_client: str  # the dashboard's public Keycloak client
    issuer: str  # where the dashboard signs people in
    admin_token: str | None  # ADMIN_TOKEN: who may enter the 766 index's outside figures

    async def agency(self, agency: str | None) -> str | None:
        """`agency` when the platform knows it (or None for every agency); 422 otherwise."""
        if agency is None or agency in AGENCY_NAMES:
            return agency
        if await kpi_queries.agency_known(self.pool(), agency):
            return agency
        raise errors.refused(
            errors.UNKNOWN_AGENCY,
            f"mã cơ quan '{agency}' không có; các mã: {', '.join(AGENCY_NAMES)}",
            "agency",
        )


def services(request: Request) -> Services:
    found = request.app.state.services
    if not isinstance(found, Services):
        raise RuntimeError("reporting_service.app.http.make_api puts the services on the app")
    return found


App = Annotated[Services, Depends(services)]


def period_refusal(exc: PeriodError) -> ApiError:
    """The period's refusal in the one error body: its code, its Vietnamese reason, its field."""
    return errors.refused(errors.PERIOD_ERRORS[exc.code], str(exc), exc.field)


def period_of(start: date | None, end: date | None, as_of: date | None = None) -> Period:
    """The period asked for: from/to (default the month to date), ending at `as_of` if earlier."""
    default = month_to_date(as_of or today_vn())
    try:
        return up_to(
            checked(start or (end.replace(day=1) if end else default.start), end or default.end),
            as_of,
        )
    except PeriodError as exc:
        raise period_refusal(exc) from exc
