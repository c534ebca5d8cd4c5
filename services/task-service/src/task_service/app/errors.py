"""task-service's refusals in the one error body: each (field, kind) of the domain's refusals
has its stable code and default Vietnamese message (docs/ma-loi.md is written from these:
`python -m pasc_runtime.error_table`). The domain's own reason, more precise, is the message.
"""

from __future__ import annotations

from pasc_runtime.api_errors import ApiError, ErrorCode, define
from task_service.domain.errors import DomainError, Refusal

SCOPE = "task-service"
STATUS = {Refusal.NOT_FOUND: 404, Refusal.FORBIDDEN: 403, Refusal.INVALID: 422}

PLAN_NOT_FOUND = define("plan_not_found", 404, "Không có kế hoạch này.", SCOPE)
TASK_NOT_FOUND = define("task_not_found", 404, "Kế hoạch không có nhiệm vụ này.", SCOPE)
PLAN_AGENCY_NOT_FOUND = define(
    "plan_agency_not_found", 404, "Kế hoạch không có cơ quan này.", SCOPE
)
NOT_YOUR_ASSIGNMENT = define(
    "assignment_not_yours",
    403,
    "Cơ quan không được báo cáo nhiệm vụ này (nhiệm vụ không giao cho cơ quan, hoặc báo cáo thay"
    " cơ quan khác).",
    SCOPE,
)
ISSUE_DATE_INVALID = define(
    "issue_date_invalid", 422, "Ngày ban hành Kế hoạch không hợp lệ.", SCOPE
)
LAUNCH_DATE_INVALID = define(
    "launch_date_invalid", 422, "Ngày Trung tâm ra mắt không hợp lệ.", SCOPE
)
MONTH_INVALID = define("month_invalid", 422, "Tháng báo cáo không hợp lệ.", SCOPE)
SUBMITTED_AT_INVALID = define("submitted_at_invalid", 422, "Thời điểm báo cáo không hợp lệ.", SCOPE)
PERCENT_INVALID = define("percent_invalid", 422, "Tiến độ không hợp lệ.", SCOPE)
REASON_REQUIRED = define("reason_required", 422, "Cần nêu lý do.", SCOPE)
RESULT_REF_REQUIRED = define(
    "result_ref_required",
    422,
    "Nhiệm vụ chỉ hoàn thành khi có kết quả thực hiện: ghi số, ngày văn bản.",
    SCOPE,
)
TICK_AT_FORBIDDEN = define(
    "tick_at_forbidden",
    403,
    "Chạy lịch nhắc hạn tại một thời điểm khác chỉ dùng khi diễn tập (ALLOW_TICK_AT).",
    SCOPE,
)
NOW_INVALID = define(
    "now_without_timezone",
    422,
    "Thời điểm phải có múi giờ, ví dụ 2023-04-20T08:00:00+07:00.",
    SCOPE,
)

BY_REFUSAL: dict[tuple[str, Refusal], ErrorCode] = {
    ("plan_id", Refusal.NOT_FOUND): PLAN_NOT_FOUND,
    ("task_no", Refusal.NOT_FOUND): TASK_NOT_FOUND,
    ("agency", Refusal.NOT_FOUND): PLAN_AGENCY_NOT_FOUND,
    ("agency_code", Refusal.NOT_FOUND): PLAN_AGENCY_NOT_FOUND,
    ("agency_code", Refusal.FORBIDDEN): NOT_YOUR_ASSIGNMENT,
    ("issue_date", Refusal.INVALID): ISSUE_DATE_INVALID,
    ("launch_date", Refusal.INVALID): LAUNCH_DATE_INVALID,
    ("month", Refusal.INVALID): MONTH_INVALID,
    ("submitted_at", Refusal.INVALID): SUBMITTED_AT_INVALID,
    ("percent", Refusal.INVALID): PERCENT_INVALID,
    ("reason", Refusal.INVALID): REASON_REQUIRED,
    ("result_ref", Refusal.INVALID): RESULT_REF_REQUIRED,
    ("now", Refusal.FORBIDDEN): TICK_AT_FORBIDDEN,
    ("now", Refusal.INVALID): NOW_INVALID,
}


def refusal(exc: DomainError) -> ApiError:
    """The domain's refusal as the API answers it: the field's code, the domain's reason."""
    status = STATUS[exc.kind]
    known = BY_REFUSAL.get((exc.field, exc.kind))
    code = (
        known.code if known else {404: "not_found", 403: "forbidden"}.get(status, "invalid_field")
    )
    return ApiError(status, code, exc.reason, exc.field)


def example(error: ErrorCode, field: str) -> ApiError:
    """An OpenAPI example of `error` (its default message)."""
    return ApiError(error.status or 422, error.code, error.message, field)
