"""The city as it is today, from the reference data: the 2025 decisions as lineage requests.

The rows come from the reference files (catalog_service/data/reference/, each fact with its
source and whether it was confirmed). Pure: given the rows and the catalog's latest versions,
it builds the department decision(s), the communes' one-stop points and the district level's
abolition, in the order they took effect.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from catalog_service.domain.agencies import Agency
from catalog_service.domain.decisions import DecisionTerms
from catalog_service.domain.folding import fold
from catalog_service.domain.lineage import AgencyChange, LineageRequest
from catalog_service.domain.procedures import ProcedureVersion
from pasc_contracts.events.catalog import AdministrativeLevel, AgencyKind, LineageKind

Row = Mapping[str, str]
SIGNER = "Chủ tịch UBND thành phố"
ABOLISH = "abolish_district_level"
ANY_FIELD = "*"


@dataclass(frozen=True)
class Reorganisation:
    """What the reference data asks for, in order: decisions before the commune level's
    receiving places, the abolition last (it needs the communes to exist)."""

    department_decisions: list[LineageRequest]
    receiving_places: list[Agency]
    abolition: LineageRequest | None


def reorganisation(
    lineage_rows: Sequence[Row],
    split_rows: Sequence[Row],
    commune_rows: Sequence[Row],
    latest: Mapping[str, ProcedureVersion],
    recorded_by: str,
) -> Reorganisation:
    by_decision: dict[str, list[Row]] = defaultdict(list)
    abolition: LineageRequest | None = None
    for row in lineage_rows:
        if row["kind"] == ABOLISH:
            abolition = LineageRequest(
                terms=_terms(row, recorded_by),
                abolish_district_level=True,
                district_default_level=AdministrativeLevel.COMMUNE,
            )
        else:
            by_decision[row["decision_no"]].append(row)
    decisions = [_decision(rows, split_rows, latest, recorded_by) for rows in by_decision.values()]
    decisions.sort(key=lambda r: r.terms.effective_from)
    places = [
        Agency(
            row["agency_code"],
            row["name"],
            AgencyKind.COMMUNE,
            AdministrativeLevel(row["level"]),
            row["receiving_place"].strip().lower() == "true",
            date.fromisoformat(row["active_from"]) if row["active_from"] else None,
        )
        for row in commune_rows
    ]
    return Reorganisation(decisions, places, abolition)


def _terms(row: Row, recorded_by: str) -> DecisionTerms:
    return DecisionTerms(
        decision_no=row["decision_no"],
        signed_on=date.fromisoformat(row["signed_on"]),
        signer=SIGNER,
        effective_from=date.fromisoformat(row["effective_from"]),
        recorded_by=recorded_by,
        reason=f"Dữ liệu tham chiếu 2025 ({row['source']}; xác nhận: {row['confirmed']})",
    )


def _decision(
    rows: Sequence[Row],
    split_rows: Sequence[Row],
    latest: Mapping[str, ProcedureVersion],
    recorded_by: str,
) -> LineageRequest:
    changes = []
    new_agencies = []
    for row in rows:
        kind = LineageKind(row["kind"])
        predecessors = tuple(row["predecessors"].split())
        successors = tuple(row["successors"].split())
        procedures = (
            _split_by_field(predecessors[0], successors, split_rows, latest)
            if kind is LineageKind.SPLIT
            else {}
        )
        changes.append(AgencyChange(kind, predecessors, successors, procedures))
        if row["new_agency"]:
            code, name, agency_kind = row["new_agency"].split("|")
            new_agencies.append(Agency(code, name, AgencyKind(agency_kind)))
    return LineageRequest(
        terms=_terms(rows[0], recorded_by), changes=changes, new_agencies=new_agencies
    )


def _split_by_field(
    predecessor: str,
    successors: Sequence[str],
    split_rows: Sequence[Row],
    latest: Mapping[str, ProcedureVersion],
) -> dict[str, str]:
    """Each procedure of the split agency goes where its field (ten_linh_vuc) goes; `*` is
    every other field."""
    by_field = {
        fold(row["ten_linh_vuc"]): row["successor"]
        for row in split_rows
        if row["successor"] in successors
    }
    default = by_field.get(ANY_FIELD, successors[0])
    return {
        v.data.ma_tthc: by_field.get(fold(v.data.ten_linh_vuc or ""), default)
        for v in latest.values()
        if not v.withdrawn and v.data.agency_code == predecessor
    }
