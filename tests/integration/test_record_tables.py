"""Each table derived from a record model (pasc_runtime.records) is what its migrations declare.

The migrations still spell the DDL; this test applies them to a fresh schema on the real
database and checks that the table's columns are the model's fields (plus the extra columns
its RecordTable names and the bookkeeping the database fills itself), so the model and the
DDL cannot drift apart.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest

from integration_gateway.adapters.dossier_store import DOSSIERS as GATEWAY_DOSSIERS
from integration_gateway.bootstrap import MIGRATIONS as GATEWAY_MIGRATIONS
from pasc_runtime.db import migrate
from pasc_runtime.records import RecordTable
from reporting_service.adapters.read_model_store import DOSSIERS as REPORTING_DOSSIERS
from reporting_service.bootstrap import MIGRATIONS as REPORTING_MIGRATIONS

pytestmark = pytest.mark.integration

BOOKKEEPING = ("updated_at",)


@pytest.mark.parametrize(
    ("table", "migrations"),
    [(GATEWAY_DOSSIERS, GATEWAY_MIGRATIONS), (REPORTING_DOSSIERS, REPORTING_MIGRATIONS)],
    ids=["gateway.dossiers", "reporting.dossiers"],
)
async def test_the_migrated_table_has_the_models_columns(
    database_url: str, table: RecordTable[object], migrations: Path
) -> None:
    schema = f"records_test_{uuid.uuid4().hex[:8]}"
    await migrate(database_url, schema, [migrations])
    conn = await asyncpg.connect(database_url)
    try:
        declared = await conn.fetch(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = $1 AND table_name = $2",
            schema,
            table.table,
        )
        assert table.ddl_mismatch([r["column_name"] for r in declared], BOOKKEEPING) is None
        # The arrays the upsert casts to are the columns' own types (no silent narrowing).
        types = {r["column_name"]: r["data_type"] for r in declared}
        for column in (*table.columns, *table.extra):
            assert _same_type(column.sql_type, types[column.name]), column
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


_SPELLED = {
    "timestamptz": "timestamp with time zone",
    "int": "integer",
    "bool": "boolean",
}


def _same_type(sql_type: str, information_schema_type: str) -> bool:
    return _SPELLED.get(sql_type, sql_type) == information_schema_type
