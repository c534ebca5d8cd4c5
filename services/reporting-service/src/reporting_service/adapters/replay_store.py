"""What `pasc reporting rebuild` does to the read model in SQL: empty it, and remember which
events it replayed (a topic may hold the same event twice)."""

from __future__ import annotations

from uuid import UUID

from pasc_runtime.db import Connection

READ_MODEL_TABLES = (
    "kpi_daily",
    "dossiers",
    "procedures",
    "agencies",
    "coverage",
    "decisions",
    "plans",
    "plan_tasks",
    "monthly_reports",
    "agency_successions",
    "procedure_moves",
    "agency_today",
)


async def empty_read_model(conn: Connection) -> None:
    """Delete every read-model table's rows, and start the replay's log of event ids (dropped
    at commit). Call inside the rebuild's transaction, holding the read model's lock."""
    for table in READ_MODEL_TABLES:
        await conn.execute(f"DELETE FROM {table}")  # noqa: S608 (a constant)
    await conn.execute("CREATE TEMP TABLE replayed (event_id uuid PRIMARY KEY) ON COMMIT DROP")


async def first_replays(conn: Connection, event_ids: list[UUID]) -> set[UUID]:
    """Of these event ids, those this rebuild has not replayed before (now logged)."""
    rows = await conn.fetch(
        "INSERT INTO replayed SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id",
        list(dict.fromkeys(event_ids)),
    )
    return {r["event_id"] for r in rows}
