"""catalog-service's events: procedures (TTHC), the Chairman's decisions, per-agency coverage."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

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


_PROCEDURE: dict[str, Any] = {
    "ma_tthc": "1.001234",
    "ten_tthc": "Cấp giấy phép xây dựng",
    "ma_linh_vuc": "XD",
    "ten_linh_vuc": "Xây dựng",
    "agency_code": "SXD",
    "cap_thuc_hien": "tinh",
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
    EXAMPLE_PAYLOAD = {"agency_code": "SXD", "name": "Sở Xây dựng", "kind": "department"}


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
