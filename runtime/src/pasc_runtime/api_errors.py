"""The one error body of the platform's own HTTP API, and the registry of its codes.

Every non-2xx answer of the four services is

    {"error_code": "404", "code": "not_found", "message": "Không tìm thấy.", "field": null}

`error_code` is the HTTP status as a string (what DVCQG clients read), `code` a stable
snake_case machine code, `message` Vietnamese (what the office and departments read), `field`
the request field at fault or null. A service raises `ApiError(status, code)` (or with its own
message and field); `install(api)` answers it, FastAPI's and Starlette's `HTTPException`, request
validation and the database's `DataError` in that body.

Each code is registered once with its default Vietnamese message (`define`); the modules named
by the `pasc.error_codes` entry points register the services' codes, and
`python -m pasc_runtime.error_table` writes the documented table of all of them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, get_args

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType
from starlette.exceptions import HTTPException as StarletteHTTPException

from pasc_runtime.auth.roles import MESSAGES as AUTH_MESSAGES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int | None  # the HTTP status it comes with; None: a per-record refusal in a 200
    message: str  # Vietnamese, what the caller reads by default
    scope: str  # "chung" (every service) or the service that uses it


REGISTRY: dict[str, ErrorCode] = {}


def define(code: str, status: int | None, message: str, scope: str = "chung") -> ErrorCode:
    """Register `code` once; registering it again with another message or status is a bug."""
    entry = ErrorCode(code, status, message, scope)
    known = REGISTRY.get(code)
    if known is not None and (known.status, known.message) != (status, message):
        raise ValueError(f"error code {code} registered twice differently: {known} / {entry}")
    REGISTRY.setdefault(code, entry)
    return REGISTRY[code]


def message_of(code: str) -> str:
    return REGISTRY[code].message


class ErrorBody(BaseModel):
    """The body of every refusal of the platform's own API."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "error_code": "404",
                "code": "not_found",
                "message": "Không tìm thấy.",
                "field": None,
            }
        }
    )

    error_code: str = Field(description="The HTTP status, as a string.", examples=["400"])
    code: str = Field(description="A stable machine code (the table: docs/ma-loi.md).")
    message: str = Field(description="What went wrong, in Vietnamese.")
    field: str | None = Field(
        default=None, description="The request field at fault (dotted path), if one is."
    )


class ApiError(Exception):
    """A refusal in the one error body; `message` defaults to the code's registered message."""

    def __init__(
        self, status: int, code: str, message: str | None = None, field: str | None = None
    ) -> None:
        if message is None:
            message = REGISTRY[code].message if code in REGISTRY else _generic(status).message
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.field = status, code, message, field

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.code, self.message, self.field)

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(), self.status, headers=headers)


def error_body(status: int, code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error_code": str(status), "code": code, "message": message, "field": field}


# --- the codes every service shares ------------------------------------------------------------

GENERIC = {
    400: define("invalid_request", 400, "Yêu cầu không hợp lệ."),
    401: define("unauthorized", 401, "Cần xác thực."),
    403: define("forbidden", 403, "Không được phép thực hiện yêu cầu này."),
    404: define("not_found", 404, "Không tìm thấy."),
    405: define("method_not_allowed", 405, "Phương thức HTTP này không được hỗ trợ ở đây."),
    406: define("not_acceptable", 406, "Không có định dạng trả lời phù hợp."),
    408: define("request_timeout", 408, "Không nhận đủ nội dung yêu cầu kịp thời."),
    409: define("conflict", 409, "Yêu cầu xung đột với dữ liệu hiện có."),
    413: define("payload_too_large", 413, "Nội dung yêu cầu quá lớn."),
    415: define("unsupported_media_type", 415, "Kiểu nội dung không được hỗ trợ."),
    422: define("invalid_field", 422, "Dữ liệu không hợp lệ."),
    429: define("rate_limited", 429, AUTH_MESSAGES["rate_limited"]),
    500: define("internal_error", 500, "Lỗi hệ thống; vui lòng thử lại sau."),
    503: define("unavailable", 503, "Dịch vụ tạm thời chưa sẵn sàng; vui lòng thử lại sau."),
}
MISSING_FIELD = define("missing_field", 422, "Thiếu trường bắt buộc.")
INVALID_VALUE = define("invalid_value", 400, "Giá trị không hợp lệ.")
INVALID_JSON = define("invalid_json", 400, "Nội dung không phải JSON hợp lệ.")
for _code, _message in AUTH_MESSAGES.items():
    define(
        _code,
        {"auth_required": 401, "token_invalid": 401, "rate_limited": 429}.get(_code, 403),
        _message,
    )
define("issuer_unavailable", 503, "Chưa kiểm tra được đăng nhập.")


def _generic(status: int) -> ErrorCode:
    if status in GENERIC:
        return GENERIC[status]
    return GENERIC[500] if status >= 500 else GENERIC[400]


# --- request validation, in Vietnamese ----------------------------------------------------------

_PYDANTIC_TYPES = frozenset(get_args(ErrorType))
# The pydantic error types a client meets, in Vietnamese; {ctx} fills in the bound.
_VALIDATION_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường không được phép",
    "string_type": "phải là chuỗi",
    "string_too_short": "phải có ít nhất {min_length} ký tự",
    "string_too_long": "dài quá {max_length} ký tự",
    "string_pattern_mismatch": "không đúng định dạng",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "literal_error": "phải là một trong: {expected}",
    "enum": "phải là một trong: {expected}",
    "date_type": "phải là ngày",
    "date_parsing": "không phải ngày hợp lệ",
    "date_from_datetime_parsing": "không phải ngày hợp lệ",
    "datetime_type": "phải là thời điểm",
    "datetime_parsing": "không phải thời điểm hợp lệ",
    "datetime_from_date_parsing": "không phải thời điểm hợp lệ",
    "uuid_type": "phải là UUID",
    "uuid_parsing": "không phải UUID hợp lệ",
    "list_type": "phải là danh sách",
    "dict_type": "phải là đối tượng JSON",
    "model_type": "phải là đối tượng JSON",
    "model_attributes_type": "phải là đối tượng JSON",
    "too_short": "phải có ít nhất {min_length} phần tử",
    "too_long": "có nhiều hơn {max_length} phần tử",
    "json_invalid": "không phải JSON hợp lệ",
    "json_type": "không phải JSON hợp lệ",
    "decimal_parsing": "phải là số",
    "decimal_type": "phải là số",
    "union_tag_invalid": "loại không hợp lệ",
    "union_tag_not_found": "thiếu trường phân loại",
    "url_parsing": "không phải URL hợp lệ",
    "url_scheme": "URL phải bắt đầu bằng http:// hoặc https://",
}


