"""PostgreSQL: the service's schema, its migrations (yoyo), its role's grants, and the asyncpg pool.

The role model (README, "Database roles"): migrations run as the schema's owner
(DATABASE_OWNER_URL); the service runs as its own role (DATABASE_URL), which owns nothing and gets
only SELECT, INSERT, UPDATE and DELETE on its schema's tables, and only SELECT and INSERT on the
tables a service declares append-only. Not being the owner, it cannot ALTER, DROP, TRUNCATE or
disable a trigger either. Without DATABASE_OWNER_URL one role does both (the tests' default).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import urlencode, urlsplit, urlunsplit

import asyncpg
from asyncpg.exceptions._base import DataError as InvalidQueryInput  # not re-exported
from asyncpg.pool import PoolConnectionProxy
from yoyo import get_backend, read_migrations

from pasc_runtime.settings import ServiceSettings

# A connection, bare or borrowed from a pool: what handlers and adapters take.
Connection: TypeAlias = "asyncpg.Connection[Any] | PoolConnectionProxy[Any]"

PLATFORM_MIGRATIONS = Path(__file__).parent / "migrations"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")

# Errors that mean "the database is not reachable right now", not "this message is bad": a
# consumer hands the batch back to Kafka on these instead of dead-lettering. Kept narrow, since
# anything listed here is retried for ever: lost or refused connections (PostgreSQL's class 08
# and the client's own), the server shutting down or cancelling (class 57), out of resources
# (class 53: disk, memory, connections), a closed connection or pool (asyncpg's InterfaceError),
# and the network (OSError, which covers ConnectionError and TimeoutError).
UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    OSError,
)
# ...except where asyncpg's InterfaceError is about the message: a value the driver cannot
# encode for a query (a str where an int goes, a lone surrogate). That is the record's fault.
_BAD_QUERY_INPUT = (InvalidQueryInput,)


def unavailable(exc: BaseException) -> bool:
    """Whether `exc` says a dependency is unreachable (hand the batch back), not that the
    data is bad (dead-letter it)."""
    return isinstance(exc, UNAVAILABLE) and not isinstance(exc, _BAD_QUERY_INPUT)


def _checked(schema: str) -> str:
    if not _IDENTIFIER.match(schema):
        raise ValueError(f"schema name {schema!r} must be a lower-case identifier")
    return schema


def role_of(database_url: str) -> str:
    """The role a connection URL signs in as."""
    role = urlsplit(database_url).username
    if not role:
        raise ValueError("the database URL names no user")
    return role


async def ensure_schema(database_url: str, schema: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        # A schema made beforehand for an owner role is used as it is: CREATE SCHEMA IF NOT
        # EXISTS would need the right to create schemas in the database, which that role lacks.
        if not await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema):
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {_checked(schema)}")
    finally:
        await conn.close()


def _yoyo_url(database_url: str, schema: str) -> str:
    parts = urlsplit(database_url)
    scheme = "postgresql+psycopg"
    query = urlencode({"schema": schema})
    return urlunsplit((scheme, parts.netloc, parts.path, query, ""))


def _apply_migrations(database_url: str, schema: str, directories: list[Path]) -> int:
    backend = get_backend(_yoyo_url(database_url, schema))
    migrations = read_migrations(*(str(d) for d in directories))
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    return len(pending)


async def grant_service_role(
    owner_url: str, schema: str, service_role: str, append_only: tuple[str, ...] = ()
) -> None:
    """Give the service's role what it needs on the schema's tables (and views, to read) and
    nothing more.

    Run after every migration by the owner, so new tables are covered; yoyo's bookkeeping
    tables are left out (the service never migrates)."""
    conn = await asyncpg.connect(owner_url)
    try:
        role = await conn.fetchval("SELECT quote_ident($1)", service_role)
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename NOT LIKE '%yoyo%'",
            _checked(schema),
        )
        async with conn.transaction():
            await conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
            for row in tables:
                table = f"{schema}.{_checked(row['tablename'])}"
                await conn.execute(f"REVOKE ALL ON {table} FROM {role}")
                rights = (
                    "SELECT, INSERT"
                    if row["tablename"] in append_only
                    else "SELECT, INSERT, UPDATE, DELETE"
                )
                await conn.execute(f"GRANT {rights} ON {table} TO {role}")
            await conn.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
            # Views are read-only: the service reads them and never writes through them.
            for row in await conn.fetch(
                "SELECT viewname FROM pg_views WHERE schemaname = $1", _checked(schema)
            ):
                view = f"{schema}.{_checked(row['viewname'])}"
                await conn.execute(f"REVOKE ALL ON {view} FROM {role}")
                await conn.execute(f"GRANT SELECT ON {view} TO {role}")
    finally:
        await conn.close()


async def migrate(
    database_url: str,
    schema: str,
    directories: list[Path],
    *,
    service_role: str | None = None,
    append_only: tuple[str, ...] = (),
) -> int:
    """Create the schema and apply the platform's then the service's migrations as the role of
    `database_url`; then, if the service runs as another role, grant it its rights.
    Returns how many migrations ran."""
    await ensure_schema(database_url, schema)
    dirs = [PLATFORM_MIGRATIONS, *[d for d in directories if d.exists()]]
    ran = await asyncio.to_thread(_apply_migrations, database_url, schema, dirs)
    if service_role is not None and service_role != role_of(database_url):
        await grant_service_role(database_url, schema, service_role, append_only)
    return ran


async def migrate_service(
    settings: ServiceSettings, directories: list[Path], append_only: tuple[str, ...] = ()
) -> int:
    """Migrate a service's schema as its owner (DATABASE_OWNER_URL, else DATABASE_URL's role)."""
    owner = settings.database_owner_url
    if owner is None:
        return await migrate(settings.database_url, settings.db_schema, directories)
    return await migrate(
        owner.get_secret_value(),
        settings.db_schema,
        directories,
        service_role=role_of(settings.database_url),
        append_only=append_only,
    )


async def create_pool(database_url: str, schema: str, min_size: int, max_size: int) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        server_settings={"search_path": _checked(schema), "application_name": schema},
    )
    if pool is None:
        raise RuntimeError("asyncpg returned no pool")
    return pool
