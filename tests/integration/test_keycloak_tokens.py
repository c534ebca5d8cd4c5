"""Tokens from the real Keycloak: expired, wrong-audience, wrong-issuer and forged ones get 401;
rate limits answer 429 with Retry-After and are counted in Prometheus.

(That each role's token opens exactly its routes is test_route_roles.py's walk.)"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from support import keycloak
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration
READ = "/v1/agencies"  # catalog-service: any staff role may read it


@pytest.fixture(scope="module")
def catalog(kafka_bootstrap: str, database_url: str, keycloak: str) -> Iterator[RunningService]:
    env = {"OIDC_LEEWAY_S": "0", "RATE_LIMIT_AUTH_FAILURES": "1000/minute"}
    with run_service(
        "catalog_service", kafka=kafka_bootstrap, database_url=database_url, extra_env=env
    ) as service:
        yield service


def _claims(token: str) -> dict[str, object]:
    return dict(json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "==")))


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_good_token_is_accepted(catalog: RunningService) -> None:
    response = httpx.get(f"{catalog.url}{READ}", headers=keycloak.bearer("cioc"), timeout=10)
    assert response.status_code == 200, response.text


def test_an_expired_token_is_refused(catalog: RunningService) -> None:
    token = keycloak.raw_token(
        {
            "grant_type": "password",
            "client_id": "pasc-test-short-lived",
            "username": "cioc",
            "password": "cioc",
        }
    )
    lifetime = int(_claims(token)["exp"]) - int(_claims(token)["iat"])  # type: ignore[call-overload]
    assert lifetime <= 5
    fresh = httpx.get(f"{catalog.url}{READ}", headers={"Authorization": f"Bearer {token}"})
    assert fresh.status_code == 200  # the same token, before it expires
    time.sleep(lifetime + 1.5)
    expired = httpx.get(f"{catalog.url}{READ}", headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401
    assert expired.json() == {
        "error_code": "401",
        "code": "token_invalid",
        "message": "Token không hợp lệ hoặc đã hết hạn.",
        "field": None,
    }
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]


def test_a_token_for_another_audience_is_refused(catalog: RunningService) -> None:
    token = keycloak.raw_token(
        {
            "grant_type": "password",
            "client_id": "pasc-outsider",
            "client_secret": "pasc-outsider-dev-secret",
            "username": "cioc",
            "password": "cioc",
        }
    )
    assert "catalog-service" not in (_claims(token).get("aud") or [])
    assert "cioc" in _claims(token)["roles"]  # type: ignore[operator]  # the role alone is not enough
    response = httpx.get(f"{catalog.url}{READ}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_token_of_another_issuer_is_refused(catalog: RunningService) -> None:
    """A genuine Keycloak token of the master realm (the local stack's administrator)."""
    master = keycloak.ISSUER.rsplit("/realms/", 1)[0] + "/realms/master"
    token = keycloak.raw_token(
        {
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": "admin",
            "password": "admin",
        },
        issuer=master,
    )
    assert _claims(token)["iss"] == master
    response = httpx.get(f"{catalog.url}{READ}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_forged_tokens_are_refused(catalog: RunningService) -> None:
    real = keycloak.token("nobody")
    header, _payload, signature = real.split(".")
    claims = _claims(real)
    promoted = {**claims, "roles": ["cioc", "operator"]}
    kid = json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]
    own_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = {
        "payload changed, signature kept": f"{header}.{_b64(promoted)}.{signature}",
        "alg none": jwt.encode(promoted, key=None, algorithm="none"),  # type: ignore[arg-type]
        "signed with another key, Keycloak's kid": jwt.encode(
            promoted, own_key, algorithm="RS256", headers={"kid": kid}
        ),
        "HS256 keyed with the kid": jwt.encode(
            promoted, kid, algorithm="HS256", headers={"kid": kid}
        ),
        "not a JWT": "Zm9vYmFy",
    }
    for what, token in forged.items():
        response = httpx.get(f"{catalog.url}{READ}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, f"{what}: {response.status_code}"
    assert (
        httpx.get(f"{catalog.url}{READ}", headers={"Authorization": f"Bearer {real}"}).status_code
        == 403
    )


@pytest.fixture(scope="module")
def gateway(kafka_bootstrap: str, database_url: str, keycloak: str) -> Iterator[RunningService]:
    env = {
        "RATE_LIMIT_PUBLIC": "5/minute",
        "RATE_LIMIT_API_KEY": "3/minute",
        "RATE_LIMIT_AUTH_FAILURES": "4/minute",
    }
    with run_service(
        "integration_gateway", kafka=kafka_bootstrap, database_url=database_url, extra_env=env
    ) as service:
        yield service


def limited_count(service: RunningService, limit: str) -> float:
    text = httpx.get(f"{service.url}/metrics", timeout=10).text
    line = f'pasc_rate_limited_total{{limit="{limit}"}}'
    return sum(float(row.split()[-1]) for row in text.splitlines() if row.startswith(line))


def test_public_lookups_api_keys_and_failed_sign_ins_are_rate_limited(
    gateway: RunningService,
) -> None:
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        lookups = [client.get("/v1/public/dossiers/NO-SUCH-DOSSIER").status_code for _ in range(6)]
        assert lookups == [404] * 5 + [429]
        issued = client.post("/admin/keys", json={"agency": "SXD"}, auth=keycloak.auth("operator"))
        assert issued.status_code == 201, issued.text
        key = {"X-API-Key": issued.json()["api_key"]}
        body = {"service": "DongBoHoSoMC", "isUpdating": "False", "data": []}
        calls = [client.post("/v1/dvcqg/DongBoHoSoMC", json=body, headers=key) for _ in range(4)]
        assert [c.status_code for c in calls][-1] == 429
        assert all(c.status_code != 429 for c in calls[:3])
        assert int(calls[-1].headers["retry-after"]) >= 1

        failures = [
            client.post("/v1/dvcqg/DongBoHoSoMC", json=body, headers={"X-API-Key": "pasc_x"})
            for _ in range(4)
        ]
        assert [f.status_code for f in failures] == [401] * 4
        locked = client.get("/admin/keys", auth=keycloak.auth("operator"))  # a valid token
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) >= 1
        assert locked.json() == {
            "error_code": "429",
            "code": "rate_limited",
            "message": "Quá nhiều yêu cầu; vui lòng thử lại sau.",
            "field": None,
        }
    assert limited_count(gateway, "public") == 1
    assert limited_count(gateway, "api_key") == 1
    assert limited_count(gateway, "auth_failures") >= 1
