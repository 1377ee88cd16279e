"""An optional schema (tables, column types, keys) that type-aware rules consult."""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from sqlshift.errors import ConfigurationError, InputTypeError

__all__ = ["COLLATION", "Schema", "as_schema", "collation_of", "mysql_boolean"]

COLLATION = "sqlshift_collation"
"""Meta key of a column's :class:`~sqlglot.exp.DataType` in a Schema: the collation the column
was declared with (lower case: ``utf8mb4_bin``, ``nocase``, ``c``), when it has its own."""


def collation_of(dtype: exp.DataType | None) -> str | None:
    """The collation a schema column was declared with (None: the database's default)."""
    if dtype is None or not dtype.meta:
        return None
    value = dtype.meta.get(COLLATION)
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True, eq=False)
class Schema:
    """Column types per table, and each table's unique keys (for upserts).

    Names are matched case-insensitively. Build one with :meth:`Schema.from_mapping` from a
    plain mapping ``{"table": {"column": "type", ...}, ...}``; types are parsed as MySQL
    types, which covers the spellings of all three engines. Compared and hashed by identity,
    so that memoised translations look it up in constant time.
    """

    tables: tuple[tuple[str, tuple[tuple[str, exp.DataType], ...]], ...]
    keys: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()
    #: each view's columns as its definition spells them (MySQL names result columns so)
    views: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def column_type(self, table: str | None, column: str) -> exp.DataType | None:
        """The declared type of ``column``; with ``table=None`` the column must be unambiguous."""
        column = column.lower()
        found: exp.DataType | None = None
        for name, columns in self.tables:
            if table is not None and name != table.lower():
                continue
            for col_name, dtype in columns:
                if col_name == column:
                    if found is not None and table is None:
                        return None  # ambiguous without a qualifier
                    found = dtype
        return found

    def columns(self, table: str) -> tuple[tuple[str, exp.DataType], ...]:
        """The columns of ``table`` in their declared order (empty when unknown)."""
        for name, columns in self.tables:
            if name == table.lower():
                return columns
        return ()

    def view_columns(self, view: str) -> tuple[str, ...] | None:
        """The columns of ``view`` as its definition spells them (None: not a known view)."""
        for name, columns in self.views:
            if name == view.lower():
                return columns
        return None

    def unique_keys(self, table: str) -> tuple[tuple[str, ...], ...]:
        for name, keys in self.keys:
            if name == table.lower():
                return keys
        return ()

    @classmethod
    def from_ddl(cls, text: str, dialect: str, *, base: Schema | None = None) -> Schema:
        """The tables that a script's ``CREATE TABLE`` / ``ALTER TABLE`` / ``DROP TABLE``
        statements leave (run over ``base``, when given), with their column types and unique
        keys (primary key first), and its views (``CREATE VIEW``: the columns' spelling, and
        their types where they are a table's columns); ``dialect`` is the script's. Other
        statements are skipped, so a whole dump can be given."""
        from sqlshift.translator.ddl_schema import tables_from_ddl

        start = (dict(base.tables), dict(base.keys), dict(base.views)) if base is not None else None
        tables, keys, views = tables_from_ddl(text, dialect, start)
        return cls(
            tuple(tables.items()),
            tuple((k, v) for k, v in keys.items() if v),
            tuple(views.items()),
        )

    def merged(self, other: Schema | None) -> Schema:
        """This schema with ``other``'s tables added; ``other`` wins for a table in both."""
        if other is None:
            return self
        names = {name for name, _ in other.tables}
        tables = tuple(t for t in self.tables if t[0] not in names) + other.tables
        key_names = {name for name, _ in other.keys} | names
        keys = tuple(k for k in self.keys if k[0] not in key_names) + other.keys
        view_names = {name for name, _ in other.views} | names
        views = tuple(v for v in self.views if v[0] not in view_names) + other.views
        return Schema(tables, keys, views)

    @classmethod
    async def from_database(cls, database: Any) -> Schema:
        """The tables and views of a live database, read from its catalog: column types
        (ENUM members, ``TINYINT(1)`` as BOOLEAN, ``UNSIGNED``), column collations and unique
        keys (primary key first). ``database`` is a connection URL, or an open
        :class:`~sqlshift.Database` (read on one of its connections)."""
        from sqlshift.executor.database import Database, connect

        if isinstance(database, Database):
            return await database.read_schema()
        if not isinstance(database, str):
            raise InputTypeError(
                f"from_database takes a URL or a Database, got {type(database).__name__}"
            )
        async with connect(database) as db:
            return await db.read_schema()

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Schema:
        """Build a Schema from ``{table: {column: type}}``; the same mapping (by value) is
        converted once and then served from a small cache."""
        schema = as_schema(mapping)
        assert schema is not None
        return schema


_CONVERTED: OrderedDict[int, tuple[dict[str, Any], Schema]] = OrderedDict()
_CONVERTED_SIZE = 32
"""Mappings already converted, by id; an entry is reused only while the mapping is equal to
the snapshot taken (so a caller mutating its dict gets a fresh Schema)."""


def as_schema(value: object) -> Schema | None:
    """Accept None, a Schema, or ``{table: {column: type}}`` (optionally with ``"__keys__"``)."""
    if value is None or isinstance(value, Schema):
        return value
    if not isinstance(value, Mapping):
        raise InputTypeError(f"schema must be a mapping or Schema, got {type(value).__name__}")
    cached = _CONVERTED.get(id(value))
    if cached is not None and cached[0] == value:
        _CONVERTED.move_to_end(id(value))
        return cached[1]
    schema = _convert(value)
    _CONVERTED[id(value)] = (copy.deepcopy(dict(value)), schema)
    if len(_CONVERTED) > _CONVERTED_SIZE:
        _CONVERTED.popitem(last=False)
    return schema


def _convert(value: Mapping[str, Any]) -> Schema:
    tables: list[tuple[str, tuple[tuple[str, exp.DataType], ...]]] = []
    keys: list[tuple[str, tuple[tuple[str, ...], ...]]] = []
    for table, columns in value.items():
        if not isinstance(table, str) or not isinstance(columns, Mapping):
            raise ConfigurationError(f"schema: table {table!r} must map column names to types")
        parsed: list[tuple[str, exp.DataType]] = []
        for column, type_text in columns.items():
            if column == "__keys__":
                keys.append((table.lower(), tuple(tuple(c.lower() for c in k) for k in type_text)))
                continue
            try:
                dtype = exp.DataType.build(str(type_text), dialect="mysql")
            except Exception as error:
                raise ConfigurationError(
                    f"schema: {table}.{column} has an unknown type {type_text!r}"
                ) from error
            if mysql_boolean(dtype):  # MySQL's BOOLEAN, as translated DDL makes it
                dtype = exp.DataType.build("BOOLEAN")
            parsed.append((str(column).lower(), dtype))
        tables.append((table.lower(), tuple(parsed)))
    return Schema(tuple(tables), tuple(keys))


def mysql_boolean(dtype: exp.DataType) -> bool:
    """``TINYINT(1)``: MySQL's BOOLEAN, as translated DDL makes it."""
    if dtype.this != exp.DType.TINYINT or len(dtype.expressions) != 1:
        return False
    param = dtype.expressions[0]
    value = param.this if isinstance(param, exp.DataTypeParam) else param
    return isinstance(value, exp.Literal) and value.name == "1"
