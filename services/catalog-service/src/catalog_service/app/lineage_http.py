"""catalog-service's routes for the agencies' lineage, the organisation as of a date and the
receiving places (the 2025 reorganisation: merged departments, the merged city, two levels)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, StringConstraints

from catalog_service.adapters import store
from catalog_service.app.deps import CatalogWrites, Pool
from catalog_service.app.errors import CatalogError
from catalog_service.app.lineage_errors import lineage_error
from catalog_service.app.reorganisation import apply_reorganisation_2025
from catalog_service.domain.agencies import AGENCY_CODE, Agency
from catalog_service.domain.decisions import DecisionTerms
from catalog_service.domain.lineage import AgencyChange, LineageRequest
from pasc_contracts import now_vn
from pasc_contracts.dvcqg import CodeText, Text
from pasc_contracts.events.catalog import AdministrativeLevel, AgencyKind, LineageKind
from pasc_contracts.events.dossier import MA_TTHC_PATTERN
from pasc_runtime.auth import Role
from pasc_runtime.auth.roles import STAFF
from pasc_runtime.auth.routes import allow

DEFAULT_SIGNER = "Chủ tịch UBND thành phố"
MAX_ITEMS = 20_000  # more procedures than the city has: a bigger body is a mistake or an attack

AgencyCode = Annotated[str, StringConstraints(pattern=AGENCY_CODE.pattern)]
MaTTHC = Annotated[str, StringConstraints(pattern=MA_TTHC_PATTERN)]
AsOf = Annotated[
    date | None,
    Query(description="The organisation on this date (default: today, Asia/Ho_Chi_Minh)."),
]


class NewAgencyBody(BaseModel):
    agency_code: AgencyCode
    name: CodeText = Field(min_length=1, max_length=200, examples=["Sở Nông nghiệp và Môi trường"])
    kind: AgencyKind
    level: AdministrativeLevel | None = Field(default=None, description="Default: its kind's.")
    receiving_place: bool = False


class ChangeBody(BaseModel):
    kind: LineageKind
    predecessors: list[AgencyCode] = Field(min_length=1, max_length=500)
    successors: list[AgencyCode] = Field(default_factory=list, max_length=500)
    procedures: dict[MaTTHC, AgencyCode] = Field(
        default_factory=dict,
        max_length=MAX_ITEMS,
        description="MaTTHC -> successor: required for every procedure of a split predecessor.",
    )


class LineageBody(BaseModel):
    decision_no: CodeText = Field(min_length=1, max_length=100, examples=["1500/QĐ-UBND"])
    signed_on: date
    signer: CodeText = Field(default=DEFAULT_SIGNER, min_length=1, max_length=200)
    effective_from: date | None = Field(default=None, description="Default: the signing date.")
    recorded_by: CodeText = Field(min_length=1, max_length=200)
    reason: Text | None = Field(default=None, max_length=2000)
    changes: list[ChangeBody] = Field(default_factory=list, max_length=500)
    new_agencies: list[NewAgencyBody] = Field(
        default_factory=list,
        max_length=500,
        description="Successors that exist from the effective date (new codes).",
    )
    levels: dict[MaTTHC, AdministrativeLevel] = Field(
        default_factory=dict, max_length=MAX_ITEMS, description="MaTTHC -> its level from the date."
    )
    abolish_district_level: bool = Field(
        default=False,
        description=(
            "The district level ends on the effective date: no district-level procedure or"
            " district agency may remain (districts without procedures are closed)."
        ),
    )
    district_default_level: AdministrativeLevel | None = Field(
        default=None,
        description="With the abolition: the level of district procedures not in levels.",
    )
    dry_run: bool = False


class ReceivingPlaceBody(BaseModel):
    name: CodeText = Field(min_length=1, max_length=200, examples=["UBND phường Ninh Kiều"])
    kind: AgencyKind | None = Field(
        default=None, description="Default: the registered agency's kind, else commune."
    )
    level: AdministrativeLevel | None = Field(
        default=None, description="Default: the registered agency's level, else its kind's."
    )
    active_from: date | None = Field(default=None, examples=["2025-07-01"])


router = APIRouter(tags=["lineage"])


def _agency_json(a: Agency) -> dict[str, Any]:
    return {
        "agency_code": a.code,
        "name": a.name,
        "kind": a.kind.value,
        "level": a.level.value if a.level else None,
        "receiving_place": a.receiving_place,
        "active_from": a.active_from.isoformat() if a.active_from else None,
        "closed_from": a.closed_from.isoformat() if a.closed_from else None,
    }


@router.post("/v1/lineage", **allow(Role.DECISION_RECORDER))
async def record_lineage(body: LineageBody, catalog: CatalogWrites) -> dict[str, Any]:
    """A decision renaming, merging, splitting or closing agencies, or changing procedures'
    levels (the district level's abolition), from its effective date; whole or nothing."""
    terms = DecisionTerms(
        decision_no=" ".join(body.decision_no.split()),
        signed_on=body.signed_on,
        signer=body.signer,
        effective_from=body.effective_from or body.signed_on,
        recorded_by=body.recorded_by,
        reason=body.reason,
    )
    request = LineageRequest(
        terms=terms,
        changes=[
            AgencyChange(c.kind, tuple(c.predecessors), tuple(c.successors), dict(c.procedures))
            for c in body.changes
        ],
        new_agencies=[
            Agency(
                a.agency_code,
                " ".join(a.name.split()),
                a.kind,
                a.level,
                a.receiving_place,
            )
            for a in body.new_agencies
        ],
        levels=dict(body.levels),
        abolish_district_level=body.abolish_district_level,
        district_default_level=body.district_default_level,
    )
    report = await catalog.apply_lineage(request, dry_run=body.dry_run)
    return report.as_dict()


@router.post("/v1/lineage/reorganisation-2025", **allow(Role.DECISION_RECORDER))
async def reorganise_2025(
    pool: Pool,
    catalog: CatalogWrites,
    recorded_by: Annotated[str, Query(min_length=1, max_length=200)],
    dry_run: bool = False,
) -> dict[str, Any]:
    """Apply the reference data's 2025 reorganisation (the merged departments from
    01/03/2025, the new city's communes as receiving places and the district level's
    abolition from 01/07/2025); decisions already recorded are left alone."""
    return await apply_reorganisation_2025(pool, catalog, recorded_by, dry_run=dry_run)


@router.get("/v1/lineage", **allow(*STAFF))
async def list_lineage(
    pool: Pool,
    agency: Annotated[
        str | None, Query(pattern=AGENCY_CODE.pattern, description="Only this agency's.")
    ] = None,
) -> list[dict[str, Any]]:
    """Every change of agencies' identity, in effective-date order."""
    return await store.lineage(pool(), agency)


@router.get("/v1/organisation", **allow(*STAFF))
async def organisation(pool: Pool, as_of: AsOf = None) -> dict[str, Any]:
    """The agencies existing on a date, how many procedures each owned that day, and the
    agencies each one continues (its predecessors up to that day)."""
    day = as_of or now_vn().date()
    agencies = await store.agencies(pool(), day)
    owned = Counter(v.data.agency_code for v in await store.catalog_as_of(pool(), day))
    continues: dict[str, list[str]] = {}
    for change in await store.lineage(pool()):
        if change["effective_from"] <= day:
            for successor in change["successors"]:
                found = continues.setdefault(successor, [])
                found += [p for p in change["predecessors"] if p != successor]
    return {
        "as_of": day.isoformat(),
        "agencies": [
            {
                **_agency_json(a),
                "procedures": owned.get(code, 0),
                "continues": continues.get(code, []),
            }
            for code, a in agencies.items()
        ],
    }


@router.get("/v1/receiving-places", **allow(*STAFF))
async def receiving_places(pool: Pool, as_of: AsOf = None) -> list[dict[str, Any]]:
    """The one-stop points receiving dossiers besides the Center on a date."""
    day = as_of or now_vn().date()
    return [
        _agency_json(a) for a in (await store.agencies(pool(), day)).values() if a.receiving_place
    ]


@router.put("/v1/receiving-places/{agency_code}", **allow(Role.CATALOG_OFFICER))
async def put_receiving_place(
    agency_code: Annotated[str, Path(pattern=AGENCY_CODE.pattern)],
    body: ReceivingPlaceBody,
    pool: Pool,
    catalog: CatalogWrites,
) -> dict[str, Any]:
    """Register a commune's one-stop point (or mark an agency) as a receiving place."""
    existing = await store.agency(pool(), agency_code)
    if existing is not None and existing.closed_from is not None:
        raise CatalogError(
            lineage_error("agency_closed"),
            f"ma_co_quan: {agency_code} đã chấm dứt từ {existing.closed_from}",
            field="agency_code",
        )
    # Marking a registered agency keeps what the body does not say (a department stays one).
    kind = body.kind or (existing.kind if existing else AgencyKind.COMMUNE)
    level = body.level or (existing.level if existing and kind is existing.kind else None)
    changed = await catalog.register_receiving_place(
        Agency(agency_code, " ".join(body.name.split()), kind, level, True, body.active_from)
    )
    return {"agency_code": agency_code, "changed": changed}
