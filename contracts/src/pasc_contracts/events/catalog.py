"""catalog-service's events: procedures (TTHC), the Chairman's decisions, per-agency coverage,
and the agencies' lineage (renamed, merged, split, closed) with the levels of government."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, model_validator

from pasc_contracts.envelope import Contract, Event
from pasc_contracts.events.dossier import MA_TTHC_PATTERN


class AgencyKind(StrEnum):
    """What kind of agency performs procedures: the office, a department, a board, a district..."""

    OFFICE = "office"
    DEPARTMENT = "department"
    BOARD = "board"
    DISTRICT = "district"
    COMMUNE = "commune"
    VERTICAL = "vertical"


class AdministrativeLevel(StrEnum):
    """The level of government that performs a procedure or that an agency belongs to.

    The district level existed until 30/06/2025; from 01/07/2025 local government has two
    levels (city and commune/ward), so a procedure is district-level only in versions in force
    before that day.
    """

    CITY = "city"
    DISTRICT = "district"
    COMMUNE = "commune"


class LineageKind(StrEnum):
    """How an agency's identity changed: predecessors -> successors.

    rename: one -> one (new code or name, same duties); merge: several -> one;
    split: one -> several (the event names which procedures go where); close: one -> none.
    """

    RENAME = "rename"
    MERGE = "merge"
    SPLIT = "split"
    CLOSE = "close"


class MucDoDvc(StrEnum):
    """Online service level of a procedure."""

    TOAN_TRINH = "toan_trinh"
    MOT_PHAN = "mot_phan"
    TRUC_TIEP = "truc_tiep"


class LegalBasis(Contract):
    """Why a procedure is not received at the Center (e.g. Decree 61/2018 art. 14 cl. 5 pt a)."""

    document: str = Field(min_length=1, examples=["61/2018/NĐ-CP"])
    article: str | None = None
    clause: str | None = None
    point: str | None = None
    reason: str | None = None


class Procedure(Contract):
    ma_tthc: str = Field(pattern=MA_TTHC_PATTERN)
    ten_tthc: str = Field(min_length=1)
    ma_linh_vuc: str | None = None
    ten_linh_vuc: str | None = None
    agency_code: str = Field(min_length=1)
    cap_thuc_hien: str | None = Field(default=None, description="Level: tinh, huyen, xa...")
    level: AdministrativeLevel | None = Field(
        default=None,
        description=(
            "The level of government performing it in this version: city, commune, or district"
            " (only in versions in force before 01/07/2025). Absent from producers before the"
            " 2025 reorganisation: read cap_thuc_hien then (tinh=city, huyen=district, xa=commune)."
        ),
    )
    muc_do_dvc: MucDoDvc = MucDoDvc.TRUC_TIEP
    thoi_han_giai_quyet: int | None = Field(default=None, ge=0, description="Working days.")
    at_center: bool
    exclusion: LegalBasis | None = None
    effective_from: date
    decision_no: str | None = None
    catalog_version: int = Field(ge=1, description="This procedure's version; the highest wins.")
    phi_le_phi: str | None = Field(default=None, description="Fees and charges, as published.")
    changed_by: str | None = Field(default=None, description="Who recorded this version.")
    reason: str | None = Field(default=None, description="Why this version was recorded.")


class ProcedureWithdrawal(Contract):
    ma_tthc: str = Field(pattern=MA_TTHC_PATTERN)
    agency_code: str = Field(min_length=1)
    effective_from: date
    decision_no: str | None = None
    catalog_version: int = Field(ge=1)


class Decision(Contract):
    decision_no: str = Field(min_length=1, examples=["1234/QĐ-UBND"])
    signed_on: date
    signer: str = Field(min_length=1)
    effective_from: date
    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    withdrawn: list[str] = Field(default_factory=list)
    recorded_by: str | None = None
    reason: str | None = None


class Coverage(Contract):
    agency_code: str = Field(min_length=1)
    eligible: int = Field(ge=0, description="Procedures not excluded.")
    at_center: int = Field(ge=0)
    excluded: int = Field(ge=0)
    as_of: date
    decision_no: str | None = Field(default=None, description="The decision that changed it.")


class Agency(Contract):
    agency_code: str = Field(min_length=1, examples=["SXD"])
    name: str = Field(min_length=1, examples=["Sở Xây dựng"])
    kind: AgencyKind
    level: AdministrativeLevel | None = Field(
        default=None, description="The level of government it belongs to, when known."
    )
    receiving_place: bool = Field(
        default=False,
        description=(
            "A one-stop point that receives dossiers besides the Center (e.g. a commune's"
            " one-stop unit after 01/07/2025)."
        ),
    )
    active_from: date | None = Field(
        default=None, description="The day it exists from, when a decision says so."
    )
    closed_from: date | None = Field(
        default=None,
        description=(
            "The first day it no longer exists (merged, split, closed); its successors are on the"
            " agency.lineage_changed event of the same decision."
        ),
    )


class ProcedureMove(Contract):
    """One procedure handed from a predecessor agency to its successor by a lineage change."""

    ma_tthc: str = Field(pattern=MA_TTHC_PATTERN)
    from_agency: str = Field(min_length=1)
    to_agency: str = Field(min_length=1)
    level: AdministrativeLevel | None = Field(
        default=None, description="Its level from the effective date, when the change sets one."
    )


class AgencyLineage(Contract):
    """A decision changing agencies' identity from a date: predecessors -> successors.

    `agency_code` is the message key: the successor of a rename or merge, the predecessor of a
    split or close, so one agency's story stays in order on its partition. Every procedure that
    changes owner is listed in `procedures` (and also gets its own procedure.changed event with
    the new owner, version and decision).
    """

    agency_code: str = Field(min_length=1, description="The key: see the model description.")
    kind: LineageKind
    predecessors: list[str] = Field(min_length=1, description="Agency codes ending on this date.")
    successors: list[str] = Field(
        default_factory=list, description="Agency codes continuing them (none for a close)."
    )
    effective_from: date = Field(description="The first day the successors exist.")
    decision_no: str = Field(min_length=1, examples=["1500/QĐ-UBND"])
    signed_on: date
    signer: str = Field(min_length=1)
    recorded_by: str | None = None
    reason: str | None = None
    procedures: list[ProcedureMove] = Field(
        default_factory=list, description="Which procedures move to which successor."
    )

    @model_validator(mode="after")
    def _shape_matches_kind(self) -> AgencyLineage:
        before, after = len(self.predecessors), len(self.successors)
        expected = {
            LineageKind.RENAME: before == 1 and after == 1,
            LineageKind.MERGE: before >= 2 and after == 1,
            LineageKind.SPLIT: before == 1 and after >= 2,
            LineageKind.CLOSE: before == 1 and after == 0,
        }[self.kind]
        if not expected:
            raise ValueError(
                f"{self.kind.value}: {before} predecessor(s) -> {after} successor(s) is not valid"
            )
        keyed = (
            self.successors[0]
            if self.kind in (LineageKind.RENAME, LineageKind.MERGE)
            else (self.predecessors[0])
        )
        if self.agency_code != keyed:
            raise ValueError(f"agency_code must be {keyed} for a {self.kind.value}")
        for move in self.procedures:
            if move.from_agency not in self.predecessors or move.to_agency not in self.successors:
                raise ValueError(
                    f"procedure {move.ma_tthc}: {move.from_agency} -> {move.to_agency} is not"
                    " from a predecessor to a successor"
                )
        return self


_PROCEDURE: dict[str, Any] = {
    "ma_tthc": "1.001234",
    "ten_tthc": "Cấp giấy phép xây dựng",
    "ma_linh_vuc": "XD",
    "ten_linh_vuc": "Xây dựng",
    "agency_code": "SXD",
    "cap_thuc_hien": "tinh",
    "level": "city",
    "muc_do_dvc": "toan_trinh",
    "thoi_han_giai_quyet": 15,
    "at_center": True,
    "effective_from": "2023-04-01",
    "decision_no": "1234/QĐ-UBND",
    "catalog_version": 1,
}
_COVERAGE: dict[str, Any] = {
    "agency_code": "SXD",
    "eligible": 80,
    "at_center": 80,
    "excluded": 2,
    "as_of": "2023-04-01",
}


class AgencyRegistered(Event[Agency]):
    """An agency is registered, or its name or kind changed: consumers upsert by agency code."""

    event_type: Literal["agency.registered"] = "agency.registered"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "agency_code": "SXD",
        "name": "Sở Xây dựng",
        "kind": "department",
        "level": "city",
    }


class AgencyLineageChanged(Event[AgencyLineage]):
    """Agencies renamed, merged, split or closed by a decision, from its effective date.

    Consumers map the predecessors' codes to the successors from `effective_from` on; the
    catalog also publishes agency.registered for every agency involved (with closed_from on the
    predecessors) and procedure.changed for every procedure that moves.
    """

    event_type: Literal["agency.lineage_changed"] = "agency.lineage_changed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "agency_code": "SNNMT",
        "kind": "merge",
        "predecessors": ["STNMT", "SNNPTNT"],
        "successors": ["SNNMT"],
        "effective_from": "2025-03-01",
        "decision_no": "500/QĐ-UBND",
        "signed_on": "2025-02-28",
        "signer": "Chủ tịch UBND thành phố",
        "recorded_by": "recorder",
        "procedures": [
            {"ma_tthc": "1.004227", "from_agency": "STNMT", "to_agency": "SNNMT"},
            {"ma_tthc": "1.003605", "from_agency": "SNNPTNT", "to_agency": "SNNMT"},
        ],
    }


class ProcedureRegistered(Event[Procedure]):
    event_type: Literal["procedure.registered"] = "procedure.registered"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = _PROCEDURE


class ProcedureChanged(Event[Procedure]):
    event_type: Literal["procedure.changed"] = "procedure.changed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**_PROCEDURE, "muc_do_dvc": "mot_phan", "catalog_version": 2}


class ProcedureWithdrawn(Event[ProcedureWithdrawal]):
    event_type: Literal["procedure.withdrawn"] = "procedure.withdrawn"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "ma_tthc": "1.001234",
        "agency_code": "SXD",
        "effective_from": "2023-06-01",
        "decision_no": "2001/QĐ-UBND",
        "catalog_version": 3,
    }


class DecisionApplied(Event[Decision]):
    event_type: Literal["decision.applied"] = "decision.applied"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "decision_no": "1234/QĐ-UBND",
        "signed_on": "2023-03-28",
        "signer": "Chủ tịch UBND thành phố",
        "effective_from": "2023-04-01",
        "added": ["1.001234"],
    }


class CoverageChanged(Event[Coverage]):
    event_type: Literal["coverage.changed"] = "coverage.changed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = _COVERAGE


class DepartmentFullyOnboarded(Event[Coverage]):
    event_type: Literal["department.fully_onboarded"] = "department.fully_onboarded"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = _COVERAGE


class DepartmentOnboardingReopened(Event[Coverage]):
    """The reverse of fully onboarded: the department gained a procedure not yet at the Center."""

    event_type: Literal["department.onboarding_reopened"] = "department.onboarding_reopened"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {**_COVERAGE, "eligible": 81}
