"""Changing the catalog: imports, proposals, the Chairman's decisions, agencies, legal grounds.

Each route turns its request into the write side's command (`Catalog`) and returns its report.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from catalog_service.app import errors
from catalog_service.app.commands import Approval
from catalog_service.app.deps import CatalogWrites, today
from catalog_service.app.errors import CatalogError
from catalog_service.domain.agencies import AGENCY_CODE, Agency
from catalog_service.domain.decisions import DecisionTerms
from catalog_service.domain.legal import ExclusionGround
from catalog_service.domain.rows import FileError, RawRow, decode, read_csv
from pasc_contracts.dvcqg import CodeText, Text
from pasc_contracts.events.catalog import AgencyKind
from pasc_runtime.auth import Role
from pasc_runtime.auth.routes import allow, refusals
from pasc_runtime.http_guard import read_body

DEFAULT_SIGNER = "Chủ tịch UBND thành phố"
MAX_IMPORT_BYTES = 20 * 1024 * 1024
IMPORT_TIMEOUT_S = 30.0

router = APIRouter(tags=["Cập nhật danh mục"])
# The import reads its body itself (counted while it arrives): documented here.
IMPORT_BODY = {
    "required": True,
    "description": "The catalog's rows: CSV with the import's columns, or JSON rows.",
    "content": {
        "text/csv": {
            "schema": {"type": "string"},
            "example": "ma_tthc,ten_tthc,ma_linh_vuc,ten_linh_vuc,ma_co_quan,ten_co_quan,"
            "cap_thuc_hien,tiep_nhan_tai_trung_tam,ly_do_khong_tiep_nhan,muc_do_dvc,"
            "thoi_han_giai_quyet\n1.001234,Cấp giấy phép xây dựng,SXD-HDXD,"
            "Hoạt động xây dựng,SXD,Sở Xây dựng,tinh,1,,toan_trinh,15\n",
        },
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"rows": {"type": "array", "items": {"type": "object"}}},
                "required": ["rows"],
            }
        },
    },
}
DECISION_REFUSALS = (
    CatalogError(errors.DECISION_INVALID, details=["signer: bắt buộc"], field="signer"),
    CatalogError(errors.DECISION_EMPTY),
    CatalogError(errors.DECISION_CONTENT_INVALID),
    CatalogError(errors.APPROVAL_INVALID, field="approve"),
    CatalogError(errors.DECISION_ALREADY_APPLIED, field="decision_no"),
)


# --- request bodies ---------------------------------------------------------------------------


class ApprovalBody(BaseModel):
    proposal_id: int = Field(ge=1)
    ma_tthc: list[str] | None = Field(
        default=None, description="Entries to approve; all of the proposal when omitted."
    )


class DecisionBody(BaseModel):
    decision_no: CodeText = Field(min_length=1, examples=["1234/QĐ-UBND"])
    signed_on: date
    signer: CodeText = Field(default=DEFAULT_SIGNER, min_length=1)
    effective_from: date | None = Field(default=None, description="Default: the signing date.")
    recorded_by: CodeText = Field(min_length=1, description="Who records the decision.")
    reason: Text | None = None
    approve: list[ApprovalBody] = Field(default_factory=list)
    rows: list[dict[str, Any]] = Field(
        default_factory=list, description="Procedures in the import columns (ma_tthc, ten_tthc...)."
    )
    withdraw: list[str] = Field(default_factory=list, description="MaTTHC to withdraw.")
    dry_run: bool = False

    def terms(self) -> DecisionTerms:
        return DecisionTerms(
            decision_no=self.decision_no.strip(),
            signed_on=self.signed_on,
            signer=self.signer,
            effective_from=self.effective_from or self.signed_on,
            recorded_by=self.recorded_by,
            reason=self.reason,
        )

    def approvals(self) -> list[Approval]:
        return [
            Approval(a.proposal_id, tuple(a.ma_tthc) if a.ma_tthc is not None else None)
            for a in self.approve
        ]


class ProposalBody(BaseModel):
    agency_code: str = Field(min_length=1)
    submitted_by: CodeText = Field(min_length=1)
    reason: Text | None = None
    rows: list[dict[str, Any]] = Field(min_length=1)


class AgencyBody(BaseModel):
    name: CodeText = Field(min_length=1)
    kind: AgencyKind


class GroundBody(BaseModel):
    ground: Literal["a", "b"]
    valid_from: date
    document: CodeText = Field(min_length=1, examples=["118/2025/NĐ-CP"])
    article: CodeText | None = None
    clause: CodeText | None = None
    point: CodeText | None = None
    description: Text = Field(min_length=1)


# --- routes ------------------------------------------------------------------------------------


@router.post(
    "/v1/imports",
    responses=refusals(
        CatalogError(errors.IMPORT_FILE_INVALID, "thiếu cột: ten_tthc"),
        CatalogError(errors.IMPORT_MEDIA_TYPE),
        408,
        413,
        *DECISION_REFUSALS,
    ),
    **allow(Role.CATALOG_OFFICER, openapi={"requestBody": IMPORT_BODY}),
)
async def import_catalog(
    request: Request,
    catalog: CatalogWrites,
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
    raw = rows_of(request.headers.get("content-type", ""), body)
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


@router.post(
    "/v1/proposals",
    status_code=201,
    responses=refusals(
        CatalogError(errors.SUBMITTER_REQUIRED, field="submitted_by"),
        CatalogError(errors.AGENCY_UNKNOWN, field="agency_code"),
        CatalogError(errors.PROPOSAL_ROWS_INVALID, field="rows"),
    ),
    **allow(Role.CATALOG_OFFICER),
)
async def propose(catalog: CatalogWrites, body: ProposalBody) -> dict[str, Any]:
    """A department's proposal (task 4): stored, takes effect only when a decision approves it."""
    proposal_id = await catalog.submit_proposal(
        body.agency_code.upper(), body.submitted_by, body.reason, numbered(body.rows)
    )
    return {"proposal_id": proposal_id, "entries": len(body.rows)}


