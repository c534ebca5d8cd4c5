"""Each refusal's stable code and Vietnamese message, pinned.

Per record: every code of the gateway's registry is produced here by the gateway's own rules,
with its exact reason. Per request: every code the gateway registers has the status and
message below. A new code, a changed message or a code used in the source but not registered
fails here (and docs/ma-loi.md, the integration kit, `pasc gateway check` say the same).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from integration_gateway.adapters.catalog_store import KnownProcedure
from integration_gateway.app import errors
from integration_gateway.app.ingest import (
    IngestContext,
    RecordResult,
    parse_record,
    stateless_check,
)
from integration_gateway.app.routes.context import invalid_body
from integration_gateway.domain.dossier_rules import (
    Accepted,
    DateWindow,
    Refused,
    owned_by_another,
    record_inconsistency,
    translate,
    unknown_dossier,
)
from integration_gateway.domain.normalize import NotReadable, Sender, normalise_record
from pasc_contracts import VN_TZ
from pasc_contracts.dvcqg import DVCQG_REQUEST, HoSoMC
from pasc_runtime.api_errors import REGISTRY

SOURCE = Path(__file__).resolve().parents[1] / "src" / "integration_gateway"
SXD = Sender("SXD", "000.00.17.H13", "H13")
NOW = datetime(2023, 6, 1, tzinfo=VN_TZ)
WINDOW = DateWindow.around(NOW, datetime(2015, 1, 1, tzinfo=VN_TZ), 730)
CTX = IngestContext(SXD, "secret", WINDOW)
KNOWN = {
    "1.001234": KnownProcedure("1.001234", "Cấp giấy phép xây dựng", "SXD", False, 15),
    "1.000555": KnownProcedure("1.000555", "Chứng thực bản sao", "STP", False, 1),
    "1.000999": KnownProcedure("1.000999", "Thủ tục đã bãi bỏ", "SXD", True, 5),
}
PREFIXES = {"STP": "STP", "000.00.09.H13": "STP"}


def raw(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "MaHoSo": "000.00.17.H13-230403-0001",
        "MaTTHC": "1.001234",
        "NgayTiepNhan": "20230403083000",
        "NgayHenTra": "20230417170000",
        "TrangThaiHoSo": 2,
    }
    return {**base, **changes}


def record(**changes: Any) -> HoSoMC:
    return HoSoMC.model_validate(raw(**changes))


def parsed(value: Any) -> tuple[str | None, str | None]:
    result = parse_record(value, HoSoMC)
    assert isinstance(result, RecordResult), result
    return result.code, result.reason


def normalised(value: dict[str, Any]) -> tuple[str, str]:
    result = normalise_record(value, SXD)
    assert isinstance(result, NotReadable), result
    return result.code, result.reason


def checked(rec: HoSoMC) -> tuple[str, str]:
    result = stateless_check(rec, CTX, KNOWN, PREFIXES)
    assert isinstance(result, Refused), result
    return result.code, result.reason


def dates(rec: HoSoMC) -> tuple[str, str]:
    result = record_inconsistency(rec, WINDOW)
    assert isinstance(result, Refused), result
    return result.code, result.reason


def after(first: HoSoMC, then: HoSoMC, correction: bool = False) -> tuple[str, str]:
    accepted = translate(first, "SXD", "p", None, doc_ref=str)
    assert isinstance(accepted, Accepted)
    result = translate(then, "SXD", "p", accepted.state, doc_ref=str, correction=correction)
    assert isinstance(result, Refused), result
    return result.code, result.reason


def pair(refused: Refused) -> tuple[str, str]:
    return refused.code, refused.reason


DONE = {"TrangThaiHoSo": 9, "NgayKetThucXuLy": "20230410100000"}
RETURNED = {**DONE, "TrangThaiHoSo": 10, "NgayTra": "20230411090000"}

# (case, what the gateway's rules return, the code, the exact Vietnamese reason)
RECORD_REFUSALS = [
    (
        "not an object",
        lambda: parsed([1, 2]),
        "invalid_record",
        "bản ghi phải là một đối tượng JSON",
    ),
    (
        "ISO date",
        lambda: parsed(raw(NgayTiepNhan="2023-04-03")),
        "invalid_record",
        "NgayTiepNhan: ngày DVCQG phải có dạng yyyyMMddHHmmss",
    ),
    (
        "status 11",
        lambda: parsed(raw(TrangThaiHoSo=11)),
        "invalid_record",
        "TrangThaiHoSo: phải là một trong: 1, 2, 3, 4, 5, 6, 7, 8, 9 hoặc 10",
    ),
    (
        "missing MaHoSo",
        lambda: parsed({k: v for k, v in raw().items() if k != "MaHoSo"}),
        "invalid_record",
        "MaHoSo: thiếu trường bắt buộc",
    ),
    (
        "NUL in a name",
        lambda: parsed(raw(ChuHoSo="Nguyễn\x00")),
        "invalid_record",
        "ChuHoSo: chứa ký tự không được phép U+0000",
    ),
    (
        "note of 5,000 characters",
        lambda: parsed(raw(GhiChu="x" * 5000)),
        "invalid_record",
        "GhiChu: dài quá 4000 ký tự",
    ),
    (
        "code as words",
        lambda: parsed(raw(KenhThucHien="hai")),
        "invalid_record",
        "KenhThucHien: phải là mã số nguyên",
    ),
    (
        "long MaTTHC of another unit",
        lambda: normalised(raw(MaTTHC="1.001234.000.00.09.H13")),
        "ma_tthc_other_unit",
        "MaTTHC 1.001234.000.00.09.H13: mã đơn vị 000.00.09.H13 không phải của cơ quan gửi",
    ),
    (
        "received before 2015",
        lambda: dates(record(NgayTiepNhan="20140101080000", NgayHenTra="20140110170000")),
        "implausible_date",
        "NgayTiepNhan trước 01/01/2015",
    ),
    (
        "returned in the future",
        lambda: dates(record(**RETURNED | {"NgayTra": "20240101080000"})),
        "implausible_date",
        "NgayTra ở tương lai",
    ),
    (
        "due too far ahead",
        lambda: dates(record(NgayHenTra="20300101000000")),
        "implausible_date",
        "NgayHenTra sau 31/05/2025",
    ),
    (
        "due before reception",
        lambda: dates(record(NgayHenTra="20230401170000")),
        "inconsistent_dates",
        "NgayHenTra trước NgayTiepNhan",
    ),
    (
        "processed before reception",
        lambda: dates(record(TrangThaiHoSo=9, NgayKetThucXuLy="20230401100000")),
        "inconsistent_dates",
        "NgayKetThucXuLy trước NgayTiepNhan",
    ),
    (
        "returned before reception",
        lambda: dates(record(**RETURNED | {"NgayTra": "20230401100000"})),
        "inconsistent_dates",
        "NgayTra trước NgayTiepNhan",
    ),
    (
        "returned without an end date",
        lambda: dates(record(TrangThaiHoSo=10)),
        "missing_dates",
        "TrangThaiHoSo 10 cần có NgayKetThucXuLy",
    ),
    (
        "procedure not in the catalog",
        lambda: checked(record(MaTTHC="9.999999")),
        "unknown_procedure",
        "MaTTHC 9.999999 không có trong danh mục tiếp nhận tại Trung tâm",
    ),
    (
        "withdrawn procedure",
        lambda: checked(record(MaTTHC="1.000999")),
        "unknown_procedure",
        "MaTTHC 1.000999 không có trong danh mục tiếp nhận tại Trung tâm",
    ),
    (
        "another agency's procedure",
        lambda: checked(record(MaTTHC="1.000555")),
        "other_agency_procedure",
        "MaTTHC 1.000555 thuộc cơ quan STP, không phải SXD",
    ),
    (
        "another agency's numbering",
        lambda: checked(record(MaHoSo="STP-230403-0001")),
        "other_agency_numbering",
        "MaHoSo STP-230403-0001 mang mã của cơ quan khác",
    ),
    (
        "a number another agency sent first",
        lambda: pair(owned_by_another("000.00.17.H13-230403-0001")),
        "other_agency",
        "MaHoSo 000.00.17.H13-230403-0001 đã thuộc cơ quan khác",
    ),
    (
        "procedure changed",
        lambda: after(record(), record(MaTTHC="1.000555")),
        "ma_tthc_changed",
        "không được đổi MaTTHC của hồ sơ 000.00.17.H13-230403-0001 (đang là 1.001234)",
    ),
    (
        "back from 4 to 2",
        lambda: after(record(TrangThaiHoSo=4), record()),
        "invalid_transition",
        "TrangThaiHoSo không được quay lại từ 4 về 2",
    ),
    (
        "processed to in progress",
        lambda: after(record(**DONE), record(**DONE | {"TrangThaiHoSo": 4})),
        "invalid_transition",
        "hồ sơ đã xử lý xong (9) chỉ được chuyển sang đã trả kết quả (10), không sang 4",
    ),
    (
        "returned back to received",
        lambda: after(record(**RETURNED), record()),
        "invalid_transition",
        "TrangThaiHoSo 10 là trạng thái kết thúc: không chuyển sang 2 được",
    ),
    (
        "processed, its due date changed",
        lambda: after(record(**DONE), record(**DONE | {"NgayHenTra": "20230418170000"})),
        "final_dossier",
        "hồ sơ 000.00.17.H13-230403-0001 đã xử lý xong (9): không được đổi ngay_hen_tra,"
        " due_at_in_force; chỉ sửa qua thủ tục đính chính",
    ),
    (
        "returned, its due date changed",
        lambda: after(record(**RETURNED), record(**RETURNED | {"NgayHenTra": "20230418170000"})),
        "final_dossier",
        "hồ sơ 000.00.17.H13-230403-0001 đã kết thúc (TrangThaiHoSo 10):"
        " chỉ sửa qua thủ tục đính chính",
    ),
    (
        "step of a dossier never synced",
        lambda: pair(unknown_dossier("000.00.17.H13-999999-0001")),
        "unknown_dossier",
        "MaHoSo 000.00.17.H13-999999-0001 chưa được đồng bộ",
    ),
]

# Every request-level code of the gateway: (HTTP status, the message the caller reads).
REQUEST_REFUSALS = {
    "invalid_body": (400, "Nội dung yêu cầu không đúng mẫu (trường nêu trong field)."),
    "api_key_required": (401, "Cần API key (X-API-Key) hoặc session hợp lệ của bước xác thực."),
    "agency_mismatch": (403, "X-PASC-Agency không khớp với cơ quan của khóa."),
    "unit_mismatch": (403, "madonvi không khớp với mã đơn vị của tài khoản."),
    "admin_token_required": (401, "Cần mã quản trị (X-Admin-Token)."),
    "invalid_agency": (400, "Mã cơ quan không hợp lệ."),
    "agency_transition_ended": (
        403,
        "Cơ quan đã sáp nhập, đổi tên hoặc chia tách và đã hết thời gian chuyển tiếp: khóa API và"
        " mã hồ sơ cũ không còn được chấp nhận; hãy dùng khóa của cơ quan kế thừa.",
    ),
    "key_of_closed_agency": (403, "Cơ quan đã giải thể: khóa API của cơ quan không còn hiệu lực."),
    "agency_not_succeeded": (
        404,
        "Cơ quan chưa có quyết định sáp nhập, đổi tên, chia tách hay giải thể.",
    ),
    "credentials_required": (400, "Cần username và password."),
    "bad_credentials": (401, "Sai tên đăng nhập hoặc mật khẩu."),
    "dossier_not_found": (404, "Không tìm thấy hồ sơ."),
    "key_not_found": (404, "Không có khóa đang hiệu lực với mã này."),
    "connector_not_found": (404, "Không có kết nối với tên này."),
    "unknown_action": (404, "Thao tác không có: chỉ pause, resume hoặc replay."),
    "name_mismatch": (400, "Tên trong đường dẫn và trong nội dung khác nhau."),
    "invalid_replay_status": (400, "status phải là dead hoặc all."),
}


@pytest.mark.parametrize(
    ("case", "produce", "code", "reason"), RECORD_REFUSALS, ids=[c[0] for c in RECORD_REFUSALS]
)
def test_each_record_refusal_has_its_code_and_vietnamese_reason(
    case: str, produce: Any, code: str, reason: str
) -> None:
    assert produce() == (code, reason)
    assert REGISTRY[code].status is None  # a per-record code, in a 200 answer


def test_the_table_covers_every_record_code() -> None:
    assert {code for _, _, code, _ in RECORD_REFUSALS} == set(errors.RECORD_CODES)


def test_each_request_refusal_has_its_status_and_message() -> None:
    registered = {
        e.code: (e.status, e.message)
        for e in REGISTRY.values()
        if e.scope == errors.SCOPE and e.status is not None
    }
    assert registered == REQUEST_REFUSALS


def test_every_code_in_the_source_is_registered() -> None:
    """A refusal written with a code nobody registered would be missing from docs/ma-loi.md."""
    used: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:Refused|NotReadable)\([^()]*?,\s*"(\w+)"\s*\)', text, re.S))
        used |= set(re.findall(r'RecordResult\([^()]*?,\s*"(\w+)"\s*\)', text, re.S))
        used |= set(re.findall(r'ApiError\(\s*\d{3},\s*"(\w+)"', text))
    assert used, "the patterns found no refusal: they no longer match the source"
    assert used <= set(REGISTRY), used - set(REGISTRY)


def test_the_reasons_are_vietnamese() -> None:
    """No reason of the table is the English of before (a word list, not a translation check)."""
    english = re.compile(r"\b(is|not|the|before|requires|cannot|belongs|known|must)\b")
    for case, produce, _, _ in RECORD_REFUSALS:
        _, reason = produce()
        assert not english.search(reason or ""), (case, reason)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"data": []}, "service: thiếu trường bắt buộc"),
        (
            {"service": "X", "data": []},
            "service: phải là một trong: DongBoHoSoMC, CapNhatTienDoHoSoMC",
        ),
        ({"service": "DongBoHoSoMC", "data": "x"}, "data: phải là danh sách"),
    ],
)
def test_a_body_that_is_no_dvcqg_call_names_its_field(body: Any, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        DVCQG_REQUEST.validate_python(body)
    assert invalid_body(refused.value, body.get("service")).body() == {
        "error_code": "400",
        "code": "invalid_body",
        "message": message,
        "field": message.split(":")[0],
    }
