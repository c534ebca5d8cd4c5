"""Getting tokens from Keycloak, for the CLI, the demo and the tests (an httpx.Auth).

Who signs in is read from the environment by `from_env`:
- PASC_CLIENT_ID + PASC_CLIENT_SECRET: a service account (client credentials grant);
- PASC_USERNAME + PASC_PASSWORD: a user of the local realm (the pasc-cli client's direct
  grant, which only the local development realm enables);
- otherwise the token `pasc login` (device code flow) saved for this user.
PASC_OIDC_ISSUER (default: the local Keycloak's pasc realm) names the issuer.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx

from pasc_runtime.settings import LOCAL_OIDC_ISSUER

CLI_CLIENT = "pasc-cli"
EARLY_S = 30  # renew a token this long before it expires
TOKEN_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pasc" / "token.json"


class SignInError(Exception):
    """No token could be had; the message says why (for the CLI's user)."""


def token_endpoint(issuer: str) -> str:
    return f"{issuer.rstrip('/')}/protocol/openid-connect/token"


class KeycloakAuth(httpx.Auth):
    """Adds `Authorization: Bearer` with a token of the grant given, renewed before expiry."""

    def __init__(self, issuer: str, form: dict[str, str], *, timeout: float = 10.0) -> None:
        self.issuer = issuer.rstrip("/")
        self._form = form
        self._timeout = timeout
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    @classmethod
    def password(
        cls,
        username: str,
        password: str,
        *,
        issuer: str = LOCAL_OIDC_ISSUER,
        client: str = CLI_CLIENT,
    ) -> KeycloakAuth:
        form = {"grant_type": "password", "client_id": client}
        return cls(issuer, {**form, "username": username, "password": password, "scope": "openid"})

    @classmethod
    def client_credentials(
        cls, client_id: str, secret: str, *, issuer: str = LOCAL_OIDC_ISSUER
    ) -> KeycloakAuth:
        form = {"grant_type": "client_credentials", "client_id": client_id}
        return cls(issuer, {**form, "client_secret": secret})

    @classmethod
    def refresh(cls, refresh_token: str, *, issuer: str = LOCAL_OIDC_ISSUER) -> KeycloakAuth:
        form = {"grant_type": "refresh_token", "client_id": CLI_CLIENT}
        return cls(issuer, {**form, "refresh_token": refresh_token})

    @classmethod
    def from_env(cls) -> KeycloakAuth:
        issuer = os.environ.get("PASC_OIDC_ISSUER", LOCAL_OIDC_ISSUER)
        if os.environ.get("PASC_CLIENT_ID") and os.environ.get("PASC_CLIENT_SECRET"):
            return cls.client_credentials(
                os.environ["PASC_CLIENT_ID"], os.environ["PASC_CLIENT_SECRET"], issuer=issuer
            )
        if os.environ.get("PASC_USERNAME") and os.environ.get("PASC_PASSWORD"):
            return cls.password(
                os.environ["PASC_USERNAME"], os.environ["PASC_PASSWORD"], issuer=issuer
            )
        if TOKEN_CACHE.exists():
            saved = json.loads(TOKEN_CACHE.read_text())
            return cls.refresh(saved["refresh_token"], issuer=saved.get("issuer", issuer))
        raise SignInError(
            "not signed in: run `pasc login`, or set PASC_USERNAME/PASC_PASSWORD "
            "(or PASC_CLIENT_ID/PASC_CLIENT_SECRET)"
        )

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.time() > self._expires_at - EARLY_S:
                self._token = self._fetch()
            return self._token

    def _fetch(self) -> str:
        try:
            response = httpx.post(
                token_endpoint(self.issuer), data=self._form, timeout=self._timeout
            )
        except httpx.HTTPError as exc:
            raise SignInError(f"Keycloak unreachable at {self.issuer}: {exc}") from exc
        if response.status_code != 200:
            raise SignInError(
                f"Keycloak refused the sign-in ({response.status_code}): {response.text[:200]}"
            )
        body: dict[str, Any] = response.json()
        self._expires_at = time.time() + float(body.get("expires_in", 60))
        if self._form["grant_type"] == "refresh_token" and "refresh_token" in body:
            self._form["refresh_token"] = str(body["refresh_token"])
        return str(body["access_token"])

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        yield request


def device_login(issuer: str = LOCAL_OIDC_ISSUER, *, show: Any = print) -> dict[str, Any]:
    """The device code flow (RFC 8628): the user opens a URL, the CLI polls for the token."""
    base = f"{issuer.rstrip('/')}/protocol/openid-connect"
    start = httpx.post(f"{base}/auth/device", data={"client_id": CLI_CLIENT}, timeout=10)
    if start.status_code != 200:
        raise SignInError(f"Keycloak refused the device sign-in: {start.text[:200]}")
    grant = start.json()
    show(f"Mở {grant['verification_uri_complete']} để đăng nhập (mã {grant['user_code']}).")
    deadline = time.monotonic() + float(grant.get("expires_in", 600))
    interval = float(grant.get("interval", 5))
    while time.monotonic() < deadline:
        time.sleep(interval)
        polled = httpx.post(
            f"{base}/token",
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "client_id": CLI_CLIENT,
                "device_code": grant["device_code"],
            },
            timeout=10,
        )
        body: dict[str, Any] = polled.json()
        if polled.status_code == 200:
            TOKEN_CACHE.parent.mkdir(parents=True, exist_ok=True)
            TOKEN_CACHE.touch(mode=0o600)
            TOKEN_CACHE.write_text(
                json.dumps({"issuer": issuer, "refresh_token": body["refresh_token"]})
            )
            return body
        if body.get("error") == "slow_down":
            interval += 5
        elif body.get("error") != "authorization_pending":
            raise SignInError(f"sign-in failed: {body.get('error_description') or body}")
    raise SignInError("sign-in timed out")
