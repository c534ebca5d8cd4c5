"""The catalog's write side: imports, proposals, decisions, agencies.

Every write is one transaction: the catalog change, the record of who/why/which decision, and
the events (staged in the outbox) commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from prometheus_client import CollectorRegistry, Counter

from catalog_service.adapters import store
from catalog_service.app import errors
from catalog_service.app.errors import CatalogError
from catalog_service.app.events import (
    agency_event,
    coverage_event,
    decision_event,
    lineage_event,
    procedure_event,
)
from catalog_service.app.lineage_errors import lineage_error
from catalog_service.domain.agencies import REFERENCE_AGENCIES, Agency
from catalog_service.domain.coverage import coverage_by_agency, status_of, transitions
from catalog_service.domain.decisions import (
    ChangeKind,
    DecisionPlan,
    DecisionTerms,
    Outcome,
    RowResult,
    check_terms,
    plan_decision,
)
from catalog_service.domain.legal import ExclusionGround
from catalog_service.domain.lineage import LineagePlan, LineageRequest, Problem, plan_lineage
from catalog_service.domain.rows import ParsedRow, RawRow, RowError, parse_row, to_row
from pasc_contracts import VN_TZ
from pasc_runtime.db import Connection
from pasc_runtime.outbox import stage


class LineageRefused(CatalogError):
    """A lineage decision refused whole: one problem's own code, or `lineage_invalid` naming
    every problem in the message (the one error body carries no list)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        code = problems[0].code if len(problems) == 1 else "lineage_invalid"
        super().__init__(lineage_error(code), details=[p.message for p in problems])
        self.problems = list(problems)


@dataclass
class LineageReport:
    decision_no: str
    applied: bool
    dry_run: bool
    plan: LineagePlan
    events: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision_no": self.decision_no,
            "applied": self.applied,
            "dry_run": self.dry_run,
            "effective_from": self.plan.effective_from.isoformat(),
            "changes": [
                {
                    "kind": c.kind.value,
                    "predecessors": list(c.predecessors),
                    "successors": list(c.successors),
                    "procedures_moved": len(self.plan.moves_of(seq)),
                }
                for seq, c in enumerate(self.plan.agency_changes, start=1)
            ],
            "agencies_opened": [a.code for a in self.plan.opened],
            "agencies_closed": self.plan.closed,
            "procedures": [
                {
                    "ma_tthc": m.ma_tthc,
                    "from_agency": m.from_agency,
                    "to_agency": m.to_agency,
                    "level": m.level.value if m.level else None,
                    "version": m.change.new.version,
                }
                for m in self.plan.moves
            ],
            "events_published": self.events,
        }


@dataclass
class DecisionReport:
    decision_no: str
    applied: bool
    dry_run: bool
    plan: DecisionPlan
    events: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision_no": self.decision_no,
            "applied": self.applied,
            "dry_run": self.dry_run,
            "counts": self.plan.counts,
            "events_published": self.events,
            "notes": self.notes,
            "rows": [_result(r) for r in self.plan.results],
        }


def _result(r: RowResult) -> dict[str, Any]:
    found: dict[str, Any] = {"line": r.line, "ma_tthc": r.ma_tthc, "outcome": r.outcome.value}
    if r.reason:
        found["reason"] = r.reason
    if r.changed_fields:
        found["changed_fields"] = list(r.changed_fields)
    return found


@dataclass(frozen=True)
class Approval:
    """Entries of a department's proposal that a decision approves (all when `codes` is None)."""

    proposal_id: int
    codes: tuple[str, ...] | None = None


