"""The fold: the latest revision wins whatever the arrival order; every event is counted."""

from __future__ import annotations

from datetime import date

from pasc_contracts.events.dossier import DossierReceived, DossierSnapshot
from reporting_service.domain.read_model import fold


def snapshot(ma_ho_so: str, revision: int, status: int = 2) -> DossierSnapshot:
    base = DossierReceived.example().payload.dossier
    return base.model_copy(
        update={"ma_ho_so": ma_ho_so, "revision": revision, "trang_thai_ho_so": status}
    )


def test_latest_revision_wins_in_any_order() -> None:
    folded = fold([snapshot("A", 3, 9), snapshot("A", 1, 2), snapshot("B", 1), snapshot("A", 2, 4)])
    assert folded["A"].latest.revision == 3
    assert folded["A"].latest.trang_thai_ho_so == 9
    assert folded["A"].events == 3
    assert folded["B"].events == 1


def test_received_day_is_the_vietnam_calendar_day() -> None:
    late_evening_utc = snapshot("A", 1).model_copy(
        update={
            "ngay_tiep_nhan": DossierReceived.example().payload.dossier.ngay_tiep_nhan.replace(
                hour=23
            )
        }
    )
    # 23:00 +07:00 is still the same day in Vietnam even though UTC says otherwise for 07:00+.
    assert fold([late_evening_utc])["A"].received_day == date(2023, 4, 3)
