"""task-service's tables in PostgreSQL. Callers hold the transaction; batch writes use unnest."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pasc_contracts.events.plan import TaskStatus
from pasc_runtime.db import Connection
from task_service.domain.monthly_report import HistoryEntry
from task_service.domain.plan import AssignmentDef, PlanDocument
from task_service.domain.progress import AssignmentState

Db = Any  # a connection or the pool, for reads


@dataclass(frozen=True)
class PlanRow:
    document: PlanDocument
    issue_date: date | None
    launch_date: date | None
    loaded_at: datetime
    updated_at: datetime

    @property
    def plan_id(self) -> str:
        return self.document.plan_id


@dataclass(frozen=True)
class AssignmentRow:
    plan_id: str
    task_no: int
    agency_code: str
    task_ref: str
    lead_group: str | None
    state: AssignmentState
    note: str | None
    due_on: date | None
    due_reason: str | None
    last_reported_at: datetime | None
    withdrawn: bool


@dataclass(frozen=True)
class MonthlyReportRow:
    agency_code: str
    month: str
    summary: str
    submitted_at: datetime


def _plan(row: Any) -> PlanRow:
    return PlanRow(
        document=PlanDocument.model_validate_json(row["document"]),
        issue_date=row["issue_date"],
        launch_date=row["launch_date"],
        loaded_at=row["loaded_at"],
        updated_at=row["updated_at"],
    )


def _assignment(row: Any) -> AssignmentRow:
    return AssignmentRow(
        plan_id=row["plan_id"],
        task_no=row["task_no"],
        agency_code=row["agency_code"],
        task_ref=row["task_ref"],
        lead_group=row["lead_group"],
        state=AssignmentState(
            status=TaskStatus(row["status"]),
            percent=row["percent"],
            result_ref=row["result_ref"],
            blocked_reason=row["blocked_reason"],
            done_on=row["done_on"],
        ),
        note=row["note"],
        due_on=row["due_on"],
        due_reason=row["due_reason"],
        last_reported_at=row["last_reported_at"],
        withdrawn=row["withdrawn"],
    )


# -- plans ------------------------------------------------------------------------------------


async def lock_plan_set(conn: Connection) -> None:
    """Serialise creating a plan with facts that apply to every plan (a department onboarded):
    without it, a fact committed while a new plan is loading would reach neither."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.plans'))")


async def lock_plan(conn: Connection, plan_id: str) -> PlanRow | None:
    """The plan, locked until the transaction ends: every change to a plan goes one at a time."""
    row = await conn.fetchrow(
        "SELECT document::text AS document, issue_date, launch_date, loaded_at, updated_at"
        " FROM plans WHERE plan_id = $1 FOR UPDATE",
        plan_id,
    )
    return _plan(row) if row else None


async def plan(db: Db, plan_id: str) -> PlanRow | None:
    row = await db.fetchrow(
        "SELECT document::text AS document, issue_date, launch_date, loaded_at, updated_at"
        " FROM plans WHERE plan_id = $1",
        plan_id,
    )
    return _plan(row) if row else None


async def plans(db: Db) -> list[PlanRow]:
    rows = await db.fetch(
        "SELECT document::text AS document, issue_date, launch_date, loaded_at, updated_at"
        " FROM plans ORDER BY plan_id"
    )
    return [_plan(r) for r in rows]


async def plan_ids(db: Db) -> list[str]:
    return [r["plan_id"] for r in await db.fetch("SELECT plan_id FROM plans ORDER BY plan_id")]


async def insert_plan(conn: Connection, document: PlanDocument) -> None:
    await conn.execute(
        "INSERT INTO plans (plan_id, document) VALUES ($1, $2::jsonb)",
        document.plan_id,
        document.model_dump_json(),
    )


async def update_document(conn: Connection, document: PlanDocument) -> None:
    await conn.execute(
        "UPDATE plans SET document = $2::jsonb, updated_at = now() WHERE plan_id = $1",
        document.plan_id,
        document.model_dump_json(),
    )


