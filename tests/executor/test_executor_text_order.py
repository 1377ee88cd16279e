"""SQLite text keeps its byte order on PostgreSQL (rules/text_order.py). The test database is
created with a C collation, which orders by bytes too and so hides the difference; a column
under an ICU locale collation stands for the en_US.UTF-8 databases most servers have."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from conftest import open_database

from sqlshift.executor import Database

TABLE = f"sqlshift_text_order_{os.getpid()}"
NAMES = ["apple", "Banana", "cherry", "a-c", "ab", "Zebra", "éclair", "_x", "10", "9"]

STATEMENTS = [
    f"SELECT name FROM {TABLE} ORDER BY name",
    f"SELECT name FROM {TABLE} ORDER BY name DESC LIMIT 4",
    f"SELECT id FROM {TABLE} WHERE name < 'b' ORDER BY id",
    f"SELECT id FROM {TABLE} WHERE name BETWEEN 'B' AND 'b' ORDER BY id",
    f"SELECT MIN(name), MAX(name) FROM {TABLE}",
]


@pytest.fixture
async def pair() -> AsyncIterator[tuple[Database, Database]]:
    """SQLite running the statements natively, PostgreSQL their translations into a column
    that sorts by a locale."""
    sqlite = await open_database("sqlite")
    native = await open_database("postgres")  # its own DDL: a collation SQLite has not
    columns = {
        sqlite: ("id INTEGER PRIMARY KEY, name TEXT", "?"),
        native: ('id INTEGER PRIMARY KEY, name TEXT COLLATE "en-x-icu"', "$"),
    }
    for db, (ddl, mark) in columns.items():
        await db.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await db.execute(f"CREATE TABLE {TABLE} ({ddl})")
        values = "(?, ?)" if mark == "?" else "($1, $2)"
        rows = list(enumerate(NAMES, start=1))
        await db.execute_many(f"INSERT INTO {TABLE} (id, name) VALUES {values}", rows)
    postgres = await open_database("postgres", source="sqlite")
    try:
        yield sqlite, postgres
    finally:
        for db in (sqlite, native):
            await db.execute(f"DROP TABLE IF EXISTS {TABLE}")
        for db in (sqlite, native, postgres):
            await db.close()


@pytest.mark.parametrize("sql", STATEMENTS, ids=[f"case{i}" for i in range(len(STATEMENTS))])
async def test_postgres_orders_text_as_sqlite_does(
    pair: tuple[Database, Database], sql: str
) -> None:
    sqlite, postgres = pair
    expected = [tuple(r) for r in await sqlite.fetch_all(sql)]
    assert [tuple(r) for r in await postgres.fetch_all(sql)] == expected


async def test_a_column_that_orders_by_bytes_keeps_its_index_usable() -> None:
    """On a column of a C database (this one) the translation adds no COLLATE, which would
    keep PostgreSQL from sorting with the column's index."""
    postgres = await open_database("postgres", source="sqlite")
    try:
        await postgres.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await postgres.execute(f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, name TEXT)")
        sql = f"SELECT name FROM {TABLE} WHERE name < 'b' ORDER BY name"
        await postgres.fetch_all(sql)
        translated = postgres._pipeline.prepare(sql).sql
        assert "ORDER BY name" in translated and "COLLATE" not in translated
    finally:
        await postgres.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await postgres.close()
