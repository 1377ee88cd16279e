"""wrap(): each driver's own pool or connection against its real engine, with translation and
the cache applied: the driver's API and return types are kept, writes invalidate, commits
invalidate again, rollbacks leave nothing, and everything else passes through."""

from __future__ import annotations

import inspect
import os
import sqlite3
import tempfile
import warnings
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import pytest
from conftest import engine_url, open_database

from sqlshift import Cache, wrap
from sqlshift.errors import ConfigurationError, InputTypeError
from sqlshift.executor.url import parse_url


async def reachable(engine: str) -> None:
    """Skip (fail under CI=true) when the engine's server cannot be reached."""
    await (await open_database(engine)).close()


def stats(wrapper: Any) -> tuple[int, int]:
    s = wrapper.cache.stats()
    return s.hits, s.misses


# ---------------------------------------------------------------------------------- general


def test_wrap_refuses_what_it_does_not_know() -> None:
    with pytest.raises(InputTypeError, match="asyncpg Pool or Connection"):
        wrap(object())
    with pytest.raises(ConfigurationError, match="profiler"):
        wrap(object(), profiler=object())  # type: ignore[arg-type]


def test_signatures_are_the_drivers_own() -> None:
    import aiomysql
    import aiosqlite
    import asyncpg
    from asyncpg.pool import Pool

    from sqlshift.executor.wrappers.mysql import MySQLConnection, MySQLPool
    from sqlshift.executor.wrappers.postgres import PgConnection, PgPool
    from sqlshift.executor.wrappers.sqlite import SQLiteConnection, _Cursor

    def same(ours: Any, theirs: Any, names: list[str]) -> None:
        for name in names:
            mine = inspect.signature(getattr(ours, name))
            original = inspect.signature(getattr(theirs, name))
            assert list(mine.parameters) == list(original.parameters), name
            for param in mine.parameters.values():
                other = original.parameters[param.name]
                assert (param.kind, param.default) == (other.kind, other.default), name

    pg = ["fetch", "fetchrow", "fetchval", "fetchmany", "execute", "executemany"]
    same(PgConnection, asyncpg.Connection, [*pg, "transaction", "copy_to_table"])
    same(PgConnection, asyncpg.Connection, ["copy_records_to_table"])
    same(PgPool, Pool, [*pg, "acquire", "release", "copy_records_to_table", "close"])
    same(MySQLConnection, aiomysql.Connection, ["cursor", "commit", "rollback", "select_db"])
    same(MySQLPool, aiomysql.Pool, ["acquire", "release", "wait_closed"])
    lite = ["execute", "executemany", "executescript", "execute_fetchall", "execute_insert"]
    same(SQLiteConnection, aiosqlite.Connection, [*lite, "cursor", "commit", "rollback", "close"])
    cursor = ["execute", "executemany", "fetchone", "fetchmany", "fetchall", "close"]
    same(_Cursor, aiosqlite.Cursor, cursor)


# ---------------------------------------------------------------------------------- asyncpg


@pytest.fixture
async def pg_pool(table: str) -> AsyncIterator[Any]:
    import asyncpg

    await reachable("postgres")
    pool = await asyncpg.create_pool(engine_url("postgres"), min_size=1, max_size=3)
    try:
        await pool.execute(f"DROP TABLE IF EXISTS {table}")
        await pool.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT, n INT)")
        await pool.executemany(
            f"INSERT INTO {table} VALUES ($1, $2, $3)", [(1, "ann", 10), (2, "bob", 20)]
        )
        yield pool
    finally:
        try:
            await pool.execute(f"DROP TABLE IF EXISTS {table}")
        finally:
            await pool.close()


