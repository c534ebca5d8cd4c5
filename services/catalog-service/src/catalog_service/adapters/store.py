"""The catalog in PostgreSQL: agencies, grounds, proposals, decisions, procedure versions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from catalog_service.domain.agencies import Agency
from catalog_service.domain.coverage import Coverage, PublishedStatus
from catalog_service.domain.decisions import Change, DecisionTerms
from catalog_service.domain.folding import fold, like_phrase, search_terms
from catalog_service.domain.legal import ExclusionGround
from catalog_service.domain.lineage import LineagePlan
from catalog_service.domain.procedures import (
    CapThucHien,
    LegalBasis,
    Placement,
    ProcedureData,
    ProcedureVersion,
)
from pasc_contracts.events.catalog import AdministrativeLevel, AgencyKind, MucDoDvc
from pasc_runtime.db import Connection

Reader = Any  # a connection or the pool: both have fetch/fetchrow/fetchval


async def lock_catalog(conn: Connection) -> None:
    """Serialise writers: one decision at a time sees and changes the catalog."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.catalog'))")


# --- agencies -------------------------------------------------------------------------------


_AGENCY_COLUMNS = "code, name, kind, level, receiving_place, active_from, closed_from"


def _agency(r: Mapping[str, Any]) -> Agency:
    return Agency(
        r["code"],
        r["name"],
        AgencyKind(r["kind"]),
        AdministrativeLevel(r["level"]) if r["level"] else None,
        r["receiving_place"],
        r["active_from"],
        r["closed_from"],
    )


async def agencies(db: Reader, day: date | None = None) -> dict[str, Agency]:
    """Every registered agency, or (with `day`) those that exist on that day."""
    rows = await db.fetch(
        f"SELECT {_AGENCY_COLUMNS} FROM agencies"  # noqa: S608  (constant SQL)
        " WHERE $1::date IS NULL OR ((active_from IS NULL OR active_from <= $1)"
        "                            AND (closed_from IS NULL OR $1 < closed_from))"
        " ORDER BY code",
        day,
    )
    return {r["code"]: _agency(r) for r in rows}


async def add_missing_agencies(conn: Connection, items: Sequence[Agency]) -> list[Agency]:
    """Insert those not registered yet; returns the ones inserted."""
    items = [a.with_level() for a in items]
    rows = await conn.fetch(
        """
        INSERT INTO agencies (code, name, kind, level, receiving_place, active_from, closed_from)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[],
                             $6::date[], $7::date[])
        ON CONFLICT (code) DO NOTHING
        RETURNING code
        """,
        [a.code for a in items],
        [a.name for a in items],
        [a.kind.value for a in items],
        [a.level.value if a.level else None for a in items],
        [a.receiving_place for a in items],
        [a.active_from for a in items],
        [a.closed_from for a in items],
    )
    inserted = {r["code"] for r in rows}
    return [a for a in items if a.code in inserted]


async def save_agency(conn: Connection, agency: Agency) -> bool:
    """Insert or update its name and kind (its dates change only by decisions); True when
    something changed."""
    agency = agency.with_level()
    row = await conn.fetchrow(
        """
        INSERT INTO agencies AS a (code, name, kind, level) VALUES ($1, $2, $3, $4)
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
            level = coalesce(a.level, EXCLUDED.level), updated_at = now()
        WHERE (a.name, a.kind) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind)
        RETURNING code
        """,
        agency.code,
        agency.name,
        agency.kind.value,
        agency.level.value if agency.level else None,
    )
    return row is not None


async def agency(db: Reader, code: str) -> Agency | None:
    row = await db.fetchrow(
        f"SELECT {_AGENCY_COLUMNS} FROM agencies WHERE code = $1",  # noqa: S608  (constant SQL)
        code,
    )
    return _agency(row) if row else None


