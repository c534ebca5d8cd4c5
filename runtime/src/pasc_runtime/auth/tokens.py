"""Bearer JWTs checked against the issuer's JWKS with PyJWT: signature, issuer, audience, expiry.

The signing keys come from the issuer's discovery document (`jwks_uri`). A token signed with a
key id the cached set lacks triggers one refetch (Keycloak rotated its keys), but at most once
per `refetch_interval_s`: a flood of tokens with made-up key ids cannot turn the services into
a flood of requests to Keycloak.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

ALGORITHMS = [
    "RS256",
    "PS256",
    "ES256",
]  # asymmetric only: an HMAC "signed" with the public key fails
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


class InvalidToken(Exception):
    """The token is refused; `reason` is for logs and metrics (never shown with the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IssuerUnavailable(Exception):
    """The issuer's keys cannot be fetched: the caller gets 503, not 401 (not their fault)."""


@dataclass(frozen=True)
class Principal:
    subject: str
    username: str | None
    client: str | None
    roles: frozenset[str]

    @property
    def actor(self) -> str:
        """How audit rows name the caller."""
        return f"oidc:{self.username or self.subject}"


class TokenVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str,
        *,
        jwks_url: str | None = None,
        leeway_s: float = 10.0,
        refetch_interval_s: float = 30.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self._jwks_url = jwks_url
        self._leeway = leeway_s
        self._refetch_interval = refetch_interval_s
        self._http = http or httpx.AsyncClient(timeout=5.0)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _jwks_uri(self) -> str:
        if self._jwks_url is None:
            response = await self._http.get(f"{self.issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            self._jwks_url = str(response.json()["jwks_uri"])
        return self._jwks_url

    async def warm_up(self) -> None:
        """Fetch the keys now (at start-up), so the first request does not wait for them."""
        await self._refresh()

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self._refetch_interval:
                return  # fetched a moment ago (maybe by a concurrent request)
            self._fetched_at = time.monotonic()
            try:
                response = await self._http.get(await self._jwks_uri())
                response.raise_for_status()
                document = response.json()
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                self._fetched_at = float("-inf")  # try again with the next request
                raise IssuerUnavailable(f"issuer keys unavailable: {type(exc).__name__}") from exc
            keys: dict[str, jwt.PyJWK] = {}
            for entry in document.get("keys", []):
                if entry.get("use", "sig") != "sig" or "kid" not in entry:
                    continue  # Keycloak also publishes an encryption key
                try:
                    keys[entry["kid"]] = jwt.PyJWK.from_dict(entry)
                except jwt.PyJWKError:
                    continue  # a key type this process cannot use is not a reason to fail
            self._keys = keys

    async def _key(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys:
            await self._refresh()
        found = self._keys.get(kid)
        if found is None:
            raise InvalidToken("signed with a key the issuer does not publish")
        return found

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("not a JWT") from exc
        kid = header.get("kid")
        if not isinstance(kid, str) or header.get("alg") not in ALGORITHMS:
            raise InvalidToken("no key id, or an algorithm that is not allowed")
        key = await self._key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self._leeway,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise InvalidToken("wrong audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise InvalidToken("wrong issuer") from exc
        except jwt.InvalidSignatureError as exc:
            raise InvalidToken("bad signature") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid: {type(exc).__name__}") from exc
        roles = claims.get("roles", [])
        return Principal(
            subject=str(claims["sub"]),
            username=_str_or_none(claims.get("preferred_username")),
            client=_str_or_none(claims.get("azp")),
            roles=frozenset(r for r in roles if isinstance(r, str))
            if isinstance(roles, list)
            else frozenset(),
        )

    async def aclose(self) -> None:
        await self._http.aclose()


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
