"""A live database's schema (tables, column types, collations, unique keys) read from its catalog.

Used by :meth:`Schema.from_database <sqlshift.Schema.from_database>`, by the CLI's
``--schema URL`` and by the executor, which reads the database it translates for once and again
after DDL it runs. Each engine is read from its own catalog: PostgreSQL's ``pg_catalog``
(``format_type``, enum labels from ``pg_enum``, unique indexes from ``pg_index``), MySQL's
``information_schema`` (``COLUMN_TYPE`` keeps ``ENUM('a','b')``, ``TINYINT(1)`` and
``UNSIGNED``), SQLite's ``pragma_table_info`` / ``pragma_index_list`` and, for column
collations, the ``CREATE TABLE`` text it stores. A PostgreSQL text column of the default
collation is given the database's (``datcollate``, or ``icu`` for an ICU database): whether it
orders by bytes decides a translation (rules/text_order.py). Tables and views of the current schema /
database are read; a column whose type sqlglot cannot read keeps its name with an unknown type
(so it still takes part in name resolution).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import sqlglot
from sqlglot import exp

from sqlshift.translator.ddl_schema import create_columns
from sqlshift.translator.schema import COLLATION, Schema, mysql_boolean

__all__ = ["Query", "read_schema"]

Query = Callable[[str], Awaitable[Sequence[Sequence[Any]]]]
"""Runs one catalog query (no arguments) on the database and returns its rows."""

_PG_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       CASE WHEN t.typtype = 'e' THEN (
           SELECT string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder)
           FROM pg_enum e WHERE e.enumtypid = t.oid) END,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname
            WHEN a.attcollation <> 0 THEN (
                SELECT CASE WHEN to_jsonb(d) ->> 'datlocprovider' = 'i' THEN 'icu'
                            ELSE d.datcollate END
                FROM pg_database d WHERE d.datname = current_database()) END
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND pg_table_is_visible(c.oid)
  AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
ORDER BY c.relname, a.attnum
"""

_PG_KEYS = """
SELECT c.relname, i.indisprimary, i.indexrelid::int8, a.attname
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL
  AND pg_table_is_visible(c.oid)
  AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
ORDER BY c.relname, i.indisprimary DESC, i.indexrelid, k.ord
"""

_MYSQL_COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, NULL, COLLATION_NAME
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION
"""

_MYSQL_KEYS = """
SELECT TABLE_NAME, INDEX_NAME = 'PRIMARY', INDEX_NAME, COLUMN_NAME
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0
  AND COLUMN_NAME IS NOT NULL AND SUB_PART IS NULL
ORDER BY TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX
"""

_SQLITE_COLUMNS = """
SELECT m.name, p.name, p.type, NULL, NULL
FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid
"""

# a rowid table's INTEGER PRIMARY KEY has no index: its key is in pragma_table_info
_SQLITE_KEYS = """
SELECT m.name, 1, 'pk', p.name
FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
WHERE m.type = 'table' AND p.pk > 0
  AND NOT EXISTS (SELECT 1 FROM pragma_index_list(m.name) AS l WHERE l.origin = 'pk')
UNION ALL
SELECT m.name, l.origin = 'pk', l.name, i.name
FROM sqlite_master AS m JOIN pragma_index_list(m.name) AS l JOIN pragma_index_info(l.name) AS i
WHERE m.type = 'table' AND l."unique" AND NOT l.partial
"""

_SQLITE_DDL = """
SELECT sql FROM sqlite_master
WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
"""

_QUERIES = {
    "postgres": (_PG_COLUMNS, _PG_KEYS),
    "mysql": (_MYSQL_COLUMNS, _MYSQL_KEYS),
    "sqlite": (_SQLITE_COLUMNS, _SQLITE_KEYS),
}


async def read_schema(dialect: str, query: Query) -> Schema:
    """The tables and views of the database ``query`` reads (an engine of ``dialect``)."""
    columns_sql, keys_sql = _QUERIES[dialect]
    tables = _tables(await query(columns_sql), dialect)
    if dialect == "sqlite":
        _add_sqlite_collations(tables, await query(_SQLITE_DDL))
    keys = _keys(await query(keys_sql))
    return Schema(
        tuple((name, tuple(columns)) for name, columns in tables.items()),
        tuple((name, keys[name]) for name in tables if keys.get(name)),
    )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes | bytearray) else str(value)


def _tables(
    rows: Iterable[Sequence[Any]], dialect: str
) -> dict[str, list[tuple[str, exp.DataType]]]:
    tables: dict[str, list[tuple[str, exp.DataType]]] = {}
    for table, column, type_text, enum_labels, collation in rows:
        dtype = _datatype(
            _text(type_text), dialect, None if enum_labels is None else _text(enum_labels)
        )
        if collation is not None:
            dtype.meta[COLLATION] = _text(collation).lower()
        tables.setdefault(_text(table).lower(), []).append((_text(column).lower(), dtype))
    return tables


def _datatype(text: str, dialect: str, enum_labels: str | None) -> exp.DataType:
    """The sqlglot type of a catalog's spelling; a PostgreSQL enum as ``ENUM(labels)``, a
    MySQL ``TINYINT(1)`` as BOOLEAN (what type-aware rules expect of it), an unreadable
    type as UNKNOWN."""
    if enum_labels is not None:
        text, dialect = f"ENUM({enum_labels})", "mysql"
    if not text.strip():  # SQLite: a column declared without a type
        return exp.DataType(this=exp.DataType.Type.UNKNOWN)
    try:
        dtype = exp.DataType.build(text, dialect=dialect)
    except (sqlglot.errors.SqlglotError, ValueError):
        return exp.DataType(this=exp.DataType.Type.UNKNOWN)
    return exp.DataType.build("BOOLEAN") if mysql_boolean(dtype) else dtype


def _keys(rows: Iterable[Sequence[Any]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each table's unique keys, its primary key first (rows come one per key column, in
    key order)."""
    grouped: dict[tuple[str, str], tuple[bool, list[str]]] = {}
    for table, primary, index, column in rows:
        entry = grouped.setdefault((_text(table).lower(), _text(index)), (bool(primary), []))
        entry[1].append(_text(column).lower())
    keys: dict[str, list[tuple[str, ...]]] = {}
    for (table, _), (_, columns) in sorted(grouped.items(), key=lambda i: not i[1][0]):
        found = keys.setdefault(table, [])
        if tuple(columns) not in found:
            found.append(tuple(columns))
    return {table: tuple(found) for table, found in keys.items()}


def _add_sqlite_collations(
    tables: dict[str, list[tuple[str, exp.DataType]]], rows: Iterable[Sequence[Any]]
) -> None:
    """SQLite keeps a column's collation only in the ``CREATE TABLE`` text it stores: read it
    from there (a statement sqlglot cannot read leaves its columns' collations unknown)."""
    for (sql,) in rows:
        try:
            create = sqlglot.parse_one(_text(sql), read="sqlite")
        except sqlglot.errors.SqlglotError:
            continue
        if not isinstance(create, exp.Create) or not isinstance(create.this, exp.Schema):
            continue
        columns = tables.get(create.this.this.name.lower())
        if columns is None:
            continue
        declared = {name: dtype.meta.get(COLLATION) for name, dtype in create_columns(create)}
        for name, dtype in columns:
            if declared.get(name):
                dtype.meta[COLLATION] = declared[name]
