"""`dossier.lifecycle.v1`: the canonical dossier stream, translated by the gateway from DVCQG records.

Every event carries the dossier's snapshot after the change (`revision` increases by one per
accepted change), so a consumer's read model is right whatever it missed or saw twice.
No personal data: the applicant is a pseudonymous id.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from pasc_contracts.envelope import Contract, Event


class TrangThaiHoSo(IntEnum):
    """DVCQG dossier status codes."""

    MOI_DANG_KY = 1
    DA_TIEP_NHAN = 2
    TU_CHOI = 3
    DANG_XU_LY = 4
    YEU_CAU_BO_SUNG = 5
    YEU_CAU_THANH_TOAN = 6
    CONG_DAN_RUT = 7
    DUNG_XU_LY = 8
    DA_XU_LY = 9
    DA_TRA_KET_QUA = 10


class KenhThucHien(IntEnum):
    """How the dossier was submitted."""

    TRUC_TIEP = 1
    TRUC_TUYEN = 2
    BUU_CHINH_CONG_ICH = 3


class LoaiDoiTuong(IntEnum):
    """Who the applicant is."""

    CONG_DAN = 1
    DOANH_NGHIEP = 2
    CO_QUAN_NHA_NUOC = 3
    KHAC = 4


MaHoSo = str
MA_TTHC_PATTERN = r"^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$"


class DossierSnapshot(Contract):
    """What the figures need of one dossier, as of `revision`."""

    ma_ho_so: MaHoSo = Field(min_length=1, max_length=64)
    ma_tthc: str = Field(pattern=MA_TTHC_PATTERN)
    ma_linh_vuc: str | None = None
    agency_code: str = Field(
        min_length=1, description="Processing agency (the authenticated sender)."
    )
    kenh_thuc_hien: KenhThucHien = KenhThucHien.TRUC_TIEP
    loai_doi_tuong: LoaiDoiTuong | None = None
    applicant_id: str | None = Field(
        default=None, description="Pseudonymous applicant id (keyed hash); never the ID number."
    )
    trang_thai_ho_so: TrangThaiHoSo
    ngay_tiep_nhan: AwareDatetime
    ngay_hen_tra: AwareDatetime = Field(description="Due date given at reception (NgayHenTra).")
    due_at_in_force: AwareDatetime = Field(
        description="NgayHenTra, or the new due date (NgayHenTraMoi) set by the supplement request."
    )
    supplement_count: int = Field(default=0, ge=0)
    ngay_ket_thuc_xu_ly: AwareDatetime | None = None
    ngay_tra: AwareDatetime | None = None
    digitized: bool = False
    reused_data: bool = False
    reused_from_national_db: bool = Field(
        default=False,
        description="Any submitted document taken from the national database (DuocLayTuKhoDMQG = 1).",
    )
    electronic_result: bool = False
    paid_online: bool = False
    documents_submitted: int | None = Field(
        default=None,
        ge=0,
        description="Documents submitted (distinct TaiLieuNop); None in events sent before it was"
        " carried.",
    )
    documents_digitized: int | None = Field(
        default=None, ge=0, description="Of those, digitized (DuocSoHoa = 1)."
    )
    revision: int = Field(ge=1)
    due_derived: bool = Field(
        default=False,
        description="NgayHenTra was not sent: the gateway derived it from the catalog's processing"
        " time (working days from NgayTiepNhan).",
    )


class DossierChange(Contract):
    dossier: DossierSnapshot
    from_status: TrangThaiHoSo | None = None
    sent_as: str | None = Field(
        default=None,
        description="For audit: the predecessor agency whose API key or signature sent this"
        " change during its transition period after a merge, rename or split; the dossier's"
        " agency_code is the successor it was bound to.",
    )


class SupplementChange(DossierChange):
    ngay_hen_tra_truoc: AwareDatetime | None = None
    ngay_hen_tra_moi: AwareDatetime | None = None


class DueDateChange(DossierChange):
    old_due_at: AwareDatetime
    new_due_at: AwareDatetime


class DocumentDigitizedChange(DossierChange):
    ma_thanh_phan_ho_so: str | None = None
    tep_dinh_kem_id: str | None = None


class ProcessingStep(Contract):
    """One step of CapNhatTienDoHoSoMC: its dates and status code. Free text and the people named
    in it never leave the gateway (its personal data policy)."""

    ma_ho_so: MaHoSo = Field(min_length=1, max_length=64)
    agency_code: str = Field(min_length=1)
    phong_ban_xu_ly: str | None = Field(
        default=None, description="Always empty since the free-text policy; kept for readers."
    )
    noi_dung_xu_ly: str | None = Field(
        default=None, description="Always empty since the free-text policy; kept for readers."
    )
    trang_thai: str | None = Field(default=None, description="The sender's status code (digits).")
    thoi_diem_xu_ly: AwareDatetime
    ngay_bat_dau: AwareDatetime | None = None
    ngay_ket_thuc_theo_quy_dinh: AwareDatetime | None = None


_SNAPSHOT: dict[str, Any] = {
    "ma_ho_so": "000.00.17.H13-230403-0001",
    "ma_tthc": "1.001234",
    "ma_linh_vuc": "XD",
    "agency_code": "SXD",
    "kenh_thuc_hien": 2,
    "loai_doi_tuong": 1,
    "applicant_id": "a3f1c2d4e5b60718",
    "trang_thai_ho_so": 2,
    "ngay_tiep_nhan": "2023-04-03T08:30:00+07:00",
    "ngay_hen_tra": "2023-04-17T17:00:00+07:00",
    "due_at_in_force": "2023-04-17T17:00:00+07:00",
    "revision": 1,
}


def _snapshot(**changes: Any) -> dict[str, Any]:
    return {**_SNAPSHOT, **changes}


class DossierReceived(Event[DossierChange]):
    event_type: Literal["dossier.received"] = "dossier.received"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {"dossier": _SNAPSHOT}


class DossierStatusChanged(Event[DossierChange]):
    event_type: Literal["dossier.status_changed"] = "dossier.status_changed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {"dossier": _snapshot(trang_thai_ho_so=4, revision=2), "from_status": 2}


class DossierSupplementRequested(Event[SupplementChange]):
    event_type: Literal["dossier.supplement_requested"] = "dossier.supplement_requested"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "dossier": _snapshot(
            trang_thai_ho_so=5,
            supplement_count=1,
            due_at_in_force="2023-04-21T17:00:00+07:00",
            revision=3,
        ),
        "from_status": 4,
        "ngay_hen_tra_truoc": "2023-04-17T17:00:00+07:00",
        "ngay_hen_tra_moi": "2023-04-21T17:00:00+07:00",
    }


class DossierSupplementAnswered(Event[DossierChange]):
    event_type: Literal["dossier.supplement_answered"] = "dossier.supplement_answered"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "dossier": _snapshot(
            trang_thai_ho_so=4,
            supplement_count=1,
            due_at_in_force="2023-04-21T17:00:00+07:00",
            revision=4,
        ),
        "from_status": 5,
    }


class DossierDueDateChanged(Event[DueDateChange]):
    event_type: Literal["dossier.due_date_changed"] = "dossier.due_date_changed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "dossier": _snapshot(due_at_in_force="2023-04-19T17:00:00+07:00", revision=2),
        "old_due_at": "2023-04-17T17:00:00+07:00",
        "new_due_at": "2023-04-19T17:00:00+07:00",
    }


class DossierDocumentDigitized(Event[DocumentDigitizedChange]):
    event_type: Literal["dossier.document_digitized"] = "dossier.document_digitized"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "dossier": _snapshot(digitized=True, revision=2),
        "ma_thanh_phan_ho_so": "TP01",
        "tep_dinh_kem_id": "f-0001",
    }


class DossierProcessed(Event[DossierChange]):
    event_type: Literal["dossier.processed"] = "dossier.processed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "dossier": _snapshot(
            trang_thai_ho_so=9, ngay_ket_thuc_xu_ly="2023-04-14T10:00:00+07:00", revision=3
        ),
        "from_status": 4,
    }


class DossierResultReturned(Event[DossierChange]):
    event_type: Literal["dossier.result_returned"] = "dossier.result_returned"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "dossier": _snapshot(
            trang_thai_ho_so=10,
            ngay_ket_thuc_xu_ly="2023-04-14T10:00:00+07:00",
            ngay_tra="2023-04-15T09:00:00+07:00",
            electronic_result=True,
            revision=4,
        ),
        "from_status": 9,
    }


class DossierWithdrawn(Event[DossierChange]):
    event_type: Literal["dossier.withdrawn"] = "dossier.withdrawn"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {"dossier": _snapshot(trang_thai_ho_so=7, revision=2), "from_status": 2}


class DossierRefused(Event[DossierChange]):
    event_type: Literal["dossier.refused"] = "dossier.refused"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {"dossier": _snapshot(trang_thai_ho_so=3, revision=2), "from_status": 2}


class DossierStopped(Event[DossierChange]):
    event_type: Literal["dossier.stopped"] = "dossier.stopped"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {"dossier": _snapshot(trang_thai_ho_so=8, revision=2), "from_status": 4}


class DossierUpdated(Event[DossierChange]):
    """Facts the figures use changed (channel, flags, documents) without a status move."""

    event_type: Literal["dossier.updated"] = "dossier.updated"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {"dossier": _snapshot(paid_online=True, revision=2)}


class DossierProcessingStepRecorded(Event[ProcessingStep]):
    event_type: Literal["dossier.processing_step_recorded"] = "dossier.processing_step_recorded"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "ma_ho_so": "000.00.17.H13-230403-0001",
        "agency_code": "SXD",
        "trang_thai": "4",
        "thoi_diem_xu_ly": "2023-04-05T14:00:00+07:00",
    }


DOSSIER_EVENTS: tuple[type[Event], ...] = (
    DossierReceived,
    DossierStatusChanged,
    DossierSupplementRequested,
    DossierSupplementAnswered,
    DossierDueDateChanged,
    DossierDocumentDigitized,
    DossierProcessed,
    DossierResultReturned,
    DossierWithdrawn,
    DossierRefused,
    DossierStopped,
    DossierUpdated,
    DossierProcessingStepRecorded,
)
