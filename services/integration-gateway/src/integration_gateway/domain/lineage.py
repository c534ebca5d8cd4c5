"""Agencies that were renamed, merged, split or closed: who a predecessor's key speaks for now.

The catalog publishes each change (agency.lineage_changed) with its effective date. From that
day a predecessor's systems may keep sending with their old API keys and their old numbering
(agency code or unit code at the start of MaHoSo) for a transition period the operator sets;
what they send is bound to the successor. After the period the old key is refused with a
stable code, so a forgotten system fails loudly instead of splitting the successor's history.

A successor also holds its predecessors' dossiers and numbers: it may update a dossier its
predecessor received, and nobody else may use the predecessor's prefixes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

# One agency ends at most once; a longer chain than this is a loop in bad data.
MAX_HOPS = 16


@dataclass(frozen=True)
class Succession:
    """A predecessor ending on `effective_from`, continued by `successors` (none: closed)."""

    predecessor: str
    successors: tuple[str, ...]
    kind: str
    effective_from: date
    decision_no: str
    accepted_until: date | None = None  # the operator's choice; None: the default period

    def transition_end(self, default_days: int) -> date:
        """The last day the predecessor's keys and numbering are accepted."""
        if self.accepted_until is not None:
            return self.accepted_until
        return self.effective_from + timedelta(days=default_days - 1)


@dataclass(frozen=True)
class Bound:
    """The key's agency has successors: records are bound to them (by the procedure's owner).

    `acting_for` maps a procedure's owning agency to the agency a record of it is bound to;
    `holds` maps each bound agency to every code whose dossiers and numbering it holds."""

    agencies: tuple[str, ...]
    sent_as: str | None
    acting_for: Mapping[str, str]
    holds: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def agency(self) -> str:
        """The agency named on the request's plan submissions, metrics and audit entries."""
        return self.agencies[0]


@dataclass(frozen=True)
class Ended:
    """The key's agency ended and its transition period is over (or it closed with no successor)."""

    succession: Succession
    until: date | None  # the last day it was accepted; None for a close (never bound)


def _effective(successions: Mapping[str, Succession], today: date) -> dict[str, Succession]:
    return {p: s for p, s in successions.items() if s.effective_from <= today}


def predecessors(agency: str, successions: Mapping[str, Succession], today: date) -> set[str]:
    """Every code whose lineage, as of `today`, leads into `agency` (directly or through others)."""
    effective = _effective(successions, today)
    found: set[str] = set()
    frontier = {agency}
    for _ in range(MAX_HOPS):
        step = {
            p
            for p, s in effective.items()
            if p not in found and p != agency and frontier & set(s.successors)
        }
        if not step:
            break
        found |= step
        frontier = step
    return found


def bind(
    agency: str,
    successions: Mapping[str, Succession],
    today: date,
    default_days: int,
    issued_on: date | None = None,
) -> Bound | Ended:
    """Who a key of `agency`, issued on `issued_on`, speaks for today.

    Only a key issued before its agency ended is an old key. One the operator issues for the
    ended code afterwards is a deliberate choice (e.g. to load the agency's history, or to
    replay a past month): it speaks for that agency itself, never bound, never refused."""
    own = successions.get(agency)
    if own is not None and issued_on is not None and issued_on >= own.effective_from:
        return Bound((agency,), None, {agency: agency}, {agency: frozenset({agency})})
    effective = _effective(successions, today)
    current: tuple[str, ...] = (agency,)
    for _ in range(MAX_HOPS):
        nxt: list[str] = []
        moved = False
        for code in current:
            succession = effective.get(code)
            if succession is None:
                nxt.append(code)
                continue
            moved = True
            if not succession.successors:
                return Ended(succession, None)
            if today > succession.transition_end(default_days):
                return Ended(succession, succession.transition_end(default_days))
            nxt.extend(s for s in succession.successors if s not in nxt)
        current = tuple(nxt)
        if not moved:
            break
    holds = {a: frozenset({a} | predecessors(a, successions, today)) for a in current}
    acting_for = {a: a for a in current}
    for bound_to, held in holds.items():
        for code in held:
            s = effective.get(code)
            # A merged or renamed agency's procedures not yet moved in the catalog still
            # belong to its one successor; a split's are assigned procedure by procedure.
            if s is not None and len(s.successors) == 1:
                acting_for.setdefault(code, bound_to)
    return Bound(
        agencies=current,
        sent_as=agency if current != (agency,) else None,
        acting_for=acting_for,
        holds=holds,
    )
