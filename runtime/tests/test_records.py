"""RecordTable derives a table's columns, batch SQL and conversions from one model, by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import IntEnum

import pytest
from pydantic import AwareDatetime, BaseModel

from pasc_runtime.records import RecordTable


class Colour(IntEnum):
    RED = 1
    BLUE = 2


@dataclass(frozen=True)
class Thing:
    code: str
    colour: Colour
    shade: Colour | None
    seen_at: datetime
    due_on: date | None
    count: int
    ok: bool
    tags: frozenset[str]


class Snap(BaseModel):
    code: str
    at: AwareDatetime
    note: str | None = None


THING = Thing(
    "A-1",
    Colour.BLUE,
    None,
    datetime(2023, 5, 1, tzinfo=UTC),
    None,
    3,
    True,
    frozenset({"b", "a"}),
)


def test_columns_and_types_come_from_the_fields_in_order() -> None:
    table = RecordTable(Thing, "things", key=("code",))
    assert table.names == ("code", "colour", "shade", "seen_at", "due_on", "count", "ok", "tags")
    types = {c.name: c.sql_type for c in table.columns}
    assert types == {
        "code": "text",
        "colour": "smallint",
        "shade": "smallint",
        "seen_at": "timestamptz",
        "due_on": "date",
        "count": "integer",
        "ok": "boolean",
        "tags": "jsonb",
    }
    snap = RecordTable(Snap, "snaps", key=("code",))
    assert [(c.name, c.sql_type) for c in snap.columns] == [
        ("code", "text"),
        ("at", "timestamptz"),
        ("note", "text"),
    ]


def test_the_upsert_is_one_unnest_by_name_with_extra_columns() -> None:
    table = RecordTable(Thing, "things", key=("code",), extra={"day": "date"})
    sql = table.insert(also_set={"count": "t.count + EXCLUDED.count", "updated_at": "now()"})
    assert sql.startswith(
        "INSERT INTO things AS t (code, colour, shade, seen_at, due_on, count, ok, tags, day)"
    )
    assert "unnest($1::text[], $2::smallint[]" in sql and "$9::date[])" in sql
    assert "ON CONFLICT (code) DO UPDATE SET" in sql
    assert "code = EXCLUDED.code" not in sql
    assert "count = t.count + EXCLUDED.count" in sql and "updated_at = now()" in sql
    assert "ON CONFLICT DO NOTHING" in table.insert(on_conflict="nothing")


def test_records_cross_to_rows_and_back_by_name() -> None:
    table = RecordTable(Thing, "things", key=("code",), extra={"day": "date"})
    arrays = table.arrays([THING], {"day": [date(2023, 5, 1)]})
    assert arrays == [
        ["A-1"],
        [2],
        [None],
        [THING.seen_at],
        [None],
        [3],
        [True],
        ['["a", "b"]'],
        [date(2023, 5, 1)],
    ]
    (values,) = table.rows([THING], {"day": [date(2023, 5, 1)]})
    row = dict(zip(table.all_names, values, strict=True))
    assert table.record(row) == THING
    assert isinstance(table.record(row).colour, Colour)
    with pytest.raises(ValueError, match="extra columns"):
        table.arrays([THING])


def test_a_ddl_that_differs_from_the_model_is_named() -> None:
    table = RecordTable(Thing, "things", key=("code",), omit=("tags",))
    declared = ["code", "colour", "shade", "seen_at", "due_on", "count", "ok", "updated_at"]
    assert table.ddl_mismatch(declared, bookkeeping=("updated_at",)) is None
    problem = table.ddl_mismatch([*declared[:-2], "old"], bookkeeping=("updated_at",))
    assert problem == "things: the DDL lacks ['ok'], the model lacks ['old']"


def test_a_type_without_an_obvious_column_must_be_named() -> None:
    @dataclass
    class Odd:
        key: str
        blob: dict[str, int]

    with pytest.raises(TypeError, match="blob"):
        RecordTable(Odd, "odd", key=("key",))
    assert RecordTable(Odd, "odd", key=("key",), sql_types={"blob": "jsonb"}).columns[
        1
    ].sql_type == ("jsonb")
