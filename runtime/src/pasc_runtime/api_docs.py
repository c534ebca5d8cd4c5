"""API documents that work on the city's network: Swagger UI and the AsyncAPI page from assets
shipped in this package (docs_assets/, with their licences; no CDN), one version per service
from its package metadata, security schemes and the one error body in the OpenAPI document,
and each service's full AsyncAPI document from the topic registry.

A service builds its FastAPI app with `service_api(...)`; `Runtime.app` serves `/asyncapi`
and `/asyncapi.json` with `asyncapi_routes(...)`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from pasc_runtime import api_errors
from pasc_runtime.api_errors import ApiError, ErrorBody
from pasc_runtime.auth.roles import CREDENTIAL_EXTENSION, PUBLIC, ROLES_EXTENSION

ASSETS = files("pasc_runtime") / "docs_assets"
# The served name → the file in docs_assets (a .gz is sent compressed to browsers that accept it).
DOC_ASSETS = {
    "swagger-ui-bundle.js": ("swagger-ui/swagger-ui-bundle.js.gz", "text/javascript"),
    "swagger-ui.css": ("swagger-ui/swagger-ui.css.gz", "text/css"),
    "favicon.png": ("swagger-ui/favicon-32x32.png", "image/png"),
}
ASYNCAPI_ASSETS = {
    "asyncapi.js": ("asyncapi/index.js.gz", "text/javascript"),
    "asyncapi.css": ("asyncapi/default.min.css", "text/css"),
}
API_KEY_HEADER = "X-API-Key"
# The OpenAPI security schemes, by the credential a route declares (pasc_runtime.auth).
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "HTTPBearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from the PASC realm's Keycloak (its `roles` claim).",
    },
    "ApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": API_KEY_HEADER,
        "description": "A department system's API key (`pasc keys issue`); "
        "`Authorization: Bearer <key>` is accepted too.",
    },
}
SECURITY_BY_CREDENTIAL: dict[str, list[dict[str, list[str]]]] = {
    "bearer": [{"HTTPBearer": []}],
    "api-key": [{"ApiKey": []}],
    "none": [],
}
# Header parameters the security schemes already describe.
_CREDENTIAL_HEADERS = {"authorization", "x-api-key"}
_PUBLIC_ROUTE: dict[str, Any] = {
    "include_in_schema": False,
    "openapi_extra": {ROLES_EXTENSION: [PUBLIC], CREDENTIAL_EXTENSION: "none"},
}


def service_version(distribution: str) -> str:
    """The service's version from its package metadata (one string for OpenAPI and AsyncAPI)."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "0+unknown"


@cache
def _asset(path: str) -> bytes:
    return (ASSETS / path).read_bytes()


def _asset_response(request: Request | None, path: str, media_type: str) -> Response:
    data = _asset(path)
    headers = {"Cache-Control": "public, max-age=86400"}
    if path.endswith(".gz"):
        accepts = request.headers.get("accept-encoding", "") if request is not None else ""
        if "gzip" in accepts:
            headers["Content-Encoding"] = "gzip"
        else:
            data = gzip.decompress(data)
    return Response(data, media_type=media_type, headers=headers)


def service_api(
    service: str,
    *,
    description: str,
    tags: list[dict[str, str]] | None = None,
    distribution: str | None = None,
) -> FastAPI:
    """A service's FastAPI app: its version, tags, documented security schemes and error body,
    Swagger UI at /docs from the bundled assets, every refusal in the one error body."""
    api = FastAPI(
        title=service,
        description=description,
        version=service_version(distribution or service),
        openapi_tags=tags,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    api_errors.install(api)
    api.openapi = _openapi_of(api)  # type: ignore[method-assign]  # FastAPI's documented override

    @api.get("/docs", response_class=HTMLResponse, **_PUBLIC_ROUTE)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{service} {api.version}",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon.png",
            # No validator badge: it would call a public validator service.
            swagger_ui_parameters={"validatorUrl": None, "docExpansion": "list"},
        )

    @api.get("/docs/assets/{name}", **_PUBLIC_ROUTE)
    async def swagger_asset(name: str, request: Request) -> Response:
        if name not in DOC_ASSETS:
            raise ApiError(404, "not_found")
        return _asset_response(request, *DOC_ASSETS[name])

    return api


def _openapi_of(api: FastAPI) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = document(api)
        return api.openapi_schema

    return openapi


