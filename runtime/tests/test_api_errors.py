"""The one error body, the bundled API documents and the documented code table."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Annotated

import asyncpg
import httpx
import pytest
from fastapi import HTTPException, Query
from pydantic import BaseModel, Field

from pasc_runtime import error_table
from pasc_runtime.api_docs import asyncapi_document, asyncapi_routes, service_api
from pasc_runtime.api_errors import REGISTRY, ApiError, define, error_responses
from pasc_runtime.auth.roles import CREDENTIAL_EXTENSION, PUBLIC, ROLES_EXTENSION

ROOT = Path(__file__).resolve().parents[2]
OPEN = {"openapi_extra": {ROLES_EXTENSION: [PUBLIC], CREDENTIAL_EXTENSION: "none"}}
KEYED = {"openapi_extra": {ROLES_EXTENSION: ["operator"], CREDENTIAL_EXTENSION: "api-key"}}


class Body(BaseModel):
    percent: int = Field(ge=0, le=100)
    name: str = Field(max_length=5)


def client() -> httpx.AsyncClient:
    api = service_api("pasc-runtime", description="demo", tags=[{"name": "demo"}])

    @api.post("/v1/body", tags=["demo"], responses=error_responses(409), **OPEN)
    async def body(body: Body) -> dict[str, int]:
        return {"percent": body.percent}

    @api.get("/v1/refused", **OPEN)
    async def refused() -> None:
        raise ApiError(409, "conflict", "Yêu cầu thử bị từ chối.", "name")

    @api.get("/v1/bare", **OPEN)
    async def bare(kind: Annotated[str, Query(pattern="^(404|413|str)$")]) -> None:
        if kind == "str":
            raise HTTPException(400, "mã cơ quan không hợp lệ")
        raise HTTPException(int(kind))

    @api.get("/v1/data", **OPEN)
    async def data() -> None:
        raise asyncpg.DataError("value 1e30 out of range for column x")

    @api.get("/v1/keyed", **KEYED)
    async def keyed(x_api_key: Annotated[str | None, Query()] = None) -> None:
        return None

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://svc")


@pytest.mark.parametrize(
    ("method", "path", "json", "status", "expected"),
    [
        (
            "GET",
            "/v1/refused",
            None,
            409,
            {"code": "conflict", "message": "Yêu cầu thử bị từ chối.", "field": "name"},
        ),
        (
            "GET",
            "/v1/bare?kind=404",
            None,
            404,
            {"code": "not_found", "message": "Không tìm thấy.", "field": None},
        ),
        (
            "GET",
            "/v1/bare?kind=413",
            None,
            413,
            {"code": "payload_too_large", "message": "Nội dung yêu cầu quá lớn.", "field": None},
        ),
        (
            "GET",
            "/v1/bare?kind=str",
            None,
            400,
            {"code": "invalid_request", "message": "mã cơ quan không hợp lệ", "field": None},
        ),
        (
            "GET",
            "/v1/nothing-here",
            None,
            404,
            {"code": "not_found", "message": "Không tìm thấy.", "field": None},
        ),
        (
            "DELETE",
            "/v1/refused",
            None,
            405,
            {
                "code": "method_not_allowed",
                "message": "Phương thức HTTP này không được hỗ trợ ở đây.",
                "field": None,
            },
        ),
        (
            "POST",
            "/v1/body",
            {"percent": 101, "name": "a"},
            422,
            {
                "code": "invalid_field",
                "message": "percent: phải nhỏ hơn hoặc bằng 100",
                "field": "percent",
            },
        ),
        (
            "POST",
            "/v1/body",
            {"percent": 1},
            422,
            {"code": "missing_field", "message": "name: thiếu trường bắt buộc", "field": "name"},
        ),
        (
            "POST",
            "/v1/body",
            {"percent": 1, "name": "abcdef"},
            422,
            {"code": "invalid_field", "message": "name: dài quá 5 ký tự", "field": "name"},
        ),
        (
            "GET",
            "/v1/bare?kind=x",
            None,
            422,
            {
                "code": "invalid_field",
                "message": "query.kind: không đúng định dạng",
                "field": "query.kind",
            },
        ),
        (
            "GET",
            "/v1/data",
            None,
            400,
            {"code": "invalid_value", "message": "Giá trị không hợp lệ.", "field": None},
        ),
    ],
)
async def test_every_refusal_answers_the_one_body(
    method: str, path: str, json: object, status: int, expected: dict[str, object]
) -> None:
    async with client() as http:
        answer = await http.request(method, path, json=json)
    assert answer.status_code == status
    assert answer.json() == {"error_code": str(status), **expected}


async def test_openapi_documents_version_security_errors_and_tags() -> None:
    async with client() as http:
        spec = (await http.get("/openapi.json")).json()
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", spec["info"]["version"])
    assert spec["tags"] == [{"name": "demo"}]
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schemes["ApiKey"]["description"],
    }
    assert schemes["HTTPBearer"]["bearerFormat"] == "JWT"
    body = spec["paths"]["/v1/body"]["post"]
    assert body["security"] == []
    assert body["responses"]["409"]["content"]["application/json"]["examples"]["conflict"][
        "value"
    ] == {
        "error_code": "409",
        "code": "conflict",
        "message": "Yêu cầu xung đột với dữ liệu hiện có.",
        "field": None,
    }
    assert body["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert spec["paths"]["/v1/keyed"]["get"]["security"] == [{"ApiKey": []}]
    assert "/docs" not in spec["paths"]


async def test_docs_are_served_from_bundled_assets_only() -> None:
    async with client() as http:
        page = (await http.get("/docs")).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert assets and all(a.startswith("/docs/assets/") for a in assets), assets
        assert "https://" not in page.replace("https://www.w3.org", "")
        for asset in assets:
            answer = await http.get(asset)
            assert answer.status_code == 200 and len(answer.content) > 500, asset
        plain = await http.get(
            "/docs/assets/swagger-ui-bundle.js", headers={"Accept-Encoding": "identity"}
        )
        assert "Content-Encoding" not in plain.headers and b"SwaggerUI" in plain.content
        missing = await http.get("/docs/assets/../../etc/passwd")
        assert missing.status_code == 404


async def test_asyncapi_page_and_full_document_from_the_registry() -> None:
    document = asyncapi_document("integration-gateway")
    assert "gateway_ingress_dvcqg_v1" in document["channels"]
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", document["info"]["version"])
    routes = dict(asyncapi_routes("integration-gateway"))
    assert set(routes) == {
        "/asyncapi",
        "/asyncapi.json",
        "/asyncapi/assets/asyncapi.js",
        "/asyncapi/assets/asyncapi.css",
    }
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=routes["/asyncapi.json"]), base_url="http://svc"
    ) as http:
        assert (await http.get("/asyncapi.json")).json() == document
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=routes["/asyncapi/assets/asyncapi.js"]),
        base_url="http://svc",
    ) as http:
        packed = await http.get("/asyncapi/assets/asyncapi.js", headers={"Accept-Encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip"
        assert b"AsyncApiStandalone" in packed.content  # httpx decodes gzip
        assert len(gzip.compress(packed.content)) > 100_000


def test_the_code_table_is_up_to_date() -> None:
    """docs/ma-loi.md is what the registry says (python -m pasc_runtime.error_table)."""
    assert error_table.main(["--check", "--root", str(ROOT)]) == 0, (
        "run: python -m pasc_runtime.error_table"
    )


def test_a_code_cannot_be_registered_twice_differently() -> None:
    assert define("not_found", 404, "Không tìm thấy.") is REGISTRY["not_found"]
    with pytest.raises(ValueError, match="not_found"):
        define("not_found", 404, "Một thông báo khác.")
    assert REGISTRY["not_found"].message == "Không tìm thấy."
