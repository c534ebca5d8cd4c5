"""Shared fixtures: the real broker and database the stack started (`make test` starts them)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pasc_runtime.settings import LOCAL_DATABASE, LOCAL_KAFKA


def _reachable(hostport: str) -> bool:
    host, port = hostport.split(",")[0].rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", LOCAL_KAFKA)
    if not _reachable(servers):
        pytest.fail(f"Kafka is not reachable at {servers}: run `make infra-up` (make test does)")
    return servers


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("DATABASE_URL", LOCAL_DATABASE)
    hostport = url.split("@", 1)[1].split("/", 1)[0]
    if not _reachable(hostport):
        pytest.fail(f"PostgreSQL is not reachable at {hostport}: run `make infra-up`")
    return url


@pytest.fixture(scope="session")
def keycloak() -> str:
    """The issuer of the services' tokens: the local Keycloak (make test starts it)."""
    from support import keycloak

    if not keycloak.reachable():
        pytest.fail(f"Keycloak is not reachable at {keycloak.ISSUER}: run `make infra-up`")
    return keycloak.ISSUER
