"""The KPI answer every interface shares (API, dashboard, CIOC snapshots, monthly report)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pasc_runtime.db import Connection
from reporting_service.adapters import catalog_store, index_inputs, kpi_queries, plan_store
from reporting_service.adapters.kpi_queries import Organisation
from reporting_service.domain import plan as plan_rules
from reporting_service.domain.agencies import AGENCY_NAMES
from reporting_service.domain.figures import Figures, rate
from reporting_service.domain.periods import Period, today_vn
from reporting_service.domain.scoring import IndexInputs, score


async def agency_names(conn: Connection) -> dict[str, str]:
    return {**AGENCY_NAMES, **await catalog_store.agency_names(conn)}


async def coverage(conn: Connection, agency: str | None) -> dict[str, Any]:
    rows = await catalog_store.coverage(conn)
    per_agency = [
        {**r, "coverage_rate": rate(r["at_center"], r["eligible"])}
        for r in rows
        if agency is None or r["agency_code"] == agency
    ]
    eligible = sum(r["eligible"] for r in per_agency)
    at_center = sum(r["at_center"] for r in per_agency)
    return {
        "eligible": eligible,
        "at_center": at_center,
        "coverage_rate": rate(at_center, eligible),
        "by_agency": per_agency,
    }


async def plan_progress(
    conn: Connection, agency: str | None, today: date, plan_id: str | None = None
) -> dict[str, Any]:
    by_agency = plan_rules.progress(await plan_store.tasks(conn, agency, plan_id), today)
    city = plan_rules.total(by_agency)
    summary = city.as_dict()
    summary.pop("overdue_tasks")
    summary.pop("agency_code")
    return {**summary, "by_agency": [p.as_dict() for p in by_agency.values()]}


async def index_inputs_for(
    conn: Connection,
    period: Period,
    agency: str | None,
    as_of: datetime,
    figures: Figures,
    organisation: Organisation = "then",
) -> IndexInputs:
    """What the 766 index of one scope is computed from (the period's figures given)."""
    backlog = await kpi_queries.backlog(conn, as_of, agency, None, organisation)
    in_process, overdue = backlog.get(None, (0, 0))
    procedures, procedures_online = await kpi_queries.catalog_online(conn, agency)
    kinds = await kpi_queries.by_procedure_kind(conn, period, agency, organisation)
    return IndexInputs(
        figures=figures,
        in_process=in_process,
        in_process_overdue=overdue,
        processing_days=await kpi_queries.processing_days(conn, period, agency, organisation),
        procedures=procedures,
        procedures_online=procedures_online,
        **kinds,
    )


async def index766(
    conn: Connection,
    period: Period,
    agency: str | None,
    as_of: datetime,
    organisation: Organisation = "then",
) -> dict[str, Any]:
    """The 766 index of one scope (city-wide when agency is None), with its outside figures."""
    figures = await kpi_queries.figures(conn, period, agency, as_of, organisation)
    inputs = await index_inputs_for(conn, period, agency, as_of, figures, organisation)
    return score(inputs, await index_inputs.latest(conn, period, agency))


async def kpi_report(
    conn: Connection,
    period: Period,
    agency: str | None,
    now: datetime,
    *,
    detail: bool = True,
    organisation: Organisation = "then",
) -> dict[str, Any]:
    """The figures of the period (city-wide, or one agency) with breakdowns, coverage and index.

    `now` is the moment the figures are as of: in process and overdue are counted then (a past
    period is judged as of its end, see periods.as_of_moment). `organisation`: "then" counts
    each dossier under the agency that held it, "today" under the agency holding its series
    now (a successor's figures include its predecessors'); city totals are the same.
    """
    org = organisation
    figures = await kpi_queries.figures(conn, period, agency, now, org)
    in_process, overdue = (await kpi_queries.backlog(conn, now, agency, None, org)).get(
        None, (0, 0)
    )
    inputs = await index_inputs_for(conn, period, agency, now, figures, org)
    report: dict[str, Any] = {
        "scope": agency or "city",
        "agency": agency,
        "organisation": org,
        "from": period.start,
        "to": period.end,
        "as_of": now,
        **figures.as_dict(),
        "average_processing_days": inputs.average_processing_days,
        "backlog": {"in_process": in_process, "overdue": overdue},
        "score": score(inputs, await index_inputs.latest(conn, period, agency)),
    }
    if not detail:
        return report
    names = await agency_names(conn)
    each = await kpi_queries.figures_by_each(conn, period, agency, now, org)
    by_agency, by_procedure, by_field, daily = (
        each["agency"],
        each["procedure"],
        each["field"],
        each["day"],
    )
    procedures = await catalog_store.procedure_names(conn, [str(k) for k in by_procedure])
    backlog = await kpi_queries.backlog(conn, now, agency, "agency", org)
    held = await catalog_store.predecessors_today(conn) if org == "today" else {}
    # Every agency with activity in the period or a backlog as of its end: the agencies'
    # backlog then adds up to the city's.
    agencies = sorted(set(by_agency) | set(backlog), key=str)
    report["by_agency"] = [
        {
            "agency_code": k,
            "agency_name": names.get(k, k),
            **by_agency.get(k, Figures()).as_dict(),
            "backlog_in_process": backlog.get(k, (0, 0))[0],
            "backlog_overdue": backlog.get(k, (0, 0))[1],
            **({"includes": held[k]} if k in held else {}),
        }
        for k in agencies
    ]
    report["by_procedure"] = [
        {
            "ma_tthc": k,
            "ten_tthc": procedures.get(k, {}).get("ten_tthc"),
            **f.as_dict(),
        }
        for k, f in sorted(by_procedure.items(), key=lambda kv: (-kv[1].received, str(kv[0])))
    ]
    report["by_field"] = [{"ma_linh_vuc": k or None, **f.as_dict()} for k, f in by_field.items()]
    report["daily"] = [
        {"day": day, **daily.get(day, Figures()).as_dict()} for day in period.each_day()
    ]
    report["coverage"] = await coverage(conn, agency)
    report["plan"] = await plan_progress(conn, agency, today_vn(now))
    return report
