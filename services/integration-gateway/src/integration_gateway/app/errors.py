"""The gateway's error codes and their Vietnamese messages (docs/ma-loi.md is written from them).

Request-level refusals answer the one error body with an HTTP status; the DVCQG calls refuse
single records inside a 200 answer (`results[].code`, `results[].reason`): those codes have no
status here, and each record's reason says more than the default message (which record, which
field, which date).
"""

from __future__ import annotations

from pasc_runtime.api_errors import define

SCOPE = "integration-gateway"

# --- the request as a whole -----------------------------------------------------------------
INVALID_BODY = define(
    "invalid_body", 400, "Nội dung yêu cầu không đúng mẫu (trường nêu trong field).", SCOPE
)
API_KEY_REQUIRED = define(
    "api_key_required",
    401,
    "Cần API key (X-API-Key) hoặc session hợp lệ của bước xác thực.",
    SCOPE,
)
AGENCY_MISMATCH = define(
    "agency_mismatch", 403, "X-PASC-Agency không khớp với cơ quan của khóa.", SCOPE
)
UNIT_MISMATCH = define(
    "unit_mismatch", 403, "madonvi không khớp với mã đơn vị của tài khoản.", SCOPE
)
ADMIN_TOKEN_REQUIRED = define(
    "admin_token_required", 401, "Cần mã quản trị (X-Admin-Token).", SCOPE
)
INVALID_AGENCY = define("invalid_agency", 400, "Mã cơ quan không hợp lệ.", SCOPE)
CREDENTIALS_REQUIRED = define("credentials_required", 400, "Cần username và password.", SCOPE)
BAD_CREDENTIALS = define("bad_credentials", 401, "Sai tên đăng nhập hoặc mật khẩu.", SCOPE)
DOSSIER_NOT_FOUND = define("dossier_not_found", 404, "Không tìm thấy hồ sơ.", SCOPE)
KEY_NOT_FOUND = define("key_not_found", 404, "Không có khóa đang hiệu lực với mã này.", SCOPE)
CONNECTOR_NOT_FOUND = define("connector_not_found", 404, "Không có kết nối với tên này.", SCOPE)
UNKNOWN_ACTION = define(
    "unknown_action", 404, "Thao tác không có: chỉ pause, resume hoặc replay.", SCOPE
)
NAME_MISMATCH = define(
    "name_mismatch", 400, "Tên trong đường dẫn và trong nội dung khác nhau.", SCOPE
)
AGENCY_TRANSITION_ENDED = define(
    "agency_transition_ended",
    403,
    "Cơ quan đã sáp nhập, đổi tên hoặc chia tách và đã hết thời gian chuyển tiếp: khóa API và mã"
    " hồ sơ cũ không còn được chấp nhận; hãy dùng khóa của cơ quan kế thừa.",
    SCOPE,
)
AGENCY_CLOSED = define(
    "key_of_closed_agency",
    403,
    "Cơ quan đã giải thể: khóa API của cơ quan không còn hiệu lực.",
    SCOPE,
)
AGENCY_NOT_SUCCEEDED = define(
    "agency_not_succeeded",
    404,
    "Cơ quan chưa có quyết định sáp nhập, đổi tên, chia tách hay giải thể.",
    SCOPE,
)
INVALID_REPLAY_STATUS = define("invalid_replay_status", 400, "status phải là dead hoặc all.", SCOPE)

# --- one record of a DVCQG call (inside a 200 answer) ----------------------------------------
RECORD_CODES = {
    "invalid_record": "Bản ghi không đọc được hoặc sai định dạng, sai kiểu, ngoài miền giá trị.",
    "ma_tthc_other_unit": "MaTTHC dạng dài mang mã đơn vị không phải của cơ quan gửi.",
    "implausible_date": "Ngày ngoài khoảng hợp lý.",
    "inconsistent_dates": "Ngày hẹn trả, xử lý xong hoặc trả kết quả trước ngày tiếp nhận.",
    "missing_dates": "Trạng thái 9, 10 mà thiếu ngày xử lý xong.",
    "unknown_procedure": "Thủ tục không có trong danh mục tiếp nhận tại Trung tâm.",
    "other_agency_procedure": "Thủ tục thuộc cơ quan khác.",
    "other_agency_numbering": "Số hồ sơ mang mã của cơ quan khác.",
    "other_agency": "Số hồ sơ đã thuộc cơ quan khác.",
    "ma_tthc_changed": "Không được đổi thủ tục của hồ sơ đã có.",
    "invalid_transition": "Chuyển trạng thái không hợp lệ.",
    "final_dossier": "Hồ sơ đã kết thúc: chỉ sửa qua thủ tục đính chính.",
    "unknown_dossier": "Hồ sơ chưa được đồng bộ.",
}
for _code, _message in RECORD_CODES.items():
    define(_code, None, _message, SCOPE)