class Catalog:
    def __init__(
        self,
        pool: Callable[[], asyncpg.Pool],
        producer: str,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._pool = pool
        self._producer = producer
        self._rows = Counter(
            "pasc_catalog_rows_total",
            "Rows of imports and decisions, by outcome.",
            ["outcome"],
            registry=registry,
        )

    # --- agencies ---------------------------------------------------------------------------

    async def register_reference_agencies(self) -> list[Agency]:
        """The shared agency list, inserted where missing (announced once)."""
        async with self._pool().acquire() as conn, conn.transaction():
            added = await store.add_missing_agencies(conn, REFERENCE_AGENCIES)
            await stage(conn, [agency_event(a, self._producer) for a in added])
        return added

    async def register_agency(self, agency: Agency) -> bool:
        async with self._pool().acquire() as conn, conn.transaction():
            changed = await store.save_agency(conn, agency)
            if changed:
                await stage(conn, [agency_event(agency, self._producer)])
        return changed

    async def add_ground(self, ground: ExclusionGround) -> None:
        async with self._pool().acquire() as conn, conn.transaction():
            await store.add_ground(conn, ground)

    # --- proposals --------------------------------------------------------------------------

    async def submit_proposal(
        self, agency_code: str, submitted_by: str, reason: str | None, raw: Sequence[RawRow]
    ) -> int:
        """A department's proposal: every row must be valid and its own; nothing takes effect."""
        if not submitted_by.strip():
            raise CatalogError(errors.SUBMITTER_REQUIRED, field="submitted_by")
        if not raw:
            raise CatalogError(errors.PROPOSAL_EMPTY, field="rows")
        async with self._pool().acquire() as conn, conn.transaction():
            agencies = await store.agencies(conn)
            agency = agencies.get(agency_code)
            if agency is None:
                raise CatalogError(
                    errors.AGENCY_UNKNOWN,
                    f"agency_code: '{agency_code}' chưa được đăng ký",
                    field="agency_code",
                )
            parsed = [parse_row(r) for r in raw]
            wrong = [_error(p) for p in parsed if isinstance(p, RowError)]
            good = [p for p in parsed if isinstance(p, ParsedRow)]
            wrong += [
                {
                    "line": p.line,
                    "ma_tthc": p.data.ma_tthc,
                    "reason": f"ma_co_quan: {p.data.agency_code} không phải {agency_code}"
                    " (mỗi cơ quan chỉ đề nghị thủ tục của mình)",
                }
                for p in good
                if p.data.agency_code != agency_code
            ]
            codes = [p.data.ma_tthc for p in good]
            wrong += [
                {
                    "line": p.line,
                    "ma_tthc": p.data.ma_tthc,
                    "reason": "ma_tthc: lặp lại trong đề nghị",
                }
                for i, p in enumerate(good)
                if p.data.ma_tthc in codes[:i]
            ]
            if wrong:
                raise CatalogError(
                    errors.PROPOSAL_ROWS_INVALID, details=[_line(e) for e in wrong], field="rows"
                )
            entries = [(p.data.ma_tthc, p.line, to_row(p.data, agency.name)) for p in good]
            return await store.insert_proposal(conn, agency_code, submitted_by, reason, entries)

    # --- decisions --------------------------------------------------------------------------

    async def import_rows(
        self,
        raw: Sequence[RawRow],
        terms: DecisionTerms,
        *,
        dry_run: bool = False,
        strict: bool = False,
    ) -> DecisionReport:
        """A proposal and its approving decision in one step: good rows apply, bad ones are reported.

        With `strict`, one bad row and nothing applies. Re-importing the same rows changes nothing.
        """
        _check(terms)
        parsed = [parse_row(r) for r in raw]
        async with self._pool().acquire() as conn, conn.transaction():
            await store.lock_catalog(conn)
            plan, agencies = await self._plan(conn, terms, parsed, ())
            await _refuse_conflict(conn, terms, plan)
            report = DecisionReport(terms.decision_no, applied=False, dry_run=dry_run, plan=plan)
            if strict and plan.rejected:
                report.notes.append("strict: có dòng bị từ chối nên không áp dụng dòng nào")
            elif plan.changes and not dry_run:
                by_code = {p.data.ma_tthc: p for p in parsed if isinstance(p, ParsedRow)}
                entries = [
                    (
                        c.new.data.ma_tthc,
                        by_code[c.new.data.ma_tthc].line,
                        to_row(c.new.data, agencies[c.new.data.agency_code].name),
                    )
                    for c in plan.changes
                ]
                await store.insert_decision(conn, terms, "import", *_lists(plan))
                await store.insert_proposal(
                    conn, None, terms.recorded_by, terms.reason, entries, terms.decision_no
                )
                report.events = await self._record(conn, terms, plan, agencies)
                report.applied = True
            elif not plan.changes:
                report.notes.append("không có thay đổi: quyết định không được ghi nhận")
        self._count(report)
        return report

    async def decide(
        self,
        terms: DecisionTerms,
        *,
        approvals: Sequence[Approval] = (),
        rows: Sequence[RawRow] = (),
        withdrawals: Sequence[str] = (),
        dry_run: bool = False,
    ) -> DecisionReport:
        """The Chairman's decision: approves proposals' entries and/or rows, withdraws procedures.

        A decision is applied whole or not at all: one refused item and nothing changes.
        """
        _check(terms)
        if not approvals and not rows and not withdrawals:
            raise CatalogError(errors.DECISION_EMPTY)
        async with self._pool().acquire() as conn, conn.transaction():
            await store.lock_catalog(conn)
            approved, from_proposals = await _approved_entries(conn, approvals, terms.decision_no)
            parsed = [*from_proposals, *(parse_row(r) for r in rows)]
            plan, agencies = await self._plan(conn, terms, parsed, withdrawals)
            if plan.rejected:
                raise CatalogError(
                    errors.DECISION_CONTENT_INVALID,
                    f"quyết định {terms.decision_no} có nội dung không hợp lệ; không áp dụng",
                    [_line(_result(r)) for r in plan.rejected],
                )
            await _refuse_conflict(conn, terms, plan)
            report = DecisionReport(terms.decision_no, applied=False, dry_run=dry_run, plan=plan)
            if plan.changes and not dry_run:
                await store.insert_decision(conn, terms, "decision", *_lists(plan))
                await store.mark_approved(conn, terms.decision_no, approved)
                report.events = await self._record(conn, terms, plan, agencies)
                report.applied = True
            elif not plan.changes:
                report.notes.append("không có thay đổi: quyết định không được ghi nhận")
        self._count(report)
        return report

    async def _plan(
        self,
        conn: Connection,
        terms: DecisionTerms,
        parsed: Sequence[ParsedRow | RowError],
        withdrawals: Sequence[str],
    ) -> tuple[DecisionPlan, dict[str, Agency]]:
        agencies = await store.agencies(conn)
        plan = plan_decision(
            terms=terms,
            latest=await store.latest_versions(conn),
            rows=parsed,
            withdrawals=withdrawals,
            agencies=agencies,
            grounds=await store.grounds(conn),
        )
        return plan, agencies

    async def _record(
        self,
        conn: Connection,
        terms: DecisionTerms,
        plan: DecisionPlan,
        agencies: dict[str, Agency],
    ) -> int:
        """Write the versions, then announce them with the coverage they lead to."""
        await store.insert_versions(conn, plan.changes)
        active = [v.data for v in (await store.latest_versions(conn)).values() if not v.withdrawn]
        now = coverage_by_agency(active, agencies)
        moved = transitions(await store.published_status(conn), now, agencies)
        await store.save_status(
            conn,
            {
                c.agency_code: (c, status_of(c, agencies.get(c.agency_code)).fully_onboarded)
                for _, c in moved
            },
            terms.effective_from,
            terms.decision_no,
        )
        p = self._producer
        events = [procedure_event(c, p) for c in plan.changes]
        events.append(decision_event(terms, plan, p))
        events += [
            coverage_event(t, c, terms.effective_from, terms.decision_no, p) for t, c in moved
        ]
        await stage(conn, events)
        return len(events)

    # --- lineage ----------------------------------------------------------------------------

    async def apply_lineage(
        self, request: LineageRequest, *, dry_run: bool = False
    ) -> LineageReport:
        """Agencies renamed, merged, split or closed, and procedures' levels, from a date.

        Applied whole or not at all, in one transaction with its events: the new and closed
        agencies, one lineage event per change, a new version of every procedure that moves
        (and the decision and coverage events that follow, as for any decision).
        """
        terms = request.terms
        async with self._pool().acquire() as conn, conn.transaction():
            await store.lock_catalog(conn)
            existing = await store.decision(conn, terms.decision_no)
            if existing is not None:
                raise LineageRefused(
                    [
                        Problem(
                            "decision_already_applied",
                            f"quyết định {terms.decision_no} đã được ghi nhận lúc"
                            f" {existing['recorded_at']:%Y-%m-%d %H:%M}; thay đổi mới cần một"
                            " quyết định mới",
                        )
                    ]
                )
            plan = plan_lineage(
                request, await store.agencies(conn), await store.latest_versions(conn)
            )
            if plan.problems:
                raise LineageRefused(plan.problems)
            report = LineageReport(terms.decision_no, applied=False, dry_run=dry_run, plan=plan)
            if dry_run:
                return report
            moved = [m.ma_tthc for m in plan.moves]
            await store.insert_decision(conn, terms, "lineage", [], moved, [])
            await store.add_missing_agencies(conn, plan.opened)
            await store.close_agencies(conn, plan.closed, terms.effective_from)
            await store.insert_lineage(conn, terms.decision_no, plan)
            agencies = await store.agencies(conn)
            touched = [a.code for a in plan.opened] + plan.closed
            events = [agency_event(agencies[code], self._producer) for code in touched]
            events += [
                lineage_event(seq, change, plan, terms, self._producer)
                for seq, change in enumerate(plan.agency_changes, start=1)
            ]
            await stage(conn, events)
            versions = DecisionPlan(changes=plan.version_changes)
            report.events = len(events) + await self._record(conn, terms, versions, agencies)
            report.applied = True
        return report

    async def register_receiving_place(self, agency: Agency) -> bool:
        """A commune's one-stop point (or any agency) receiving dossiers itself."""
        async with self._pool().acquire() as conn, conn.transaction():
            changed = await store.set_receiving_place(conn, agency.with_level())
            if changed:
                found = await store.agency(conn, agency.code)
                if found is not None:  # just written in this transaction
                    await stage(conn, [agency_event(found, self._producer)])
        return changed

    def _count(self, report: DecisionReport) -> None:
        for outcome, count in report.plan.counts.items():
            if count:
                self._rows.labels(outcome).inc(count)


def _check(terms: DecisionTerms) -> None:
    problems = check_terms(terms)
    if problems:
        raise CatalogError(
            errors.DECISION_INVALID, details=problems, field=problems[0].split(":")[0]
        )


OUTCOME_LABELS = {
    "created": "tạo mới",
    "changed": "thay đổi",
    "unchanged": "không đổi",
    "withdrawn": "rút",
    "rejected": "từ chối",
}


def _line(item: dict[str, Any]) -> str:
    """One row of a refusal's list: "dòng 3 1.001234 (từ chối): lý do"."""
    where = f"dòng {item['line']} " if item.get("line") else ""
    text = f"{where}{item.get('ma_tthc') or ''}".strip()
    if item.get("outcome"):
        text += f" ({OUTCOME_LABELS.get(item['outcome'], item['outcome'])})"
    return f"{text}: {item['reason']}" if item.get("reason") else text


def _error(row: RowError) -> dict[str, Any]:
    return {"line": row.line, "ma_tthc": row.ma_tthc, "reason": row.reason}


def _lists(plan: DecisionPlan) -> tuple[list[str], list[str], list[str]]:
    return (
        plan.codes(ChangeKind.REGISTERED),
        plan.codes(ChangeKind.CHANGED),
        plan.codes(ChangeKind.WITHDRAWN),
    )


async def _refuse_conflict(conn: Connection, terms: DecisionTerms, plan: DecisionPlan) -> None:
    """A decision number is applied once: applying it again may only find nothing to change."""
    existing = await store.decision(conn, terms.decision_no)
    if existing is not None and plan.changes:
        raise CatalogError(
            errors.DECISION_ALREADY_APPLIED,
            f"quyết định {terms.decision_no} đã được áp dụng lúc"
            f" {existing['recorded_at'].astimezone(VN_TZ):%H:%M %d/%m/%Y};"
            " thay đổi mới cần một quyết định mới",
            [
                _line(_result(r))
                for r in plan.results
                if r.outcome in (Outcome.CREATED, Outcome.CHANGED, Outcome.WITHDRAWN)
            ],
            field="decision_no",
        )


async def _approved_entries(
    conn: Connection, approvals: Sequence[Approval], decision_no: str
) -> tuple[list[tuple[int, str]], list[ParsedRow | RowError]]:
    pairs: list[tuple[int, str]] = []
    parsed: list[ParsedRow | RowError] = []
    wrong: list[str] = []
    for approval in approvals:
        found = await store.proposal(conn, approval.proposal_id)
        if found is None:
            wrong.append(f"approve: đề nghị {approval.proposal_id} không tồn tại")
            continue
        entries = {e["ma_tthc"]: e for e in found["entries"]}
        wanted = approval.codes if approval.codes is not None else tuple(entries)
        for code in wanted:
            entry = entries.get(code)
            if entry is None:
                wrong.append(f"approve: {code} không có trong đề nghị {approval.proposal_id}")
            elif entry["decision_no"] not in (None, decision_no):
                wrong.append(
                    f"approve: {code} của đề nghị {approval.proposal_id} đã được duyệt theo"
                    f" {entry['decision_no']}"
                )
            else:
                pairs.append((approval.proposal_id, code))
                parsed.append(parse_row(RawRow(entry["line"] or 0, entry["entry"])))
    if wrong:
        raise CatalogError(errors.APPROVAL_INVALID, details=wrong, field="approve")
    return pairs, parsed
