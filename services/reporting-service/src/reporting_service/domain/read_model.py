"""Folding dossier events into per-dossier state: the latest revision wins, whatever the order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pasc_contracts import VN_TZ
from pasc_contracts.events.dossier import DossierSnapshot


@dataclass(frozen=True)
class DossierFold:
    latest: DossierSnapshot
    events: int

    @property
    def received_day(self) -> date:
        return self.latest.ngay_tiep_nhan.astimezone(VN_TZ).date()


def fold(snapshots: Iterable[DossierSnapshot]) -> dict[str, DossierFold]:
    """One entry per dossier: its highest revision in the batch and how many events it had."""
    folded: dict[str, DossierFold] = {}
    for snap in snapshots:
        seen = folded.get(snap.ma_ho_so)
        if seen is None:
            folded[snap.ma_ho_so] = DossierFold(snap, 1)
        else:
            latest = snap if snap.revision > seen.latest.revision else seen.latest
            folded[snap.ma_ho_so] = DossierFold(latest, seen.events + 1)
    return folded
