"""Bearer tokens, roles on routes and rate limits, without Keycloak (a local issuer).

The same checks against the real Keycloak are in tests/integration/test_keycloak_tokens.py."""

from __future__ import annotations

import base64
import json

import httpx
import jwt
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from pasc_runtime.auth import Access, InvalidToken, Role
from pasc_runtime.auth.testing import LocalIssuer

AUDIENCE = "catalog-service"


@pytest.fixture
def issuer() -> LocalIssuer:
    return LocalIssuer()


async def test_a_good_token_gives_its_subject_and_roles(issuer: LocalIssuer) -> None:
    verifier = issuer.verifier(AUDIENCE)
    token = issuer.token("cioc", "operator", audience=[AUDIENCE, "other"], subject="u-7")
    principal = await verifier.verify(token)
    assert principal.subject == "u-7"
    assert principal.roles == {"cioc", "operator"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"expires_in": -60}, "expired"),
        ({"audience": "reporting-service"}, "wrong audience"),
        ({"issuer": "https://evil.test/realms/pasc"}, "wrong issuer"),
    ],
)
async def test_expired_wrong_audience_and_wrong_issuer_are_refused(
    issuer: LocalIssuer, change: dict[str, object], reason: str
) -> None:
    verifier = issuer.verifier(AUDIENCE, leeway_s=0)
    token = issuer.token("cioc", **{"audience": AUDIENCE, **change})  # type: ignore[arg-type]
    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(token)
    assert refused.value.reason == reason


async def test_forged_tokens_are_refused(issuer: LocalIssuer) -> None:
    verifier = issuer.verifier(AUDIENCE)
    good = issuer.token("cioc", audience=AUDIENCE)
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["operator"]
    raised = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    unsigned = jwt.encode(claims, key=None, algorithm="none")  # type: ignore[arg-type]
    by_someone_else = LocalIssuer().token("operator", audience=AUDIENCE)
    for forged in (f"{header}.{raised}.{signature}", unsigned, by_someone_else, "not-a-jwt"):
        with pytest.raises(InvalidToken):
            await verifier.verify(forged)


async def test_a_rotated_key_is_fetched_once_and_unknown_keys_do_not_flood_the_issuer(
    issuer: LocalIssuer,
) -> None:
    verifier = issuer.verifier(AUDIENCE, refetch_interval_s=0)
    await verifier.verify(issuer.token("cioc", audience=AUDIENCE))
    issuer.rotate()
    await verifier.verify(issuer.token("cioc", audience=AUDIENCE))  # the new key id: refetched
    assert issuer.jwks_requests == 2
    slow = issuer.verifier(AUDIENCE, refetch_interval_s=3600)
    await slow.verify(issuer.token("cioc", audience=AUDIENCE))
    for _ in range(20):
        with pytest.raises(InvalidToken):
            await slow.verify(LocalIssuer().token("cioc", audience=AUDIENCE))
    assert issuer.jwks_requests == 3  # one fetch for `slow`, none for the 20 unknown key ids


def app_with(issuer: LocalIssuer, limits: dict[str, str] | None = None) -> tuple[FastAPI, Access]:
    access = Access(issuer.verifier(AUDIENCE), CollectorRegistry(), limits)
    api = FastAPI()

    @api.post("/v1/decisions", **access.allow(Role.DECISION_RECORDER))
    async def record() -> dict[str, str]:
        return {"ok": "yes"}

    @api.get("/v1/public/thing", **access.public(limited=True))
    async def lookup() -> dict[str, str]:
        return {"ok": "yes"}

    return api, access


async def test_roles_are_enforced_and_declared_in_openapi(issuer: LocalIssuer) -> None:
    api, _ = app_with(issuer)
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        none = await client.post("/v1/decisions")
        assert none.status_code == 401 and none.json()["detail"]["code"] == "auth_required"
        assert none.headers["www-authenticate"].startswith("Bearer")
        cioc = await client.post("/v1/decisions", headers=issuer.bearer("cioc", audience=AUDIENCE))
        assert cioc.status_code == 403 and cioc.json()["detail"]["code"] == "role_forbidden"
        recorder = issuer.bearer("decision-recorder", audience=AUDIENCE)
        assert (await client.post("/v1/decisions", headers=recorder)).status_code == 200
        spec = (await client.get("/openapi.json")).json()
    assert spec["paths"]["/v1/decisions"]["post"]["x-pasc-roles"] == ["decision-recorder"]
    assert spec["paths"]["/v1/public/thing"]["get"]["x-pasc-roles"] == ["public"]


async def test_public_lookups_and_failed_sign_ins_are_rate_limited_with_retry_after(
    issuer: LocalIssuer,
) -> None:
    api, access = app_with(issuer, {"public": "3/minute", "auth_failures": "2/minute"})
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        codes = [(await client.get("/v1/public/thing")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        bad = {"Authorization": "Bearer nonsense"}
        codes = [(await client.post("/v1/decisions", headers=bad)).status_code for _ in range(3)]
        assert codes == [401, 401, 429]
        good = issuer.bearer("decision-recorder", audience=AUDIENCE)
        locked = await client.post("/v1/decisions", headers=good)  # the address is locked out
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) >= 1
    assert locked.json()["detail"]["code"] == "rate_limited"
    assert access.limits.limited.labels("public")._value.get() == 1
    assert access.limits.limited.labels("auth_failures")._value.get() == 2


async def test_a_subject_is_limited_on_its_own(issuer: LocalIssuer) -> None:
    api, _ = app_with(issuer, {"subject": "2/minute"})
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        a = issuer.bearer("decision-recorder", audience=AUDIENCE, subject="a")
        b = issuer.bearer("decision-recorder", audience=AUDIENCE, subject="b")
        codes = [(await client.post("/v1/decisions", headers=a)).status_code for _ in range(3)]
        other = (await client.post("/v1/decisions", headers=b)).status_code
    assert codes == [200, 200, 429]
    assert other == 200
