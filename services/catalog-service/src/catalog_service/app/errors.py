"""catalog-service's refusals: each code once, with its default Vietnamese message (the table in
docs/ma-loi.md is written from these: `python -m pasc_runtime.error_table`).

A refusal's message may say more than the default (the code, the row); the code never changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from pasc_runtime.api_errors import ApiError, ErrorCode, define

SCOPE = "catalog-service"
MAX_DETAILS = 50  # the rows or entries at fault listed in one message

PROCEDURE_NOT_FOUND = define("procedure_not_found", 404, "Thủ tục không có trong danh mục.", SCOPE)
AGENCY_NOT_FOUND = define("agency_not_found", 404, "Cơ quan chưa được đăng ký.", SCOPE)
DECISION_NOT_FOUND = define("decision_not_found", 404, "Quyết định chưa được ghi nhận.", SCOPE)
PROPOSAL_NOT_FOUND = define("proposal_not_found", 404, "Đề nghị không tồn tại.", SCOPE)
IMPORT_FILE_INVALID = define(
    "import_file_invalid", 400, "Tệp nhập không đọc được (CSV hoặc JSON).", SCOPE
)
IMPORT_MEDIA_TYPE = define(
    "import_media_type", 415, "Kiểu nội dung không nhận: gửi text/csv hoặc application/json.", SCOPE
)
SUBMITTER_REQUIRED = define(
    "submitter_required", 422, "submitted_by: bắt buộc (ai gửi đề nghị).", SCOPE
)
PROPOSAL_EMPTY = define("proposal_empty", 422, "rows: đề nghị cần ít nhất một thủ tục.", SCOPE)
AGENCY_UNKNOWN = define("agency_unknown", 422, "Cơ quan chưa được đăng ký.", SCOPE)
PROPOSAL_ROWS_INVALID = define(
    "proposal_rows_invalid", 422, "Đề nghị có dòng không hợp lệ; không ghi nhận dòng nào.", SCOPE
)
DECISION_EMPTY = define(
    "decision_empty", 422, "Quyết định không có nội dung (approve, rows hoặc withdraw).", SCOPE
)
DECISION_INVALID = define("decision_invalid", 422, "Quyết định không hợp lệ.", SCOPE)
DECISION_CONTENT_INVALID = define(
    "decision_content_invalid", 422, "Quyết định có nội dung không hợp lệ; không áp dụng.", SCOPE
)
DECISION_ALREADY_APPLIED = define(
    "decision_already_applied",
    409,
    "Quyết định đã được áp dụng; thay đổi mới cần một quyết định mới.",
    SCOPE,
)
APPROVAL_INVALID = define(
    "approval_invalid", 422, "Phần phê duyệt đề nghị không hợp lệ; không áp dụng.", SCOPE
)


class CatalogError(ApiError):
    """A request the catalog refuses as a whole; nothing of it was applied.

    `details`: the rows or entries at fault, listed in the message after a colon (the one
    error body has no list), at most MAX_DETAILS of them."""

    def __init__(
        self,
        error: ErrorCode,
        message: str | None = None,
        details: Sequence[str] = (),
        field: str | None = None,
    ) -> None:
        text = (message or error.message).rstrip(".")
        if details:
            shown = "; ".join(details[:MAX_DETAILS])
            more = len(details) - MAX_DETAILS
            text += f": {shown}" + (f"; và {more} mục khác" if more > 0 else "")
        super().__init__(error.status or 422, error.code, text + ".", field)
