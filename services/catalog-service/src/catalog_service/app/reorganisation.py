"""Apply the reference data's 2025 reorganisation: the department decision(s), the communes'
one-stop points as receiving places, then the district level's abolition. Each decision is
applied once: one already recorded is reported and left alone, so running it again is safe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg

from catalog_service.adapters import reference_files, store
from catalog_service.app.commands import Catalog
from catalog_service.domain.lineage import LineageRequest
from catalog_service.domain.reference import reorganisation


async def apply_reorganisation_2025(
    pool: Callable[[], asyncpg.Pool], catalog: Catalog, recorded_by: str, *, dry_run: bool
) -> dict[str, Any]:
    plan = reorganisation(
        reference_files.rows("agency-lineage-2025.csv"),
        reference_files.rows("sldtbxh-split-2025.csv"),
        reference_files.rows("communes-2025.csv"),
        await store.latest_versions(pool()),
        recorded_by,
    )
    steps: list[dict[str, Any]] = []
    for request in plan.department_decisions:
        steps.append(await _apply(pool, catalog, request, dry_run))
    places = 0
    if not dry_run:
        for agency in plan.receiving_places:
            places += await catalog.register_receiving_place(agency)
    steps.append(
        {"receiving_places": len(plan.receiving_places), "registered": places, "dry_run": dry_run}
    )
    if plan.abolition is not None and not (dry_run and plan.department_decisions):
        # A dry run cannot show the abolition after department decisions it did not apply.
        steps.append(await _apply(pool, catalog, plan.abolition, dry_run))
    return {"steps": steps}


async def _apply(
    pool: Callable[[], asyncpg.Pool], catalog: Catalog, request: LineageRequest, dry_run: bool
) -> dict[str, Any]:
    existing = await store.decision(pool(), request.terms.decision_no)
    if existing is not None:
        return {
            "decision_no": request.terms.decision_no,
            "applied": False,
            "note": f"đã ghi nhận lúc {existing['recorded_at']:%Y-%m-%d %H:%M}",
        }
    return (await catalog.apply_lineage(request, dry_run=dry_run)).as_dict()
