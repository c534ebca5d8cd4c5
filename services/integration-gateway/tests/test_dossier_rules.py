"""Translation rules: what is accepted, what is refused and why, and which events a change makes."""

from __future__ import annotations

from typing import Any

import pytest

from integration_gateway.domain.dossier_rules import Accepted, Refused, translate
from pasc_contracts.dvcqg import HoSoMC
from pasc_contracts.events.dossier import DossierSnapshot


def record(**changes: Any) -> HoSoMC:
    base: dict[str, Any] = {
        "MaHoSo": "H13-0001",
        "MaTTHC": "1.001234",
        "KenhThucHien": 2,
        "NgayTiepNhan": "20230403083000",
        "NgayHenTra": "20230417170000",
        "TrangThaiHoSo": 2,
    }
    return HoSoMC.model_validate({**base, **changes})


def ref(file_id: str) -> str:
    return f"ref:{file_id}"


def accept(rec: HoSoMC, previous: Any = None) -> Accepted:
    outcome = translate(rec, "SXD", "pseudo", previous, doc_ref=ref)
    assert isinstance(outcome, Accepted), outcome
    return outcome


def types(outcome: Accepted) -> list[str]:
    return [e.event_type for e in outcome.events]


def test_a_new_dossier_is_received_with_revision_1() -> None:
    outcome = accept(record())
    assert types(outcome) == ["dossier.received"]
    assert outcome.state.revision == 1
    assert outcome.events[0].payload.dossier.kenh_thuc_hien == 2  # type: ignore[attr-defined]  # events: list[Event]; these are dossier changes


def test_the_same_record_again_makes_no_event() -> None:
    first = accept(record())
    again = accept(record(), first.state)
    assert again.events == []
    assert again.state == first.state


def test_skipped_statuses_are_normal_2_straight_to_10() -> None:
    first = accept(record())
    done = accept(
        record(TrangThaiHoSo=10, NgayKetThucXuLy="20230410100000", NgayTra="20230411090000"),
        first.state,
    )
    assert types(done) == ["dossier.result_returned"]
    assert done.events[0].payload.from_status == 2  # type: ignore[attr-defined]  # events: list[Event]; these are dossier changes
    assert done.state.revision == 2


def test_a_dossier_first_seen_already_processed_is_received_then_processed() -> None:
    outcome = accept(record(TrangThaiHoSo=9, NgayKetThucXuLy="20230410100000"))
    assert types(outcome) == ["dossier.received", "dossier.processed"]
    received = outcome.events[0].payload.dossier  # type: ignore[attr-defined]  # events: list[Event]; these are dossier changes
    assert received.trang_thai_ho_so == 2 and received.ngay_ket_thuc_xu_ly is None
    assert [e.payload.dossier.revision for e in outcome.events] == [1, 2]  # type: ignore[attr-defined]  # events: list[Event]; these are dossier changes


def test_a_supplement_request_moves_the_due_date_in_force() -> None:
    first = accept(record(TrangThaiHoSo=4))
    supplement = {
        "NgayHenTraTruoc": "20230417170000",
        "NgayHenTraMoi": "20230421170000",
    }
    outcome = accept(record(TrangThaiHoSo=5, DanhSachHoSoBoSung=[supplement]), first.state)
    assert types(outcome) == ["dossier.supplement_requested"]
    snap = outcome.events[0].payload.dossier  # type: ignore[attr-defined]  # events: list[Event]; these are dossier changes
    assert snap.supplement_count == 1
    assert snap.due_at_in_force.day == 21
    answered = accept(record(TrangThaiHoSo=4, DanhSachHoSoBoSung=[supplement]), outcome.state)
    assert types(answered) == ["dossier.supplement_answered"]


def test_a_newly_digitized_document_is_an_event() -> None:
    first = accept(record(TaiLieuNop=[{"TepDinhKemId": "f1", "DuocSoHoa": 0}]))
    outcome = accept(record(TaiLieuNop=[{"TepDinhKemId": "f1", "DuocSoHoa": 1}]), first.state)
    assert types(outcome) == ["dossier.document_digitized"]
    assert outcome.state.digitized


def test_the_snapshot_counts_the_documents_submitted_and_digitized() -> None:
    docs = [{"TepDinhKemId": "f1", "DuocSoHoa": 1}, {"TepDinhKemId": "f2", "DuocSoHoa": 0}]
    first = accept(record(TaiLieuNop=docs))
    snap = first.state.snapshot()
    assert (snap.documents_submitted, snap.documents_digitized) == (2, 1)
    both = [{**d, "DuocSoHoa": 1} for d in docs]
    later = accept(record(TaiLieuNop=both), first.state).state.snapshot()
    assert (later.documents_submitted, later.documents_digitized) == (2, 2)


def test_a_new_due_date_is_an_event() -> None:
    first = accept(record())
    outcome = accept(record(NgayHenTra="20230419170000"), first.state)
    assert types(outcome) == ["dossier.due_date_changed"]


def test_other_facts_changing_is_an_update() -> None:
    first = accept(record())
    outcome = accept(record(DuocThanhToanTrucTuyen=1), first.state)
    assert types(outcome) == ["dossier.updated"]
    assert outcome.state.paid_online


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"NgayHenTra": "20230401000000"}, "inconsistent_dates"),
        ({"TrangThaiHoSo": 9}, "missing_dates"),
        ({"TrangThaiHoSo": 10, "NgayKetThucXuLy": "20230301000000"}, "inconsistent_dates"),
    ],
)
def test_contradictory_records_are_refused(changes: dict[str, Any], code: str) -> None:
    outcome = translate(record(**changes), "SXD", None, None, doc_ref=ref)
    assert isinstance(outcome, Refused)
    assert outcome.code == code


def test_a_returned_dossier_cannot_go_back_to_received() -> None:
    done = accept(record(TrangThaiHoSo=10, NgayKetThucXuLy="20230410100000"))
    outcome = translate(record(TrangThaiHoSo=2), "SXD", None, done.state, doc_ref=ref)
    assert isinstance(outcome, Refused)
    assert outcome.code == "invalid_transition"
    assert outcome.reason == "TrangThaiHoSo 10 là trạng thái kết thúc: không chuyển sang 2 được"


def test_another_agency_cannot_change_a_dossier() -> None:
    first = accept(record())
    outcome = translate(record(TrangThaiHoSo=4), "STP", None, first.state, doc_ref=ref)
    assert isinstance(outcome, Refused) and outcome.code == "other_agency"


def test_the_snapshot_is_the_states_published_fields_by_name_and_valid() -> None:
    docs = [
        {"TepDinhKemId": "f1", "DuocLayTuKhoDMQG": 1, "DuocSoHoa": 1},
        {"TepDinhKemId": "f2", "DuocTaiSuDung": 1},
    ]
    state = accept(record(TaiLieuNop=docs, DuocThanhToanTrucTuyen=1)).state
    snap = state.snapshot()
    assert (snap.reused_data, snap.reused_from_national_db, snap.paid_online) == (True, True, True)
    published = snap.model_dump()
    assert published == state.model_dump(exclude={"submitted_docs", "digitized_docs"})
    assert DossierSnapshot.model_validate(published) == snap  # nothing unchecked is published
    only_own = accept(record(TaiLieuNop=docs[1:])).state.snapshot()
    assert (only_own.reused_data, only_own.reused_from_national_db) == (True, False)