async def set_receiving_place(conn: Connection, agency: Agency) -> bool:
    """Register (or update) an agency that receives dossiers itself; True when something changed."""
    row = await conn.fetchrow(
        """
        INSERT INTO agencies AS a (code, name, kind, level, receiving_place, active_from)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
            level = EXCLUDED.level, receiving_place = EXCLUDED.receiving_place,
            active_from = coalesce(EXCLUDED.active_from, a.active_from), updated_at = now()
        WHERE (a.name, a.kind, a.level, a.receiving_place, a.active_from)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.level,
                                EXCLUDED.receiving_place,
                                coalesce(EXCLUDED.active_from, a.active_from))
        RETURNING code
        """,
        agency.code,
        agency.name,
        agency.kind.value,
        agency.level.value if agency.level else None,
        agency.receiving_place,
        agency.active_from,
    )
    return row is not None


async def close_agencies(conn: Connection, codes: Sequence[str], day: date) -> None:
    await conn.execute(
        "UPDATE agencies SET closed_from = $2, updated_at = now() WHERE code = ANY($1::text[])",
        list(codes),
        day,
    )


# --- lineage --------------------------------------------------------------------------------


async def insert_lineage(conn: Connection, decision_no: str, plan: LineagePlan) -> None:
    await conn.executemany(
        "INSERT INTO agency_lineage (decision_no, seq, kind, predecessors, successors,"
        " effective_from) VALUES ($1, $2, $3, $4, $5, $6)",
        [
            (
                decision_no,
                seq,
                c.kind.value,
                list(c.predecessors),
                list(c.successors),
                plan.effective_from,
            )
            for seq, c in enumerate(plan.agency_changes, start=1)
        ],
    )
    await conn.executemany(
        "INSERT INTO procedure_moves (decision_no, seq, ma_tthc, from_agency, to_agency, level)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        [
            (
                decision_no,
                m.seq,
                m.ma_tthc,
                m.from_agency,
                m.to_agency,
                m.level.value if m.level else None,
            )
            for m in plan.moves
        ],
    )


async def lineage(db: Reader, agency_code: str | None = None) -> list[dict[str, Any]]:
    """Lineage changes in effective-date order, all or those an agency took part in."""
    rows = await db.fetch(
        """
        SELECT l.decision_no, l.seq, l.kind, l.predecessors, l.successors, l.effective_from,
               d.signed_on, d.signer, d.recorded_by, d.reason,
               (SELECT count(*) FROM procedure_moves m
                WHERE m.decision_no = l.decision_no AND m.seq = l.seq) AS procedures_moved
        FROM agency_lineage l JOIN decisions d USING (decision_no)
        WHERE $1::text IS NULL OR $1 = ANY(l.predecessors) OR $1 = ANY(l.successors)
        ORDER BY l.effective_from, d.recorded_at, l.seq
        """,
        agency_code,
    )
    return [dict(r) for r in rows]


# --- exclusion grounds ----------------------------------------------------------------------


async def grounds(db: Reader) -> list[ExclusionGround]:
    rows = await db.fetch(
        "SELECT ground, document, article, clause, point, description, valid_from, valid_until"
        " FROM exclusion_grounds ORDER BY ground, valid_from"
    )
    return [ExclusionGround(**dict(r)) for r in rows]


async def add_ground(conn: Connection, ground: ExclusionGround) -> None:
    """Record a new basis for a point from a date; the one in force before ends the day before."""
    await conn.execute(
        """
        UPDATE exclusion_grounds SET valid_until = $2::date - 1
        WHERE ground = $1 AND valid_from < $2 AND (valid_until IS NULL OR valid_until >= $2)
        """,
        ground.ground,
        ground.valid_from,
    )
    await conn.execute(
        """
        INSERT INTO exclusion_grounds
            (ground, valid_from, valid_until, document, article, clause, point, description)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (ground, valid_from) DO UPDATE SET valid_until = EXCLUDED.valid_until,
            document = EXCLUDED.document, article = EXCLUDED.article, clause = EXCLUDED.clause,
            point = EXCLUDED.point, description = EXCLUDED.description
        """,
        ground.ground,
        ground.valid_from,
        ground.valid_until,
        ground.document,
        ground.article,
        ground.clause,
        ground.point,
        ground.description,
    )


