"""What the gateway's routes share: the service's parts (one `Gateway` on the app, a FastAPI
dependency), reading a body within its limits, auditing a refusal, and who is calling.

Department routes admit API keys or adapter sessions (never Keycloak tokens); admin routes are
declared for the operator's Keycloak token, plus ADMIN_TOKEN where it is set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Header, HTTPException, Request
from pydantic import BaseModel, ValidationError

from integration_gateway.adapters import audit
from integration_gateway.adapters.key_vault import KeyVault
from integration_gateway.app import errors, identity
from integration_gateway.app.identity import Caller
from integration_gateway.app.metrics import GatewayMetrics
from integration_gateway.domain.bounded_json import UnreadableJson, loads_bounded
from integration_gateway.domain.identity import hmac_equal, key_id_of
from integration_gateway.settings import Settings
from pasc_runtime.api_errors import ApiError, describe_all, error_field
from pasc_runtime.auth import Access, Denied, Principal
from pasc_runtime.auth.access import client_address
from pasc_runtime.auth.tokens import InvalidToken, IssuerUnavailable
from pasc_runtime.http_guard import read_body


@dataclass(frozen=True)
class Gateway:
    """The parts of the service a request needs."""

    pool: Callable[[], asyncpg.Pool]
    settings: Settings
    metrics: GatewayMetrics
    access: Access
    vault: KeyVault

    @property
    def admin_token(self) -> str | None:
        token = self.settings.admin_token
        return token.get_secret_value() if token else None


def gateway(request: Request) -> Gateway:
    found: Gateway = request.app.state.gateway
    return found


GatewayDep = Annotated[Gateway, Depends(gateway)]


def endpoint(request: Request) -> str:
    """The route's template (bounded label values), not the raw path."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def invalid_body(exc: ValidationError, tag: Any = None) -> ApiError:
    """The body's first problems, each with its field; `tag`: the branch of a tagged union
    the body chose (pydantic puts it first in each location: the caller never wrote it)."""
    found: list[dict[str, Any]] = []
    for error in exc.errors():
        item = dict(error)
        if tag is not None and error["loc"][:1] == (tag,):
            item["loc"] = error["loc"][1:]
        found.append(item)
    return ApiError(400, errors.INVALID_BODY.code, describe_all(found), error_field(found[0]))


def parse(model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_body(exc) from exc


async def read_json(gw: Gateway, request: Request) -> Any:
    """The body as JSON: 413 past MAX_BODY_BYTES, 408 when slower than BODY_TIMEOUT_S, 400
    when it is not JSON (or nested or numbered beyond any real body)."""
    try:
        body = await read_body(request, gw.settings.max_body_bytes, gw.settings.body_timeout_s)
    except HTTPException as exc:
        code = "payload_too_large" if exc.status_code == 413 else "request_timeout"
        raise ApiError(exc.status_code, code, str(exc.detail)) from None
    try:
        return loads_bounded(bytes(body))
    except UnreadableJson as exc:
        raise ApiError(400, "invalid_json", str(exc)) from exc


async def refuse(
    gw: Gateway, request: Request, error: ApiError, actor: str, **details: Any
) -> ApiError:
    """Audit a refused request (never the secret presented, at most its public key id)."""
    async with gw.pool().acquire() as conn:
        await audit.record(
            conn,
            actor=actor,
            action=f"http {request.method} {request.url.path}",
            outcome=f"refused {error.status}",
            details={"client": request.client.host if request.client else None, **details},
        )
    gw.metrics.requests.labels(endpoint(request), str(error.status)).inc()
    return error


async def admitted(
    gw: Gateway, request: Request, found: Caller | None, presented: str | None
) -> Caller:
    """The one admission step of department routes, whatever the credential: a Keycloak
    token is the wrong kind (403), none or a bad one 401 (and counts towards the address's
    lockout), a claimed agency must be the key's, and each key has its rate limit."""
    if found is None and presented and await _is_valid_token(gw, presented):
        # A person or service signed in with Keycloak: authenticated, but these routes
        # belong to the departments' systems and their API keys or adapter sessions.
        gw.access.refusals.labels("role").inc()
        raise Denied(403, "api_key_route")
    if found is None:
        await gw.access.failed(client_address(request), "api_key")
        raise await refuse(
            gw,
            request,
            ApiError(401, errors.API_KEY_REQUIRED.code),
            "anonymous",
            presented_key_id=key_id_of(presented or ""),
        )
    try:
        found = await identity.bind_lineage(gw.pool(), found, gw.settings.lineage_transition_days)
    except identity.AgencyEnded as exc:
        raise await refuse(
            gw,
            request,
            ApiError(403, exc.code, str(exc)),
            found.actor,
            code=exc.code,
            decision_no=exc.succession.decision_no,
        ) from None
    claimed = request.headers.get("x-pasc-agency")
    if claimed is not None and claimed not in (found.agency_code, found.sent_as):
        message = f"X-PASC-Agency: khóa này thuộc {found.agency_code}, không phải {claimed[:16]}"
        raise await refuse(
            gw,
            request,
            ApiError(403, errors.AGENCY_MISMATCH.code, message, "X-PASC-Agency"),
            found.actor,
            claimed=claimed[:16],
        )
    await gw.access.count_api_key(found.key_id)
    return found


async def _is_valid_token(gw: Gateway, presented: str) -> bool:
    if presented.count(".") != 2:  # API keys are not JWTs
        return False
    try:
        await gw.access.verifier.verify(presented)
    except (InvalidToken, IssuerUnavailable):
        return False
    return True


async def caller(
    request: Request,
    gw: GatewayDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
    x_pasc_agency: Annotated[
        str | None, Header(description="The agency the key belongs to (checked if sent).")
    ] = None,
) -> Caller:
    """The department system calling with its API key (X-API-Key or Authorization: Bearer)."""
    presented = x_api_key or (authorization or "").removeprefix("Bearer ").strip() or None
    await gw.access.refuse_if_locked_out(client_address(request))
    found = await identity.authenticate(gw.pool(), presented)
    return await admitted(gw, request, found, presented)


CallerDep = Annotated[Caller, Depends(caller)]


async def admin(
    request: Request,
    gw: GatewayDep,
    x_admin_token: Annotated[str | None, Header()] = None,
) -> str:
    """The operator calling an admin route: the route's declaration already checked the
    bearer token's operator role; where ADMIN_TOKEN is set it is required as well."""
    principal: Principal = request.state.principal
    expected = gw.admin_token
    if expected and (x_admin_token is None or not hmac_equal(x_admin_token, expected)):
        raise await refuse(
            gw, request, ApiError(401, errors.ADMIN_TOKEN_REQUIRED.code), principal.actor
        )
    return principal.actor


AdminDep = Annotated[str, Depends(admin)]
