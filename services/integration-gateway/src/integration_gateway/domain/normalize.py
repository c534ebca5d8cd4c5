"""Read tolerantly: the variants real one-stop systems send, turned into the canonical record.

This is the one place where the gateway is liberal. Everything after it (the DVCQG models in
`pasc_contracts.dvcqg`, the dossier rules) is strict. Each variant accepted here is listed, with
the public source showing a real system sends it, in the gateway's README ("Accepted variants").

- codes as digit strings: "4", " 2 " -> 4, 2 (OpenCPS writes every code with String.valueOf;
  the C# HsDongBo class declares every field a string);
- "" or null for an absent value, surrounding white space (both systems);
- 0/1 flags as true/false or "True"/"False" (C#'s bool.ToString(); IsDeleted "False");
- MaTTHC in the long form `<national code>.<unit code>` (1.001234.000.00.00.H13): the unit part
  must be the sender's own unit code or its province's root (000.00.00.Hxx);
- the agency's name or unit code in DonViXuLy (kept as text; who sends is the credential).

Values that are not such a variant are left as they are, for the models to refuse with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Integer codes (HoSoMC, its nested lists, TienDoHoSoMC).
CODE_FIELDS = frozenset(
    {
        "TrangThaiHoSo",
        "KenhThucHien",
        "LoaiDoiTuong",
        "TrangThaiBoSung",
        "HinhThucThu",
        "LoaiPhiLePhi",
        "SoLuong",
    }
)
FLAG_FIELDS = frozenset(
    {
        "HinhThuc",
        "HoSoCoThanhPhanSoHoa",
        "DuocThanhToanTrucTuyen",
        "DuocSoHoa",
        "DuocTaiSuDung",
        "DuocLayTuKhoDMQG",
    }
)
_DIGITS = re.compile(r"^\d{1,3}$")
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})
LONG_MA_TTHC = re.compile(r"^(\d\.\d{6})\.(\d{3}\.\d{2}\.\d{2}\.([A-Z]\d{2}))$")
UNIT_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.([A-Z]\d{2})$")


@dataclass(frozen=True)
class Sender:
    """Who sends, as far as reading their records depends on it."""

    agency_code: str
    unit_code: str | None  # mã định danh điện tử of the agency, e.g. 000.00.17.H13
    province: str  # the province part of unit codes here, e.g. H13 (Cần Thơ)

    def unit_accepted(self, unit: str) -> bool:
        if self.unit_code is not None and unit == self.unit_code:
            return True
        return unit == f"000.00.00.{self.province}"


@dataclass(frozen=True)
class NotReadable:
    """A variant that looks like one the normaliser knows, but does not fit this sender."""

    reason: str
    code: str


def _scalar(key: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        if key in CODE_FIELDS or key in FLAG_FIELDS:
            if _DIGITS.match(value):
                return int(value)
            if key in FLAG_FIELDS and value.lower() in _TRUE | _FALSE:
                return 1 if value.lower() in _TRUE else 0
        return value
    if key in FLAG_FIELDS and isinstance(value, bool):
        return int(value)
    return value


def _item(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, list):
            out[key] = [_item(v) if isinstance(v, dict) else v for v in value]
            continue
        cleaned = _scalar(key, value)
        if cleaned is not None:
            out[key] = cleaned
    return out


def normalise_record(raw: Any, sender: Sender) -> Any:
    """The canonical form of one record (a dict), `raw` itself when it is no object at all, or
    NotReadable when a long MaTTHC names another unit than the sender's."""
    if not isinstance(raw, dict):
        return raw
    record = _item(raw)
    ma_tthc = record.get("MaTTHC")
    if isinstance(ma_tthc, str) and (long := LONG_MA_TTHC.match(ma_tthc)) is not None:
        national, unit = long.group(1), long.group(2)
        if not sender.unit_accepted(unit):
            return NotReadable(
                f"MaTTHC {ma_tthc}: mã đơn vị {unit} không phải của cơ quan gửi",
                "ma_tthc_other_unit",
            )
        record["MaTTHC"] = national
    return record


def province_of(unit_code: str | None) -> str | None:
    found = UNIT_CODE.match(unit_code or "")
    return found.group(1) if found else None
