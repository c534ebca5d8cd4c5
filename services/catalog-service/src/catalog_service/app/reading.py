"""The catalog's read side: each function answers one question of the API from the store.

The routes only gather the question's parameters; a `None` answer means "not found".
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from catalog_service.adapters import store
from catalog_service.app.views import coverage_json, history_json, procedure_json, public_json
from catalog_service.domain.coverage import city_wide, coverage_by_agency
from catalog_service.domain.legal import with_ground_in_force
from catalog_service.domain.procedures import ProcedureVersion
from catalog_service.domain.rows import to_row, write_csv

CITY_NAME = "Thành phố Cần Thơ"


async def search(
    pool: asyncpg.Pool,
    filters: store.SearchFilters,
    q: str | None,
    day: date,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    total, found = await store.search(pool, filters, q, day, limit, offset)
    grounds = await store.grounds(pool)
    return {
        "as_of": day.isoformat(),
        "total": total,
        "items": [
            procedure_json(with_ground_in_force(f.version, grounds, day), f.agency_name)
            for f in found
        ],
    }


async def public_list(
    pool: asyncpg.Pool,
    filters: store.SearchFilters,
    q: str | None,
    day: date,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    total, found = await store.search(pool, filters, q, day, limit, offset)
    return {"total": total, "items": [public_json(f.version, f.agency_name) for f in found]}


async def procedure(pool: asyncpg.Pool, ma_tthc: str, day: date) -> dict[str, Any] | None:
    """The version in force on `day`, the latest, and the history (who, why, which decision)."""
    entries = await store.history(pool, ma_tthc)
    if not entries:
        return None
    agencies = await store.agencies(pool)
    in_force = [e.version for e in entries if e.version.valid_from <= day]
    current = in_force[-1] if in_force and not in_force[-1].withdrawn else None

    def named(v: ProcedureVersion) -> dict[str, Any]:
        agency = agencies.get(v.data.agency_code)
        return procedure_json(v, agency.name if agency else None)

    history = []
    previous: ProcedureVersion | None = None
    for e in entries:
        history.append(history_json(e, previous, named(e.version)))
        previous = e.version
    # History shows the basis each decision cited; the version in force (and the latest,
    # from when it takes effect) shows the ground in force on the day asked.
    grounds = await store.grounds(pool)
    latest = entries[-1].version
    return {
        "ma_tthc": ma_tthc,
        "as_of": day.isoformat(),
        "in_force": named(with_ground_in_force(current, grounds, day)) if current else None,
        "latest": named(with_ground_in_force(latest, grounds, max(day, latest.valid_from))),
        "history": history,
    }


async def coverage(pool: asyncpg.Pool, day: date) -> dict[str, Any]:
    """Per agency and city-wide: eligible procedures, how many at the Center, the online mix."""
    agencies = await store.agencies(pool, day)  # the organisation of that day
    procs = [v.data for v in await store.catalog_as_of(pool, day)]
    per_agency = coverage_by_agency(procs, agencies)
    return {
        "as_of": day.isoformat(),
        "city": coverage_json(city_wide(per_agency.values()), None)
        | {"agency_code": None, "name": CITY_NAME},
        "agencies": [coverage_json(per_agency[c], agencies.get(c)) for c in sorted(per_agency)],
    }


async def agency_coverage(pool: asyncpg.Pool, agency_code: str, day: date) -> dict[str, Any] | None:
    agency = (await store.agencies(pool)).get(agency_code.upper())
    if agency is None:
        return None
    procs = [v.data for v in await store.catalog_as_of(pool, day)]
    found = coverage_by_agency(procs, [agency.code])[agency.code]
    return {"as_of": day.isoformat(), **coverage_json(found, agency)}


async def agencies(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    return [
        {"agency_code": a.code, "name": a.name, "kind": a.kind.value}
        for a in (await store.agencies(pool)).values()
    ]


async def in_force(pool: asyncpg.Pool, day: date) -> tuple[list[ProcedureVersion], dict[str, str]]:
    """The versions in force on `day` (with the ground in force) and the agencies' names."""
    names = {code: a.name for code, a in (await store.agencies(pool)).items()}
    grounds = await store.grounds(pool)
    versions = [with_ground_in_force(v, grounds, day) for v in await store.catalog_as_of(pool, day)]
    return versions, names


async def export_json(pool: asyncpg.Pool, day: date) -> list[dict[str, Any]]:
    versions, names = await in_force(pool, day)
    return [procedure_json(v, names.get(v.data.agency_code, "")) for v in versions]


async def export_csv(pool: asyncpg.Pool, day: date) -> str:
    """In the import's CSV columns: the export can be imported again."""
    versions, names = await in_force(pool, day)
    return write_csv(to_row(v.data, names.get(v.data.agency_code, "")) for v in versions)