async def test_asyncpg_pool_caches_and_invalidates(pg_pool: Any, table: str) -> None:
    import asyncpg

    db = wrap(pg_pool, cache=True)
    q = f"SELECT id, name FROM {table} WHERE id = $1"
    first = await db.fetchrow(q, 1)
    again = await db.fetchrow(q, 1)
    assert isinstance(first, asyncpg.Record) and again is first  # the cached Record itself
    assert await db.fetchval(q, 1) == 1 and await db.fetchval(q, 1, column=1) == "ann"
    assert stats(db) == (3, 1)  # fetchval shares fetchrow's entry
    everyone = f"SELECT id, name FROM {table} ORDER BY id"
    rows = await db.fetch(everyone)
    rows.append("not a row")  # the caller's list: the cache keeps its own
    assert [tuple(r) for r in await db.fetch(everyone)] == [(1, "ann"), (2, "bob")]

    assert await db.execute(f"UPDATE {table} SET name = $1 WHERE id = $2", "zed", 1) == "UPDATE 1"
    assert (await db.fetchrow(q, 1))["name"] == "zed"
    await db.executemany(f"UPDATE {table} SET n = n + $1 WHERE id = $2", [(1, 1), (1, 2)])
    assert await db.fetchval(f"SELECT sum(n) FROM {table}") == 32
    await db.copy_records_to_table(table, records=[(3, "cy", 1)])
    assert await db.fetchval(f"SELECT sum(n) FROM {table}") == 33

    # not intercepted: passes through
    assert db.get_max_size() == 3 and db.__wrapped__ is pg_pool
    assert "get_idle_size" in dir(db)


async def test_asyncpg_transactions_commit_and_rollback(pg_pool: Any, table: str) -> None:
    db = wrap(pg_pool, cache=True)
    q = f"SELECT name FROM {table} WHERE id = $1"
    assert await db.fetchval(q, 1) == "ann"
    async with db.acquire() as conn:
        assert conn.__wrapped__ is not None and await conn.fetchval(q, 1) == "ann"
        assert stats(db) == (1, 1)  # a pool's connections share its entries
        async with conn.transaction():
            await conn.execute(f"UPDATE {table} SET name = 'tx' WHERE id = 1")
            assert conn.is_in_transaction()
            assert await conn.fetchval(q, 1) == "tx"  # its own write: never from the cache
            # Another connection still sees the committed row, and caches it meanwhile...
            assert await db.fetchval(q, 1) == "ann"
            assert await db.fetchval(q, 1) == "ann"
        # ... until the COMMIT invalidates it again.
        assert await db.fetchval(q, 1) == "tx"
        with pytest.raises(LookupError):
            async with conn.transaction():
                await conn.execute(f"UPDATE {table} SET name = 'no' WHERE id = 1")
                async with conn.transaction():  # a savepoint: its end is not the commit
                    await conn.execute(f"UPDATE {table} SET name = 'nested' WHERE id = 2")
                raise LookupError
        assert await db.fetchval(q, 1) == "tx"
        assert await db.fetchval(q, 2) == "bob"
        # the manual form, and a transaction ended by SQL text
        tx = conn.transaction()
        await tx.start()
        await conn.execute(f"UPDATE {table} SET name = 'manual' WHERE id = 1")
        assert await db.fetchval(q, 1) == "tx"
        await tx.commit()
        assert await db.fetchval(q, 1) == "manual"
        await conn.execute("BEGIN")
        await conn.execute(f"UPDATE {table} SET name = 'text' WHERE id = 1")
        assert await db.fetchval(q, 1) == "manual"
        await conn.execute("COMMIT")
        assert await db.fetchval(q, 1) == "text"


