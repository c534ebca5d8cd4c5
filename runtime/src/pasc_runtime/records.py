"""A record shape's table, derived from its one model: columns, batch SQL and row conversions.

A service defines a record once, as a dataclass or a pydantic model, and builds a `RecordTable`
from it. The column list, the `unnest` INSERT/UPSERT (one round trip for a whole batch, every
column an array), the rows for COPY and the record ⇄ row conversions all come from the
model's fields, by name: adding a field to the model adds it everywhere here. What the model
cannot say (the table's name, its key, columns the table keeps beside the record, such as a
day derived from a date or a counter) is given once, beside the table.

The migration still spells the table's DDL (yoyo applies SQL files, and the DDL says what
PostgreSQL keeps: constraints, defaults, indexes); `ddl_mismatch` lets a test check that the
migrated table's columns are the model's fields.

Conversions, by the field's type: an IntEnum is stored as its number (smallint), a
frozenset/set/list/tuple of str as a sorted JSON array (jsonb); str, int, bool, float,
datetime (timestamptz), date, UUID as themselves. `X | None` is nullable X.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import IntEnum
from typing import Any, Generic, TypeVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel

R = TypeVar("R")

_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")

_PLAIN_TYPES: tuple[tuple[type, str], ...] = (
    # bool before int: a bool is an int to Python.
    (bool, "boolean"),
    (IntEnum, "smallint"),
    (int, "integer"),
    (float, "double precision"),
    (str, "text"),
    (datetime, "timestamptz"),
    (date, "date"),
    (UUID, "uuid"),
)
_COLLECTIONS = (frozenset, set, list, tuple)


def _identifier(name: str) -> str:
    if not name or name[0].isdigit() or not set(name) <= _IDENTIFIER_CHARS:
        raise ValueError(f"{name!r} is not a plain SQL identifier")
    return name


def _json_array(values: Iterable[str]) -> str:
    return json.dumps(sorted(values))


@dataclasses.dataclass(frozen=True)
class Column:
    """One column: its name (the field's), its SQL type, and how a value crosses the driver."""

    name: str
    sql_type: str
    to_db: Callable[[Any], Any] | None = None
    from_db: Callable[[Any], Any] | None = None

    def encode(self, value: Any) -> Any:
        return value if value is None or self.to_db is None else self.to_db(value)

    def decode(self, value: Any) -> Any:
        return value if value is None or self.from_db is None else self.from_db(value)


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def column_for(name: str, annotation: Any) -> Column:
    """The column a field of this type makes (TypeError when the type has no obvious column:
    give its SQL type to `RecordTable(sql_types=...)` then)."""
    kind = _unwrap_optional(annotation)
    if kind is AwareDatetime:
        return Column(name, "timestamptz")
    origin = typing.get_origin(kind)
    if origin in _COLLECTIONS and typing.get_args(kind)[:1] == (str,):
        rebuild: Callable[[Any], Any] = origin
        return Column(name, "jsonb", _json_array, lambda raw: rebuild(json.loads(raw)))
    if isinstance(kind, type):
        for base, sql_type in _PLAIN_TYPES:
            if issubclass(kind, base):
                if base is IntEnum:
                    enum: Callable[[Any], Any] = kind
                    return Column(name, sql_type, int, enum)
                return Column(name, sql_type)
    raise TypeError(f"field {name!r}: no SQL type for {annotation!r}; name one in sql_types")


def _column(name: str, annotation: Any, sql_type: str | None) -> Column:
    if sql_type is None:
        return column_for(name, annotation)
    try:
        return dataclasses.replace(column_for(name, annotation), sql_type=sql_type)
    except TypeError:
        return Column(name, sql_type)


def field_types(model: type[Any]) -> dict[str, Any]:
    """The model's fields and their types, in declaration order (dataclass or pydantic model)."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        return {name: info.annotation for name, info in model.model_fields.items()}
    if dataclasses.is_dataclass(model):
        hints = typing.get_type_hints(model)
        return {f.name: hints[f.name] for f in dataclasses.fields(model)}
    raise TypeError(f"{model!r} is neither a dataclass nor a pydantic model")


class RecordTable(Generic[R]):
    """The table of one record shape.

    `key`: the conflict target of the upsert. `extra`: columns the table keeps beside the
    record's fields (name → SQL type); their values are given at write time. `sql_types`
    overrides a field's derived type. `omit`: fields the table does not keep.
    """

    def __init__(
        self,
        model: type[R],
        table: str,
        *,
        key: Sequence[str],
        extra: Mapping[str, str] | None = None,
        sql_types: Mapping[str, str] | None = None,
        omit: Iterable[str] = (),
    ) -> None:
        self.model = model
        self.table = _identifier(table)
        left_out = set(omit)
        overrides = dict(sql_types or {})
        self.columns: tuple[Column, ...] = tuple(
            _column(_identifier(n), t, overrides.get(n))
            for n, t in field_types(model).items()
            if n not in left_out
        )
        self.extra: tuple[Column, ...] = tuple(
            Column(_identifier(n), t) for n, t in (extra or {}).items()
        )
        self.names: tuple[str, ...] = tuple(c.name for c in self.columns)
        unknown = [k for k in key if k not in self.names]
        if unknown:
            raise ValueError(f"key {unknown} is not a field of {model.__name__}")
        self.key = tuple(key)

    @property
    def column_list(self) -> str:
        """The record's columns, comma-separated, in field order."""
        return ", ".join(self.names)

    @property
    def all_names(self) -> tuple[str, ...]:
        """The record's columns, then the extra ones: what the table's DDL must declare
        (besides bookkeeping columns the database fills itself, such as updated_at)."""
        return self.names + tuple(c.name for c in self.extra)

    def select(self, where: str, *, suffix: str = "") -> str:
        """SELECT the record's columns WHERE `where` (a constant condition with $n parameters)."""
        # Identifiers checked at construction; `where` is the caller's constant.
        sql = f"SELECT {self.column_list} FROM {self.table} WHERE {where} {suffix}"  # noqa: S608
        return sql.rstrip()

    def insert(
        self,
        *,
        on_conflict: str = "update",
        also_set: Mapping[str, str] | None = None,
        alias: str = "t",
    ) -> str:
        """INSERT a batch with one `unnest` (parameters in `all_names` order, each an array).

        `on_conflict`: "update" (every non-key column takes the new value), "nothing", or
        "error" (no ON CONFLICT clause). `also_set`: SET expressions used instead of the plain
        new value for these columns, or added to them (e.g. `updated_at = now()`, a counter
        `n = t.n + EXCLUDED.n`)."""
        columns = self.columns + self.extra
        names = ", ".join(c.name for c in columns)
        arrays = ", ".join(f"${i}::{c.sql_type}[]" for i, c in enumerate(columns, start=1))
        sql = f"INSERT INTO {self.table} AS {alias} ({names})\nSELECT * FROM unnest({arrays})"
        if on_conflict == "nothing":
            return f"{sql}\nON CONFLICT DO NOTHING"
        if on_conflict == "error":
            return sql
        if on_conflict != "update":
            raise ValueError(f"on_conflict: update, nothing or error, not {on_conflict!r}")
        special = dict(also_set or {})
        sets = [
            f"{c.name} = {special.pop(c.name, f'EXCLUDED.{c.name}')}"
            for c in columns
            if c.name not in self.key
        ]
        sets += [f"{name} = {expression}" for name, expression in special.items()]
        return f"{sql}\nON CONFLICT ({', '.join(self.key)}) DO UPDATE SET\n    " + ",\n    ".join(
            sets
        )

    def rows(
        self, records: Sequence[R], extra: Mapping[str, Sequence[Any]] | None = None
    ) -> list[tuple[Any, ...]]:
        """The records as database rows in `all_names` order (for COPY, or `executemany`)."""
        return list(zip(*self.arrays(records, extra), strict=True)) if records else []

    def arrays(
        self, records: Sequence[R], extra: Mapping[str, Sequence[Any]] | None = None
    ) -> list[list[Any]]:
        """One array per column in `all_names` order: the parameters of `insert()`."""
        given = dict(extra or {})
        missing = [c.name for c in self.extra if c.name not in given]
        if missing:
            raise ValueError(f"values missing for the extra columns {missing}")
        out = [[c.encode(getattr(r, c.name)) for r in records] for c in self.columns]
        out += [list(given[c.name]) for c in self.extra]
        return out

    def record(self, row: Mapping[str, Any]) -> R:
        """The record of a database row, by column name (extra columns are left out)."""
        return self.model(**{c.name: c.decode(row[c.name]) for c in self.columns})

    def ddl_mismatch(self, declared: Iterable[str], bookkeeping: Iterable[str] = ()) -> str | None:
        """What differs between a table's declared columns and this model's (None if nothing)."""
        declared_set = set(declared) - set(bookkeeping)
        expected = set(self.all_names)
        if declared_set == expected:
            return None
        return (
            f"{self.table}: the DDL lacks {sorted(expected - declared_set)},"
            f" the model lacks {sorted(declared_set - expected)}"
        )