def document(api: FastAPI) -> dict[str, Any]:
    """FastAPI's document with the platform's security schemes and error body: each operation's
    `security` from the credential its route declares, and the credential headers left to them."""
    spec = get_openapi(
        title=api.title,
        version=api.version,
        description=api.description,
        routes=api.routes,
        tags=api.openapi_tags,
    )
    components = spec.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("ErrorBody", ErrorBody.model_json_schema())
    for item in spec.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            credential = operation.get(CREDENTIAL_EXTENSION)
            if credential in SECURITY_BY_CREDENTIAL:
                operation["security"] = SECURITY_BY_CREDENTIAL[credential]
            if "parameters" in operation:
                operation["parameters"] = [
                    p
                    for p in operation["parameters"]
                    if not (
                        p.get("in") == "header" and p.get("name", "").lower() in _CREDENTIAL_HEADERS
                    )
                ]
                if not operation["parameters"]:
                    del operation["parameters"]
            _error_shape(operation)
    for unused in ("HTTPValidationError", "ValidationError"):  # replaced by ErrorBody
        schemas.pop(unused, None)
    return spec


def _restore_null_fields(responses: dict[str, Any]) -> None:
    """FastAPI writes the document without nulls: an error example's `"field": null` is put
    back, since the body always carries it."""
    for answer in responses.values():
        for content in answer.get("content", {}).values():
            examples = [e.get("value") for e in content.get("examples", {}).values()]
            for value in [*examples, content.get("example")]:
                if isinstance(value, dict) and {"error_code", "code"} <= value.keys():
                    value.setdefault("field", None)


def _error_shape(operation: dict[str, Any]) -> None:
    """FastAPI documents a 422 with its own HTTPValidationError; the platform answers the one
    error body (ErrorBody) instead."""
    _restore_null_fields(operation.get("responses", {}))
    answer = operation.get("responses", {}).get("422")
    if answer is None:
        return
    example = api_errors.validation_refusal(
        [{"type": "missing", "loc": ("body", "field"), "msg": ""}]
    )
    answer["description"] = "Unprocessable Content"
    answer["content"] = {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/ErrorBody"},
            "example": example.body(),
        }
    }


# --- AsyncAPI ------------------------------------------------------------------------------------


def asyncapi_document(service: str, distribution: str | None = None) -> dict[str, Any]:
    """The service's full AsyncAPI document (contracts/asyncapi/<service>.json, from the topic
    registry), versioned like its OpenAPI document."""
    from pasc_contracts.spec.documents import asyncapi  # the registry's, not FastStream's

    document = asyncapi(service)
    document["info"]["version"] = service_version(distribution or service)
    return document


def asyncapi_html(title: str) -> str:
    """The AsyncAPI page: the bundled AsyncAPI React component renders /asyncapi.json."""
    config = {
        "show": {"sidebar": True, "info": True, "servers": True, "operations": True},
        "sidebar": {"showServers": "byDefault", "showOperations": "byDefault"},
        "expand": {"messageExamples": True},
    }
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} AsyncAPI</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon.png">
<link rel="stylesheet" href="/asyncapi/assets/asyncapi.css">
</head>
<body>
<div id="asyncapi"></div>
<script src="/asyncapi/assets/asyncapi.js"></script>
<script>
fetch("/asyncapi.json").then((answer) => answer.json()).then((schema) => {{
  AsyncApiStandalone.render({{schema, config: {json.dumps(config)}}}, document.getElementById("asyncapi"));
}});
</script>
</body>
</html>"""


class _Static:
    """A tiny ASGI app answering one fixed body (FastStream's asgi_routes take ASGI apps)."""

    def __init__(self, make: Callable[[Scope], Response]) -> None:
        self._make = make

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method", "GET") not in ("GET", "HEAD"):
            response: Response = ApiError(405, "method_not_allowed").response()
        else:
            response = self._make(scope)
        await response(scope, receive, send)


def asyncapi_routes(service: str, distribution: str | None = None) -> list[tuple[str, ASGIApp]]:
    """`/asyncapi` (the page), `/asyncapi.json` (the full document) and the page's assets."""
    body = json.dumps(asyncapi_document(service, distribution), ensure_ascii=False).encode()
    page = asyncapi_html(service)
    routes: list[tuple[str, ASGIApp]] = [
        ("/asyncapi", _Static(lambda scope: HTMLResponse(page))),
        (
            "/asyncapi.json",
            _Static(lambda scope: Response(body, media_type="application/json")),
        ),
    ]
    for name, (path, media_type) in ASYNCAPI_ASSETS.items():
        routes.append((f"/asyncapi/assets/{name}", _asset_app(path, media_type)))
    return routes


def _asset_app(path: str, media_type: str) -> _Static:
    return _Static(lambda scope: _asset_response(Request(scope), path, media_type))