# --- procedure versions ---------------------------------------------------------------------

_AS_OF = """
    SELECT DISTINCT ON (ma_tthc) *
    FROM procedure_versions
    WHERE ($1::date IS NULL OR valid_from <= $1)
    ORDER BY ma_tthc, version DESC
"""


def _version(r: Mapping[str, Any]) -> ProcedureVersion:
    data = ProcedureData(
        ma_tthc=r["ma_tthc"],
        ten_tthc=r["ten_tthc"],
        ma_linh_vuc=r["ma_linh_vuc"],
        ten_linh_vuc=r["ten_linh_vuc"],
        agency_code=r["agency_code"],
        cap_thuc_hien=CapThucHien(r["cap_thuc_hien"]),
        muc_do_dvc=MucDoDvc(r["muc_do_dvc"]),
        thoi_han_giai_quyet=r["thoi_han_giai_quyet"],
        at_center=r["at_center"],
        exclusion_ground=r["exclusion_ground"],
        exclusion_note=r["exclusion_note"],
        phi_le_phi=r["phi_le_phi"],
    )
    basis = None
    if r["basis_document"] is not None:
        basis = LegalBasis(
            r["basis_document"],
            r["basis_article"],
            r["basis_clause"],
            r["basis_point"],
            r["basis_reason"],
        )
    return ProcedureVersion(
        data=data,
        version=r["version"],
        withdrawn=r["withdrawn"],
        valid_from=r["valid_from"],
        decision_no=r["decision_no"],
        basis=basis,
        changed_by=r["changed_by"],
        reason=r["reason"],
    )


async def latest_versions(db: Reader) -> dict[str, ProcedureVersion]:
    """Every procedure's latest version, withdrawn ones included (what a new decision changes)."""
    rows = await db.fetch(_AS_OF, None)
    return {r["ma_tthc"]: _version(r) for r in rows}


async def catalog_as_of(db: Reader, day: date | None) -> list[ProcedureVersion]:
    """The procedures in force on `day` (None: as last decided), withdrawn ones left out."""
    rows = await db.fetch(f"SELECT * FROM ({_AS_OF}) c WHERE NOT withdrawn ORDER BY ma_tthc", day)  # noqa: S608  (constant SQL)
    return [_version(r) for r in rows]


_INSERT_VERSION = """
INSERT INTO procedure_versions (
    ma_tthc, version, change, withdrawn, ten_tthc, search_text, ma_linh_vuc, ten_linh_vuc,
    agency_code, cap_thuc_hien, muc_do_dvc, thoi_han_giai_quyet, phi_le_phi, at_center,
    exclusion_ground, exclusion_note, basis_document, basis_article, basis_clause, basis_point,
    basis_reason, valid_from, decision_no, changed_by, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
        $20, $21, $22, $23, $24, $25)
"""


def search_text(data: ProcedureData) -> str:
    return fold(f"{data.ma_tthc} {data.ten_tthc}")


async def insert_versions(conn: Connection, changes: Iterable[Change]) -> None:
    rows = []
    for c in changes:
        v, d, b = c.new, c.new.data, c.new.basis
        rows.append(
            (
                d.ma_tthc,
                v.version,
                c.kind.value,
                v.withdrawn,
                d.ten_tthc,
                search_text(d),
                d.ma_linh_vuc,
                d.ten_linh_vuc,
                d.agency_code,
                d.cap_thuc_hien.value,
                d.muc_do_dvc.value,
                d.thoi_han_giai_quyet,
                d.phi_le_phi,
                d.at_center,
                d.exclusion_ground,
                d.exclusion_note,
                b.document if b else None,
                b.article if b else None,
                b.clause if b else None,
                b.point if b else None,
                b.reason if b else None,
                v.valid_from,
                v.decision_no,
                v.changed_by,
                v.reason,
            )
        )
    if rows:
        await conn.executemany(_INSERT_VERSION, rows)


