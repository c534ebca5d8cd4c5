"""What a service exposes: loopback or not, the development secrets, whose X-Forwarded-For counts."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from pasc_runtime.app import DevelopmentSecretsError, Runtime
from pasc_runtime.serve import http_options
from pasc_runtime.settings import LOCAL_DATABASE, ServiceSettings, is_loopback


class DemoSettings(ServiceSettings):
    service_name: str = "demo"
    db_schema: str = "demo"
    http_port: int = 8999


OWN = "postgresql://demo:9c1f5e0a7d@db.internal:5432/pasc"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),  # noqa: S104 - the point of the test
        ("::", False),
        ("10.0.0.5", False),
        ("gateway.internal", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_development_secrets_are_the_repositorys_database_passwords() -> None:
    assert DemoSettings(database_url=LOCAL_DATABASE).development_secrets() == ["DATABASE_URL"]
    # The local stack's service roles: password = user name.
    role = "postgresql://pasc_task:pasc_task@127.0.0.1:55432/pasc"
    assert DemoSettings(database_url=role).development_secrets() == ["DATABASE_URL"]
    owner = SecretStr(LOCAL_DATABASE)
    assert DemoSettings(database_url=OWN, database_owner_url=owner).development_secrets() == [
        "DATABASE_OWNER_URL"
    ]
    assert DemoSettings(database_url=OWN).development_secrets() == []


def test_a_service_bound_beyond_loopback_refuses_the_development_secrets() -> None:
    with pytest.raises(DevelopmentSecretsError, match="DATABASE_URL") as refused:
        Runtime(DemoSettings(http_host="0.0.0.0", database_url=LOCAL_DATABASE))  # noqa: S104
    assert refused.value.names == ["DATABASE_URL"]
    assert LOCAL_DATABASE not in str(refused.value)  # names the setting, never its value
    # On loopback (the local stack) they are fine, and so are real secrets anywhere.
    Runtime(DemoSettings(http_host="127.0.0.1", database_url=LOCAL_DATABASE))
    Runtime(DemoSettings(http_host="0.0.0.0", database_url=OWN))  # noqa: S104


def test_forwarded_headers_are_believed_only_from_trusted_proxies() -> None:
    plain = http_options(DemoSettings())
    assert plain["proxy_headers"] is False  # uvicorn's default would trust 127.0.0.1
    behind = http_options(DemoSettings(trusted_proxies=" 10.0.0.0/8, 192.0.2.7 ,"))
    assert behind["proxy_headers"] is True
    assert behind["forwarded_allow_ips"] == "10.0.0.0/8,192.0.2.7"