async def set_issue_date(conn: Connection, plan_id: str, day: date) -> None:
    await conn.execute(
        "UPDATE plans SET issue_date = $2, updated_at = now() WHERE plan_id = $1", plan_id, day
    )


async def set_launch_date(conn: Connection, plan_id: str, day: date) -> None:
    await conn.execute(
        "UPDATE plans SET launch_date = $2, updated_at = now() WHERE plan_id = $1", plan_id, day
    )


# -- assignments ------------------------------------------------------------------------------

_UPSERT_ASSIGNMENTS = """
INSERT INTO assignments (plan_id, task_no, agency_code, task_ref, lead_group)
SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[])
ON CONFLICT (plan_id, task_no, agency_code) DO UPDATE SET
    lead_group = EXCLUDED.lead_group, withdrawn = false, updated_at = now()
WHERE assignments.moved_to IS NULL
"""


async def upsert_assignments(conn: Connection, defs: Sequence[AssignmentDef]) -> None:
    if defs:
        await conn.execute(
            _UPSERT_ASSIGNMENTS,
            [a.plan_id for a in defs],
            [a.task_no for a in defs],
            [a.agency_code for a in defs],
            [a.ref for a in defs],
            [a.lead_group for a in defs],
        )


async def withdraw(conn: Connection, refs: Sequence[str]) -> None:
    if refs:
        await conn.execute(
            "UPDATE assignments SET withdrawn = true, updated_at = now()"
            " WHERE task_ref = ANY($1::text[])",
            list(refs),
        )


async def assignments(
    db: Db, plan_id: str, *, agency_code: str | None = None, task_no: int | None = None
) -> list[AssignmentRow]:
    rows = await db.fetch(
        "SELECT * FROM assignments WHERE plan_id = $1 AND NOT withdrawn"
        " AND ($2::text IS NULL OR agency_code = $2) AND ($3::int IS NULL OR task_no = $3)"
        " ORDER BY task_no, agency_code",
        plan_id,
        agency_code,
        task_no,
    )
    return [_assignment(r) for r in rows]


async def lock_assignment(
    conn: Connection, plan_id: str, task_no: int, agency_code: str
) -> AssignmentRow | None:
    row = await conn.fetchrow(
        "SELECT * FROM assignments WHERE plan_id = $1 AND task_no = $2 AND agency_code = $3"
        " AND NOT withdrawn FOR UPDATE",
        plan_id,
        task_no,
        agency_code,
    )
    return _assignment(row) if row else None


async def save_state(
    conn: Connection,
    task_ref: str,
    state: AssignmentState,
    *,
    note: str | None,
    reported_at: datetime | None,
) -> None:
    await conn.execute(
        "UPDATE assignments SET status = $2, percent = $3, result_ref = $4, blocked_reason = $5,"
        " done_on = $6, note = coalesce($7, note),"
        " last_reported_at = greatest(last_reported_at, $8), updated_at = now()"
        " WHERE task_ref = $1",
        task_ref,
        state.status.value,
        state.percent,
        state.result_ref,
        state.blocked_reason,
        state.done_on,
        note,
        reported_at,
    )


async def set_dues(conn: Connection, dues: Sequence[tuple[str, date | None, str]]) -> None:
    """(task_ref, due_on, reason) for each assignment whose due date was computed again."""
    if dues:
        await conn.execute(
            "UPDATE assignments a SET due_on = d.due_on, due_reason = d.reason, updated_at = now()"
            " FROM unnest($1::text[], $2::date[], $3::text[]) AS d(task_ref, due_on, reason)"
            " WHERE a.task_ref = d.task_ref",
            [d[0] for d in dues],
            [d[1] for d in dues],
            [d[2] for d in dues],
        )


# -- history ----------------------------------------------------------------------------------


