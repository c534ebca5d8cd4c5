"""catalog-service's HTTP API: search, history, coverage, the public list, imports and decisions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from catalog_service.adapters import store
from catalog_service.app.commands import Approval, Catalog, CatalogError, NotFound
from catalog_service.domain.agencies import AGENCY_CODE, Agency
from catalog_service.domain.coverage import Coverage, city_wide, coverage_by_agency
from catalog_service.domain.decisions import DecisionTerms
from catalog_service.domain.legal import ExclusionGround, with_ground_in_force
from catalog_service.domain.procedures import Placement, ProcedureVersion
from catalog_service.domain.rows import FileError, RawRow, decode, read_csv, to_row, write_csv
from pasc_contracts import now_vn
from pasc_contracts.events.catalog import AgencyKind, MucDoDvc
from pasc_contracts.events.dossier import MA_TTHC_PATTERN
from pasc_runtime.auth import Access, Role
from pasc_runtime.auth.roles import STAFF
from pasc_runtime.http_guard import read_body

DEFAULT_SIGNER = "Chủ tịch UBND thành phố"
MAX_IMPORT_BYTES = 20 * 1024 * 1024
IMPORT_TIMEOUT_S = 30.0
AsOf = Annotated[
    date | None,
    Query(description="The catalog in force on this date (default: today, Asia/Ho_Chi_Minh)."),
]


def today() -> date:
    return now_vn().date()


# --- request bodies ---------------------------------------------------------------------------


class ApprovalBody(BaseModel):
    proposal_id: int = Field(ge=1)
    ma_tthc: list[str] | None = Field(
        default=None, description="Entries to approve; all of the proposal when omitted."
    )


class DecisionBody(BaseModel):
    decision_no: str = Field(min_length=1, examples=["1234/QĐ-UBND"])
    signed_on: date
    signer: str = Field(default=DEFAULT_SIGNER, min_length=1)
    effective_from: date | None = Field(default=None, description="Default: the signing date.")
    recorded_by: str = Field(min_length=1, description="Who records the decision.")
    reason: str | None = None
    approve: list[ApprovalBody] = Field(default_factory=list)
    rows: list[dict[str, Any]] = Field(
        default_factory=list, description="Procedures in the import columns (ma_tthc, ten_tthc...)."
    )
    withdraw: list[str] = Field(default_factory=list, description="MaTTHC to withdraw.")
    dry_run: bool = False


class ProposalBody(BaseModel):
    agency_code: str = Field(min_length=1)
    submitted_by: str = Field(min_length=1)
    reason: str | None = None
    rows: list[dict[str, Any]] = Field(min_length=1)


class AgencyBody(BaseModel):
    name: str = Field(min_length=1)
    kind: AgencyKind


class GroundBody(BaseModel):
    ground: Literal["a", "b"]
    valid_from: date
    document: str = Field(min_length=1, examples=["118/2025/NĐ-CP"])
    article: str | None = None
    clause: str | None = None
    point: str | None = None
    description: str = Field(min_length=1)


# --- responses --------------------------------------------------------------------------------


def procedure_json(v: ProcedureVersion, agency_name: str | None = None) -> dict[str, Any]:
    d, b = v.data, v.basis
    return {
        "ma_tthc": d.ma_tthc,
        "ten_tthc": d.ten_tthc,
        "ma_linh_vuc": d.ma_linh_vuc,
        "ten_linh_vuc": d.ten_linh_vuc,
        "agency_code": d.agency_code,
        "ten_co_quan": agency_name,
        "cap_thuc_hien": d.cap_thuc_hien.value,
        "muc_do_dvc": d.muc_do_dvc.value,
        "thoi_han_giai_quyet": d.thoi_han_giai_quyet,
        "phi_le_phi": d.phi_le_phi,
        "at_center": d.at_center,
        "placement": d.placement.value,
        "exclusion": None
        if b is None
        else {
            "ground": d.exclusion_ground,
            "document": b.document,
            "article": b.article,
            "clause": b.clause,
            "point": b.point,
            "reason": b.reason,
        },
        "version": v.version,
        "withdrawn": v.withdrawn,
        "valid_from": v.valid_from.isoformat(),
        "decision_no": v.decision_no,
    }


def public_json(v: ProcedureVersion, agency_name: str) -> dict[str, Any]:
    """Only what the city portal's Center page shows (task 19)."""
    d = v.data
    return {
        "ma_tthc": d.ma_tthc,
        "ten_tthc": d.ten_tthc,
        "linh_vuc": d.ten_linh_vuc,
        "co_quan": agency_name,
        "cap_thuc_hien": d.cap_thuc_hien.value,
        "muc_do_dvc": d.muc_do_dvc.value,
        "thoi_han_giai_quyet": d.thoi_han_giai_quyet,
        "phi_le_phi": d.phi_le_phi,
    }