@dataclass(frozen=True)
class SearchFilters:
    ma_tthc: str | None = None
    agency_code: str | None = None
    field: str | None = None
    at_center: bool | None = None
    placement: Placement | None = None
    muc_do_dvc: MucDoDvc | None = None


_SEARCH = f"""
WITH c AS ({_AS_OF})
SELECT c.*, a.name AS agency_name, count(*) OVER () AS total_found
FROM c JOIN agencies a ON a.code = c.agency_code
WHERE NOT c.withdrawn
  AND c.search_text LIKE ALL($2::text[])
  AND ($3::text IS NULL OR c.ma_tthc LIKE $3 || '%')
  AND ($4::text IS NULL OR c.agency_code = $4)
  AND ($5::text IS NULL OR upper(c.ma_linh_vuc) = upper($5) OR lower(c.ten_linh_vuc) = lower($5))
  AND ($6::boolean IS NULL OR c.at_center = $6)
  AND ($7::text IS NULL OR $7 = CASE WHEN c.at_center THEN 'at_center'
                                     WHEN c.exclusion_ground IS NOT NULL THEN 'excluded'
                                     ELSE 'pending' END)
  AND ($8::text IS NULL OR c.muc_do_dvc = $8)
ORDER BY CASE WHEN $9::text IS NULL THEN 3
              WHEN c.search_text LIKE c.ma_tthc || ' ' || $9 THEN 0
              WHEN c.search_text LIKE c.ma_tthc || ' ' || $9 || '%' THEN 1
              WHEN c.search_text LIKE '%' || $9 || '%' THEN 2
              ELSE 3 END,
         CASE WHEN $9::text IS NULL THEN 0 ELSE length(c.ten_tthc) END,
         c.agency_code, c.ma_tthc
LIMIT $10 OFFSET $11
"""  # noqa: S608  (constant SQL: only the as-of subquery is spliced in)


@dataclass(frozen=True)
class Found:
    version: ProcedureVersion
    agency_name: str


async def search(
    db: Reader,
    filters: SearchFilters,
    query: str | None,
    day: date | None,
    limit: int,
    offset: int,
) -> tuple[int, list[Found]]:
    rows = await db.fetch(
        _SEARCH,
        day,
        search_terms(query or ""),
        filters.ma_tthc,
        filters.agency_code,
        filters.field,
        filters.at_center,
        filters.placement.value if filters.placement else None,
        filters.muc_do_dvc.value if filters.muc_do_dvc else None,
        like_phrase(query) if query else None,
        limit,
        offset,
    )
    total = rows[0]["total_found"] if rows else 0
    return total, [Found(_version(r), r["agency_name"]) for r in rows]


@dataclass(frozen=True)
class HistoryEntry:
    version: ProcedureVersion
    change: str
    recorded_at: Any
    signed_on: date
    signer: str


async def history(db: Reader, ma_tthc: str) -> list[HistoryEntry]:
    rows = await db.fetch(
        """
        SELECT v.*, d.signed_on, d.signer FROM procedure_versions v
        JOIN decisions d USING (decision_no)
        WHERE v.ma_tthc = $1 ORDER BY v.version
        """,
        ma_tthc,
    )
    return [
        HistoryEntry(_version(r), r["change"], r["recorded_at"], r["signed_on"], r["signer"])
        for r in rows
    ]


# --- decisions and proposals ----------------------------------------------------------------


async def decision(db: Reader, decision_no: str) -> dict[str, Any] | None:
    row = await db.fetchrow("SELECT * FROM decisions WHERE decision_no = $1", decision_no)
    return dict(row) if row else None


async def decisions(db: Reader) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT decision_no, signed_on, signer, effective_from, recorded_by, reason, source,"
        " cardinality(added) AS added, cardinality(changed) AS changed,"
        " cardinality(withdrawn) AS withdrawn, recorded_at"
        " FROM decisions ORDER BY effective_from, recorded_at"
    )
    return [dict(r) for r in rows]