async def append_history(
    conn: Connection, rows: Iterable[tuple[str, int, str, Any, str, datetime, str]]
) -> None:
    """(plan_id, task_no, agency_code, event_id, event_type, at, payload_json) rows."""
    columns = list(zip(*rows, strict=True))
    if columns:
        await conn.execute(
            "INSERT INTO task_history (plan_id, task_no, agency_code, event_id, event_type, at,"
            " payload) SELECT p, t, a, e, y, w, j::jsonb FROM unnest($1::text[], $2::int[],"
            " $3::text[], $4::uuid[], $5::text[], $6::timestamptz[], $7::text[])"
            " AS h(p, t, a, e, y, w, j) ON CONFLICT (event_id) DO NOTHING",
            *[list(c) for c in columns],
        )


async def history(
    db: Db, plan_id: str, *, task_no: int | None = None, until: datetime | None = None
) -> list[HistoryEntry]:
    rows = await db.fetch(
        "SELECT task_no, agency_code, event_type, at, payload::text AS payload FROM task_history"
        " WHERE plan_id = $1 AND ($2::int IS NULL OR task_no = $2)"
        " AND ($3::timestamptz IS NULL OR at <= $3) ORDER BY at, id",
        plan_id,
        task_no,
        until,
    )
    return [
        HistoryEntry(
            r["task_no"], r["agency_code"], r["event_type"], r["at"], json.loads(r["payload"])
        )
        for r in rows
    ]


# -- monthly reports --------------------------------------------------------------------------


async def save_monthly_report(
    conn: Connection, plan_id: str, agency_code: str, month: str, summary: str, at: datetime
) -> bool:
    """Record the month's report (a later submission replaces it); False when it is older than
    the one kept."""
    row = await conn.fetchrow(
        "INSERT INTO monthly_reports AS m (plan_id, agency_code, month, summary, submitted_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (plan_id, agency_code, month) DO UPDATE SET"
        " summary = EXCLUDED.summary, submitted_at = EXCLUDED.submitted_at,"
        " received_at = now() WHERE m.submitted_at <= EXCLUDED.submitted_at"
        " RETURNING 1",
        plan_id,
        agency_code,
        month,
        summary,
        at,
    )
    return row is not None


async def monthly_reports(db: Db, plan_id: str, month: str | None = None) -> list[MonthlyReportRow]:
    rows = await db.fetch(
        "SELECT agency_code, month, summary, submitted_at FROM monthly_reports"
        " WHERE plan_id = $1 AND ($2::text IS NULL OR month = $2) ORDER BY month, agency_code",
        plan_id,
        month,
    )
    return [MonthlyReportRow(**dict(r)) for r in rows]


# -- onboarding (from catalog-service) --------------------------------------------------------


async def set_onboarding(conn: Connection, agency_code: str, fully: bool, as_of: date) -> None:
    """The latest word wins: catalog-service's events for one agency arrive in order (its key)."""
    await conn.execute(
        "INSERT INTO onboarding (agency_code, fully_onboarded, as_of) VALUES ($1, $2, $3)"
        " ON CONFLICT (agency_code) DO UPDATE SET fully_onboarded = EXCLUDED.fully_onboarded,"
        " as_of = EXCLUDED.as_of, updated_at = now()",
        agency_code,
        fully,
        as_of,
    )


async def onboarded(db: Db) -> dict[str, date]:
    rows = await db.fetch("SELECT agency_code, as_of FROM onboarding WHERE fully_onboarded")
    return {r["agency_code"]: r["as_of"] for r in rows}


# -- alerts -----------------------------------------------------------------------------------


async def claim_alerts(conn: Connection, keys: Sequence[str]) -> set[str]:
    """Record the alert keys; returns those never emitted before (emit exactly these)."""
    if not keys:
        return set()
    rows = await conn.fetch(
        "INSERT INTO alerts_emitted (alert_key) SELECT unnest($1::text[])"
        " ON CONFLICT DO NOTHING RETURNING alert_key",
        sorted(set(keys)),  # one order for every instance: concurrent ticks never deadlock
    )
    return {r["alert_key"] for r in rows}


# -- agency lineage (from catalog-service) ----------------------------------------------------


@dataclass(frozen=True)
class SuccessionRow:
    predecessor: str
    successors: tuple[str, ...]
    kind: str
    effective_from: date
    decision_no: str


