"""Agencies and groups of agencies a plan names, as records with codes."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

AGENCY_CODE = r"^[A-Z][A-Z0-9_]{1,19}$"


class AgencyKind(StrEnum):
    OFFICE = "office"
    DEPARTMENT = "department"
    BOARD = "board"
    PRESS = "press"  # a party the plan names (e.g. "cơ quan báo, đài"), not a city agency


class Agency(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=AGENCY_CODE)
    name: str = Field(min_length=1)
    kind: AgencyKind


class AgencyGroup(BaseModel):
    """A group the plan names as one ("Sở, ban ngành"): its members are every agency of the
    listed kinds, plus any listed by code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=AGENCY_CODE)
    name: str = Field(min_length=1)
    member_kinds: tuple[AgencyKind, ...] = ()
    members: tuple[str, ...] = ()

    def resolve(self, agencies: tuple[Agency, ...]) -> tuple[str, ...]:
        """Member codes in the order the plan lists its agencies."""
        return tuple(
            a.code for a in agencies if a.kind in self.member_kinds or a.code in self.members
        )