async def test_asyncpg_connection_with_translation(table: str) -> None:
    import asyncpg

    await reachable("postgres")
    raw = await asyncpg.connect(engine_url("postgres"))
    try:
        conn = wrap(raw, source="mysql", cache=True)
        await conn.execute(f"DROP TABLE IF EXISTS {table}")
        await conn.execute(f"CREATE TABLE {table} (id INT PRIMARY KEY, name VARCHAR(20))")
        await conn.executemany(
            f"INSERT INTO {table} (id, name) VALUES (%s, %s)", [(1, "ann"), (2, "bob")]
        )
        q = f"SELECT CONCAT(name, %(suffix)s) AS label FROM {table} WHERE id = %(id)s"
        assert await conn.fetchval(q, {"suffix": "!", "id": 2}) == "bob!"
        assert await conn.fetchval(q, {"suffix": "!", "id": 2}) == "bob!"
        assert stats(conn) == (1, 1)
        assert Decimal(str(await conn.fetchval("SELECT 7 / 2"))) == Decimal("3.5")
        page = await conn.fetch(f"SELECT name FROM {table} ORDER BY id LIMIT 1, 1")
        assert [r["name"] for r in page] == ["bob"]
        script = (
            f"UPDATE {table} SET name = %s WHERE id = %s; SELECT name FROM {table} WHERE id = %s"
        )
        assert [tuple(r) for r in await conn.fetch(script, "cy", 2, 2)] == [("cy",)]
        assert await conn.fetchval(q, {"suffix": "!", "id": 2}) == "cy!"
        # mutable values (arrays decode to lists) are returned but never cached
        entries = conn.cache.stats().entries
        assert await conn.fetchval("SELECT ARRAY[1, 2]") == [1, 2]
        assert await conn.fetchval("SELECT ARRAY[1, 2]") == [1, 2]
        assert conn.cache.stats().entries == entries
        assert conn.get_server_version().major >= 10  # passes through
        await conn.execute(f"DROP TABLE {table}")
    finally:
        await raw.close()


# --------------------------------------------------------------------------------- aiomysql


def mysql_kwargs() -> dict[str, Any]:
    url = parse_url(engine_url("mysql"))
    return {
        "host": url.host,
        "port": url.port,
        "user": url.user or "root",
        "password": url.password or "",
        "db": url.database,
    }


async def drop_quietly(pool: Any, table: str) -> None:
    """DROP TABLE IF EXISTS; aiomysql turns the server's "Unknown table" note into a warning."""
    async with pool.acquire() as conn, conn.cursor() as cur:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await cur.execute(f"DROP TABLE IF EXISTS {table}")


@pytest.fixture
async def my_pool(table: str) -> AsyncIterator[Any]:
    import aiomysql

    await reachable("mysql")
    pool = await aiomysql.create_pool(minsize=1, maxsize=3, autocommit=True, **mysql_kwargs())
    try:
        await drop_quietly(pool, table)
        async with pool.acquire() as conn, conn.cursor() as cur:
            await cur.execute(f"CREATE TABLE {table} (id INT PRIMARY KEY, name VARCHAR(20), n INT)")
            await cur.executemany(
                f"INSERT INTO {table} VALUES (%s, %s, %s)", [(1, "ann", 10), (2, "bob", 20)]
            )
        yield pool
    finally:
        try:
            await drop_quietly(pool, table)
        finally:
            pool.close()
            await pool.wait_closed()


async def test_aiomysql_pool_caches_and_invalidates(my_pool: Any, table: str) -> None:
    import aiomysql

    db = wrap(my_pool, cache=True)
    q = f"SELECT id, name FROM {table} WHERE id = %s"
    async with db.acquire() as conn:
        async with conn.cursor() as cur:
            assert isinstance(cur, aiomysql.Cursor)
            assert await cur.execute(q, (1,)) == 1
            assert await cur.fetchone() == (1, "ann")
            assert await cur.fetchone() is None
            await cur.execute(q, (1,))  # from the cache: the cursor behaves the same
            assert cur.rowcount == 1 and cur.description[1][0] == "name"
            assert await cur.fetchall() == ((1, "ann"),)
            assert stats(db) == (1, 1)
            await cur.execute(f"UPDATE {table} SET name = %s WHERE id = %s", ("zed", 1))
            await cur.execute(q, (1,))
            assert await cur.fetchall() == ((1, "zed"),)
        async with conn.cursor(aiomysql.DictCursor) as cur:
            assert isinstance(cur, aiomysql.DictCursor)
            await cur.execute(q, (2,))
            row = await cur.fetchone()
            assert row == {"id": 2, "name": "bob"}
            row["name"] = "changed by the caller"
            await cur.execute(q, (2,))
            assert await cur.fetchone() == {"id": 2, "name": "bob"}  # a new dict each time
            await cur.executemany(f"UPDATE {table} SET n = n + %s WHERE id = %s", [(1, 1)])
            await cur.execute(f"SELECT sum(n) AS total FROM {table}")
            assert await cur.fetchone() == {"total": Decimal(31)}
        async with conn.cursor(aiomysql.SSCursor) as cur:  # unbuffered: never cached
            await cur.execute(q, (2,))
            assert await cur.fetchall() == [(2, "bob")]
        # passes through
        assert conn.get_autocommit() is True
        assert conn.__wrapped__ in my_pool._used
    assert db.maxsize == 3


