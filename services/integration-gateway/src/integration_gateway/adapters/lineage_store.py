"""The gateway's read model of agency lineage (from catalog.agencies.v1) and the operator's
transition periods."""

from __future__ import annotations

from datetime import date
from typing import Any

from integration_gateway.domain.lineage import Succession
from pasc_runtime.db import Connection


async def save(conn: Connection, rows: list[tuple[str, list[str], str, date, str]]) -> None:
    """rows: (predecessor, successors, kind, effective_from, decision_no). An agency ends once:
    a decision recorded again replaces what it said."""
    if rows:
        await conn.executemany(
            """
            INSERT INTO agency_successions
                (predecessor, successors, kind, effective_from, decision_no)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (predecessor) DO UPDATE SET successors = EXCLUDED.successors,
                kind = EXCLUDED.kind, effective_from = EXCLUDED.effective_from,
                decision_no = EXCLUDED.decision_no, recorded_at = now()
            """,
            rows,
        )


async def successions(db: Any) -> dict[str, Succession]:
    """Every predecessor's succession with the operator's transition end where one is set."""
    rows = await db.fetch(
        "SELECT s.predecessor, s.successors, s.kind, s.effective_from, s.decision_no,"
        " t.accepted_until FROM agency_successions s"
        " LEFT JOIN agency_transitions t USING (predecessor)"
    )
    return {
        r["predecessor"]: Succession(
            predecessor=r["predecessor"],
            successors=tuple(r["successors"]),
            kind=r["kind"],
            effective_from=r["effective_from"],
            decision_no=r["decision_no"],
            accepted_until=r["accepted_until"],
        )
        for r in rows
    }


async def set_transition(conn: Connection, predecessor: str, until: date, actor: str) -> bool:
    """Set the last day a predecessor's keys are accepted; False when it has no succession."""
    known = await conn.fetchval(
        "SELECT 1 FROM agency_successions WHERE predecessor = $1", predecessor
    )
    if not known:
        return False
    await conn.execute(
        "INSERT INTO agency_transitions (predecessor, accepted_until, set_by) VALUES ($1, $2, $3)"
        " ON CONFLICT (predecessor) DO UPDATE SET accepted_until = EXCLUDED.accepted_until,"
        " set_by = EXCLUDED.set_by, set_at = now()",
        predecessor,
        until,
        actor,
    )
    return True
