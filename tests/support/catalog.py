"""Give a test's gateway the procedures it checks records against, through catalog events."""

from __future__ import annotations

import asyncio
from datetime import date

import asyncpg

from pasc_contracts.events.catalog import Procedure, ProcedureRegistered
from support.kafka import publish
from support.processes import RunningService


def procedure(code: str, agency: str, working_days: int | None = None) -> Procedure:
    return Procedure(
        ma_tthc=code,
        ten_tthc=f"Thủ tục kiểm thử {code}",
        agency_code=agency,
        at_center=True,
        thoi_han_giai_quyet=working_days,
        effective_from=date(2023, 4, 1),
        catalog_version=1_000_000,
    )


async def teach_gateway(
    kafka: str, database_url: str, gateway: RunningService, procedures: list[Procedure]
) -> None:
    """Publish the procedures and wait until the gateway has them (a fresh consumer group first
    replays the whole catalog topic)."""
    await publish(
        kafka, [ProcedureRegistered(producer="catalog-service", payload=p) for p in procedures]
    )
    codes = [p.ma_tthc for p in procedures]
    conn = await asyncpg.connect(database_url)
    try:
        for _ in range(900):
            n = await conn.fetchval(
                f"SELECT count(*) FROM {gateway.schema}.procedures WHERE ma_tthc = ANY($1::text[])",
                codes,
            )
            if n == len(codes):
                return
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise AssertionError("the gateway never learned the test procedures from catalog events")