async def test_aiomysql_transactions(my_pool: Any, table: str) -> None:
    cache = Cache()
    db = wrap(my_pool, cache=cache)
    q = f"SELECT name FROM {table} WHERE id = %s"

    async def read(conn: Any) -> Any:
        async with conn.cursor() as cur:
            await cur.execute(q, (1,))
            return (await cur.fetchone())[0]

    async with db.acquire() as writer, db.acquire() as reader:
        assert await read(reader) == "ann"
        await writer.begin()
        async with writer.cursor() as cur:
            await cur.execute(f"UPDATE {table} SET name = 'tx' WHERE id = 1")
        assert await read(writer) == "tx"  # inside its transaction: not from the cache
        assert await read(reader) == "ann"  # committed data, cached meanwhile...
        assert await read(reader) == "ann"
        await writer.commit()
        assert await read(reader) == "tx"  # ... and invalidated by the commit
        await writer.begin()
        async with writer.cursor() as cur:
            await cur.execute(f"UPDATE {table} SET name = 'no' WHERE id = 1")
        await writer.rollback()
        assert await read(reader) == "tx"
        assert cache.stats().hits == 1  # the read made while the transaction was open


async def test_aiomysql_without_autocommit_never_caches(table: str) -> None:
    import aiomysql

    await reachable("mysql")
    raw = await aiomysql.connect(**mysql_kwargs())  # autocommit=False: aiomysql's default
    try:
        conn = wrap(raw, cache=True)
        async with conn.cursor() as cur:
            for _ in range(2):
                await cur.execute("SELECT 1 + %s", (1,))
                assert await cur.fetchone() == (2,)
        assert stats(conn) == (0, 0)
    finally:
        raw.close()


async def test_aiomysql_connection_with_translation(my_pool: Any, table: str) -> None:
    import aiomysql

    async with my_pool.acquire() as raw:
        conn = wrap(raw, source="postgres", cache=True)
        async with conn.cursor() as cur:
            q = f"SELECT name || '%' AS label FROM {table} WHERE id = $1 AND name LIKE 'a%'"
            await cur.execute(q, (1,))
            assert await cur.fetchall() == (("ann%",),)
            await cur.execute(f"SELECT name FROM {table} WHERE name LIKE 'b%'")  # no args
            assert await cur.fetchall() == (("bob",),)
            await cur.execute(f"UPDATE {table} SET name = $2 WHERE id = $1", (2, "bea"))
            await cur.execute(f"SELECT name FROM {table} WHERE name LIKE 'b%'")
            assert await cur.fetchall() == (("bea",),)
        assert isinstance(conn.__wrapped__, aiomysql.Connection)


async def test_a_wrapped_mariadb_pool_runs_postgresql_returning(my_pool: Any, table: str) -> None:
    """The wrapper finds the server is MariaDB (as connect() does) and writes RETURNING."""
    pool = wrap(my_pool, source="postgres")
    async with pool.acquire() as conn, conn.cursor() as cur:
        await cur.execute(
            f"INSERT INTO {table} (id, name) VALUES ($1, $2) RETURNING id, name", (3, "cy")
        )
        assert await cur.fetchall() == ((3, "cy"),)
        await cur.execute(f"DELETE FROM {table} WHERE id >= $1 RETURNING id", (2,))
        assert sorted(await cur.fetchall()) == [(2,), (3,)]


# -------------------------------------------------------------------------------- aiosqlite


