"""Reading the catalog: search, one procedure's history, coverage, the public list, exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse, Response

from catalog_service.adapters import store
from catalog_service.app import errors, reading
from catalog_service.app.deps import AsOf, Pool, today
from catalog_service.app.errors import CatalogError
from catalog_service.domain.procedures import Placement
from pasc_contracts.events.catalog import MucDoDvc
from pasc_contracts.events.dossier import MA_TTHC_PATTERN
from pasc_runtime.api_errors import ErrorCode
from pasc_runtime.auth.roles import STAFF
from pasc_runtime.auth.routes import allow, public, refusals

router = APIRouter()
SIGNED_IN = refusals()


def not_found(error: ErrorCode, field: str) -> dict[int | str, Any]:
    """The OpenAPI answers of a route that may not find what it is asked for."""
    return refusals(CatalogError(error, field=field))


@router.get("/v1/procedures", tags=["Tra cứu"], responses=SIGNED_IN, **allow(*STAFF))
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


@router.get(
    "/v1/procedures/{ma_tthc}",
    tags=["Tra cứu"],
    responses=not_found(errors.PROCEDURE_NOT_FOUND, "ma_tthc"),
    **allow(*STAFF),
)
async def procedure(
    pool: Pool, ma_tthc: Annotated[str, Path(pattern=MA_TTHC_PATTERN)], as_of: AsOf = None
) -> dict[str, Any]:
    """One procedure: the version in force, the latest, and its history (who, why, which decision)."""
    found = await reading.procedure(pool(), ma_tthc, as_of or today())
    if found is None:
        raise CatalogError(
            errors.PROCEDURE_NOT_FOUND,
            f"ma_tthc: {ma_tthc} không có trong danh mục",
            field="ma_tthc",
        )
    return found


@router.get("/v1/coverage", tags=["Tra cứu"], responses=SIGNED_IN, **allow(*STAFF))
async def coverage(pool: Pool, as_of: AsOf = None) -> dict[str, Any]:
    """Per agency and city-wide: eligible procedures, how many at the Center, the online mix."""
    return await reading.coverage(pool(), as_of or today())


@router.get(
    "/v1/coverage/{agency_code}",
    tags=["Tra cứu"],
    responses=not_found(errors.AGENCY_NOT_FOUND, "agency_code"),
    **allow(*STAFF),
)
async def agency_coverage(pool: Pool, agency_code: str, as_of: AsOf = None) -> dict[str, Any]:
    found = await reading.agency_coverage(pool(), agency_code, as_of or today())
    if found is None:
        raise CatalogError(
            errors.AGENCY_NOT_FOUND,
            f"agency_code: '{agency_code}' chưa được đăng ký",
            field="agency_code",
        )
    return found


@router.get("/v1/public/procedures", tags=["Công khai"], **public())
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


@router.get("/v1/agencies", tags=["Tra cứu"], responses=SIGNED_IN, **allow(*STAFF))
async def list_agencies(pool: Pool) -> list[dict[str, Any]]:
    return await reading.agencies(pool())


@router.get("/v1/exclusion-grounds", tags=["Tra cứu"], responses=SIGNED_IN, **allow(*STAFF))
async def list_grounds(pool: Pool) -> list[dict[str, Any]]:
    return [g.__dict__ for g in await store.grounds(pool())]


@router.get("/v1/decisions", tags=["Tra cứu"], responses=SIGNED_IN, **allow(*STAFF))
async def list_decisions(pool: Pool) -> list[dict[str, Any]]:
    return await store.decisions(pool())


@router.get(
    "/v1/decisions/{decision_no:path}",
    tags=["Tra cứu"],
    responses=not_found(errors.DECISION_NOT_FOUND, "decision_no"),
    **allow(*STAFF),
)
async def one_decision(pool: Pool, decision_no: str) -> dict[str, Any]:
    found = await store.decision(pool(), decision_no)
    if found is None:
        raise CatalogError(
            errors.DECISION_NOT_FOUND,
            f"decision_no: {decision_no} chưa được ghi nhận",
            field="decision_no",
        )
    return found


@router.get(
    "/v1/proposals/{proposal_id}",
    tags=["Tra cứu"],
    responses=not_found(errors.PROPOSAL_NOT_FOUND, "proposal_id"),
    **allow(*STAFF),
)
async def one_proposal(pool: Pool, proposal_id: int) -> dict[str, Any]:
    found = await store.proposal(pool(), proposal_id)
    if found is None:
        raise CatalogError(
            errors.PROPOSAL_NOT_FOUND,
            f"proposal_id: đề nghị {proposal_id} không tồn tại",
            field="proposal_id",
        )
    return found


@router.get(
    "/v1/export",
    response_model=None,
    tags=["Tra cứu"],
    responses={
        **SIGNED_IN,
        200: {
            "description": "CSV (the import's columns) or JSON (`format=json`).",
            "content": {"text/csv": {"schema": {"type": "string"}}, "application/json": {}},
        },
    },
    **allow(*STAFF),
)
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
