"""The admin commands' one HTTP helper words a refusal the way the service wrote it."""

from __future__ import annotations

from typing import Any

import httpx

from pasc_runtime.cli import refusal_reasons


def refused(status: int, body: Any = None, text: str | None = None) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text)
    return httpx.Response(status, json=body)


def test_the_platform_error_body_gives_field_message_and_code() -> None:
    body = {"error_code": "404", "code": "not_found", "message": "Không tìm thấy.", "field": None}
    assert refusal_reasons(refused(404, body)) == ["Không tìm thấy. (not_found)"]
    body = {**body, "error_code": "422", "code": "invalid_field", "field": "issue_date"}
    assert refusal_reasons(refused(422, body)) == ["issue_date: Không tìm thấy. (invalid_field)"]


def test_fastapi_detail_as_text_or_validation_errors() -> None:
    assert refusal_reasons(refused(404, {"detail": "không có kế hoạch x"})) == [
        "không có kế hoạch x"
    ]
    errors = [{"loc": ["body", "issue_date"], "msg": "Input should be a valid date"}]
    assert refusal_reasons(refused(422, {"detail": errors})) == [
        "body.issue_date: Input should be a valid date"
    ]


def test_an_errors_list_is_worded_by_the_command() -> None:
    body = {"detail": "nhập không thành công", "errors": [{"line": 3}, {"line": 7}]}
    assert refusal_reasons(refused(400, body), lambda e: f"dòng {e['line']}") == [
        "nhập không thành công",
        "dòng 3",
        "dòng 7",
    ]


def test_a_body_that_is_not_json_is_shown_as_it_came() -> None:
    assert refusal_reasons(refused(502, text="Bad Gateway")) == ["Bad Gateway"]
    assert refusal_reasons(refused(500, ["a", "list"])) == ["['a', 'list']"]
