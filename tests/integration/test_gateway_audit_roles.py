"""The gateway runs as a database role of its own, which cannot change the audit log; the log's
hash chain shows a change made by someone who can (a superuser).

Real broker, real database: the service migrates as its schema's owner role and runs as its
service role (tests/support/roles.py), as in production.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from support import keycloak
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

ADMIN_TOKEN = f"admin-{uuid.uuid4().hex}"
SECRETS = {
    "ADMIN_TOKEN": ADMIN_TOKEN,
    "KEY_ENCRYPTION_SECRET": f"kek-{uuid.uuid4().hex}",
    "PSEUDONYM_SECRET": f"pseudo-{uuid.uuid4().hex}",
}


@pytest.fixture(scope="module")
def gateway(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service(
        "integration_gateway",
        kafka=kafka_bootstrap,
        database_url=database_url,
        extra_env=SECRETS,
        roles=True,
    ) as service:
        # Three admin actions: three audit entries, chained.
        for agency in ("SXD", "STP", "SNV"):
            response = httpx.post(
                f"{service.url}/admin/keys",
                json={"agency": agency, "label": "audit-chain test"},
                headers={"X-Admin-Token": ADMIN_TOKEN},
                auth=keycloak.auth("operator"),
                timeout=10,
            )
            assert response.status_code == 201, response.text
        yield service


def service_url(service: RunningService) -> str:
    """The gateway's own role (run_service made it), not the test's superuser."""
    assert "_svc:" in service.database_url
    return service.database_url


@pytest.fixture
async def as_service(gateway: RunningService) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(
        service_url(gateway), server_settings={"search_path": gateway.schema}
    )
    yield conn
    await conn.close()


@pytest.fixture
async def as_superuser(
    gateway: RunningService, database_url: str
) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(database_url, server_settings={"search_path": gateway.schema})
    yield conn
    await conn.close()


def verify(gateway: RunningService, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DB_SCHEMA": gateway.schema}
    return subprocess.run(
        [str(Path(sys.executable).parent / "pasc"), "gateway", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_the_gateway_runs_as_its_own_role_that_owns_nothing(
    gateway: RunningService, as_service: asyncpg.Connection
) -> None:
    me = await as_service.fetchrow(
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles"
        " WHERE rolname = current_user"
    )
    assert me["rolname"].endswith("_svc")
    assert not (me["rolsuper"] or me["rolcreaterole"] or me["rolcreatedb"] or me["rolbypassrls"])
    owned = await as_service.fetchval(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = $1 AND pg_get_userbyid(c.relowner) = current_user",
        gateway.schema,
    )
    assert owned == 0
    schema_owner = await as_service.fetchval(
        "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1", gateway.schema
    )
    assert schema_owner.endswith("_owner")
    # It reads and writes its own tables (the service works) ...
    assert await as_service.fetchval("SELECT count(*) FROM api_keys") == 3
    # ... and cannot create anything in its schema.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_service.execute("CREATE TABLE sneaky (x int)")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET outcome = 'ok' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_chain ON audit_log",
        "DROP TABLE audit_log",
        "SET session_replication_role = replica",
        "CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    ],
)
async def test_the_gateways_role_cannot_change_the_audit_log(
    gateway: RunningService, as_service: asyncpg.Connection, statement: str
) -> None:
    before = await as_service.fetch("SELECT * FROM audit_log ORDER BY seq")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_service.execute(statement)
    assert await as_service.fetch("SELECT * FROM audit_log ORDER BY seq") == before


async def test_an_entry_inserted_by_the_gateways_role_is_chained_whatever_it_claims(
    gateway: RunningService, as_service: asyncpg.Connection, database_url: str
) -> None:
    row = await as_service.fetchrow(
        "INSERT INTO audit_log (actor, action, outcome, seq, prev_hash, row_hash)"
        " VALUES ('test', 'test.forged_chain', 'ok', 1, '\\x00', '\\x00')"
        " RETURNING seq, prev_hash, row_hash"
    )
    assert row["seq"] > 3 and row["prev_hash"] != b"\x00" and row["row_hash"] != b"\x00"
    result = verify(gateway, service_url(gateway))  # the service's role may read the log
    assert result.returncode == 0, result.stdout + result.stderr
    assert "audit chain intact" in result.stdout


async def test_audit_verify_catches_an_entry_edited_or_removed_by_the_superuser(
    gateway: RunningService, as_superuser: asyncpg.Connection, database_url: str
) -> None:
    result = verify(gateway, database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    entries = await as_superuser.fetch("SELECT id, seq FROM audit_log ORDER BY seq")
    assert len(entries) >= 3
    edited, removed = entries[1], entries[-1]

    # A superuser can get past the triggers; the chain still shows what was done.
    async with as_superuser.transaction():
        await as_superuser.execute("SET LOCAL session_replication_role = replica")
        await as_superuser.execute(
            "UPDATE audit_log SET outcome = 'ok', details = '{}' WHERE id = $1", edited["id"]
        )
    result = verify(gateway, database_url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"BROKEN at id {edited['id']} (seq {edited['seq']}): row_hash" in result.stdout
    assert "BROKEN in 1 places" in result.stdout

    async with as_superuser.transaction():
        await as_superuser.execute("SET LOCAL session_replication_role = replica")
        await as_superuser.execute("DELETE FROM audit_log WHERE id = $1", entries[-2]["id"])
    result = verify(gateway, database_url)
    assert result.returncode == 1
    assert f"BROKEN at id {removed['id']} (seq {removed['seq']}): missing entries" in result.stdout
