"""PostgreSQL: the service's schema, its migrations (yoyo), and the asyncpg pool."""

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


async def ensure_schema(database_url: str, schema: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
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


async def migrate(database_url: str, schema: str, directories: list[Path]) -> int:
    """Create the schema and apply the platform's then the service's migrations; returns how many ran."""
    await ensure_schema(database_url, schema)
    dirs = [PLATFORM_MIGRATIONS, *[d for d in directories if d.exists()]]
    return await asyncio.to_thread(_apply_migrations, database_url, schema, dirs)


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