async def insert_decision(
    conn: Connection,
    terms: DecisionTerms,
    source: str,
    added: list[str],
    changed: list[str],
    withdrawn: list[str],
) -> None:
    await conn.execute(
        """
        INSERT INTO decisions (decision_no, signed_on, signer, effective_from, recorded_by, reason,
                               source, added, changed, withdrawn)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        """,
        terms.decision_no,
        terms.signed_on,
        terms.signer,
        terms.effective_from,
        terms.recorded_by,
        terms.reason,
        source,
        added,
        changed,
        withdrawn,
    )


async def insert_proposal(
    conn: Connection,
    agency_code: str | None,
    submitted_by: str,
    reason: str | None,
    entries: Sequence[tuple[str, int | None, Mapping[str, str]]],
    decision_no: str | None = None,
) -> int:
    proposal_id: int = await conn.fetchval(
        "INSERT INTO proposals (agency_code, submitted_by, reason) VALUES ($1, $2, $3) RETURNING id",
        agency_code,
        submitted_by,
        reason,
    )
    await conn.executemany(
        "INSERT INTO proposal_entries (proposal_id, ma_tthc, line, entry, decision_no)"
        " VALUES ($1, $2, $3, $4::jsonb, $5)",
        [
            (proposal_id, code, line, json.dumps(entry, ensure_ascii=False), decision_no)
            for code, line, entry in entries
        ],
    )
    return proposal_id


async def proposal(db: Reader, proposal_id: int) -> dict[str, Any] | None:
    head = await db.fetchrow("SELECT * FROM proposals WHERE id = $1", proposal_id)
    if head is None:
        return None
    entries = await db.fetch(
        "SELECT ma_tthc, line, entry, decision_no FROM proposal_entries"
        " WHERE proposal_id = $1 ORDER BY line NULLS LAST, ma_tthc",
        proposal_id,
    )
    return {
        **dict(head),
        "entries": [{**dict(e), "entry": json.loads(e["entry"])} for e in entries],
    }


async def mark_approved(
    conn: Connection, decision_no: str, approved: Iterable[tuple[int, str]]
) -> None:
    pairs = list(approved)
    await conn.execute(
        """
        UPDATE proposal_entries e SET decision_no = $1
        FROM unnest($2::bigint[], $3::text[]) AS a(proposal_id, ma_tthc)
        WHERE e.proposal_id = a.proposal_id AND e.ma_tthc = a.ma_tthc AND e.decision_no IS NULL
        """,
        decision_no,
        [p for p, _ in pairs],
        [c for _, c in pairs],
    )


# --- what was announced ---------------------------------------------------------------------


async def published_status(db: Reader) -> dict[str, PublishedStatus]:
    rows = await db.fetch(
        "SELECT agency_code, total, at_center, excluded, pending, fully_onboarded FROM agency_status"
    )
    return {
        r["agency_code"]: PublishedStatus(
            (r["total"], r["at_center"], r["excluded"], r["pending"]), r["fully_onboarded"]
        )
        for r in rows
    }


async def save_status(
    conn: Connection,
    statuses: Mapping[str, tuple[Coverage, bool]],
    as_of: date,
    decision_no: str | None,
) -> None:
    await conn.executemany(
        """
        INSERT INTO agency_status AS s (agency_code, total, at_center, excluded, pending,
                                        fully_onboarded, as_of, decision_no)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (agency_code) DO UPDATE SET total = EXCLUDED.total,
            at_center = EXCLUDED.at_center, excluded = EXCLUDED.excluded,
            pending = EXCLUDED.pending, fully_onboarded = EXCLUDED.fully_onboarded,
            as_of = EXCLUDED.as_of, decision_no = EXCLUDED.decision_no, updated_at = now()
        """,
        [
            (code, c.total, c.at_center, c.excluded, c.pending, onboarded, as_of, decision_no)
            for code, (c, onboarded) in statuses.items()
        ],
    )
