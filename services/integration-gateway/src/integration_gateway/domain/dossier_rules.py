"""From DVCQG records to the canonical dossier stream: what is accepted, and which events it makes.

Department systems sync periodically, so intermediate statuses are often skipped (2 straight to
10 is normal). Only what contradicts the record or its history is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import Field

from pasc_contracts import VN_TZ, Event
from pasc_contracts.dvcqg import HoSoMC
from pasc_contracts.events import dossier as ev
from pasc_contracts.events.dossier import DossierSnapshot, KenhThucHien
from pasc_contracts.events.dossier import TrangThaiHoSo as S

PRODUCER = "integration-gateway"
TERMINAL = {S.TU_CHOI, S.CONG_DAN_RUT, S.DUNG_XU_LY, S.DA_TRA_KET_QUA}
IN_PROGRESS = {S.DA_TIEP_NHAN, S.DANG_XU_LY, S.YEU_CAU_BO_SUNG, S.YEU_CAU_THANH_TOAN}
STATUS_EVENTS: dict[S, type[Event]] = {
    S.TU_CHOI: ev.DossierRefused,
    S.CONG_DAN_RUT: ev.DossierWithdrawn,
    S.DUNG_XU_LY: ev.DossierStopped,
    S.DA_XU_LY: ev.DossierProcessed,
    S.DA_TRA_KET_QUA: ev.DossierResultReturned,
}


class DossierState(DossierSnapshot):
    """What the gateway keeps of a dossier: the facts it publishes (DossierSnapshot, the one
    definition of a dossier's fields, from the gateway's table to reporting's read model) and
    the keyed references of its documents behind the snapshot's counts, which never leave the
    gateway. No personal data."""

    revision: int = Field(ge=0, description="0 until the dossier's first event.")
    submitted_docs: frozenset[str] = frozenset()
    digitized_docs: frozenset[str] = frozenset()

    def snapshot(self) -> DossierSnapshot:
        """The published part, by field name. Validated (pydantic-core, from values already
        valid) rather than built with model_construct, whose Python loop over the fields cost
        more than the validation."""
        values = self.__dict__
        return DossierSnapshot.model_validate({name: values[name] for name in SNAPSHOT_FIELDS})

    def facts(self) -> tuple[object, ...]:
        """Everything but the revision: equal facts mean nothing to publish."""
        return tuple(v for k, v in self.__dict__.items() if k != "revision")


SNAPSHOT_FIELDS = tuple(DossierSnapshot.model_fields)


@dataclass(frozen=True)
class Accepted:
    state: DossierState
    events: list[Event]


@dataclass(frozen=True)
class Refused:
    reason: str
    code: str = "invalid_record"


@dataclass(frozen=True)
class DateWindow:
    """Dates a genuine record can carry: nothing before the window opens, no event (reception,
    end of processing, return) in the future, no due date more than a few years ahead."""

    earliest: datetime
    latest_event: datetime
    latest_due: datetime

    @classmethod
    def around(cls, now: datetime, earliest: datetime, future_due_days: int) -> DateWindow:
        # A day of slack for clocks and time zones of the sending systems. The bounds are in
        # Vietnam time, the zone every parsed DVCQG date carries: two datetimes of one zone
        # compare by their fields, of two zones through utcoffset() each (~2.5 µs a
        # comparison, seven per record, twice). Same result: the zone has no DST since 1975.
        return cls(
            earliest.astimezone(VN_TZ),
            (now + timedelta(days=1)).astimezone(VN_TZ),
            (now + timedelta(days=future_due_days)).astimezone(VN_TZ),
        )

    def problem(self, rec: HoSoMC) -> Refused | None:
        events = {
            "NgayTiepNhan": rec.NgayTiepNhan,
            "NgayKetThucXuLy": rec.NgayKetThucXuLy,
            "NgayTra": rec.NgayTra,
        }
        dues = {"NgayHenTra": rec.NgayHenTra}
        for name, value in {**events, **dues}.items():
            if value is not None and value < self.earliest:
                return Refused(f"{name} trước {self.earliest:%d/%m/%Y}", "implausible_date")
        for name, value in events.items():
            if value is not None and value > self.latest_event:
                return Refused(f"{name} ở tương lai", "implausible_date")
        if rec.NgayHenTra > self.latest_due:
            return Refused(f"NgayHenTra sau {self.latest_due:%d/%m/%Y}", "implausible_date")
        return None


def record_inconsistency(rec: HoSoMC, window: DateWindow | None = None) -> Refused | None:
    """Dates outside the plausible window or that contradict each other, or a status without
    the dates it needs."""
    if window is not None and (outside := window.problem(rec)) is not None:
        return outside
    if rec.NgayHenTra < rec.NgayTiepNhan:
        return Refused("NgayHenTra trước NgayTiepNhan", "inconsistent_dates")
    if rec.NgayKetThucXuLy is not None and rec.NgayKetThucXuLy < rec.NgayTiepNhan:
        return Refused("NgayKetThucXuLy trước NgayTiepNhan", "inconsistent_dates")
    if rec.NgayTra is not None and rec.NgayTra < rec.NgayTiepNhan:
        return Refused("NgayTra trước NgayTiepNhan", "inconsistent_dates")
    if rec.TrangThaiHoSo in (S.DA_XU_LY, S.DA_TRA_KET_QUA) and rec.NgayKetThucXuLy is None:
        return Refused(
            f"TrangThaiHoSo {int(rec.TrangThaiHoSo)} cần có NgayKetThucXuLy", "missing_dates"
        )
    return None


# Once a dossier is processed its timing is the record the on-time figure is judged on: a
# processed dossier (9) may only be returned (10, with NgayTra and the result); a final one
# (3, 7, 8, 10) changes no more. Corrections go through the audited correction path.
FROZEN_WHEN_PROCESSED = (
    "ma_linh_vuc",
    "kenh_thuc_hien",
    "loai_doi_tuong",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "due_at_in_force",
    "supplement_count",
    "ngay_ket_thuc_xu_ly",
)


def frozen_change(old: DossierState, new: DossierState) -> Refused | None:
    if old.trang_thai_ho_so in TERMINAL and new.facts() != old.facts():
        return Refused(
            f"hồ sơ {old.ma_ho_so} đã kết thúc (TrangThaiHoSo {int(old.trang_thai_ho_so)}):"
            " chỉ sửa qua thủ tục đính chính",
            "final_dossier",
        )
    if old.trang_thai_ho_so == S.DA_XU_LY:
        changed = [f for f in FROZEN_WHEN_PROCESSED if getattr(old, f) != getattr(new, f)]
        if changed:
            return Refused(
                f"hồ sơ {old.ma_ho_so} đã xử lý xong (9): không được đổi {', '.join(changed)};"
                " chỉ sửa qua thủ tục đính chính",
                "final_dossier",
            )
    return None


def owned_by_another(ma_ho_so: str) -> Refused:
    """A dossier number another agency sent first (which one is not said)."""
    return Refused(f"MaHoSo {ma_ho_so} đã thuộc cơ quan khác", "other_agency")


def unknown_dossier(ma_ho_so: str) -> Refused:
    """A processing step of a dossier never synced."""
    return Refused(f"MaHoSo {ma_ho_so} chưa được đồng bộ", "unknown_dossier")


def transition_error(old: S, new: S) -> str | None:
    if old == new:
        return None
    if old in TERMINAL:
        return f"TrangThaiHoSo {int(old)} là trạng thái kết thúc: không chuyển sang {int(new)} được"
    if old == S.DA_XU_LY and new != S.DA_TRA_KET_QUA:
        return f"hồ sơ đã xử lý xong (9) chỉ được chuyển sang đã trả kết quả (10), không sang {int(new)}"
    if new == S.MOI_DANG_KY:
        return f"TrangThaiHoSo không được quay lại từ {int(old)} về 1"
    if new == S.DA_TIEP_NHAN and old in IN_PROGRESS - {S.DA_TIEP_NHAN}:
        return f"TrangThaiHoSo không được quay lại từ {int(old)} về 2"
    return None


def state_from(
    rec: HoSoMC,
    agency_code: str,
    applicant_id: str | None,
    previous: DossierState | None,
    *,
    doc_ref: Callable[[str], str],
    due_derived: bool = False,
) -> DossierState:
    supplements = rec.DanhSachHoSoBoSung
    new_dues = [s.NgayHenTraMoi for s in supplements if s.NgayHenTraMoi is not None]
    # File ids are published (document digitized events): only as keyed references, since
    # systems name files after their owner ("CCCD_079912345678.pdf").
    # One keyed reference (an HMAC) per document, shared by both sets.
    kept = [
        (doc_ref(d.TepDinhKemId or d.MaThanhPhanHoSo or f"#{i}"), d.DuocSoHoa == 1)
        for i, d in enumerate(rec.TaiLieuNop)
        if not d.IsDeleted
    ]
    docs = frozenset(ref for ref, digitized in kept if digitized)
    submitted = frozenset(ref for ref, _ in kept)
    all_submitted = submitted | (previous.submitted_docs if previous else frozenset())
    all_digitized = docs | (previous.digitized_docs if previous else frozenset())
    return DossierState(
        ma_ho_so=rec.MaHoSo,
        ma_tthc=rec.MaTTHC,
        ma_linh_vuc=rec.MaLinhVuc,
        agency_code=agency_code,
        kenh_thuc_hien=rec.KenhThucHien or KenhThucHien.TRUC_TIEP,
        loai_doi_tuong=rec.LoaiDoiTuong,
        applicant_id=applicant_id or (previous.applicant_id if previous else None),
        trang_thai_ho_so=rec.TrangThaiHoSo,
        ngay_tiep_nhan=rec.NgayTiepNhan,
        ngay_hen_tra=rec.NgayHenTra,
        due_at_in_force=new_dues[-1] if new_dues else rec.NgayHenTra,
        supplement_count=len(supplements),
        ngay_ket_thuc_xu_ly=rec.NgayKetThucXuLy,
        ngay_tra=rec.NgayTra,
        submitted_docs=all_submitted,
        digitized_docs=all_digitized,
        digitized=rec.HoSoCoThanhPhanSoHoa == 1 or bool(docs),
        reused_data=any(d.DuocTaiSuDung == 1 or d.DuocLayTuKhoDMQG == 1 for d in rec.TaiLieuNop),
        reused_from_national_db=any(d.DuocLayTuKhoDMQG == 1 for d in rec.TaiLieuNop),
        electronic_result=any(g.DuongDanTepTinKetQua for g in rec.DanhSachGiayToKetQua),
        paid_online=rec.DuocThanhToanTrucTuyen == 1,
        documents_submitted=len(all_submitted | all_digitized),
        documents_digitized=len(all_digitized),
        revision=previous.revision if previous else 0,
        due_derived=due_derived,
    )


class _Emitter:
    """Numbers the events of one change: each carries the state at its own revision."""

    def __init__(self, state: DossierState) -> None:
        self.state = state
        self.events: list[Event] = []

    def emit(self, cls: type[Event], state: DossierState, **extra: object) -> None:
        self.state = state.model_copy(update={"revision": self.state.revision + 1})
        payload = {"dossier": self.state.snapshot(), **extra}
        self.events.append(cls.model_validate({"producer": PRODUCER, "payload": payload}))


def translate(
    rec: HoSoMC,
    agency_code: str,
    applicant_id: str | None,
    previous: DossierState | None,
    *,
    doc_ref: Callable[[str], str],
    window: DateWindow | None = None,
    due_derived: bool = False,
    correction: bool = False,
) -> Accepted | Refused:
    """Accept the record and say which events it makes, or say why it is refused."""
    if (inconsistency := record_inconsistency(rec, window)) is not None:
        return inconsistency
    if previous is not None:
        if previous.agency_code != agency_code:
            # Never say whose it is: the refusal would tell a squatter's victim nothing useful
            # and tell a prober which agency handles the dossier.
            return owned_by_another(rec.MaHoSo)
        if previous.ma_tthc != rec.MaTTHC:
            return Refused(
                f"không được đổi MaTTHC của hồ sơ {rec.MaHoSo} (đang là {previous.ma_tthc})",
                "ma_tthc_changed",
            )
        if not correction and (
            problem := transition_error(previous.trang_thai_ho_so, rec.TrangThaiHoSo)
        ):
            return Refused(problem, "invalid_transition")
    new = state_from(
        rec, agency_code, applicant_id, previous, doc_ref=doc_ref, due_derived=due_derived
    )
    if previous is not None and not correction and (frozen := frozen_change(previous, new)):
        return frozen
    if previous is None:
        return Accepted(*_received(new))
    if new.facts() == previous.facts():
        return Accepted(previous, [])
    return Accepted(*_changed(previous, new))


def _received(new: DossierState) -> tuple[DossierState, list[Event]]:
    out = _Emitter(new)
    at_reception = new.trang_thai_ho_so in (S.MOI_DANG_KY, S.DA_TIEP_NHAN)
    first = (
        new
        if at_reception
        else new.model_copy(
            update={
                "trang_thai_ho_so": S.DA_TIEP_NHAN,
                "ngay_ket_thuc_xu_ly": None,
                "ngay_tra": None,
            }
        )
    )
    out.emit(ev.DossierReceived, first)
    if not at_reception:
        out.emit(
            _status_event(S.DA_TIEP_NHAN, new.trang_thai_ho_so), new, from_status=S.DA_TIEP_NHAN
        )
    return out.state, out.events


def _status_event(old: S, new: S) -> type[Event]:
    if new == S.YEU_CAU_BO_SUNG:
        return ev.DossierSupplementRequested
    if old == S.YEU_CAU_BO_SUNG and new == S.DANG_XU_LY:
        return ev.DossierSupplementAnswered
    return STATUS_EVENTS.get(new, ev.DossierStatusChanged)


def _changed(old: DossierState, new: DossierState) -> tuple[DossierState, list[Event]]:
    out = _Emitter(old)
    if new.supplement_count > old.supplement_count:
        out.emit(
            ev.DossierSupplementRequested,
            new,
            from_status=old.trang_thai_ho_so,
            ngay_hen_tra_truoc=old.due_at_in_force,
            ngay_hen_tra_moi=new.due_at_in_force,
        )
    elif new.due_at_in_force != old.due_at_in_force:
        out.emit(
            ev.DossierDueDateChanged,
            new,
            old_due_at=old.due_at_in_force,
            new_due_at=new.due_at_in_force,
        )
    for doc in sorted(new.digitized_docs - old.digitized_docs):
        out.emit(ev.DossierDocumentDigitized, new, tep_dinh_kem_id=doc)
    status_moved = new.trang_thai_ho_so != old.trang_thai_ho_so
    already_said = status_moved and new.trang_thai_ho_so == S.YEU_CAU_BO_SUNG and out.events
    if status_moved and not already_said:
        cls = _status_event(old.trang_thai_ho_so, new.trang_thai_ho_so)
        out.emit(cls, new, from_status=old.trang_thai_ho_so)
    if not out.events:
        out.emit(ev.DossierUpdated, new)
    return out.state, out.events
