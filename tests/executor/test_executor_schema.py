"""The database is the translator's context (issue 15, item 1): ``Schema.from_database`` reads
each engine's catalog, and a translating ``Database`` reads its own schema when it opens and
again after DDL it runs, so statements it translates are typed without ``schema=``."""

from __future__ import annotations

import os
import sqlite3
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import engine_url, open_database
from test_executor_wrap import mysql_kwargs, reachable

import sqlshift
from sqlshift import Schema
from sqlshift.errors import ExecutionError
from sqlshift.translator.schema import collation_of

TABLE = f"sqlshift_sch_{os.getpid()}"  # private to this test process
MOOD = f"{TABLE}_mood"

DDL = {
    "postgres": [
        f"DROP TABLE IF EXISTS {TABLE}",
        f"DROP TYPE IF EXISTS {MOOD}",
        f"CREATE TYPE {MOOD} AS ENUM ('sad', 'ok', 'happy')",
        f'CREATE TABLE {TABLE} (id INT PRIMARY KEY, name VARCHAR(20) COLLATE "C", '
        f"mood {MOOD}, price NUMERIC(10, 2), at TIMESTAMP, flag BOOLEAN, "
        "a INT, b INT, UNIQUE (a, b))",
    ],
    "mysql": [
        f"DROP TABLE IF EXISTS {TABLE}",
        f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, name VARCHAR(20) COLLATE utf8mb4_bin, "
        "mood ENUM('sad', 'ok', 'happy'), price DECIMAL(10, 2), at DATETIME, flag TINYINT(1), "
        "a INT UNSIGNED, b INT, UNIQUE KEY (a, b))",
    ],
    "sqlite": [
        f"DROP TABLE IF EXISTS {TABLE}",
        f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, name VARCHAR(20) COLLATE NOCASE, "
        "mood TEXT, price DECIMAL(10, 2), at DATETIME, flag BOOLEAN, a INT, b, UNIQUE (a, b))",
    ],
}
COLLATION = {"postgres": "c", "mysql": "utf8mb4_bin", "sqlite": "nocase"}


def _url(engine: str, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'schema.db'}" if engine == "sqlite" else engine_url(engine)


@pytest.mark.parametrize("engine", ["postgres", "mysql", "sqlite"])
async def test_from_database_reads_types_keys_collations_and_enum_members(
    engine: str, tmp_path: Path
) -> None:
    url = _url(engine, tmp_path)
    db = await open_database(engine) if engine != "sqlite" else await sqlshift.connect(url)
    try:
        for statement in DDL[engine]:
            await db.execute(statement)
        from_url = await Schema.from_database(url)
        from_db = await Schema.from_database(db)
        for schema in (from_url, from_db):
            columns = dict(schema.columns(TABLE))
            assert list(columns) == ["id", "name", "mood", "price", "at", "flag", "a", "b"]
            assert columns["price"].sql("mysql") == "DECIMAL(10, 2)"
            assert columns["flag"].sql("mysql") == "BOOLEAN"  # TINYINT(1) too
            assert collation_of(columns["name"]) == COLLATION[engine]
            assert schema.unique_keys(TABLE) == (("id",), ("a", "b"))
        if engine != "sqlite":
            assert columns["mood"].sql("mysql") == "ENUM('sad', 'ok', 'happy')"
        else:
            assert columns["b"].this == columns["b"].Type.UNKNOWN  # declared without a type
        if engine == "mysql":
            assert columns["a"].sql("mysql") == "INT(10) UNSIGNED"
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {TABLE}")
        if engine == "postgres":
            await db.execute(f"DROP TYPE IF EXISTS {MOOD}")
        await db.close()


async def test_from_database_refuses_what_is_not_a_database() -> None:
    with pytest.raises(sqlshift.InputTypeError, match="URL or a Database"):
        await Schema.from_database(42)


async def test_a_translating_database_types_statements_with_its_own_schema() -> None:
    """MySQL's `flag = 1` on a PostgreSQL BOOLEAN column is `flag = TRUE`; without the
    schema the comparison is written through and PostgreSQL rejects boolean = integer."""
    raw = await open_database("postgres")
    try:
        await raw.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await raw.execute(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, flag BOOLEAN)")
        await raw.execute(f"INSERT INTO {TABLE} VALUES (1, TRUE), (2, FALSE)")
        query = f"SELECT id FROM {TABLE} WHERE flag = 1"
        async with sqlshift.connect(engine_url("postgres"), source="mysql") as db:
            assert [tuple(r) for r in await db.fetch_all(query)] == [(1,)]
        blind = sqlshift.connect(engine_url("postgres"), source="mysql", introspect=False)
        async with blind:
            with pytest.raises(ExecutionError, match="boolean = integer"):
                await blind.fetch_all(query)
    finally:
        await raw.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await raw.close()


