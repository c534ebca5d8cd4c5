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


async def test_reporting_dossiers_written_before_0008_keep_their_figures(
    database_url: str, tmp_path: Path
) -> None:
    """reporting_0008 made the table keep the snapshot (digitized is the sender's flag again,
    the derived values moved to counted_*). A dossier stored before it, counted digitized and
    reused, reads back with the same figures; a later revision of it is compared with those."""
    earlier, then = tmp_path / "migrations", tmp_path / "migrations_to_0008"
    earlier.mkdir()
    then.mkdir()
    for sql in sorted(REPORTING_MIGRATIONS.glob("reporting_000[1-8]_*.sql")):
        if not sql.name.startswith("reporting_0008_"):
            (earlier / sql.name).write_text(sql.read_text())
        (then / sql.name).write_text(sql.read_text())
    schema = f"records_test_{uuid.uuid4().hex[:8]}"
    await migrate(database_url, schema, [earlier])
    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        await conn.execute(
            "INSERT INTO dossiers (ma_ho_so, revision, ma_tthc, ma_linh_vuc, agency_code,"
            " trang_thai_ho_so, kenh_thuc_hien, ngay_tiep_nhan, ngay_hen_tra, due_at_in_force,"
            " supplement_count, digitized, reused, events_applied, received_day)"
            " VALUES ('OLD-1', 2, '1.000001', '', 'SXD', 2, 2, '2025-05-02T08:00+07',"
            " '2025-05-09T17:00+07', '2025-05-09T17:00+07', 0, true, true, 2, '2025-05-02')"
        )
        assert await migrate(database_url, schema, [then]) == 1  # 0008 (later ones apart)
        row = await conn.fetchrow("SELECT * FROM dossiers WHERE ma_ho_so = 'OLD-1'")
        facts = REPORTING_DOSSIERS.record(row)
        assert (row["counted_digitized"], row["counted_reused"]) == (True, True)
        assert (facts.counted_digitized, facts.counted_reused) == (True, True)
        assert (facts.documents_submitted, facts.applicant_id) == (None, None)
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()
