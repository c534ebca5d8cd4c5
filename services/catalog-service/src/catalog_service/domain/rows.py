"""The catalog's spreadsheet format: one procedure per row, read with line numbers, written back.

Columns (UTF-8, header row): the eleven required ones below, then optional `phi_le_phi` (fees
as published) and `ghi_chu_loai_tru` (free-text reason of an exclusion).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from catalog_service.domain.legal import GROUNDS
from catalog_service.domain.procedures import MA_TTHC, CapThucHien, ProcedureData
from pasc_contracts.events.catalog import MucDoDvc

REQUIRED_COLUMNS = (
    "ma_tthc",
    "ten_tthc",
    "ma_linh_vuc",
    "ten_linh_vuc",
    "ma_co_quan",
    "ten_co_quan",
    "cap_thuc_hien",
    "tiep_nhan_tai_trung_tam",
    "ly_do_khong_tiep_nhan",
    "muc_do_dvc",
    "thoi_han_giai_quyet",
)
OPTIONAL_COLUMNS = ("phi_le_phi", "ghi_chu_loai_tru")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


class FileError(ValueError):
    """The file as a whole cannot be read (encoding, header): nothing in it is applied."""


@dataclass(frozen=True)
class RowError:
    line: int
    ma_tthc: str | None
    reason: str


@dataclass(frozen=True)
class ParsedRow:
    line: int
    data: ProcedureData
    ten_co_quan: str | None


@dataclass(frozen=True)
class RawRow:
    line: int
    values: Mapping[str, object]


def decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(
            f"tệp không phải UTF-8 (byte lỗi ở vị trí {exc.start}); hãy lưu lại dạng CSV UTF-8"
        ) from exc


def read_csv(text: str) -> list[RawRow]:
    """Rows keyed by column, with the file's line number of each row (header is line 1)."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise FileError("tệp rỗng: cần dòng tiêu đề và ít nhất một dòng dữ liệu") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FileError(f"thiếu cột: {', '.join(missing)} (cần: {', '.join(REQUIRED_COLUMNS)})")
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        raise FileError(f"cột lặp lại: {', '.join(duplicated)}")
    rows: list[RawRow] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(record) > len(header):
                    values: dict[str, object] = {"__extra__": len(record) - len(header)}
                else:
                    values = {}
                values.update(zip(header, record, strict=False))
                rows.append(RawRow(line, values))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FileError(f"dòng {line}: CSV không hợp lệ ({exc})") from exc
    return rows


def _text(values: Mapping[str, object], column: str) -> str:
    value = values.get(column)
    if isinstance(value, bool):  # JSON rows may say true/false for 1/0
        return "1" if value else "0"
    return "" if value is None else str(value).strip()


def parse_row(raw: RawRow) -> ParsedRow | RowError:
    """Validate one row's own values; agencies, duplicates and dates are checked by the decision."""
    v = raw.values
    code = _text(v, "ma_tthc") or None
    errors: list[str] = []

    def fail(reason: str) -> None:
        errors.append(reason)

    if "__extra__" in v:
        fail(f"dòng có {v['__extra__']} ô thừa so với tiêu đề")
    if code is None:
        fail("ma_tthc: bắt buộc")
    elif not MA_TTHC.match(code):
        fail(f"ma_tthc: '{code}' không đúng định dạng mã TTHC quốc gia (ví dụ 1.001234, 2.000123)")
    name = _text(v, "ten_tthc")
    if not name:
        fail("ten_tthc: bắt buộc")
    agency = _text(v, "ma_co_quan").upper()
    if not agency:
        fail("ma_co_quan: bắt buộc")
    level = _text(v, "cap_thuc_hien").lower()
    if level not in set(CapThucHien):
        fail(f"cap_thuc_hien: '{level}' không hợp lệ (tinh, huyen hoặc xa)")
    at_center_text = _text(v, "tiep_nhan_tai_trung_tam")
    if at_center_text not in ("0", "1"):
        fail(f"tiep_nhan_tai_trung_tam: '{at_center_text}' không hợp lệ (1 hoặc 0)")
    at_center = at_center_text == "1"
    ground = _text(v, "ly_do_khong_tiep_nhan").lower() or None
    note = _text(v, "ghi_chu_loai_tru") or None
    if ground is not None and ground not in GROUNDS:
        fail(
            f"ly_do_khong_tiep_nhan: '{ground}' không phải căn cứ loại trừ"
            " (a hoặc b theo khoản 5 Điều 14 Nghị định 61/2018/NĐ-CP, hoặc để trống)"
        )
    if at_center and ground is not None:
        fail(
            "ly_do_khong_tiep_nhan: thủ tục tiếp nhận tại Trung tâm (tiep_nhan_tai_trung_tam=1)"
            " không được có lý do không tiếp nhận"
        )
    if note is not None and ground is None:
        fail("ghi_chu_loai_tru: chỉ ghi khi có căn cứ loại trừ (ly_do_khong_tiep_nhan a hoặc b)")
    level_text = _text(v, "muc_do_dvc").lower()
    if level_text not in set(MucDoDvc):
        fail(f"muc_do_dvc: '{level_text}' không hợp lệ (toan_trinh, mot_phan hoặc truc_tiep)")
    days_text = _text(v, "thoi_han_giai_quyet")
    days = int(days_text) if days_text.isascii() and days_text.isdigit() else None
    if days is None:
        fail(f"thoi_han_giai_quyet: '{days_text}' không phải số ngày làm việc nguyên (≥ 0)")
    if errors or code is None or days is None:
        return RowError(raw.line, code, "; ".join(errors))
    data = ProcedureData(
        ma_tthc=code,
        ten_tthc=" ".join(name.split()),
        ma_linh_vuc=_text(v, "ma_linh_vuc") or None,
        ten_linh_vuc=_text(v, "ten_linh_vuc") or None,
        agency_code=agency,
        cap_thuc_hien=CapThucHien(level),
        muc_do_dvc=MucDoDvc(level_text),
        thoi_han_giai_quyet=days,
        at_center=at_center,
        exclusion_ground=ground,
        exclusion_note=note,
        phi_le_phi=_text(v, "phi_le_phi") or None,
    )
    return ParsedRow(raw.line, data, _text(v, "ten_co_quan") or None)


def to_row(data: ProcedureData, agency_name: str) -> dict[str, str]:
    return {
        "ma_tthc": data.ma_tthc,
        "ten_tthc": data.ten_tthc,
        "ma_linh_vuc": data.ma_linh_vuc or "",
        "ten_linh_vuc": data.ten_linh_vuc or "",
        "ma_co_quan": data.agency_code,
        "ten_co_quan": agency_name,
        "cap_thuc_hien": data.cap_thuc_hien.value,
        "tiep_nhan_tai_trung_tam": "1" if data.at_center else "0",
        "ly_do_khong_tiep_nhan": data.exclusion_ground or "",
        "muc_do_dvc": data.muc_do_dvc.value,
        "thoi_han_giai_quyet": str(data.thoi_han_giai_quyet),
        "phi_le_phi": data.phi_le_phi or "",
        "ghi_chu_loai_tru": data.exclusion_note or "",
    }


def write_csv(rows: Iterable[Mapping[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
