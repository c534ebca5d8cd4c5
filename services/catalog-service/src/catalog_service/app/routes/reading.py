"""Reading the catalog: search, one procedure's history, coverage, the public list, exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import PlainTextResponse, Response

from catalog_service.adapters import store
from catalog_service.app import reading
from catalog_service.app.commands import NotFound
from catalog_service.app.deps import AsOf, Pool, today
from catalog_service.domain.procedures import Placement
from pasc_contracts.events.catalog import MucDoDvc
from pasc_contracts.events.dossier import MA_TTHC_PATTERN
from pasc_runtime.auth.roles import STAFF
from pasc_runtime.auth.routes import allow, public

router = APIRouter()


@router.get("/v1/procedures", **allow(*STAFF))
async def search(
    pool: Pool,
    q: Annotated[str | None, Query(description="Code or name, with or without diacritics.")] = None,
    ma_tthc: Annotated[str | None, Query(description="Code prefix, e.g. 1.0012")] = None,
    agency: Annotated[str | None, Query(description="Agency code, e.g. SXD")] = None,
    field: Annotated[str | None, Query(description="ma_linh_vuc or ten_linh_vuc")] = None,
    at_center: bool | None = None,
    placement: Placement | None = None,
    muc_do_dvc: MucDoDvc | None = None,
    as_of: AsOf = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Search procedures; `q` matches every word, diacritics and case ignored."""
    filters = store.SearchFilters(
        ma_tthc=ma_tthc,
        agency_code=agency.upper() if agency else None,
        field=field,
        at_center=at_center,
        placement=placement,
        muc_do_dvc=muc_do_dvc,
    )
    return await reading.search(pool(), filters, q, as_of or today(), limit, offset)


@router.get("/v1/procedures/{ma_tthc}", **allow(*STAFF))
async def procedure(
    pool: Pool, ma_tthc: Annotated[str, Path(pattern=MA_TTHC_PATTERN)], as_of: AsOf = None
) -> dict[str, Any]:
    """One procedure: the version in force, the latest, and its history (who, why, which decision)."""
    found = await reading.procedure(pool(), ma_tthc, as_of or today())
    if found is None:
        raise HTTPException(404, f"ma_tthc: {ma_tthc} không có trong danh mục")
    return found


@router.get("/v1/coverage", **allow(*STAFF))
async def coverage(pool: Pool, as_of: AsOf = None) -> dict[str, Any]:
    """Per agency and city-wide: eligible procedures, how many at the Center, the online mix."""
    return await reading.coverage(pool(), as_of or today())


@router.get("/v1/coverage/{agency_code}", **allow(*STAFF))
async def agency_coverage(pool: Pool, agency_code: str, as_of: AsOf = None) -> dict[str, Any]:
    found = await reading.agency_coverage(pool(), agency_code, as_of or today())
    if found is None:
        raise HTTPException(404, f"agency_code: '{agency_code}' chưa được đăng ký")
    return found


@router.get("/v1/public/procedures", **public())
async def public_list(
    pool: Pool,
    q: str | None = None,
    agency: str | None = None,
    field: str | None = None,
    muc_do_dvc: MucDoDvc | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """The procedures received at the Center today, public fields only (city portal, task 19)."""
    filters = store.SearchFilters(
        agency_code=agency.upper() if agency else None,
        field=field,
        at_center=True,
        muc_do_dvc=muc_do_dvc,
    )
    return await reading.public_list(pool(), filters, q, today(), limit, offset)


@router.get("/v1/agencies", **allow(*STAFF))
async def list_agencies(pool: Pool) -> list[dict[str, Any]]:
    return await reading.agencies(pool())


@router.get("/v1/exclusion-grounds", **allow(*STAFF))
async def list_grounds(pool: Pool) -> list[dict[str, Any]]:
    return [g.__dict__ for g in await store.grounds(pool())]


@router.get("/v1/decisions", **allow(*STAFF))
async def list_decisions(pool: Pool) -> list[dict[str, Any]]:
    return await store.decisions(pool())


@router.get("/v1/decisions/{decision_no:path}", **allow(*STAFF))
async def one_decision(pool: Pool, decision_no: str) -> dict[str, Any]:
    found = await store.decision(pool(), decision_no)
    if found is None:
        raise HTTPException(404, f"decision_no: {decision_no} chưa được ghi nhận")
    return found


@router.get("/v1/proposals/{proposal_id}", **allow(*STAFF))
async def one_proposal(pool: Pool, proposal_id: int) -> dict[str, Any]:
    found = await store.proposal(pool(), proposal_id)
    if found is None:
        raise NotFound(f"proposal_id: đề nghị {proposal_id} không tồn tại")
    return found


@router.get("/v1/export", response_model=None, **allow(*STAFF))
async def export(
    pool: Pool, format: Literal["csv", "json"] = "csv", as_of: AsOf = None
) -> Response | list[dict[str, Any]]:
    """The catalog in force, in the import's CSV columns (re-importable) or as JSON."""
    day = as_of or today()
    if format == "json":
        return await reading.export_json(pool(), day)
    return PlainTextResponse(
        await reading.export_csv(pool(), day),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="tthc-{day}.csv"'},
    )