@pytest.fixture
def sqlite_path() -> Iterator[str]:
    fd, path = tempfile.mkstemp(suffix=".db")
    os.close(fd)
    yield path
    os.unlink(path)


async def test_aiosqlite_caches_and_invalidates(sqlite_path: str) -> None:
    import aiosqlite

    cache = Cache()
    async with wrap(aiosqlite.connect(sqlite_path), cache=cache) as db:
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        await db.executemany("INSERT INTO t VALUES (?, ?)", [(1, "ann"), (2, "bob")])
        await db.commit()
        q = "SELECT id, name FROM t WHERE id = ?"
        async with db.execute(q, (1,)) as cur:
            assert isinstance(cur, aiosqlite.Cursor)
            assert await cur.fetchone() == (1, "ann")
        async with db.execute(q, (1,)) as cur:  # from the cache
            assert cur.description[0][0] == "id"
            assert [row async for row in cur] == [(1, "ann")]
        assert cache.stats().hits == 1
        rows = await db.execute_fetchall("SELECT name FROM t ORDER BY id")
        rows.append(("junk",))  # type: ignore[attr-defined]
        assert await db.execute_fetchall("SELECT name FROM t ORDER BY id") == [("ann",), ("bob",)]

        # a write opens sqlite3's implicit transaction: reads on this connection bypass the
        # cache; another connection sharing the cache sees (and caches) the committed rows
        async with wrap(aiosqlite.connect(sqlite_path), cache=cache) as other:
            await db.execute("UPDATE t SET name = 'zed' WHERE id = 1")
            assert db.in_transaction
            assert await (await db.execute(q, (1,))).fetchone() == (1, "zed")
            assert await (await other.execute(q, (1,))).fetchone() == (1, "ann")
            assert await (await other.execute(q, (1,))).fetchone() == (1, "ann")
            await db.commit()
            assert await (await other.execute(q, (1,))).fetchone() == (1, "zed")
            await db.execute("UPDATE t SET name = 'no' WHERE id = 1")
            await db.rollback()
            assert await (await other.execute(q, (1,))).fetchone() == (1, "zed")
            await db.executescript("UPDATE t SET name = 'script' WHERE id = 1;")
            assert await (await other.execute(q, (1,))).fetchone() == (1, "script")

        # attributes set on the wrapper are set on the connection; row types are part of the key
        db.row_factory = aiosqlite.Row
        assert db.__wrapped__.row_factory is aiosqlite.Row
        row = await (await db.execute(q, (2,))).fetchone()
        assert isinstance(row, sqlite3.Row) and row["name"] == "bob"
        db.row_factory = lambda cursor, values: dict(zip(["id", "name"], values, strict=True))
        first = await (await db.execute(q, (2,))).fetchone()
        first["name"] = "changed"
        assert await (await db.execute(q, (2,))).fetchone() == {"id": 2, "name": "bob"}
        db.row_factory = None
        assert db.total_changes >= 3  # passes through


async def test_aiosqlite_cursor_and_translation() -> None:
    import aiosqlite

    async with wrap(aiosqlite.connect(":memory:"), source="mysql", cache=True) as db:
        await db.execute("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(9))")
        row_id = await db.execute_insert("INSERT INTO t (name) VALUES (%s)", ("ann",))
        assert row_id == (1,)
        await db.commit()
        cur = await db.cursor()
        await cur.execute("SELECT CONCAT(name, %s) FROM t WHERE id = %s", ("!", 1))
        assert await cur.fetchall() == [("ann!",)]
        await cur.execute("SELECT CONCAT(name, %s) FROM t WHERE id = %s", ("!", 1))
        assert await cur.fetchmany(5) == [("ann!",)]
        assert stats(db) == (1, 1)
        await cur.execute("UPDATE t SET name = %s WHERE id = %s", ("bo", 1))
        assert cur.rowcount == 1
        await db.commit()
        await cur.execute("SELECT CONCAT(name, %s) FROM t WHERE id = %s", ("!", 1))
        assert await cur.fetchone() == ("bo!",)
        await cur.close()
        assert await db.execute_fetchall("SELECT 7 / 2") == [(3.5,)]
