"""Coverage: how many of an agency's eligible procedures are received at the Center.

Eligible = not excluded with a legal basis. A department or board ("Sở, ban ngành") is fully
onboarded when it has eligible procedures and every one of them is received at the Center.
An agency that ended (merged, split, closed) is neither: its procedures went to its successors,
whose coverage now counts them; its own drops to zero without "reopening" its onboarding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from catalog_service.domain.agencies import Agency
from catalog_service.domain.procedures import Placement, ProcedureData
from pasc_contracts.events.catalog import MucDoDvc

CITY = "*"


@dataclass(frozen=True)
class Coverage:
    agency_code: str
    total: int = 0
    at_center: int = 0
    excluded: int = 0
    pending: int = 0
    by_level: Mapping[str, int] = field(default_factory=dict)

    @property
    def eligible(self) -> int:
        return self.total - self.excluded

    @property
    def percent(self) -> float | None:
        return round(100 * self.at_center / self.eligible, 2) if self.eligible else None

    @property
    def fully_onboarded(self) -> bool:
        return self.eligible > 0 and self.at_center == self.eligible

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return (self.total, self.at_center, self.excluded, self.pending)


def coverage_by_agency(
    procedures: Iterable[ProcedureData], agency_codes: Iterable[str] = ()
) -> dict[str, Coverage]:
    """Coverage of each agency with procedures, and of each of `agency_codes` (zero if none)."""
    per_agency: dict[str, list[ProcedureData]] = {code: [] for code in agency_codes}
    for p in procedures:
        per_agency.setdefault(p.agency_code, []).append(p)
    return {code: _coverage(code, procs) for code, procs in per_agency.items()}


def _coverage(code: str, procedures: list[ProcedureData]) -> Coverage:
    placements = Counter(p.placement for p in procedures)
    levels = Counter(p.muc_do_dvc.value for p in procedures)
    return Coverage(
        agency_code=code,
        total=len(procedures),
        at_center=placements[Placement.AT_CENTER],
        excluded=placements[Placement.EXCLUDED],
        pending=placements[Placement.PENDING],
        by_level={level.value: levels.get(level.value, 0) for level in MucDoDvc},
    )


def city_wide(coverages: Iterable[Coverage]) -> Coverage:
    items = list(coverages)
    levels: Counter[str] = Counter()
    for c in items:
        levels.update(c.by_level)
    return Coverage(
        agency_code=CITY,
        total=sum(c.total for c in items),
        at_center=sum(c.at_center for c in items),
        excluded=sum(c.excluded for c in items),
        pending=sum(c.pending for c in items),
        by_level={level.value: levels.get(level.value, 0) for level in MucDoDvc},
    )


@dataclass(frozen=True)
class PublishedStatus:
    """What the catalog last told the other services about an agency."""

    counts: tuple[int, int, int, int]
    fully_onboarded: bool


class Transition(StrEnum):
    COVERAGE_CHANGED = "coverage_changed"
    FULLY_ONBOARDED = "fully_onboarded"
    REOPENED = "reopened"


def transitions(
    published: Mapping[str, PublishedStatus],
    now: Mapping[str, Coverage],
    agencies: Mapping[str, Agency],
) -> list[tuple[Transition, Coverage]]:
    """What to announce: coverage that moved, and departments that became (or stopped being) onboarded."""
    found: list[tuple[Transition, Coverage]] = []
    for code in sorted(now):
        coverage = now[code]
        before = published.get(code, PublishedStatus((0, 0, 0, 0), False))
        if coverage.counts != before.counts:
            found.append((Transition.COVERAGE_CHANGED, coverage))
        agency = agencies.get(code)
        if agency is not None and agency.closed:
            continue  # it no longer exists: its successors' transitions are the news
        onboarded = status_of(coverage, agency).fully_onboarded
        if onboarded and not before.fully_onboarded:
            found.append((Transition.FULLY_ONBOARDED, coverage))
        elif before.fully_onboarded and not onboarded:
            found.append((Transition.REOPENED, coverage))
    return found


def status_of(coverage: Coverage, agency: Agency | None) -> PublishedStatus:
    onboarded = (
        coverage.fully_onboarded
        and agency is not None
        and agency.is_so_ban_nganh
        and not agency.closed
    )
    return PublishedStatus(coverage.counts, onboarded)
