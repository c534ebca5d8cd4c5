"""The figures' rules: on time, the due date in force, the two rollup rows, order independence."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from pasc_contracts import VN_TZ
from pasc_contracts.events.dossier import DossierReceived, DossierSnapshot
from reporting_service.domain.figures import COUNTS, Figures, RollupKey, contributions, rollup_delta
from reporting_service.domain.read_model import DossierFacts, fold, plan_changes

T0 = datetime(2023, 4, 3, 8, 30, tzinfo=VN_TZ)


def facts(**changes: object) -> DossierFacts:
    return DossierFacts.of(DossierReceived.example().payload.dossier).model_copy(update=changes)


def test_processed_not_after_the_due_date_in_force_is_on_time() -> None:
    due = T0 + timedelta(days=10)
    assert facts(trang_thai_ho_so=9, due_at_in_force=due, ngay_ket_thuc_xu_ly=due).on_time
    assert not facts(
        trang_thai_ho_so=9, due_at_in_force=due, ngay_ket_thuc_xu_ly=due + timedelta(seconds=1)
    ).on_time


def test_one_supplement_moves_the_due_date_two_make_it_late() -> None:
    original, moved = T0 + timedelta(days=10), T0 + timedelta(days=14)
    finished = T0 + timedelta(days=12)
    one = facts(trang_thai_ho_so=9, ngay_hen_tra=original, due_at_in_force=moved, supplement_count=1,
                ngay_ket_thuc_xu_ly=finished)  # fmt: skip
    assert one.on_time
    assert not one.model_copy(update={"supplement_count": 2}).on_time


def test_a_dossier_adds_to_its_received_day_and_its_processed_day() -> None:
    f = facts(trang_thai_ho_so=10, kenh_thuc_hien=2, digitized=True, electronic_result=True,
              ngay_ket_thuc_xu_ly=T0 + timedelta(days=2), due_at_in_force=T0 + timedelta(days=5))  # fmt: skip
    rows = contributions(f)
    received = rows[RollupKey(date(2023, 4, 3), "SXD", "1.001234", "XD")]
    processed = rows[RollupKey(date(2023, 4, 5), "SXD", "1.001234", "XD")]
    assert received == {"received": 1, "online": 1, "postal": 0, "digitized": 1, "reused": 0,
                        "reused_from_national_db": 0, "paid_online": 0, "refused": 0, "withdrawn": 0, "stopped": 0}  # fmt: skip
    assert processed == {"processed": 1, "on_time": 1, "late": 0, "result_returned": 1,
                         "electronic_result": 1}  # fmt: skip


def test_processed_day_is_vietnam_calendar_and_falls_back_to_ngay_tra() -> None:
    late_evening = datetime(2023, 4, 5, 23, 30, tzinfo=VN_TZ)  # 16:30 UTC, still the 5th here
    assert facts(trang_thai_ho_so=9, ngay_ket_thuc_xu_ly=late_evening).processed_day == date(
        2023, 4, 5
    )
    assert facts(trang_thai_ho_so=10, ngay_tra=late_evening).processed_day == date(2023, 4, 5)
    assert facts(trang_thai_ho_so=4, ngay_ket_thuc_xu_ly=late_evening).processed_day is None


def test_rollup_deltas_add_up_to_the_final_state_in_any_order() -> None:
    states = [
        facts(revision=1),
        facts(revision=2, trang_thai_ho_so=4, digitized=True),
        facts(revision=3, trang_thai_ho_so=9, ngay_ket_thuc_xu_ly=T0 + timedelta(days=20)),  # late
    ]
    expected = rollup_delta([(None, states[-1])])
    for order in itertools.permutations(states):
        stored: dict[str, DossierFacts] = {}
        total: dict[RollupKey, dict[str, int]] = {}
        for f in order:  # one event per batch, in this arrival order
            old = stored.get(f.ma_ho_so)
            new = f if old is None or f.revision > old.revision else None
            if new is not None:
                for key, row in rollup_delta([(old, new)]).items():
                    acc = total.setdefault(key, dict.fromkeys(COUNTS, 0))
                    for name, value in row.items():
                        acc[name] += value
                stored[f.ma_ho_so] = new
        assert {k: v for k, v in total.items() if any(v.values())} == expected


def test_plan_changes_keeps_the_newer_stored_state() -> None:
    snap = DossierReceived.example().payload.dossier
    folded = fold([snap.model_copy(update={"revision": 2}), snap])
    assert folded[snap.ma_ho_so].events == 2
    newer_stored = {snap.ma_ho_so: facts(revision=5)}
    (plan,) = plan_changes(folded, newer_stored)
    assert plan.new is None and plan.events == 2
    (plan,) = plan_changes(folded, {})
    assert plan.new is not None and plan.new.revision == 2


def test_rates_are_fractions_and_none_without_a_denominator() -> None:
    assert Figures().on_time_rate is None
    f = Figures(received=4, online=2, digitized=3, processed=5, on_time=4, electronic_result=1)
    assert (f.online_rate, f.digitized_rate, f.on_time_rate, f.electronic_result_rate) == (
        0.5, 0.75, 0.8, 0.2,
    )  # fmt: skip


def test_the_facts_are_the_snapshots_fields_by_name() -> None:
    snap = DossierReceived.example().payload.dossier.model_copy(
        update={"reused_from_national_db": True, "paid_online": True, "ma_linh_vuc": None}
    )
    f = DossierFacts.of(snap.model_copy(update={"applicant_id": "pseudonym"}))
    # The facts are the snapshot: no field of their own, every field kept but the pseudonym.
    assert list(DossierFacts.model_fields) == list(DossierSnapshot.model_fields)
    for name in set(DossierSnapshot.model_fields) - {"ma_linh_vuc", "applicant_id"}:
        assert getattr(f, name) == getattr(snap, name), name
    assert (f.ma_linh_vuc, f.applicant_id) == ("", None)
    assert (f.counted_reused, f.reused_from_national_db) == (True, True)
    assert (
        contributions(f)[RollupKey(f.received_day, "SXD", "1.001234", "")][
            "reused_from_national_db"
        ]
        == 1
    )