async def test_the_schema_is_read_again_after_ddl_the_database_runs() -> None:
    """A table created behind the executor's back becomes known after the next DDL it runs
    (outside a transaction at once, inside one when it ends)."""
    raw = await open_database("postgres")
    other = f"{TABLE}_other"
    try:
        for name in (TABLE, other):
            await raw.execute(f"DROP TABLE IF EXISTS {name}")
        async with sqlshift.connect(engine_url("postgres"), source="mysql") as db:
            await raw.execute(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, flag BOOLEAN)")
            await raw.execute(f"INSERT INTO {TABLE} VALUES (1, TRUE), (2, FALSE)")
            query = f"SELECT id FROM {TABLE} WHERE flag = 1"
            with pytest.raises(ExecutionError, match="boolean = integer"):
                await db.fetch_all(query)
            async with db.transaction():
                await db.execute(f"CREATE TABLE {other} (id INT)")
                with pytest.raises(ExecutionError, match="boolean = integer"):
                    await db.fetch_all(query)
            assert [tuple(r) for r in await db.fetch_all(query)] == [(1,)]
    finally:
        for name in (TABLE, other):
            await raw.execute(f"DROP TABLE IF EXISTS {name}")
        await raw.close()


async def test_an_unreadable_schema_is_logged_and_translation_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sqlshift.executor import Database
    from sqlshift.executor.backends.fake import Answer, Call, FakeBackend

    def handler(call: Call) -> Answer | None:
        if "pg_attribute" in call.sql:
            raise RuntimeError("permission denied for table pg_attribute")
        return None

    async with Database(FakeBackend("postgres", handler=handler), source="mysql") as db:
        assert "without its schema" in caplog.text
        assert "permission denied for table pg_attribute" in caplog.text
        assert await db.fetch_all("SELECT 1") == ()


async def test_sqlite_nocase_columns_compare_as_sqlite_does_on_postgres() -> None:
    """A SQLite table whose column is declared COLLATE NOCASE, moved to PostgreSQL: with the
    SQLite schema, the application's SQLite statements return SQLite's rows there."""
    ddl = f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, label TEXT COLLATE NOCASE)"
    rows = [(1, "bob"), (2, "Bob"), (3, "BOB"), (4, "ann"), (5, "Émile"), (6, "émile")]
    queries = [
        f"SELECT id FROM {TABLE} WHERE label = 'bob' ORDER BY id",
        f"SELECT id FROM {TABLE} WHERE label IN ('ANN', 'émile') ORDER BY id",
        f"SELECT id FROM {TABLE} WHERE label BETWEEN 'A' AND 'B' ORDER BY id",
        f"SELECT id FROM {TABLE} WHERE 'BOB' = label ORDER BY id",
    ]
    lite = sqlite3.connect(":memory:")
    lite.execute(ddl)
    lite.executemany(f"INSERT INTO {TABLE} VALUES (?, ?)", rows)
    expected = [lite.execute(q).fetchall() for q in queries]
    assert expected[0] == [(1,), (2,), (3,)]  # SQLite's NOCASE, the thing to reproduce
    raw = await open_database("postgres")
    try:
        await raw.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await raw.execute(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, label TEXT)")
        await raw.execute_many(f"INSERT INTO {TABLE} VALUES ($1, $2)", rows)
        schema = Schema.from_ddl(ddl, "sqlite")
        async with sqlshift.connect(engine_url("postgres"), source="sqlite", schema=schema) as db:
            got = [[tuple(r) for r in await db.fetch_all(q)] for q in queries]
        assert got == expected
    finally:
        await raw.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await raw.close()


# ------------------------------------------------------------------------ wrap() adapters

#: each driver, the dialect its statements are written in, and what `a / b` of 7 and 2 is there
WRAPPED = [
    ("postgres", "mysql", Decimal("3.5")),
    ("mysql", "postgres", 3),
    ("sqlite", "mysql", 3.5),
]


async def _raw_connection(engine: str, path: Path) -> Any:
    if engine == "postgres":
        import asyncpg

        return await asyncpg.connect(engine_url("postgres"))
    if engine == "mysql":
        import aiomysql

        return await aiomysql.connect(autocommit=True, **mysql_kwargs())
    import aiosqlite

    return await aiosqlite.connect(path)