def field_path(loc: tuple[int | str, ...] | list[int | str]) -> str | None:
    """The dotted location of a field; a body's own fields are named without "body"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or None


def describe(error: ErrorDetails | dict[str, Any]) -> str:
    """One validation error in Vietnamese, without the input value (it may be personal)."""
    kind = str(error.get("type", ""))
    template = _VALIDATION_MESSAGES.get(kind)
    if template is not None:
        try:
            return template.format(**{k: _ctx(v) for k, v in (error.get("ctx") or {}).items()})
        except (KeyError, IndexError):
            return template.split("{")[0].strip()
    if kind not in _PYDANTIC_TYPES and kind != "value_error":
        # A PydanticCustomError of the platform's own: its message is written for the caller.
        return str(error.get("msg", "giá trị không hợp lệ"))
    if kind == "value_error":
        # A validator's ValueError: the platform's validators write Vietnamese reasons.
        return str(error.get("msg", "")).removeprefix("Value error, ") or "giá trị không hợp lệ"
    return "giá trị không hợp lệ"


def _ctx(value: Any) -> str:
    return str(value).replace("'", "")


def validation_refusal(
    errors: list[ErrorDetails] | list[dict[str, Any]], status: int = 422
) -> ApiError:
    """The first error of a validation, as a refusal with its field."""
    if not errors:
        return ApiError(status, _generic(status).code)
    first = errors[0]
    where = field_path(tuple(first.get("loc", ())))
    code = MISSING_FIELD.code if first.get("type") == "missing" else GENERIC[422].code
    reason = describe(first)
    return ApiError(status, code, f"{where}: {reason}" if where else reason, where)


# --- the handlers ----------------------------------------------------------------------------


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, ApiError):  # registered for that type only
        raise exc
    return exc.response()


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's and Starlette's HTTPException (a route's, an unknown path's, a method's):
    a detail {"code", "message"} keeps its code; a bare one gets the status's generic code."""
    if not isinstance(exc, StarletteHTTPException):  # registered for that type only
        raise exc
    detail = exc.detail
    status = exc.status_code
    if isinstance(detail, dict) and isinstance(detail.get("code"), str):
        message = detail.get("message") or _message_for(detail["code"], status)
        error = ApiError(status, detail["code"], str(message), detail.get("field"))
    elif isinstance(detail, str) and detail and detail != HTTPStatus(status).phrase:
        error = ApiError(status, _generic(status).code, detail)
    else:
        error = ApiError(status, _generic(status).code)
    return error.response(dict(exc.headers) if exc.headers else None)


def _message_for(code: str, status: int) -> str:
    return REGISTRY[code].message if code in REGISTRY else _generic(status).message


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # registered for that type only
        raise exc
    return validation_refusal(list(exc.errors())).response()


async def data_error(request: Request, exc: Exception) -> JSONResponse:
    # The database's own message may quote the value: not echoed.
    return ApiError(400, INVALID_VALUE.code).response()


def install(api: FastAPI) -> None:
    """Answer every refusal of `api` in the one error body."""
    api.add_exception_handler(ApiError, _api_error)
    api.add_exception_handler(StarletteHTTPException, _http_exception)
    api.add_exception_handler(RequestValidationError, _validation_error)
    api.add_exception_handler(asyncpg.DataError, data_error)


# --- OpenAPI ---------------------------------------------------------------------------------


def error_responses(*examples: ApiError | int) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=`: the error body's schema with an example per status.

    `error_responses(400, ApiError(404, "no_dossier"))`: a bare status gets its generic code."""
    by_status: dict[int, list[ApiError]] = {}
    for item in examples:
        error = item if isinstance(item, ApiError) else ApiError(item, _generic(item).code)
        by_status.setdefault(error.status, []).append(error)
    responses: dict[int | str, dict[str, Any]] = {}
    for status, errors in sorted(by_status.items()):
        responses[status] = {
            "model": ErrorBody,
            "description": HTTPStatus(status).phrase,
            "content": {
                "application/json": {
                    "examples": {e.code: {"summary": e.message, "value": e.body()} for e in errors}
                }
            },
        }
    return responses
