"""The codes of the agency-lineage routes and their default Vietnamese messages (docs/ma-loi.md
is written from them); a refusal's message also names the agencies and procedures at fault.
Codes the catalog already has (app/errors.py) are reused, not registered twice."""

from __future__ import annotations

from catalog_service.app import errors
from pasc_runtime.api_errors import REGISTRY, ErrorCode, define

SCOPE = errors.SCOPE

_OWN = (
    (
        "lineage_invalid",
        422,
        "Quyết định về cơ quan có nhiều nội dung không hợp lệ; không áp dụng.",
    ),
    ("agency_code_invalid", 422, "Mã cơ quan không hợp lệ."),
    ("agency_exists", 422, "Mã cơ quan mới đã được đăng ký."),
    ("agency_not_active", 422, "Cơ quan không còn hoạt động vào ngày hiệu lực."),
    ("agency_in_two_changes", 422, "Cơ quan đã chấm dứt theo thay đổi khác của quyết định."),
    ("agency_repeated", 422, "Một cơ quan được nêu hai lần trong cùng thay đổi."),
    ("agency_closed", 409, "Cơ quan đã chấm dứt hoạt động."),
    (
        "lineage_shape_invalid",
        422,
        "Số cơ quan trước và cơ quan kế thừa không hợp với loại thay đổi.",
    ),
    ("rename_same_code", 422, "Đổi tên giữ nguyên mã: dùng PUT /v1/agencies/{mã}."),
    (
        "move_invalid",
        422,
        "Thủ tục không thuộc cơ quan trước, hoặc nơi nhận không phải cơ quan kế thừa.",
    ),
    (
        "split_unassigned",
        422,
        "Chưa nêu cơ quan nhận một số thủ tục của cơ quan bị chia tách.",
    ),
    ("close_has_procedures", 422, "Cơ quan chấm dứt còn thủ tục đang hiệu lực."),
    ("procedure_unknown", 422, "Thủ tục không có trong danh mục."),
    ("district_level_abolished", 422, "Không còn cấp huyện từ 01/07/2025."),
    (
        "district_procedures_remaining",
        422,
        "Còn thủ tục cấp huyện sau khi bãi bỏ cấp huyện.",
    ),
    (
        "version_after_decision",
        422,
        "Quyết định có hiệu lực trước phiên bản hiện hành của thủ tục.",
    ),
)
# Shared with the catalog's other routes: decision_invalid, decision_empty,
# decision_already_applied, agency_unknown.
SHARED = (
    errors.DECISION_INVALID,
    errors.DECISION_EMPTY,
    errors.DECISION_ALREADY_APPLIED,
    errors.AGENCY_UNKNOWN,
)
CODES: dict[str, ErrorCode] = {
    **{e.code: e for e in SHARED},
    **{code: define(code, status, message, SCOPE) for code, status, message in _OWN},
}


def lineage_error(code: str) -> ErrorCode:
    return CODES[code] if code in CODES else REGISTRY["lineage_invalid"]
