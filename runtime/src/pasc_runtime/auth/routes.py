"""Roles on module-level routers: the declarations of `Access.allow`/`Access.public` without
the Access instance at import time.

    router = APIRouter()

    @router.get("/v1/procedures", **allow(*STAFF))
    async def search(...): ...

The service's `Access` is found on the app when a request comes (`bind(api, access)` puts it
there), so the routes can live at module level while the rate limits and refusal counters
stay per app. The OpenAPI extensions (`x-pasc-roles`, `x-pasc-credential`) are the same as
`Access.allow`'s: the route-walking test reads them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials

from pasc_runtime.api_errors import ApiError, error_responses
from pasc_runtime.auth.access import BEARER, Access, bearer_extra
from pasc_runtime.auth.roles import CREDENTIAL_EXTENSION, PUBLIC, ROLES_EXTENSION, Role
from pasc_runtime.auth.tokens import Principal

# What every signed-in route may answer before it runs (the codes of pasc_runtime.auth).
SIGNED_IN_REFUSALS = (
    ApiError(401, "auth_required"),
    ApiError(401, "token_invalid"),
    ApiError(403, "role_forbidden"),
    ApiError(429, "rate_limited"),
    ApiError(503, "issuer_unavailable"),
)


def refusals(*examples: ApiError | int) -> dict[int | str, dict[str, Any]]:
    """A signed-in route's `responses=`: the refusals of `allow` and the route's own `examples`."""
    return error_responses(*SIGNED_IN_REFUSALS, *examples)


def bind(api: FastAPI, access: Access) -> None:
    """Make `access` the one that the module-level declarations of `api`'s routes use."""
    api.state.access = access


def access_of(request: Request) -> Access:
    access = getattr(request.app.state, "access", None)
    if not isinstance(access, Access):
        raise RuntimeError("the app has no Access: call pasc_runtime.auth.routes.bind(api, access)")
    return access


def allow(*roles: Role, openapi: dict[str, Any] | None = None) -> dict[str, Any]:
    """Route keyword arguments: only a bearer token with one of `roles` gets through.
    `openapi`: more of the operation's OpenAPI (e.g. a request body the route reads itself)."""
    if not roles:
        raise ValueError("allow() needs at least one role; use public() for open routes")
    wanted = frozenset(r.value for r in roles)

    async def guard(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    ) -> Principal:
        return await access_of(request).require(request, credentials, wanted)

    extra = {**(openapi or {}), **bearer_extra(wanted)}
    return {"dependencies": [Depends(guard)], "openapi_extra": extra}


def public(*, limited: bool = False) -> dict[str, Any]:
    """Route keyword arguments for a route everyone may call; `limited`: per client address."""

    async def per_address(request: Request) -> None:
        await access_of(request).count_public(request)

    extra = {ROLES_EXTENSION: [PUBLIC], CREDENTIAL_EXTENSION: "none"}
    return {"openapi_extra": extra, "dependencies": [Depends(per_address)] if limited else []}


def caller(request: Request) -> Principal:
    """The signed-in caller of a route declared with `allow` (its guard runs first)."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise RuntimeError("caller() on a route without allow(): no principal")
    return principal


Caller = Annotated[Principal, Depends(caller)]
