"""An issuer of its own for unit tests that run without Keycloak: an RSA key, its JWKS served
through httpx's MockTransport, and tokens signed with it. The services verify them exactly as
Keycloak's (signature, issuer, audience, expiry); only where the keys come from differs.
Integration tests use the real Keycloak (tests/support/keycloak.py)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from pasc_runtime.auth.tokens import TokenVerifier

TEST_ISSUER = "https://issuer.test/realms/pasc"


class LocalIssuer:
    def __init__(self, issuer: str = TEST_ISSUER) -> None:
        self.issuer = issuer
        self.kid = uuid.uuid4().hex
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwks_requests = 0

    def rotate(self) -> None:
        """A new signing key (the old one is no longer published)."""
        self.kid = uuid.uuid4().hex
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def _serve(self, request: httpx.Request) -> httpx.Response:
        self.jwks_requests += 1
        return httpx.Response(200, json=self.jwks())

    def verifier(self, audience: str, **kwargs: Any) -> TokenVerifier:
        transport = httpx.MockTransport(self._serve)
        return TokenVerifier(
            self.issuer,
            audience,
            jwks_url=f"{self.issuer}/certs",
            http=httpx.AsyncClient(transport=transport),
            **kwargs,
        )

    def token(
        self,
        *roles: str,
        audience: str | list[str],
        subject: str = "user-1",
        expires_in: int = 300,
        issuer: str | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": issuer or self.issuer,
            "aud": audience,
            "sub": subject,
            "iat": now,
            "exp": now + expires_in,
            "roles": list(roles),
            "preferred_username": subject,
            **claims,
        }
        return jwt.encode(payload, self._key, algorithm="RS256", headers={"kid": self.kid})

    def bearer(self, *roles: str, audience: str, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*roles, audience=audience, **kwargs)}"}


def use_local_issuer(app: Any, issuer: LocalIssuer) -> None:
    """Make a built service (build_app's result) trust `issuer` instead of Keycloak."""
    access = app.runtime.access
    access.verifier = issuer.verifier(access.verifier.audience)
