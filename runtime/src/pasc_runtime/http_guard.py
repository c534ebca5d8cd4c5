"""What every service's HTTP API refuses before a route runs, and the bytes it reads safely.

- A path or query string with NUL or other control characters, bytes that are not UTF-8 once
  percent-decoded, lone surrogates or bidirectional overrides, or an absurd length: 400 with a
  reason. No route of the platform takes such a value, and PostgreSQL would refuse a NUL with
  an error that surfaced as a 500.
- A value the database refuses (a number beyond its column's range, text it cannot store):
  400, never a 500 (asyncpg's DataError is always about the input).
- Upload bodies are read while counting: over the limit is 413 as soon as it is passed, and a
  body that trickles in slower than the timeout is 408; the whole body is never buffered first.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

import asyncpg
from fastapi import FastAPI, HTTPException, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from pasc_runtime import api_errors

MAX_PATH = 2048
MAX_QUERY = 8192
_FORBIDDEN = re.compile("[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _problem(raw: bytes, limit: int, what: str) -> str | None:
    if len(raw) > limit:
        return f"{what} dài quá {limit} ký tự"
    try:
        text = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return f"{what} không phải UTF-8"
    if (bad := _FORBIDDEN.search(text)) is not None:
        return f"{what} chứa ký tự không được phép U+{ord(bad.group()):04X}"
    return None


class RequestGuard:
    """ASGI middleware: refuses hostile paths and query strings with 400 before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "replace")
            problem = _problem(raw_path, MAX_PATH, "đường dẫn") or _problem(
                scope.get("query_string", b""), MAX_QUERY, "tham số truy vấn"
            )
            if problem is not None:
                body = json.dumps(
                    {
                        "error_code": "400",
                        "code": "invalid_request",
                        "message": problem,
                        "field": None,
                    },
                    ensure_ascii=False,
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [
                            (b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def install(app: Any) -> None:
    """The error handlers every service's FastAPI app shares (`api_errors.install` answers
    every other refusal in the same body)."""
    if isinstance(app, FastAPI):
        app.add_exception_handler(asyncpg.DataError, api_errors.data_error)


async def read_body(request: Request, max_bytes: int, timeout_s: float) -> bytes:
    """The request body, refused with 413 as soon as it passes `max_bytes` (declared or
    streamed) and with 408 when it is not all there within `timeout_s`."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise HTTPException(413, f"nội dung lớn hơn {max_bytes} byte")
    body = bytearray()
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.stream():
                body += chunk
                if len(body) > max_bytes:
                    raise HTTPException(413, f"nội dung lớn hơn {max_bytes} byte")
    except TimeoutError:
        raise HTTPException(408, f"nội dung không nhận đủ trong {timeout_s:g} giây") from None
    return bytes(body)
