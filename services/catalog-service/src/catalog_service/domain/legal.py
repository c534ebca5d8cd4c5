"""Exclusion grounds: which legal text backs points a and b on a given date.

The grounds are data (the `exclusion_grounds` table): Decree 61/2018/NĐ-CP Art. 14 cl. 5 until
30 June 2025, Decree 118/2025/NĐ-CP since (see migrations/catalog_0002 for the article and the
sources). A new decree is a new row, not new code.

A version records the basis its decision cited; the catalog *as of* a day shows the ground in
force on that day instead, so an exclusion decided in 2023 reads "Decree 118/2025" on
01/08/2025 without a new decision (the procedure's history keeps what the decision cited).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from catalog_service.domain.procedures import LegalBasis, ProcedureVersion

GROUNDS = ("a", "b")


@dataclass(frozen=True)
class ExclusionGround:
    ground: str
    document: str
    article: str | None
    clause: str | None
    point: str | None
    description: str
    valid_from: date
    valid_until: date | None = None

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def basis(self, note: str | None) -> LegalBasis:
        return LegalBasis(
            self.document, self.article, self.clause, self.point, note or self.description
        )


def ground_in_force(
    grounds: Iterable[ExclusionGround], ground: str, day: date
) -> ExclusionGround | None:
    found = [g for g in grounds if g.ground == ground and g.in_force_on(day)]
    return max(found, key=lambda g: g.valid_from) if found else None


def with_ground_in_force(
    version: ProcedureVersion, grounds: Iterable[ExclusionGround], day: date
) -> ProcedureVersion:
    """`version` with the basis of its exclusion ground in force on `day` (unchanged when it is
    not excluded, or when no ground is in force that day: the recorded basis is all there is)."""
    point = version.data.exclusion_ground
    if point is None:
        return version
    ground = ground_in_force(grounds, point, day)
    if ground is None:
        return version
    return replace(version, basis=ground.basis(version.data.exclusion_note))
