"""Advisory locks and notifications shared by the consumers, the rebuild and the snapshot publisher."""

from __future__ import annotations

from pasc_runtime.db import Connection


def changed_channel(schema: str) -> str:
    """The LISTEN channel told (at commit) that figures changed."""
    return f"{schema}_kpi_changed"


async def share_read_model(conn: Connection, schema: str) -> None:
    """Consumers hold this for their transaction: a rebuild waits for them, they wait for it."""
    await conn.execute("SELECT pg_advisory_xact_lock_shared(hashtext($1))", f"{schema}.rebuild")


async def own_read_model(conn: Connection, schema: str) -> None:
    """The rebuild holds this for its transaction: no consumer writes meanwhile."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"{schema}.rebuild")


async def notify_changed(conn: Connection, schema: str) -> None:
    """Delivered only if the transaction commits, so a listener never sees uncommitted figures."""
    await conn.execute("SELECT pg_notify($1, '')", changed_channel(schema))
