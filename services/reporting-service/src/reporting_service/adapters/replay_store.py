"""What `pasc reporting rebuild` does to the read model in SQL: empty it, remember which
events it replayed (a topic may hold the same event twice), and write the dossiers staged by
the dossier topic's replay with their rollups in one go."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from pasc_runtime.db import Connection
from reporting_service.adapters.read_model_store import (
    DOSSIERS,
    INSERT_RECOMPUTED_ROLLUP,
    derived_columns,
)
from reporting_service.domain.read_model import DossierFacts

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


_KEY = DOSSIERS.key[0]
# Each dossier's highest revision, of the earliest window that staged it (on an equal
# revision the consumer keeps the state it stored first), with its count of distinct events.
_WRITE_STAGED = f"""
INSERT INTO dossiers ({", ".join(DOSSIERS.all_names)})
SELECT DISTINCT ON (s.{_KEY})
    {", ".join("coalesce(e.n, 0)" if n == "events_applied" else f"s.{n}" for n in DOSSIERS.all_names)}
FROM staged_dossiers AS s
LEFT JOIN (SELECT {_KEY}, count(DISTINCT event_id)::int AS n FROM staged_events
           WHERE {_KEY} IS NOT NULL GROUP BY {_KEY}) AS e ON e.{_KEY} = s.{_KEY}
ORDER BY s.{_KEY}, s.revision DESC, s.staged_window
"""  # noqa: S608 (column names from the record table)


async def stage_dossiers(conn: Connection) -> None:
    """The temporary tables a dossier replay stages its winners and event ids in (dropped at
    commit): the winners shaped as the dossiers table, with the window they won in."""
    await conn.execute(
        "CREATE TEMP TABLE staged_dossiers (LIKE dossiers INCLUDING DEFAULTS) ON COMMIT DROP;"
        " ALTER TABLE staged_dossiers ADD COLUMN staged_window integer NOT NULL;"
        f" CREATE TEMP TABLE staged_events (event_id uuid NOT NULL, {_KEY} text) ON COMMIT DROP"
    )


async def stage(
    conn: Connection,
    winners: Sequence[DossierFacts],
    window: int,
    event_ids: Sequence[tuple[UUID, str | None]],
) -> None:
    """COPY a window's winners, and the ids of its events with the dossier each counts for
    (None: it counts for none, e.g. a processing step or a contract breaker)."""
    if winners:
        # events_applied 0 here: the distinct events are counted when the winners are written
        rows = [(*row, window) for row in DOSSIERS.rows(winners, derived_columns(winners))]
        await conn.copy_records_to_table(
            "staged_dossiers", records=rows, columns=[*DOSSIERS.all_names, "staged_window"]
        )
    if event_ids:
        await conn.copy_records_to_table(
            "staged_events", records=event_ids, columns=["event_id", _KEY]
        )


async def write_staged_dossiers(conn: Connection) -> tuple[int, int]:
    """Each staged dossier's latest revision into the (emptied) dossiers table, then the
    rollups recomputed from them; returns (distinct events, duplicates) staged."""
    await conn.execute(_WRITE_STAGED)
    await conn.execute("DELETE FROM kpi_daily")
    await conn.execute(INSERT_RECOMPUTED_ROLLUP)
    total = await conn.fetchval("SELECT count(*) FROM staged_events")
    distinct = await conn.fetchval("SELECT count(DISTINCT event_id) FROM staged_events")
    return int(distinct), int(total) - int(distinct)
