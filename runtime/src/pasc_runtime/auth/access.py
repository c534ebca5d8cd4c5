"""Roles on routes, for FastAPI. One declaration per route both documents and enforces:

    @api.post("/v1/decisions", **access.allow(Role.DECISION_RECORDER))
    @api.get("/v1/public/procedures", **access.public())

`allow` adds a dependency that checks the bearer token (401 without a valid one, 403 without
one of the roles, 429 past a limit) and writes the roles into the route's OpenAPI operation
(`x-pasc-roles`), which the route-walking test reads: a route without `x-pasc-roles` fails it.
`api_key` only declares: the route enforces an API key with its own dependency (the gateway's
department systems).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CollectorRegistry, Counter

from pasc_runtime.auth.ratelimit import Limited, RateLimits
from pasc_runtime.auth.roles import CREDENTIAL_EXTENSION, MESSAGES, PUBLIC, ROLES_EXTENSION, Role
from pasc_runtime.auth.tokens import InvalidToken, IssuerUnavailable, Principal, TokenVerifier

log = logging.getLogger(__name__)
RefusalHook = Callable[[Request, int, str], Awaitable[None]]
BEARER = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="An access token from the PASC realm's Keycloak (its `roles` claim).",
)
DEFAULT_LIMITS = {
    "public": "120/minute",  # per client address, on public lookups
    "auth_failures": "20/minute",  # per client address: failed authentications
    "subject": "1200/minute",  # per token subject
    "api_key": "1200/minute",  # per API key
}


class Denied(HTTPException):
    """A refusal with a stable machine code and a Vietnamese message."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, {"code": code, "message": MESSAGES[code]}, headers)


def too_many(exc: Limited) -> Denied:
    return Denied(429, "rate_limited", {"Retry-After": str(exc.retry_after_s)})


def bearer_extra(wanted: frozenset[str]) -> dict[str, Any]:
    """The OpenAPI extension of a bearer-token route: its roles, its credential."""
    return {ROLES_EXTENSION: sorted(wanted), CREDENTIAL_EXTENSION: "bearer"}


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class Access:
    def __init__(
        self,
        verifier: TokenVerifier,
        registry: CollectorRegistry,
        limits: dict[str, str] | None = None,
    ) -> None:
        self.verifier = verifier
        self.limits = RateLimits({**DEFAULT_LIMITS, **(limits or {})}, registry)
        self.refusals = Counter(
            "pasc_auth_refusals_total",
            "Requests refused by authentication or authorization, by reason",
            ["reason"],
            registry=registry,
        )
        self._hooks: list[RefusalHook] = []

    def on_refusal(self, hook: RefusalHook) -> None:
        """Call `hook(request, status, reason)` for every 401/403 (e.g. to audit it)."""
        self._hooks.append(hook)

    async def _refused(self, request: Request, status: int, reason: str) -> None:
        self.refusals.labels(reason).inc()
        await self._run_hooks(request, status, reason)

    # --- declarations ------------------------------------------------------------------------

    def allow(self, *roles: Role) -> dict[str, Any]:
        """Route keyword arguments: only a bearer token with one of `roles` gets through."""
        if not roles:
            raise ValueError("allow() needs at least one role; use public() for open routes")
        wanted = frozenset(r.value for r in roles)

        async def guard(
            request: Request,
            credentials: HTTPAuthorizationCredentials | None = Depends(BEARER),  # noqa: B008
        ) -> Principal:
            return await self.require(request, credentials, wanted)

        return {"dependencies": [Depends(guard)], "openapi_extra": bearer_extra(wanted)}

    def public(self, *, limited: bool = False) -> dict[str, Any]:
        """Route keyword arguments for a route everyone may call; `limited`: per client address."""

        async def per_address(request: Request) -> None:
            await self.count_public(request)

        extra = {ROLES_EXTENSION: [PUBLIC], CREDENTIAL_EXTENSION: "none"}
        return {"openapi_extra": extra, "dependencies": [Depends(per_address)] if limited else []}

    @staticmethod
    def api_key(*roles: Role) -> dict[str, Any]:
        """Route keyword arguments declaring roles that the route's own API-key check enforces."""
        extra = {ROLES_EXTENSION: sorted(r.value for r in roles), CREDENTIAL_EXTENSION: "api-key"}
        return {"openapi_extra": extra}

    # --- checks ------------------------------------------------------------------------------

    async def require(
        self,
        request: Request,
        credentials: HTTPAuthorizationCredentials | None,
        wanted: frozenset[str],
    ) -> Principal:
        """The caller, holding one of the `wanted` roles; 401/403/429/503 otherwise."""
        principal = await self.authenticate(request, credentials)
        if not wanted & principal.roles:
            await self._refused(request, 403, "role")
            raise Denied(403, "role_forbidden")
        return principal

    async def count_public(self, request: Request) -> None:
        """Count a public request against its client address's limit; 429 past it."""
        try:
            await self.limits.check("public", client_address(request))
        except Limited as exc:
            raise too_many(exc) from None

    async def authenticate(
        self, request: Request, credentials: HTTPAuthorizationCredentials | None
    ) -> Principal:
        """The caller of a bearer-token route; 401/429/503 when there is none."""
        address = client_address(request)
        try:
            await self.limits.exhausted("auth_failures", address)
        except Limited as exc:
            raise too_many(exc) from None
        if credentials is None:
            await self.failed(address, "missing")
            await self._run_hooks(request, 401, "missing")
            raise Denied(401, "auth_required", {"WWW-Authenticate": 'Bearer realm="pasc"'})
        try:
            principal = await self.verifier.verify(credentials.credentials)
        except InvalidToken as exc:
            await self.failed(address, "invalid")
            await self._run_hooks(request, 401, "invalid")
            log.info("bearer token refused from %s: %s", address, exc.reason)
            raise Denied(
                401, "token_invalid", {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            ) from None
        except IssuerUnavailable as exc:
            log.warning("cannot check bearer tokens: %s", exc)
            raise HTTPException(
                503, {"code": "issuer_unavailable", "message": "Chưa kiểm tra được đăng nhập."}
            ) from None
        try:
            await self.limits.check("subject", principal.subject)
        except Limited as exc:
            raise too_many(exc) from None
        request.state.principal = principal
        return principal

    async def _run_hooks(self, request: Request, status: int, reason: str) -> None:
        for hook in self._hooks:
            try:
                await hook(request, status, reason)
            except Exception:  # an audit failure must not turn a 401 into a 500
                log.exception("refusal hook failed")

    async def failed(self, address: str, reason: str) -> None:
        """Count an authentication failure of `address` (API-key routes call this too)."""
        self.refusals.labels(reason).inc()
        await self.limits.count("auth_failures", address)

    async def refuse_if_locked_out(self, address: str) -> None:
        try:
            await self.limits.exhausted("auth_failures", address)
        except Limited as exc:
            raise too_many(exc) from None

    async def count_api_key(self, key_id: str) -> None:
        try:
            await self.limits.check("api_key", key_id)
        except Limited as exc:
            raise too_many(exc) from None
