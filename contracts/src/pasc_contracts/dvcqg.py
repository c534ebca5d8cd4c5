"""The DVCQG one-stop sync format (DongBoHoSoMC / CapNhatTienDoHoSoMC), as department systems send it.

These are external shapes: field names are the portal's own. Each record of a request is
validated on its own, so one bad record never rejects the good ones beside it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, TypeAdapter, WithJsonSchema

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
    raise ValueError("ngày DVCQG phải có dạng yyyyMMddHHmmss")


def format_dvcqg_date(value: datetime) -> str:
    return value.astimezone(VN_TZ).strftime(DVCQG_DATE_FORMAT)


DvcqgDate = Annotated[
    datetime,
    BeforeValidator(parse_dvcqg_date),
    PlainSerializer(format_dvcqg_date, return_type=str),
    Field(json_schema_extra={"pattern": r"^\d{14}$", "type": "string"}),
]

# Characters no genuine record carries: C0/C1 controls (line breaks and tabs aside, in free
# text), NUL (PostgreSQL's text refuses it), lone surrogates (not encodable as UTF-8) and the
# bidirectional overrides and isolates that make a value read differently from what it is.
_FORBIDDEN_IN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_FORBIDDEN_IN_CODE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
MAX_TEXT = 4000
MAX_CODE = 200


def _checked_text(value: Any, limit: int, forbidden: re.Pattern[str]) -> Any:
    if not isinstance(value, str):
        return value  # pydantic's own str check names the wrong type
    if len(value) > limit:
        raise ValueError(f"dài quá {limit} ký tự")
    if (bad := forbidden.search(value)) is not None:
        raise ValueError(f"chứa ký tự không được phép U+{ord(bad.group()):04X}")
    return value


def _text(value: Any) -> Any:
    return _checked_text(value, MAX_TEXT, _FORBIDDEN_IN_TEXT)


def _code_text(value: Any) -> Any:
    return _checked_text(value, MAX_CODE, _FORBIDDEN_IN_CODE)


# Free text (names, notes): any printable Unicode, line breaks allowed.
Text = Annotated[str, BeforeValidator(_text)]
# Short identifiers and names (codes, file ids, agency names): one line, printable.
CodeText = Annotated[str, BeforeValidator(_code_text)]


def _integer_code(value: Any) -> Any:
    """Codes are whole numbers: 2.0 and true are refused, although pydantic's lax mode would
    take them. Digit strings, which many systems send, are turned into numbers by the
    gateway's normaliser before this runs."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("phải là mã số nguyên")
    return value


Flag = Annotated[int, BeforeValidator(_integer_code), Field(ge=0, le=1)]
SmallCode = Annotated[int, BeforeValidator(_integer_code), Field(ge=0, le=999)]
TrangThaiHoSoValue = Annotated[TrangThaiHoSoCode, BeforeValidator(_integer_code)]
KenhThucHienValue = Annotated[KenhThucHienCode, BeforeValidator(_integer_code)]
LoaiDoiTuongValue = Annotated[LoaiDoiTuongCode, BeforeValidator(_integer_code)]

# MaHoSo: each system numbers its dossiers its own way (000.00.17.H13-230403-0001,
# G22.99-230403-0001, SIM.SXD-230503-0000001), but always with letters, digits and a few
# separators; spaces, controls and look-alike characters are refused.
MA_HO_SO_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._/\-]{0,63}$"
MaHoSoValue = Annotated[str, Field(pattern=MA_HO_SO_PATTERN, max_length=64)]
# Fees: a finite amount in đồng, never negative, below a thousand billion.
Amount = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]


class TaiLieu(Contract):
    TepDinhKemId: CodeText | None = None
    TenTepDinhKem: Text | None = None
    MaThanhPhanHoSo: CodeText | None = None
    DuocSoHoa: Flag | None = None
    DuocTaiSuDung: Flag | None = None
    DuocLayTuKhoDMQG: Flag | None = None
    IsDeleted: bool | None = None
    DuongDanTaiTepTin: Text | None = None


class LePhi(Contract):
    TenPhiLePhi: Text | None = None
    MaPhiLePhi: CodeText | None = None
    HinhThucThu: SmallCode | None = None
    Gia: Amount | None = None
    LoaiPhiLePhi: SmallCode | None = None


class HoSoBoSung(Contract):
    MaHoSoBoSung: CodeText | None = None
    NguoiYeuCauBoSung: Text | None = None
    NoiDungBoSung: Text | None = None
    NgayBoSung: DvcqgDate | None = None
    NguoiTiepNhanBoSung: Text | None = None
    ThongTinTiepNhan: Text | None = None
    NgayTiepNhanBoSung: DvcqgDate | None = None
    TrangThaiBoSung: SmallCode | None = None
    NgayHenTraTruoc: DvcqgDate | None = None
    NgayHenTraMoi: DvcqgDate | None = None


