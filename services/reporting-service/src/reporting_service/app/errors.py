"""reporting-service's refusals: each code once, with its default Vietnamese message (the table
in docs/ma-loi.md is written from these: `python -m pasc_runtime.error_table`).

A refusal's message may say more than the default (the value, the bound); the code never changes.
"""

from __future__ import annotations

from pasc_runtime.api_errors import ApiError, ErrorCode, define
from reporting_service.domain.periods import MAX_DAYS

SCOPE = "reporting-service"

UNKNOWN_AGENCY = define("unknown_agency", 422, "Mã cơ quan không có.", SCOPE)
PERIOD_REVERSED = define("period_reversed", 422, "Ngày bắt đầu sau ngày kết thúc.", SCOPE)
PERIOD_TOO_LONG = define("period_too_long", 422, f"Kỳ dài hơn {MAX_DAYS} ngày.", SCOPE)
AS_OF_BEFORE_PERIOD = define(
    "as_of_before_period", 422, "Ngày tính đến (as_of) trước ngày bắt đầu kỳ.", SCOPE
)
MONTH_MALFORMED = define("month_malformed", 422, "Tháng viết dạng YYYY-MM (ví dụ 2023-05).", SCOPE)
MONTH_NOT_STARTED = define("month_not_started", 422, "Tháng báo cáo chưa bắt đầu.", SCOPE)
SIGNING_INVALID = define(
    "signing_invalid", 422, "Thông tin ký văn bản (số, ngày, người ký) không hợp lệ.", SCOPE
)
# Codes of their own, not the gateway's dossier_not_found/admin_token_required: a code's
# registry entry names one service (docs/ma-loi.md), and these refusals are reporting's.
DOSSIER_NOT_FOUND = define(
    "dossier_not_in_read_model", 404, "Hồ sơ chưa có trong dữ liệu báo cáo.", SCOPE
)
REPORT_TABLE_NOT_FOUND = define(
    "report_table_not_found", 404, "Báo cáo tháng không có bảng này.", SCOPE
)
DASHBOARD_ASSET_NOT_FOUND = define(
    "dashboard_asset_not_found", 404, "Trang điều hành không có tệp này.", SCOPE
)
ADMIN_TOKEN_REQUIRED = define(
    "figures_admin_token_required",
    401,
    "Cần mã quản trị (X-Admin-Token) để nhập số liệu.",
    SCOPE,
)
LOOPBACK_ONLY = define(
    "loopback_only", 403, "Chưa cấu hình ADMIN_TOKEN: chỉ nhập được từ máy chủ.", SCOPE
)
INDICATOR_FROM_DATA = define(
    "indicator_from_data", 422, "Chỉ tiêu được tính từ dữ liệu hồ sơ, không nhập tay.", SCOPE
)
UNKNOWN_INDICATOR = define("unknown_indicator", 422, "Chỉ tiêu không có.", SCOPE)
NUMERATOR_ABOVE_DENOMINATOR = define(
    "numerator_above_denominator", 422, "Tử số lớn hơn mẫu số.", SCOPE
)
PERIOD_ERRORS = {
    e.code: e
    for e in (
        PERIOD_REVERSED,
        PERIOD_TOO_LONG,
        AS_OF_BEFORE_PERIOD,
        MONTH_MALFORMED,
        MONTH_NOT_STARTED,
    )
}


def refused(error: ErrorCode, message: str | None = None, field: str | None = None) -> ApiError:
    """`error` with a message more precise than its default, naming the field at fault."""
    return ApiError(error.status or 422, error.code, message or error.message, field)