@router.post(
    "/v1/decisions",
    responses=refusals(*DECISION_REFUSALS),
    **allow(Role.DECISION_RECORDER),
)
async def decide(catalog: CatalogWrites, body: DecisionBody) -> dict[str, Any]:
    """The Chairman's decision (task 5): approves proposals or rows, withdraws procedures."""
    report = await catalog.decide(
        body.terms(),
        approvals=body.approvals(),
        rows=numbered(body.rows),
        withdrawals=[c.strip() for c in body.withdraw],
        dry_run=body.dry_run,
    )
    return report.as_dict()


@router.put(
    "/v1/agencies/{agency_code}",
    responses=refusals(),
    **allow(Role.CATALOG_OFFICER),
)
async def put_agency(
    catalog: CatalogWrites,
    agency_code: Annotated[str, Path(pattern=AGENCY_CODE.pattern)],
    body: AgencyBody,
) -> dict[str, Any]:
    """Register an agency (a district, a commune, a vertical agency...) or rename it."""
    changed = await catalog.register_agency(
        Agency(agency_code, " ".join(body.name.split()), body.kind)
    )
    return {"agency_code": agency_code, "changed": changed}


@router.post(
    "/v1/exclusion-grounds",
    status_code=201,
    responses=refusals(),
    **allow(Role.CATALOG_OFFICER),
)
async def post_ground(catalog: CatalogWrites, body: GroundBody) -> dict[str, Any]:
    """A new legal basis for point a or b from a date (the previous one ends the day before)."""
    await catalog.add_ground(ExclusionGround(**body.model_dump()))
    return body.model_dump(mode="json")


# --- reading an upload -------------------------------------------------------------------------


def numbered(rows: list[dict[str, Any]]) -> list[RawRow]:
    """JSON rows: `line` is the row's position, from 1."""
    return [RawRow(i, row) for i, row in enumerate(rows, start=1)]


def rows_of(content_type: str, body: bytes) -> list[RawRow]:
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
            return numbered(rows)
        if media in ("text/csv", "text/plain", "application/octet-stream", ""):
            return read_csv(decode(body))
    except FileError as exc:
        raise CatalogError(errors.IMPORT_FILE_INVALID, str(exc)) from exc
    raise CatalogError(
        errors.IMPORT_MEDIA_TYPE,
        f"content-type {media}: kiểu nội dung không nhận; gửi text/csv hoặc application/json",
        field="content-type",
    )
