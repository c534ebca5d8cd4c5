"""Personal data in DVCQG bodies (Decree 13/2023/NĐ-CP): what may leave the gateway, and what not.

Only the fields listed here are kept when a body must be copied elsewhere (a dead letter): an
allowlist, so a field the portal adds tomorrow (an address, a birth date) is hidden by default.
Every other value becomes `REDACTED`; the keys stay, so an operator still sees the shape.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from integration_gateway.domain.bounded_json import UnreadableJson, loads_bounded

REDACTED = "[redacted]"

Policy = Literal["allow", "pseudonymise", "drop"]
ALLOW: Policy = "allow"
PSEUDONYMISE: Policy = "pseudonymise"
DROP: Policy = "drop"

# Every field of the DVCQG bodies, and what may leave the gateway of it. "allow": the value may
# be published (events) and kept in dead letters. "pseudonymise": only a keyed pseudonym ever
# leaves (the applicant's ID number, file ids); dead letters hide it. "drop": never leaves, in
# any form (names, contacts, every free-text field: free text can hold anything). A field the
# portal adds tomorrow has no entry and is hidden like "drop"; a test checks every field of the
# models has one, so adding a field to the models forces a decision here.
DOCUMENT_POLICY: dict[str, Policy] = {
    "TepDinhKemId": PSEUDONYMISE,
    "TenTepDinhKem": DROP,
    "MaThanhPhanHoSo": ALLOW,
    "DuocSoHoa": ALLOW,
    "DuocTaiSuDung": ALLOW,
    "DuocLayTuKhoDMQG": ALLOW,
    "IsDeleted": ALLOW,
    "DuongDanTaiTepTin": DROP,
}
SUPPLEMENT_POLICY: dict[str, Policy] = {
    "MaHoSoBoSung": ALLOW,
    "NguoiYeuCauBoSung": DROP,
    "NoiDungBoSung": DROP,
    "NgayBoSung": ALLOW,
    "NguoiTiepNhanBoSung": DROP,
    "ThongTinTiepNhan": DROP,
    "NgayTiepNhanBoSung": ALLOW,
    "TrangThaiBoSung": ALLOW,
    "NgayHenTraTruoc": ALLOW,
    "NgayHenTraMoi": ALLOW,
}
FEE_POLICY: dict[str, Policy] = {
    "TenPhiLePhi": ALLOW,
    "MaPhiLePhi": ALLOW,
    "HinhThucThu": ALLOW,
    "Gia": ALLOW,
    "LoaiPhiLePhi": ALLOW,
}
RESULT_POLICY: dict[str, Policy] = {
    "TenGiayTo": DROP,
    "MaThanhPhanHoSo": ALLOW,
    "GiayToId": PSEUDONYMISE,
    "DuongDanTepTinKetQua": DROP,
}
OTHER_FILE_POLICY: dict[str, Policy] = {"TenGiayTo": DROP, "SoLuong": ALLOW, "LoaiGiayTo": ALLOW}
NESTED_POLICY: dict[str, dict[str, Policy]] = {
    "TaiLieuNop": DOCUMENT_POLICY,
    "DanhSachHoSoBoSung": SUPPLEMENT_POLICY,
    "DanhSachLePhi": FEE_POLICY,
    "DanhSachGiayToKetQua": RESULT_POLICY,
    "DanhSachTepDinhKemKhac": OTHER_FILE_POLICY,
}
# HoSoMC (DongBoHoSoMC) and TienDoHoSoMC (CapNhatTienDoHoSoMC).
RECORD_POLICY: dict[str, Policy] = {
    "MaHoSo": ALLOW,
    "MaTTHC": ALLOW,
    "TenTTHC": ALLOW,
    "MaLinhVuc": ALLOW,
    "TenLinhVuc": ALLOW,
    "SoBienNhan": ALLOW,
    "KenhThucHien": ALLOW,
    "ChuHoSo": DROP,
    "LoaiDoiTuong": ALLOW,
    "MaDoiTuong": DROP,
    "ThongTinKhac": DROP,
    "Email": DROP,
    "Fax": DROP,
    "SoDienThoai": DROP,
    "TrichYeuHoSo": DROP,
    "SoGiayToChuHoSo": PSEUDONYMISE,
    "NgayTiepNhan": ALLOW,
    "NgayHenTra": ALLOW,
    "TrangThaiHoSo": ALLOW,
    "NgayTra": ALLOW,
    "ThongTinTra": DROP,
    "HinhThuc": ALLOW,
    "NgayKetThucXuLy": ALLOW,
    "DonViXuLy": DROP,
    "GhiChu": DROP,
    "HoSoCoThanhPhanSoHoa": ALLOW,
    "DuocThanhToanTrucTuyen": ALLOW,
    "NguoiXuLy": DROP,
    "ChucDanh": DROP,
    "ThoiDiemXuLy": ALLOW,
    "PhongBanXuLy": DROP,
    "NoiDungXuLy": DROP,
    "TrangThai": ALLOW,
    "NgayBatDau": ALLOW,
    "NgayKetThucTheoQuyDinh": ALLOW,
}
BODY_POLICY: dict[str, Policy] = {
    "service": ALLOW,
    "isUpdating": ALLOW,
    "madonvi": ALLOW,
    "session": DROP,
}

_RECORD_FIELDS: dict[str, set[str] | None] = {
    key: (
        {k for k, v in NESTED_POLICY[key].items() if v == ALLOW} if key in NESTED_POLICY else None
    )
    for key in [*(k for k, v in RECORD_POLICY.items() if v == ALLOW), *NESTED_POLICY]
}
_BODY_FIELDS = {k for k, v in BODY_POLICY.items() if v == ALLOW}


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def _hide(value: Any) -> Any:
    return None if value is None else REDACTED


def _keep(item: Any, allowed: set[str]) -> Any:
    if not isinstance(item, dict):
        return _hide(item)
    return {
        k: v if k in allowed and _scalar(v) else _hide(v)
        for k, v in item.items()
        if isinstance(k, str)
    }


def redact_record(record: Any) -> Any:
    if not isinstance(record, dict):
        return _hide(record)
    kept: dict[str, Any] = {}
    for key, value in record.items():
        if key not in _RECORD_FIELDS:
            kept[key] = _hide(value)
        elif (nested := _RECORD_FIELDS[key]) is not None:
            kept[key] = (
                [_keep(v, nested) for v in value] if isinstance(value, list) else _hide(value)
            )
        else:
            kept[key] = value if _scalar(value) else _hide(value)
    return kept


def redact_body(raw: bytes) -> bytes:
    """A DVCQG body with every personal (or unknown) value replaced; bytes that are not a JSON
    object become a note with their size and SHA-256 (the original stays on the ingress topic)."""
    try:
        body = loads_bounded(raw)
    except UnreadableJson:
        body = None
    if not isinstance(body, dict):
        note = {
            "redacted": "not a JSON object; the original is on the ingress topic",
            "bytes": len(raw),
            "sha256": hashlib.sha256(raw).hexdigest(),
        }
        return json.dumps(note).encode()
    kept: dict[str, Any] = {}
    for key, value in body.items():
        if key == "data":
            kept[key] = (
                [redact_record(r) for r in value] if isinstance(value, list) else _hide(value)
            )
        else:
            kept[key] = value if key in _BODY_FIELDS and _scalar(value) else _hide(value)
    # ASCII escapes: a lone surrogate in an allowed value must not make encoding fail.
    return json.dumps(kept, ensure_ascii=True).encode()
