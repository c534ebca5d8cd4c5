"""Real tokens from the local Keycloak's pasc realm (deploy/keycloak/realm-pasc.json).

Each realm role has a user of the same purpose (password = user name, local realm only)."""

from __future__ import annotations

import functools
import os

import httpx

from pasc_runtime.auth import Role
from pasc_runtime.auth.client import KeycloakAuth, token_endpoint
from pasc_runtime.settings import LOCAL_OIDC_ISSUER

ISSUER = os.environ.get("OIDC_ISSUER", LOCAL_OIDC_ISSUER)
USER_OF_ROLE = {
    Role.DEPARTMENT_SYSTEM: "department",
    Role.CENTER_OFFICE: "office",
    Role.CATALOG_OFFICER: "catalog",
    Role.DECISION_RECORDER: "recorder",
    Role.CIOC: "cioc",
    Role.OPERATOR: "operator",
}
NO_ROLE_USER = "nobody"
DEMO_USER = "demo"  # every staff role: for tests that drive the whole Center


def reachable() -> bool:
    try:
        return httpx.get(f"{ISSUER}/.well-known/openid-configuration", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


@functools.cache
def auth(user: str) -> KeycloakAuth:
    """An httpx auth that signs requests in as `user` (tokens renewed before they expire)."""
    return KeycloakAuth.password(user, user, issuer=ISSUER)


def auth_for(role: Role) -> KeycloakAuth:
    return auth(USER_OF_ROLE[role])


def token(user: str) -> str:
    return auth(user).token()


def bearer(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(user)}"}


def raw_token(form: dict[str, str], issuer: str = ISSUER) -> str:
    """A token of any grant (e.g. another client or realm), fetched once, not cached."""
    response = httpx.post(token_endpoint(issuer), data=form, timeout=10)
    response.raise_for_status()
    return str(response.json()["access_token"])
