"""The gateway's perimeter on a real process: whose X-Forwarded-For counts, and the refusal to
serve beyond loopback with development secrets. (Nobody is a "local" admin any more: /admin
takes an operator's Keycloak token from anywhere; tests/integration/test_gateway_security.py
shows a tokenless admin call is 401 whatever X-Forwarded-For says.)"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from integration_gateway.adapters.key_vault import InvalidToken, KeyVault
from support import keycloak
from support.processes import LOG_DIR, RunningService, free_port, run_service

pytestmark = pytest.mark.integration

SECRETS = {
    "KEY_ENCRYPTION_SECRET": f"kek-{uuid.uuid4().hex}",
    "PSEUDONYM_SECRET": f"pseudo-{uuid.uuid4().hex}",
}
CLIENT = "203.0.113.7"  # TEST-NET-3: a documentation address, never routed
OPERATOR = keycloak.auth("operator")


@pytest.fixture(scope="module")
def direct(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    """No TRUSTED_PROXIES: the client is the connection's peer."""
    with run_service(
        "integration_gateway", kafka=kafka_bootstrap, database_url=database_url, extra_env=SECRETS
    ) as service:
        yield service


@pytest.fixture(scope="module")
def behind_proxy(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    """Behind a proxy on this host: its X-Forwarded-For is believed."""
    with run_service(
        "integration_gateway",
        kafka=kafka_bootstrap,
        database_url=database_url,
        extra_env={**SECRETS, "TRUSTED_PROXIES": "127.0.0.1"},
    ) as service:
        yield service


def refusals(service: RunningService) -> list[dict[str, Any]]:
    """The refused key requests, newest first (the log also fills with catalog decisions)."""
    params = {"action": "http POST /admin/keys", "limit": 20}
    entries = httpx.get(
        f"{service.url}/admin/audit", params=params, auth=OPERATOR, timeout=10
    ).json()
    return [e for e in entries if e["outcome"] == "refused 401"]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(direct: RunningService) -> None:
    response = httpx.post(
        f"{direct.url}/admin/keys",
        json={"agency": "SXD"},
        headers={"X-Forwarded-For": CLIENT},
        timeout=10,
    )
    assert response.status_code == 401  # no operator token
    # The audit keeps the connection's peer, not what the client claimed.
    assert refusals(direct)[0]["details"]["client"] == "127.0.0.1"


def test_forwarded_for_from_a_trusted_proxy_names_the_client(behind_proxy: RunningService) -> None:
    response = httpx.post(
        f"{behind_proxy.url}/admin/keys",
        json={"agency": "SXD"},
        headers={"X-Forwarded-For": CLIENT},
        timeout=10,
    )
    assert response.status_code == 401  # no operator token
    assert refusals(behind_proxy)[0]["details"]["client"] == CLIENT
    # A client claiming loopback through the trusted proxy gains nothing by it.
    spoofed = httpx.get(
        f"{behind_proxy.url}/admin/keys", headers={"X-Forwarded-For": "127.0.0.1"}, timeout=10
    )
    assert spoofed.status_code == 401


def test_the_gateway_will_not_serve_beyond_loopback_with_development_secrets(
    kafka_bootstrap: str, database_url: str
) -> None:
    names = ("KEY_ENCRYPTION_SECRET", "PSEUDONYM_SECRET", "DATABASE_OWNER_URL", "TRUSTED_PROXIES")
    env = {k: v for k, v in os.environ.items() if k not in names}
    env |= {
        "HTTP_HOST": "0.0.0.0",  # noqa: S104 - refused before anything binds
        "HTTP_PORT": str(free_port()),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "DATABASE_URL": database_url,
    }
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "integration_gateway"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert "refusing to serve on 0.0.0.0" in said
    assert "DATABASE_URL, KEY_ENCRYPTION_SECRET, PSEUDONYM_SECRET" in said
    assert "local-development-only" not in said and ":pasc@" not in said  # never the values


WEBHOOK_SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def put_connector(service: RunningService, name: str, secret: str) -> httpx.Response:
    body = {
        "name": name,
        "kind": "cioc",
        "endpoint": "http://127.0.0.1:9/events",
        "topics": ["kpi.snapshots.v1"],
        "secret": secret,
    }
    return httpx.put(f"{service.url}/admin/connectors/{name}", json=body, auth=OPERATOR, timeout=10)


def rows(database_url: str, schema: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        conn.execute(f"SET search_path TO {schema}")
        return conn.execute(sql, args).fetchall()


def reseal(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    pasc = str(Path(sys.executable).parent / "pasc")
    return subprocess.run(
        [pasc, "gateway", "reseal"], env=env, capture_output=True, text=True, timeout=60
    )


def test_connector_secrets_are_standard_webhooks_secrets_stored_sealed(
    direct: RunningService, database_url: str
) -> None:
    refused = put_connector(direct, "cioc-plain", "shared-secret")
    assert refused.status_code == 400 and refused.json()["field"] == "secret"
    assert "shared-secret" not in refused.text
    name = f"cioc-{uuid.uuid4().hex[:6]}"
    assert put_connector(direct, name, WEBHOOK_SECRET).status_code == 200
    (row,) = rows(
        database_url,
        direct.schema,
        "SELECT secret, secret_sealed FROM connectors WHERE name = %s",
        name,
    )
    assert row["secret"] is None
    assert WEBHOOK_SECRET.encode() not in bytes(row["secret_sealed"])
    assert KeyVault(SECRETS["KEY_ENCRYPTION_SECRET"]).open(bytes(row["secret_sealed"])) == (
        WEBHOOK_SECRET
    )


def test_the_key_encryption_secret_rotates_and_reseal_moves_everything_to_the_new_one(
    direct: RunningService, database_url: str
) -> None:
    issued = httpx.post(
        f"{direct.url}/admin/keys", json={"agency": "STP"}, auth=OPERATOR, timeout=10
    )
    assert issued.status_code == 201
    key_id, api_key = issued.json()["key_id"], issued.json()["api_key"]
    assert put_connector(direct, f"cioc-{uuid.uuid4().hex[:6]}", WEBHOOK_SECRET).status_code == 200

    old, new = SECRETS["KEY_ENCRYPTION_SECRET"], f"kek-new-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": direct.database_url,  # as the gateway's own role
        "DB_SCHEMA": direct.schema,
        "KEY_ENCRYPTION_SECRET": f"{new},{old}",
    }
    done = reseal(env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "resealed" in done.stdout and new not in done.stdout + done.stderr

    (key_row,) = rows(
        database_url, direct.schema, "SELECT key_encrypted FROM api_keys WHERE key_id = %s", key_id
    )
    sealed_key = key_row["key_encrypted"]
    sealed_secrets = rows(
        database_url,
        direct.schema,
        "SELECT secret_sealed FROM connectors WHERE secret_sealed IS NOT NULL",
    )
    assert KeyVault(new).open(bytes(sealed_key)) == api_key
    with pytest.raises(InvalidToken):
        KeyVault(old).open(bytes(sealed_key))
    assert sealed_secrets and all(
        KeyVault(new).open(bytes(r["secret_sealed"])).startswith("whsec_") for r in sealed_secrets
    )
    # With only the old secret, reseal cannot open what is now sealed with the new one.
    wrong = reseal({**env, "KEY_ENCRYPTION_SECRET": old})
    assert wrong.returncode == 1 and "opens with none" in wrong.stderr
