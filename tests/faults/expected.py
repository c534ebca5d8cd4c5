"""The known set, from the simulator alone: which events each dossier must end up with.

The simulator's records are replayed, in the order a department system sends them, through
the gateway's pure rules (`integration_gateway.domain.dossier_rules.translate`, no database,
no broker). That gives each dossier's final revision and the exact sequence of event types
on dossier.lifecycle.v1, so an accepted intermediate record that is lost on the way (and
followed by a later one for the same dossier) shows as a missing revision, even when the
final status is right. The running gateway's own state is never the reference.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from integration_gateway.domain.dossier_rules import Accepted, DossierState, translate
from pasc_contracts.dvcqg import HoSoMC
from pasc_simulator.lifecycle import Month, Sync

APPLICANT = "applicant"  # the gateway's pseudonym is the same for all of a dossier's records


@dataclass
class Dossier:
    """What one dossier must show: its events in revision order, and its processing steps."""

    events: list[str] = field(default_factory=list)  # event types; revision n is events[n-1]
    steps: int = 0  # CapNhatTienDoHoSoMC steps, one DossierProcessingStepRecorded each

    @property
    def revision(self) -> int:
        return len(self.events)


@dataclass
class Known:
    dossiers: dict[str, Dossier]
    # The records the simulator means to be good that the gateway's rules still refuse (its
    # slips: an update sent after the dossier's result, a step backwards), by id(sync): the
    # reason the gateway must give.
    refusals: dict[int, str]


def replay(month: Month, steps: dict[str, int] | None = None) -> Known:
    """Per dossier of the month (those the simulator expects accepted), its expected events."""
    states: dict[str, DossierState] = {}
    dossiers: dict[str, Dossier] = defaultdict(Dossier)
    refusals: dict[int, str] = {}
    for sync in month.syncs:
        if not sync.expect_accepted:
            continue
        ma = sync.record["MaHoSo"]
        result = translate(
            _record(sync), sync.agency_code, APPLICANT, states.get(ma), doc_ref=_same
        )
        if isinstance(result, Accepted):
            states[ma] = result.state
            dossiers[ma].events += [e.event_type for e in result.events]
        else:
            refusals[id(sync)] = result.reason
    for ma, count in (steps or {}).items():
        dossiers[ma].steps += count
    return Known(dict(dossiers), refusals)


def _same(document: str) -> str:
    """The gateway publishes keyed references of file ids; only how many there are matters."""
    return document


def _record(sync: Sync) -> HoSoMC:
    return HoSoMC.model_validate(sync.record)