async def _native(engine: str, raw: Any, statement: str) -> None:
    """Run DDL/DML with the driver itself, behind the wrapper's back."""
    if engine == "mysql":
        async with raw.cursor() as cur:
            with warnings.catch_warnings():  # "Unknown table" notes of DROP ... IF EXISTS
                warnings.simplefilter("ignore")
                await cur.execute(statement)
    elif engine == "sqlite":
        await raw.execute(statement)
        await raw.commit()
    else:
        await raw.execute(statement)


async def _value(engine: str, wrapped: Any, query: str) -> Any:
    if engine == "postgres":
        return await wrapped.fetchval(query)
    if engine == "mysql":
        async with wrapped.cursor() as cur:
            await cur.execute(query)
            return (await cur.fetchone())[0]
    rows = await wrapped.execute_fetchall(query)
    return next(iter(rows))[0]


@pytest.mark.parametrize(("engine", "source", "expected"), WRAPPED)
async def test_wrapped_drivers_translate_with_their_database_schema(
    engine: str, source: str, expected: Any, tmp_path: Path
) -> None:
    """`a / b` needs the operands' types in all three directions (refused without them): a
    wrapper reads them from its database before its first statement, and again after DDL it
    runs (a table created behind its back is known from then on)."""
    await reachable(engine)
    raw = await _raw_connection(engine, tmp_path / "wrapped.db")
    later = f"{TABLE}_later"
    try:
        for name in (TABLE, later):
            await _native(engine, raw, f"DROP TABLE IF EXISTS {name}")
        await _native(engine, raw, f"CREATE TABLE {TABLE} (a INT, b INT)")
        await _native(engine, raw, f"INSERT INTO {TABLE} VALUES (7, 2)")
        wrapped = sqlshift.wrap(raw, source=source, cache=True)
        assert await _value(engine, wrapped, f"SELECT a / b FROM {TABLE}") == expected
        await _native(engine, raw, f"CREATE TABLE {later} (a INT, b INT)")
        await _native(engine, raw, f"INSERT INTO {later} VALUES (7, 2)")
        with pytest.raises(sqlshift.UntranslatableError, match="division-needs-types"):
            await _value(engine, wrapped, f"SELECT a / b FROM {later}")
        await _native(engine, wrapped, f"CREATE TABLE {TABLE}_ddl (x INT)")  # DDL through it
        assert await _value(engine, wrapped, f"SELECT a / b FROM {later}") == expected
        unread = sqlshift.wrap(raw, source=source, schema={"other": {"x": "INT"}})
        if engine != "mysql":  # (one aiomysql connection is wrapped once at a time)
            assert await _value(engine, unread, f"SELECT a / b FROM {later}") == expected
    finally:
        for name in (TABLE, later, f"{TABLE}_ddl"):
            await _native(engine, raw, f"DROP TABLE IF EXISTS {name}")
        closing = raw.close()
        if closing is not None:
            await closing


async def test_a_postgresql_source_schema_says_how_its_text_is_ordered() -> None:
    """PostgreSQL orders text by its collation (the database's by default); SQLite by bytes.
    With the schema read from the database the translator knows which: a C column (this
    database's default) assumes nothing, a locale column is refused, and a schema that does
    not say (a dict) leaves the order assumed and reported (rules/text_order.py)."""
    table = f"sqlshift_pg_order_{os.getpid()}"
    db = await open_database("postgres")
    try:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.execute(f'CREATE TABLE {table} (id INT, name TEXT, label TEXT COLLATE "en-x-icu")')
        live = await Schema.from_database(engine_url("postgres"))
        ordered = f"SELECT name FROM {table} WHERE name < 'b' ORDER BY name"
        assert sqlshift.translation(ordered, "sqlite", "postgres", schema=live).assumptions == ()
        with pytest.raises(sqlshift.UntranslatableError) as refused:
            sqlshift.translation(
                f"SELECT MIN(label) FROM {table}", "sqlite", "postgres", schema=live
            )
        assert refused.value.code == "collation-postgres"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sqlshift.AssumptionWarning)
            unsaid = {table: {"id": "INT", "name": "TEXT"}}
            codes = {
                a.code
                for a in sqlshift.translation(
                    ordered, "sqlite", "postgres", schema=unsaid
                ).assumptions
            }
        assert codes == {"postgres-collation"}
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.close()
