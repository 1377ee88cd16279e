"""A newcomer's first hour with the executor, on every engine: MySQL DDL and MySQL-style
arguments through connect(source="mysql"), `await connect()`, options, typed results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import engine_url, open_database

from sqlshift import ExecutionError, Options, UntranslatableError, connect


async def test_mysql_ddl_gives_the_same_python_types_everywhere(
    engine_name: str, table: str
) -> None:
    """DECIMAL(10,2) and TINYINT(1) created through translated MySQL DDL read back as Decimal
    and bool on SQLite too (its DDL keeps the type names the executor converts by)."""
    db = await open_database(engine_name, source="mysql")
    try:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.execute(
            f"CREATE TABLE {table} (id INT PRIMARY KEY, price DECIMAL(10, 2), flag TINYINT(1),"
            " day DATE, at DATETIME)"
        )
        # the arguments a MySQL application passes: 1/0 for a TINYINT(1), as well as booleans
        await db.execute(
            f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s)",
            (1, Decimal("19.90"), 1, dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 9, 30)),
        )
        await db.execute(
            f"INSERT INTO {table} (id, price, flag) VALUES (%s, %s, %s)", (2, Decimal("3"), 0)
        )
        await db.execute(f"UPDATE {table} SET flag = %s WHERE id = %s", (True, 2))
        rows = await db.fetch_all(f"SELECT * FROM {table} WHERE flag = %s ORDER BY id", (1,))
        assert [tuple(r) for r in rows] == [
            (1, Decimal("19.90"), True, dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 9, 30)),
            (2, Decimal("3"), True, None, None),
        ]
        assert [type(v) for v in rows[0]] == [int, Decimal, bool, dt.date, dt.datetime]
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.close()


async def test_await_connect_opens_the_database(engine_name: str) -> None:
    await (await open_database(engine_name)).close()  # skips (fails in CI) when unreachable
    db = await connect(engine_url(engine_name), connect_timeout=5)
    try:
        assert db.is_open
        assert await db.fetch_val("SELECT 1") == 1
    finally:
        await db.close()
    assert not db.is_open


async def test_options_reach_the_translator() -> None:
    sql = "SELECT id FROM people WHERE name = %s"
    schema = {"people": {"id": "INT", "name": "VARCHAR(20)"}}
    strict = connect("sqlite:///:memory:", source="mysql", schema=schema)
    async with strict:
        with pytest.raises(UntranslatableError) as refused:
            await strict.fetch_all(sql, ("x",))
        assert refused.value.code == "collation-unicode"
    relaxed = connect(
        "sqlite:///:memory:",
        source="mysql",
        schema=schema,
        options=Options(collation="target"),
    )
    async with relaxed:
        await relaxed.execute("CREATE TABLE people (id INT, name VARCHAR(20))")
        await relaxed.execute("INSERT INTO people VALUES (1, 'x')")
        assert await relaxed.fetch_val(sql, ("x",)) == 1


async def test_options_reach_wrap() -> None:
    aiosqlite = pytest.importorskip("aiosqlite")
    from sqlshift import wrap

    raw = await aiosqlite.connect(":memory:")
    schema = {"people": {"id": "INT", "name": "VARCHAR(20)"}}
    try:
        strict = wrap(raw, source="mysql", schema=schema)
        with pytest.raises(UntranslatableError):
            await strict.execute("SELECT id FROM people WHERE name = %s", ("x",))
        await raw.close()
        raw = await aiosqlite.connect(":memory:")
        relaxed = wrap(raw, source="mysql", schema=schema, options=Options(collation="target"))
        await relaxed.execute("CREATE TABLE people (id INT, name VARCHAR(20))")
        cursor = await relaxed.execute("SELECT id FROM people WHERE name = %s", ("x",))
        assert list(await cursor.fetchall()) == []
    finally:
        await raw.close()


async def test_a_delete_through_an_alias_invalidates_the_cache(
    engine_name: str, table: str
) -> None:
    """`DELETE c FROM parent p JOIN child c ...` writes `child`, not a table named `c`: a cached
    count of `child` must not survive it."""
    db = await open_database(engine_name, cache=True, source="mysql")
    parent, child = f"{table}_p", f"{table}_c"
    try:
        for name in (child, parent):
            await db.execute(f"DROP TABLE IF EXISTS {name}")
        await db.execute(f"CREATE TABLE {parent} (id INT PRIMARY KEY)")
        await db.execute(f"CREATE TABLE {child} (id INT PRIMARY KEY, pid INT)")
        await db.execute(f"INSERT INTO {parent} VALUES (1), (2)")
        await db.execute(f"INSERT INTO {child} VALUES (1, 1), (2, 1), (3, 2)")
        count = f"SELECT COUNT(*) FROM {child}"
        assert await db.fetch_val(count) == 3
        assert await db.fetch_val(count) == 3  # now cached
        await db.execute(
            f"DELETE c FROM {parent} p JOIN {child} c ON c.pid = p.id WHERE p.id = %s", (1,)
        )
        assert await db.fetch_val(count) == 1
    finally:
        for name in (child, parent):
            await db.execute(f"DROP TABLE IF EXISTS {name}")
        await db.close()


async def test_argument_values_never_reach_error_messages(engine_name: str, table: str) -> None:
    """Servers quote values back in errors, escaped or cut (MariaDB: near 'AND v =
    'top\\'secret''); no argument's text may appear in the message."""
    db = await open_database(engine_name)
    secret = "top'secret\\value"
    long_secret = "confidential-" + "x" * 300
    try:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.execute(f"CREATE TABLE {table} (id INT, v VARCHAR(400) PRIMARY KEY)")
        mark = "%s" if engine_name == "mysql" else ("$1" if engine_name == "postgres" else "?")
        marks = (
            "%s, %s"
            if engine_name == "mysql"
            else ("$1, $2" if engine_name == "postgres" else "?, ?")
        )
        await db.execute(f"INSERT INTO {table} VALUES ({marks})", (1, long_secret))
        with pytest.raises(ExecutionError) as duplicate:
            await db.execute(f"INSERT INTO {table} VALUES ({marks})", (1, long_secret))
        bad = f"SELECT * FROM {table} WHERE AND v = {mark}"  # quoted after the error point
        with pytest.raises(ExecutionError) as syntax:
            await db.execute(bad, (secret,))
        for error in (duplicate.value, syntax.value):
            text = str(error)
            assert "secret" not in text and "confidential" not in text, text
            assert "xxxxxxxxxxxx" not in text, text
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.close()
