"""Every route of every service declares its roles, and the declaration is what is enforced.

For each service: the routes of its own API (hidden ones too) must carry `x-pasc-roles` (a
route without it fails this test: nobody adds an open route by accident); then, against the
running service and the real Keycloak, every operation of its OpenAPI document is called
- without a credential: 401 (public routes: anything but 401/403);
- with a real token of each role it does not declare, and of a user without roles: 403;
- with a real token of each role it declares: neither 401 nor 403 (the handler answers).
Routes that take a department system's API key answer 403 to every Keycloak token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.routing import Route

from pasc_runtime.auth import PUBLIC, ROLES_EXTENSION, Role
from pasc_runtime.auth.roles import CREDENTIAL_EXTENSION
from support import keycloak
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

SERVICES = ["integration_gateway", "task_service", "catalog_service", "reporting_service"]
# An early month with no dossiers: the walk needs answers, not heavy reports.
PATH_SAMPLES = {"month": "1901-01", "task_no": "1", "proposal_id": "1"}
# Many unauthenticated calls from one address are the point of this test, not an attack.
WALK_ENV = {"RATE_LIMIT_AUTH_FAILURES": "100000/minute", "RATE_LIMIT_PUBLIC": "100000/minute"}


def build(module: str) -> Any:
    package = __import__(f"{module}.bootstrap", fromlist=["build_app"])
    settings = __import__(f"{module}.settings", fromlist=["Settings"]).Settings()
    return package.build_app(settings)


FASTAPI_DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}  # public


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside included routers; any other kind of route fails the test
    (a mount or a plain Starlette route would escape the role declarations)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI keeps include_router()'s routers
            yield from api_routes(route.original_router.routes)
        else:
            assert isinstance(route, Route) and route.path in FASTAPI_DOCS, route


@pytest.mark.parametrize("module", SERVICES)
def test_every_route_declares_its_roles(module: str) -> None:
    """In code, including routes left out of the OpenAPI document (the dashboard)."""
    http = build(module).http_app
    routes = list(api_routes(http.routes))
    assert routes
    undeclared = [
        f"{sorted(r.methods)} {r.path}"
        for r in routes
        if not (r.openapi_extra or {}).get(ROLES_EXTENSION)
    ]
    assert not undeclared, f"{module}: routes without declared roles: {undeclared}"
    known = {PUBLIC, *(r.value for r in Role)}
    for route in routes:
        roles = set(route.openapi_extra[ROLES_EXTENSION])  # type: ignore[index]
        assert roles <= known, f"{route.path}: unknown roles {roles - known}"
        assert PUBLIC not in roles or roles == {PUBLIC}, f"{route.path}: public and a role"


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method.upper(), path, operation


def concrete(path: str) -> str:
    return re.sub(r"{(\w+)(?::path)?}", lambda m: PATH_SAMPLES.get(m.group(1), "X1"), path)


@pytest.fixture(scope="module", params=SERVICES)
def service(
    request: pytest.FixtureRequest, kafka_bootstrap: str, database_url: str, keycloak: str
) -> Iterator[RunningService]:
    with run_service(
        request.param, kafka=kafka_bootstrap, database_url=database_url, extra_env=WALK_ENV
    ) as running:
        yield running


def test_openapi_walk_enforces_the_declared_roles(service: RunningService) -> None:
    spec = httpx.get(f"{service.url}/openapi.json", timeout=10).json()
    walked = 0
    with httpx.Client(base_url=service.url, timeout=120) as client:
        for method, path, operation in operations(spec):
            declared = operation.get(ROLES_EXTENSION)
            assert declared, f"{service.name}: {method} {path} declares no roles"
            url = concrete(path)
            anonymous = client.request(method, url)
            if declared == [PUBLIC]:
                assert anonymous.status_code not in (401, 403), f"{method} {path} is public"
                continue
            assert anonymous.status_code == 401, f"{method} {path}: {anonymous.status_code}"
            bearer_route = operation.get(CREDENTIAL_EXTENSION) == "bearer"
            for role, user in [*keycloak.USER_OF_ROLE.items(), (None, keycloak.NO_ROLE_USER)]:
                answer = client.request(method, url, headers=keycloak.bearer(user))
                if role is not None and role.value in declared and bearer_route:
                    assert answer.status_code not in (401, 403, 429), (
                        f"{method} {path} as {role}: {answer.status_code} {answer.text[:200]}"
                    )
                else:  # a role the route does not declare (on key routes: any token): 403
                    assert answer.status_code == 403, f"{method} {path} as {user}: {answer.text}"
            walked += 1
    assert walked > 0