class GiayToKetQua(Contract):
    TenGiayTo: Text | None = None
    MaThanhPhanHoSo: CodeText | None = None
    GiayToId: CodeText | None = None
    DuongDanTepTinKetQua: Text | None = None


class TepDinhKemKhac(Contract):
    """Other attached papers (OpenCPS lists TenGiayTo, SoLuong, LoaiGiayTo)."""

    TenGiayTo: Text | None = None
    SoLuong: SmallCode | None = None
    LoaiGiayTo: CodeText | None = None


class HoSoMC(Contract):
    """One dossier record of DongBoHoSoMC, as the gateway means it (after normalisation)."""

    MaHoSo: MaHoSoValue
    MaTTHC: str = Field(pattern=MA_TTHC_PATTERN)
    TenTTHC: Text | None = None
    MaLinhVuc: CodeText | None = None
    TenLinhVuc: Text | None = None
    SoBienNhan: CodeText | None = None
    KenhThucHien: KenhThucHienValue | None = None
    ChuHoSo: Text | None = None
    LoaiDoiTuong: LoaiDoiTuongValue | None = None
    MaDoiTuong: CodeText | None = None
    ThongTinKhac: Text | None = None
    Email: Text | None = None
    Fax: Text | None = None
    SoDienThoai: Text | None = None
    TrichYeuHoSo: Text | None = None
    SoGiayToChuHoSo: CodeText | None = None
    NgayTiepNhan: DvcqgDate
    NgayHenTra: DvcqgDate
    TrangThaiHoSo: TrangThaiHoSoValue
    NgayTra: DvcqgDate | None = None
    ThongTinTra: Text | None = None
    HinhThuc: Flag | None = None
    NgayKetThucXuLy: DvcqgDate | None = None
    DonViXuLy: Text | None = None
    GhiChu: Text | None = None
    TaiLieuNop: list[TaiLieu] = Field(default_factory=list, max_length=500)
    DanhSachLePhi: list[LePhi] = Field(default_factory=list, max_length=100)
    DanhSachTepDinhKemKhac: list[TepDinhKemKhac] = Field(default_factory=list, max_length=500)
    DanhSachHoSoBoSung: list[HoSoBoSung] = Field(default_factory=list, max_length=100)
    DanhSachGiayToKetQua: list[GiayToKetQua] = Field(default_factory=list, max_length=100)
    HoSoCoThanhPhanSoHoa: Flag | None = None
    DuocThanhToanTrucTuyen: Flag | None = None


# Senders write the flag as "True"/"False" (C#'s bool.ToString, OpenCPS), "true"/"false" or a
# JSON boolean.
UpdatingFlag = Annotated[
    bool,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "boolean"},
                {"type": "string", "enum": ["True", "False", "true", "false"]},
            ],
            "default": "False",
        }
    ),
]


class DongBoHoSoMC(Contract):
    """The request body; `data` stays raw so each record is validated on its own. `session`
    and `madonvi` are the DVCQG adapter's credentials, sent inside the body."""

    service: Literal["DongBoHoSoMC"]
    isUpdating: UpdatingFlag = False
    # Items stay raw: a record that is not even an object is refused on its own.
    data: list[Any] = Field(max_length=1000)
    session: CodeText | None = None
    madonvi: CodeText | None = None


class TienDoHoSoMC(Contract):
    """One processing step of CapNhatTienDoHoSoMC."""

    MaHoSo: MaHoSoValue
    NguoiXuLy: Text | None = None
    ChucDanh: Text | None = None
    ThoiDiemXuLy: DvcqgDate
    PhongBanXuLy: Text | None = None
    NoiDungXuLy: Text | None = None
    TrangThai: CodeText | None = None
    NgayBatDau: DvcqgDate | None = None
    NgayKetThucTheoQuyDinh: DvcqgDate | None = None


class CapNhatTienDoHoSoMC(Contract):
    service: Literal["CapNhatTienDoHoSoMC"]
    # Items stay raw: a record that is not even an object is refused on its own.
    data: list[Any] = Field(max_length=1000)
    session: CodeText | None = None
    madonvi: CodeText | None = None


# One body, two services: the body's own `service` field says which (never a guess from the
# bytes, so a record whose TenTTHC happens to read "CapNhatTienDoHoSoMC" changes nothing).
DvcqgRequest = Annotated[DongBoHoSoMC | CapNhatTienDoHoSoMC, Field(discriminator="service")]
DVCQG_REQUEST: TypeAdapter[DongBoHoSoMC | CapNhatTienDoHoSoMC] = TypeAdapter(DvcqgRequest)


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
