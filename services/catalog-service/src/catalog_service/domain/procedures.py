"""A procedure (TTHC) as the catalog holds it, and where it is received."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum

from pasc_contracts.events.catalog import MucDoDvc
from pasc_contracts.events.dossier import MA_TTHC_PATTERN

MA_TTHC = re.compile(MA_TTHC_PATTERN)


class CapThucHien(StrEnum):
    """The level that performs the procedure."""

    TINH = "tinh"
    HUYEN = "huyen"
    XA = "xa"


class Placement(StrEnum):
    """Where a procedure is received."""

    AT_CENTER = "at_center"  # received and returned at the Center
    EXCLUDED = "excluded"  # not received at the Center, with a legal basis
    PENDING = "pending"  # eligible, still received by the agency itself (not yet moved)


@dataclass(frozen=True)
class LegalBasis:
    """The basis of an exclusion, resolved from the ground in force on the decision's date."""

    document: str
    article: str | None
    clause: str | None
    point: str | None
    reason: str | None


@dataclass(frozen=True)
class ProcedureData:
    """What a proposal or a decision says about one procedure (the comparable facts)."""

    ma_tthc: str
    ten_tthc: str
    ma_linh_vuc: str | None
    ten_linh_vuc: str | None
    agency_code: str
    cap_thuc_hien: CapThucHien
    muc_do_dvc: MucDoDvc
    thoi_han_giai_quyet: int
    at_center: bool
    exclusion_ground: str | None  # "a" or "b" (the points of the exclusion clause)
    exclusion_note: str | None = None
    phi_le_phi: str | None = None

    @property
    def placement(self) -> Placement:
        if self.at_center:
            return Placement.AT_CENTER
        return Placement.EXCLUDED if self.exclusion_ground else Placement.PENDING

    def differences(self, other: ProcedureData) -> list[str]:
        """Names of the fields whose values differ."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


@dataclass(frozen=True)
class ProcedureVersion:
    """One recorded version: the facts, the resolved basis, and which decision made it."""

    data: ProcedureData
    version: int
    withdrawn: bool
    valid_from: date
    decision_no: str
    basis: LegalBasis | None = None
    changed_by: str | None = None
    reason: str | None = None
