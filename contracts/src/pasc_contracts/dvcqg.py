"""The DVCQG one-stop sync format (DongBoHoSoMC / CapNhatTienDoHoSoMC), as department systems send it.

These are external shapes: field names are the portal's own. Each record of a request is
validated on its own, so one bad record never rejects the good ones beside it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainSerializer

from pasc_contracts.envelope import VN_TZ, Contract
from pasc_contracts.events.dossier import MA_TTHC_PATTERN
from pasc_contracts.events.dossier import KenhThucHien as KenhThucHienCode
from pasc_contracts.events.dossier import LoaiDoiTuong as LoaiDoiTuongCode
from pasc_contracts.events.dossier import TrangThaiHoSo as TrangThaiHoSoCode

DVCQG_DATE_FORMAT = "%Y%m%d%H%M%S"


def parse_dvcqg_date(value: Any) -> Any:
    """`yyyyMMddHHmmss` in Asia/Ho_Chi_Minh, the portal's only date format; a datetime built in
    code is read as Vietnam time when it has no zone. Anything else is refused here: pydantic
    would otherwise take "2023-04-03" or a number as a date without a zone."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=VN_TZ)
    if isinstance(value, str) and not value:
        return None
    if isinstance(value, str) and len(value) == 14 and value.isdigit():
        # By slicing: strptime cost a tenth of the gateway's time per record. An impossible
        # date (month 13, 30 February) still raises ValueError, which pydantic reports.
        return datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10]),
            int(value[10:12]),
            int(value[12:14]),
            tzinfo=VN_TZ,
        )
    raise ValueError("a DVCQG date is yyyyMMddHHmmss")


def format_dvcqg_date(value: datetime) -> str:
    return value.astimezone(VN_TZ).strftime(DVCQG_DATE_FORMAT)


DvcqgDate = Annotated[
    datetime,
    BeforeValidator(parse_dvcqg_date),
    PlainSerializer(format_dvcqg_date, return_type=str),
    Field(json_schema_extra={"pattern": r"^\d{14}$", "type": "string"}),
]
Flag = Annotated[int, Field(ge=0, le=1)]


class TaiLieu(Contract):
    TepDinhKemId: str | None = None
    TenTepDinhKem: str | None = None
    MaThanhPhanHoSo: str | None = None
    DuocSoHoa: Flag | None = None
    DuocTaiSuDung: Flag | None = None
    DuocLayTuKhoDMQG: Flag | None = None


class LePhi(Contract):
    TenPhiLePhi: str | None = None
    MaPhiLePhi: str | None = None
    HinhThucThu: int | None = None
    Gia: float | None = None
    LoaiPhiLePhi: int | None = None


class HoSoBoSung(Contract):
    MaHoSoBoSung: str | None = None
    NguoiYeuCauBoSung: str | None = None
    NoiDungBoSung: str | None = None
    NgayBoSung: DvcqgDate | None = None
    NguoiTiepNhanBoSung: str | None = None
    ThongTinTiepNhan: str | None = None
    NgayTiepNhanBoSung: DvcqgDate | None = None
    TrangThaiBoSung: int | None = None
    NgayHenTraTruoc: DvcqgDate | None = None
    NgayHenTraMoi: DvcqgDate | None = None


class GiayToKetQua(Contract):
    TenGiayTo: str | None = None
    MaThanhPhanHoSo: str | None = None
    GiayToId: str | None = None
    DuongDanTepTinKetQua: str | None = None


class HoSoMC(Contract):
    """One dossier record of DongBoHoSoMC."""

    MaHoSo: str = Field(min_length=1, max_length=64)
    MaTTHC: str = Field(pattern=MA_TTHC_PATTERN)
    TenTTHC: str | None = None
    MaLinhVuc: str | None = None
    TenLinhVuc: str | None = None
    KenhThucHien: KenhThucHienCode | None = None
    ChuHoSo: str | None = None
    LoaiDoiTuong: LoaiDoiTuongCode | None = None
    MaDoiTuong: str | None = None
    ThongTinKhac: str | None = None
    Email: str | None = None
    Fax: str | None = None
    SoDienThoai: str | None = None
    TrichYeuHoSo: str | None = None
    SoGiayToChuHoSo: str | None = None
    NgayTiepNhan: DvcqgDate
    NgayHenTra: DvcqgDate
    TrangThaiHoSo: TrangThaiHoSoCode
    NgayTra: DvcqgDate | None = None
    ThongTinTra: str | None = None
    HinhThuc: Literal[0, 1] | None = None
    NgayKetThucXuLy: DvcqgDate | None = None
    DonViXuLy: str | None = None
    GhiChu: str | None = None
    TaiLieuNop: list[TaiLieu] = Field(default_factory=list)
    DanhSachLePhi: list[LePhi] = Field(default_factory=list)
    DanhSachTepDinhKemKhac: list[dict[str, Any]] = Field(default_factory=list)
    DanhSachHoSoBoSung: list[HoSoBoSung] = Field(default_factory=list)
    DanhSachGiayToKetQua: list[GiayToKetQua] = Field(default_factory=list)
    HoSoCoThanhPhanSoHoa: Flag | None = None
    DuocThanhToanTrucTuyen: Flag | None = None


class DongBoHoSoMC(Contract):
    """The request body; `data` stays raw so each record is validated on its own."""

    service: Literal["DongBoHoSoMC"]
    isUpdating: Literal["True", "False", "true", "false"] = "False"
    data: list[dict[str, Any]] = Field(max_length=1000)


class TienDoHoSoMC(Contract):
    """One processing step of CapNhatTienDoHoSoMC."""

    MaHoSo: str = Field(min_length=1, max_length=64)
    NguoiXuLy: str | None = None
    ChucDanh: str | None = None
    ThoiDiemXuLy: DvcqgDate
    PhongBanXuLy: str | None = None
    NoiDungXuLy: str | None = None
    TrangThai: str | None = None
    NgayBatDau: DvcqgDate | None = None
    NgayKetThucTheoQuyDinh: DvcqgDate | None = None


class CapNhatTienDoHoSoMC(Contract):
    service: Literal["CapNhatTienDoHoSoMC"]
    data: list[dict[str, Any]] = Field(max_length=1000)


INGRESS_EXAMPLE: dict[str, Any] = {
    "service": "DongBoHoSoMC",
    "isUpdating": "False",
    "data": [
        {
            "MaHoSo": "000.00.17.H13-230403-0001",
            "MaTTHC": "1.001234",
            "TenTTHC": "Cấp giấy phép xây dựng",
            "KenhThucHien": 2,
            "NgayTiepNhan": "20230403083000",
            "NgayHenTra": "20230417170000",
            "TrangThaiHoSo": 2,
        }
    ],
}


# The Kafka ingress (`gateway.ingress.dvcqg.v1`): a DongBoHoSoMC or CapNhatTienDoHoSoMC body,
# with these headers. The signature is HMAC-SHA256, keyed by the agency's API key, over
# f"{timestamp}.{message_id}." followed by the body bytes, in lower-case hex.
INGRESS_HEADER_AGENCY = "x-pasc-agency"
INGRESS_HEADER_TIMESTAMP = "x-pasc-timestamp"  # Unix seconds; outside the gateway's window: refused
INGRESS_HEADER_MESSAGE_ID = "x-pasc-message-id"  # unique per message; a replay has no effect
INGRESS_HEADER_SIGNATURE = "x-pasc-signature"


def ingress_signature(key: str, timestamp: str, message_id: str, body: bytes) -> str:
    message = f"{timestamp}.{message_id}.".encode() + body
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