async def save_successions(
    conn: Connection, rows: Sequence[tuple[str, list[str], str, date, str]]
) -> None:
    """(predecessor, successors, kind, effective_from, decision_no); a decision recorded again
    changes nothing once applied (its assignments moved)."""
    if rows:
        await conn.executemany(
            "INSERT INTO agency_successions (predecessor, successors, kind, effective_from,"
            " decision_no) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (predecessor) DO UPDATE SET"
            " successors = EXCLUDED.successors, kind = EXCLUDED.kind,"
            " effective_from = EXCLUDED.effective_from, decision_no = EXCLUDED.decision_no"
            " WHERE agency_successions.applied_at IS NULL",
            rows,
        )


async def lock_successions_in_effect(conn: Connection, today: date) -> list[SuccessionRow]:
    """Successions in effect by `today`, locked (a plan loaded later may still name the ended
    agency: every one is applied again; what moved is withdrawn and never moves twice)."""
    rows = await conn.fetch(
        "SELECT predecessor, successors, kind, effective_from, decision_no"
        " FROM agency_successions WHERE effective_from <= $1"
        " ORDER BY effective_from, predecessor FOR UPDATE SKIP LOCKED",
        today,
    )
    return [
        SuccessionRow(
            r["predecessor"],
            tuple(r["successors"]),
            r["kind"],
            r["effective_from"],
            r["decision_no"],
        )
        for r in rows
    ]


async def mark_succession_applied(conn: Connection, predecessor: str) -> None:
    await conn.execute(
        "UPDATE agency_successions SET applied_at = coalesce(applied_at, now())"
        " WHERE predecessor = $1",
        predecessor,
    )


async def lock_open_assignments_of(conn: Connection, agency_code: str) -> list[AssignmentRow]:
    """The agency's assignments still in the plan and not done, in every plan, locked."""
    rows = await conn.fetch(
        "SELECT * FROM assignments WHERE agency_code = $1 AND NOT withdrawn AND status <> 'done'"
        " ORDER BY plan_id, task_no FOR UPDATE",
        agency_code,
    )
    return [_assignment(r) for r in rows]


async def hand_over(conn: Connection, a: AssignmentRow, to: str, new_ref: str) -> bool:
    """Move the assignment to `to`; True when `to` already had the task (it joins that one,
    whose state stays), False when `to` takes the assignment with its state."""
    joined = bool(
        await conn.fetchval(
            "SELECT 1 FROM assignments WHERE plan_id = $1 AND task_no = $2 AND agency_code = $3"
            " AND NOT withdrawn",
            a.plan_id,
            a.task_no,
            to,
        )
    )
    if not joined:
        await conn.execute(
            "INSERT INTO assignments (plan_id, task_no, agency_code, task_ref, lead_group, status,"
            " percent, result_ref, note, blocked_reason, done_on, due_on, due_reason,"
            " last_reported_at) SELECT plan_id, task_no, $2, $3, lead_group, status, percent,"
            " result_ref, note, blocked_reason, done_on, due_on, due_reason, last_reported_at"
            " FROM assignments WHERE task_ref = $1"
            " ON CONFLICT (plan_id, task_no, agency_code) DO UPDATE SET withdrawn = false,"
            " moved_to = NULL, status = EXCLUDED.status, percent = EXCLUDED.percent,"
            " result_ref = EXCLUDED.result_ref, note = EXCLUDED.note,"
            " blocked_reason = EXCLUDED.blocked_reason, done_on = EXCLUDED.done_on,"
            " due_on = EXCLUDED.due_on, due_reason = EXCLUDED.due_reason, updated_at = now()",
            a.task_ref,
            to,
            new_ref,
        )
    await conn.execute(
        "UPDATE assignments SET withdrawn = true, moved_to = $2, updated_at = now()"
        " WHERE task_ref = $1",
        a.task_ref,
        to,
    )
    return joined


async def ended_agencies(db: Db) -> dict[str, date]:
    """Agencies that ended (merged, renamed, split, closed) and the day they did."""
    rows = await db.fetch("SELECT predecessor, effective_from FROM agency_successions")
    return {r["predecessor"]: r["effective_from"] for r in rows}