def coverage_json(c: Coverage, agency: Agency | None) -> dict[str, Any]:
    return {
        "agency_code": c.agency_code,
        "name": agency.name if agency else None,
        "kind": agency.kind.value if agency else None,
        "total": c.total,
        "eligible": c.eligible,
        "at_center": c.at_center,
        "excluded": c.excluded,
        "pending": c.pending,
        "percent_at_center": c.percent,
        "fully_onboarded": (c.fully_onboarded if agency.is_so_ban_nganh else None)
        if agency
        else None,
        "muc_do_dvc": dict(c.by_level),
    }


def _raw_rows(rows: list[dict[str, Any]]) -> list[RawRow]:
    """JSON rows: `line` is the row's position, from 1."""
    return [RawRow(i, row) for i, row in enumerate(rows, start=1)]


def make_api(pool: Callable[[], asyncpg.Pool], catalog: Catalog, access: Access) -> FastAPI:
    api = FastAPI(
        title="catalog-service",
        description="The catalog of administrative procedures (TTHC) received at the Center.",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )

    @api.exception_handler(CatalogError)
    async def refused(_: Request, exc: CatalogError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "errors": exc.errors}, status_code=exc.status)

    # --- reading --------------------------------------------------------------------------

    @api.get("/v1/procedures", **access.allow(*STAFF))
    async def search(
        q: Annotated[
            str | None, Query(description="Code or name, with or without diacritics.")
        ] = None,
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
        day = as_of or today()
        total, found = await store.search(pool(), filters, q, day, limit, offset)
        grounds = await store.grounds(pool())
        return {
            "as_of": day.isoformat(),
            "total": total,
            "items": [
                procedure_json(with_ground_in_force(f.version, grounds, day), f.agency_name)
                for f in found
            ],
        }

    @api.get("/v1/procedures/{ma_tthc}", **access.allow(*STAFF))
    async def procedure(
        ma_tthc: Annotated[str, Path(pattern=MA_TTHC_PATTERN)], as_of: AsOf = None
    ) -> dict[str, Any]:
        """One procedure: the version in force, the latest, and its history (who, why, which decision)."""
        entries = await store.history(pool(), ma_tthc)
        if not entries:
            raise HTTPException(404, f"ma_tthc: {ma_tthc} không có trong danh mục")
        agencies = await store.agencies(pool())
        day = as_of or today()
        in_force = [e.version for e in entries if e.version.valid_from <= day]
        current = in_force[-1] if in_force and not in_force[-1].withdrawn else None

        def named(v: ProcedureVersion) -> dict[str, Any]:
            agency = agencies.get(v.data.agency_code)
            return procedure_json(v, agency.name if agency else None)

        history = []
        previous: ProcedureVersion | None = None
        for e in entries:
            history.append(
                {
                    "version": e.version.version,
                    "change": e.change,
                    "valid_from": e.version.valid_from.isoformat(),
                    "decision_no": e.version.decision_no,
                    "signed_on": e.signed_on.isoformat(),
                    "signer": e.signer,
                    "changed_by": e.version.changed_by,
                    "reason": e.version.reason,
                    "recorded_at": e.recorded_at.isoformat(),
                    "changed_fields": previous.data.differences(e.version.data)
                    if previous is not None and e.change == "changed"
                    else [],
                    "procedure": named(e.version),
                }
            )
            previous = e.version
        # History shows the basis each decision cited; the version in force (and the latest,
        # from when it takes effect) shows the ground in force on the day asked.
        grounds = await store.grounds(pool())
        latest = entries[-1].version
        return {
            "ma_tthc": ma_tthc,
            "as_of": day.isoformat(),
            "in_force": named(with_ground_in_force(current, grounds, day)) if current else None,
            "latest": named(with_ground_in_force(latest, grounds, max(day, latest.valid_from))),
            "history": history,
        }

    @api.get("/v1/coverage", **access.allow(*STAFF))
    async def coverage(as_of: AsOf = None) -> dict[str, Any]:
        """Per agency and city-wide: eligible procedures, how many at the Center, the online mix."""
        day = as_of or today()
        agencies = await store.agencies(pool())
        procs = [v.data for v in await store.catalog_as_of(pool(), day)]
        per_agency = coverage_by_agency(procs, agencies)
        return {
            "as_of": day.isoformat(),
            "city": coverage_json(city_wide(per_agency.values()), None)
            | {"agency_code": None, "name": "Thành phố Cần Thơ"},
            "agencies": [coverage_json(per_agency[c], agencies.get(c)) for c in sorted(per_agency)],
        }

    @api.get("/v1/coverage/{agency_code}", **access.allow(*STAFF))
    async def agency_coverage(agency_code: str, as_of: AsOf = None) -> dict[str, Any]:
        day = as_of or today()
        agencies = await store.agencies(pool())
        agency = agencies.get(agency_code.upper())
        if agency is None:
            raise HTTPException(404, f"agency_code: '{agency_code}' chưa được đăng ký")
        procs = [v.data for v in await store.catalog_as_of(pool(), day)]
        found = coverage_by_agency(procs, [agency.code])[agency.code]
        return {"as_of": day.isoformat(), **coverage_json(found, agency)}

    @api.get("/v1/public/procedures", **access.public())
    async def public_list(
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
        total, found = await store.search(pool(), filters, q, today(), limit, offset)
        return {"total": total, "items": [public_json(f.version, f.agency_name) for f in found]}

    @api.get("/v1/agencies", **access.allow(*STAFF))
    async def list_agencies() -> list[dict[str, Any]]:
        return [
            {"agency_code": a.code, "name": a.name, "kind": a.kind.value}
            for a in (await store.agencies(pool())).values()
        ]

    @api.get("/v1/exclusion-grounds", **access.allow(*STAFF))
    async def list_grounds() -> list[dict[str, Any]]:
        return [g.__dict__ for g in await store.grounds(pool())]

    @api.get("/v1/decisions", **access.allow(*STAFF))
    async def list_decisions() -> list[dict[str, Any]]:
        return await store.decisions(pool())

    @api.get("/v1/decisions/{decision_no:path}", **access.allow(*STAFF))
    async def one_decision(decision_no: str) -> dict[str, Any]:
        found = await store.decision(pool(), decision_no)
        if found is None:
            raise HTTPException(404, f"decision_no: {decision_no} chưa được ghi nhận")
        return found

    @api.get("/v1/proposals/{proposal_id}", **access.allow(*STAFF))
    async def one_proposal(proposal_id: int) -> dict[str, Any]:
        found = await store.proposal(pool(), proposal_id)
        if found is None:
            raise NotFound(f"proposal_id: đề nghị {proposal_id} không tồn tại")
        return found

    @api.get("/v1/export", response_model=None, **access.allow(*STAFF))
    async def export(
        format: Literal["csv", "json"] = "csv", as_of: AsOf = None
    ) -> Response | list[dict[str, Any]]:
        """The catalog in force, in the import's CSV columns (re-importable) or as JSON."""
        day = as_of or today()
        agencies = await store.agencies(pool())
        grounds = await store.grounds(pool())
        versions = [
            with_ground_in_force(v, grounds, day) for v in await store.catalog_as_of(pool(), day)
        ]

        def name(code: str) -> str:
            return agencies[code].name if code in agencies else ""

        if format == "json":
            return [procedure_json(v, name(v.data.agency_code)) for v in versions]
        text = write_csv(to_row(v.data, name(v.data.agency_code)) for v in versions)
        return PlainTextResponse(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="tthc-{day}.csv"'},
        )

    # --- writing --------------------------------------------------------------------------

    @api.post("/v1/imports", **access.allow(Role.CATALOG_OFFICER))
    async def import_catalog(
        request: Request,
        recorded_by: Annotated[str, Query(min_length=1, description="Who imports.")],
        decision_no: Annotated[
            str | None, Query(description="Default: NHAP-<hash of the file>.")
        ] = None,
        signed_on: Annotated[date | None, Query(description="Default: today.")] = None,
        signer: Annotated[str, Query(min_length=1)] = DEFAULT_SIGNER,
        effective_from: Annotated[date | None, Query(description="Default: signed_on.")] = None,
        reason: str | None = None,
        dry_run: bool = False,
        strict: Annotated[bool, Query(description="One bad row and nothing applies.")] = False,
    ) -> dict[str, Any]:
        """Import the CSV (text/csv) or JSON rows ({"rows": [...]}): a proposal plus its decision."""
        # Counted while it arrives: an oversized or trickling upload is refused at once.
        body = await read_body(request, MAX_IMPORT_BYTES, IMPORT_TIMEOUT_S)
        raw = _rows_of(request.headers.get("content-type", ""), body)
        signed = signed_on or today()
        terms = DecisionTerms(
            decision_no=decision_no or f"NHAP-{hashlib.sha256(body).hexdigest()[:10]}",
            signed_on=signed,
            signer=signer,
            effective_from=effective_from or signed,
            recorded_by=recorded_by,
            reason=reason,
        )
        report = await catalog.import_rows(raw, terms, dry_run=dry_run, strict=strict)
        return report.as_dict()

    @api.post("/v1/proposals", status_code=201, **access.allow(Role.CATALOG_OFFICER))
    async def propose(body: ProposalBody) -> dict[str, Any]:
        """A department's proposal (task 4): stored, takes effect only when a decision approves it."""
        proposal_id = await catalog.submit_proposal(
            body.agency_code.upper(), body.submitted_by, body.reason, _raw_rows(body.rows)
        )
        return {"proposal_id": proposal_id, "entries": len(body.rows)}

    @api.post("/v1/decisions", **access.allow(Role.DECISION_RECORDER))
    async def decide(body: DecisionBody) -> dict[str, Any]:
        """The Chairman's decision (task 5): approves proposals or rows, withdraws procedures."""
        terms = DecisionTerms(
            decision_no=body.decision_no.strip(),
            signed_on=body.signed_on,
            signer=body.signer,
            effective_from=body.effective_from or body.signed_on,
            recorded_by=body.recorded_by,
            reason=body.reason,
        )
        report = await catalog.decide(
            terms,
            approvals=[
                Approval(a.proposal_id, tuple(a.ma_tthc) if a.ma_tthc is not None else None)
                for a in body.approve
            ],
            rows=_raw_rows(body.rows),
            withdrawals=[c.strip() for c in body.withdraw],
            dry_run=body.dry_run,
        )
        return report.as_dict()

    @api.put("/v1/agencies/{agency_code}", **access.allow(Role.CATALOG_OFFICER))
    async def put_agency(
        agency_code: Annotated[str, Path(pattern=AGENCY_CODE.pattern)], body: AgencyBody
    ) -> dict[str, Any]:
        """Register an agency (a district, a commune, a vertical agency...) or rename it."""
        changed = await catalog.register_agency(
            Agency(agency_code, " ".join(body.name.split()), body.kind)
        )
        return {"agency_code": agency_code, "changed": changed}

    @api.post("/v1/exclusion-grounds", status_code=201, **access.allow(Role.CATALOG_OFFICER))
    async def post_ground(body: GroundBody) -> dict[str, Any]:
        """A new legal basis for point a or b from a date (the previous one ends the day before)."""
        await catalog.add_ground(ExclusionGround(**body.model_dump()))
        return body.model_dump(mode="json")

    return api


def _rows_of(content_type: str, body: bytes) -> list[RawRow]:
    media = content_type.split(";")[0].strip().lower()
    try:
        if media == "application/json":
            try:
                payload = json.loads(body)
            except ValueError as exc:
                raise FileError(f"JSON không hợp lệ: {exc}") from exc
            rows = payload.get("rows") if isinstance(payload, dict) else None
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise FileError('JSON cần dạng {"rows": [{"ma_tthc": ..., ...}, ...]}')
            return _raw_rows(rows)
        if media in ("text/csv", "text/plain", "application/octet-stream", ""):
            return read_csv(decode(body))
    except FileError as exc:
        raise HTTPException(400, str(exc)) from exc
    raise HTTPException(415, f"content-type {media}: gửi text/csv hoặc application/json")
