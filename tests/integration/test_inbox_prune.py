"""The inbox keeps to its retention: old entries go, recent ones (redeliveries' guard) stay."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import pytest

from pasc_runtime.db import create_pool, migrate
from pasc_runtime.inbox import claim, prune

pytestmark = pytest.mark.integration


async def test_prune_deletes_only_entries_older_than_the_retention(database_url: str) -> None:
    schema = f"test_inbox_{uuid.uuid4().hex[:8]}"
    await migrate(database_url, schema, [])
    pool = await create_pool(database_url, schema, 1, 2)
    try:
        async with pool.acquire() as conn:
            old = [uuid.uuid4() for _ in range(25)]
            recent = [uuid.uuid4() for _ in range(5)]
            await claim(conn, "c", old + recent)
            await conn.execute(
                "UPDATE inbox SET processed_at = now() - interval '40 days'"
                " WHERE event_id = ANY($1::uuid[])",
                old,
            )
            assert await prune(conn, timedelta(days=30), batch=10) == 25
            left = {r["event_id"] for r in await conn.fetch("SELECT event_id FROM inbox")}
            assert left == set(recent)
            # What is left still deduplicates.
            assert await claim(conn, "c", recent) == set()
    finally:
        await pool.close()
        conn2 = await asyncpg.connect(database_url)
        try:
            await conn2.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await conn2.close()
