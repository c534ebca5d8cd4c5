"""Personal data in DVCQG bodies (Decree 13/2023/NĐ-CP): what may leave the gateway, and what not.

Only the fields listed here are kept when a body must be copied elsewhere (a dead letter): an
allowlist, so a field the portal adds tomorrow (an address, a birth date) is hidden by default.
Every other value becomes `REDACTED`; the keys stay, so an operator still sees the shape.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

REDACTED = "[redacted]"

_DOCUMENT = {"TepDinhKemId", "MaThanhPhanHoSo", "DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG"}
_SUPPLEMENT = {
    "MaHoSoBoSung",
    "NgayBoSung",
    "NgayTiepNhanBoSung",
    "TrangThaiBoSung",
    "NgayHenTraTruoc",
    "NgayHenTraMoi",
}
_FEE = {"TenPhiLePhi", "MaPhiLePhi", "HinhThucThu", "Gia", "LoaiPhiLePhi"}
_RESULT = {"TenGiayTo", "MaThanhPhanHoSo", "GiayToId"}

# HoSoMC (DongBoHoSoMC) and TienDoHoSoMC (CapNhatTienDoHoSoMC) fields that name no person.
_RECORD_FIELDS: dict[str, set[str] | None] = {
    "MaHoSo": None,
    "MaTTHC": None,
    "TenTTHC": None,
    "MaLinhVuc": None,
    "TenLinhVuc": None,
    "KenhThucHien": None,
    "LoaiDoiTuong": None,
    "NgayTiepNhan": None,
    "NgayHenTra": None,
    "TrangThaiHoSo": None,
    "NgayTra": None,
    "HinhThuc": None,
    "NgayKetThucXuLy": None,
    "DonViXuLy": None,
    "HoSoCoThanhPhanSoHoa": None,
    "DuocThanhToanTrucTuyen": None,
    "TaiLieuNop": _DOCUMENT,
    "DanhSachHoSoBoSung": _SUPPLEMENT,
    "DanhSachLePhi": _FEE,
    "DanhSachGiayToKetQua": _RESULT,
    "ThoiDiemXuLy": None,
    "PhongBanXuLy": None,
    "TrangThai": None,
    "NgayBatDau": None,
    "NgayKetThucTheoQuyDinh": None,
}
_BODY_FIELDS = {"service", "isUpdating"}


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
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
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
    return json.dumps(kept, ensure_ascii=False).encode()
