"""The database role model for a test schema: an owner role that migrates, a service role that runs.

Made with the test database's superuser, dropped afterwards (roles are cluster-wide).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class SchemaRoles:
    schema: str
    owner: str
    service: str
    owner_url: str
    service_url: str

    def env(self) -> dict[str, str]:
        """What a service process needs to run as the service role and migrate as the owner."""
        return {"DATABASE_URL": self.service_url, "DATABASE_OWNER_URL": self.owner_url}


def _as(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{role}:{password}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


@contextlib.contextmanager
def schema_roles(admin_url: str, schema: str) -> Iterator[SchemaRoles]:
    """`<schema>_owner` owns the (new) schema; `<schema>_svc` owns nothing and gets its grants
    from the service's migrations (pasc_runtime.db). Both are dropped with the schema after."""
    owner, service = f"{schema}_owner", f"{schema}_svc"
    passwords = {owner: secrets.token_hex(16), service: secrets.token_hex(16)}
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for role, password in passwords.items():
            conn.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}"
                ).format(sql.Identifier(role), sql.Literal(password))
            )
        conn.execute(
            sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(
                sql.Identifier(schema), sql.Identifier(owner)
            )
        )
    try:
        yield SchemaRoles(
            schema,
            owner,
            service,
            _as(admin_url, owner, passwords[owner]),
            _as(admin_url, service, passwords[service]),
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
            for role in (service, owner):
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
