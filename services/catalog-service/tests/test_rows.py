"""The import file: read with line numbers; each row's own errors named by column."""

from __future__ import annotations

from typing import Any

import pytest

from catalog_service.domain.procedures import Placement
from catalog_service.domain.rows import (
    COLUMNS,
    REQUIRED_COLUMNS,
    FileError,
    ParsedRow,
    RawRow,
    RowError,
    decode,
    parse_row,
    read_csv,
    to_row,
    write_csv,
)

HEADER = ",".join(REQUIRED_COLUMNS)


def parsed(values: dict[str, str], line: int = 2) -> ParsedRow:
    result = parse_row(RawRow(line, values))
    assert isinstance(result, ParsedRow), result
    return result


def refused(values: dict[str, str], line: int = 2) -> str:
    result = parse_row(RawRow(line, values))
    assert isinstance(result, RowError), result
    assert result.line == line
    return result.reason


def test_a_valid_row_is_read(make_row: Any) -> None:
    row = parsed(make_row(ten_tthc="  Cấp   giấy phép xây dựng "))
    assert row.data.ten_tthc == "Cấp giấy phép xây dựng"
    assert row.data.placement is Placement.AT_CENTER
    assert row.ten_co_quan == "Sở Xây dựng"


def test_placements(make_row: Any) -> None:
    excluded = parsed(make_row(tiep_nhan_tai_trung_tam=0, ly_do_khong_tiep_nhan="B"))
    assert excluded.data.placement is Placement.EXCLUDED
    assert excluded.data.exclusion_ground == "b"
    pending = parsed(make_row(tiep_nhan_tai_trung_tam=0))
    assert pending.data.placement is Placement.PENDING


@pytest.mark.parametrize(
    ("overrides", "column"),
    [
        ({"ma_tthc": "1.2345"}, "ma_tthc"),
        ({"ma_tthc": "X.001234"}, "ma_tthc"),
        ({"ma_tthc": ""}, "ma_tthc"),
        ({"ten_tthc": " "}, "ten_tthc"),
        ({"ma_co_quan": ""}, "ma_co_quan"),
        ({"cap_thuc_hien": "bo"}, "cap_thuc_hien"),
        ({"tiep_nhan_tai_trung_tam": "yes"}, "tiep_nhan_tai_trung_tam"),
        ({"tiep_nhan_tai_trung_tam": "0", "ly_do_khong_tiep_nhan": "c"}, "ly_do_khong_tiep_nhan"),
        ({"ly_do_khong_tiep_nhan": "a"}, "ly_do_khong_tiep_nhan"),  # at the Center AND excluded
        ({"ghi_chu_loai_tru": "vì sao"}, "ghi_chu_loai_tru"),  # a reason without a basis
        ({"muc_do_dvc": "muc_4"}, "muc_do_dvc"),
        ({"thoi_han_giai_quyet": "2.5"}, "thoi_han_giai_quyet"),
        ({"thoi_han_giai_quyet": "-1"}, "thoi_han_giai_quyet"),
        ({"thoi_han_giai_quyet": "²"}, "thoi_han_giai_quyet"),
        ({"thoi_han_giai_quyet": ""}, "thoi_han_giai_quyet"),
    ],
)
def test_bad_values_are_refused_naming_the_column(
    make_row: Any, overrides: dict[str, str], column: str
) -> None:
    assert column in refused(make_row(**overrides), line=7)


def test_every_problem_of_a_row_is_reported_at_once(make_row: Any) -> None:
    reason = refused(make_row(ma_tthc="bad", muc_do_dvc="?"))
    assert "ma_tthc" in reason and "muc_do_dvc" in reason


def test_read_csv_numbers_lines_from_the_header_and_skips_blank_lines(make_row: Any) -> None:
    text = write_csv([make_row(), make_row(ma_tthc="1.000002")])
    lines = text.splitlines()
    text = "\n".join([lines[0], lines[1], ",,,", "", lines[2]]) + "\n"
    rows = read_csv(text)
    assert [r.line for r in rows] == [2, 5]
    assert rows[1].values["ma_tthc"] == "1.000002"


def test_quoted_newlines_keep_line_numbers_right(make_row: Any) -> None:
    text = write_csv([make_row(ten_tthc="Dòng\nhai"), make_row(ma_tthc="1.000002")])
    assert [r.line for r in read_csv(text)] == [2, 4]


def test_excel_bom_and_semicolons_are_accepted(make_row: Any) -> None:
    text = write_csv([make_row()]).replace(",", ";")
    rows = read_csv(decode("\ufeff".encode() + text.encode()))
    assert rows[0].values["ma_co_quan"] == "SXD"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "rỗng"),
        ("ma_tthc,ten_tthc\n1.001234,x\n", "thiếu cột"),
        (HEADER + ",ma_tthc\n", "lặp lại"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(text: str, message: str) -> None:
    with pytest.raises(FileError, match=message):
        read_csv(text)


def test_not_utf8_is_refused() -> None:
    with pytest.raises(FileError, match="UTF-8"):
        decode("Tài chính".encode("latin-1"))  # an ANSI export, not UTF-8


def test_extra_cells_are_refused(make_row: Any) -> None:
    text = HEADER + "\n" + ",".join(make_row().values()) + ",surplus\n"
    (raw,) = read_csv(text)
    assert "thừa" in refused(dict(raw.values))


def test_export_round_trips_through_the_import(make_row: Any) -> None:
    original = parsed(
        make_row(tiep_nhan_tai_trung_tam=0, ly_do_khong_tiep_nhan="a", ghi_chu_loai_tru="x")
    )
    text = write_csv([to_row(original.data, "Sở Xây dựng")])
    assert text.splitlines()[0] == ",".join(COLUMNS)
    (raw,) = read_csv(text)
    assert parsed(dict(raw.values)).data == original.data
