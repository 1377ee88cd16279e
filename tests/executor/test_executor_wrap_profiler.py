"""wrap(profiler=...): each driver's pool or connection against its real engine records every
statement per fingerprint (calls, rows, errors, cache hits), captures the plan of a slow one off
the caller's path (with a ``full-scan`` finding on a table without an index), flags N+1
patterns; without a profiler nothing is recorded."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from conftest import engine_url
from test_executor_wrap import drop_quietly, mysql_kwargs, reachable

from sqlshift import Options, wrap
from sqlshift.executor.profiler import Profiler, QueryStats, ReportRow

ROWS = 40


@pytest.fixture
def table() -> str:
    return f"sqlshift_wprof_{os.getpid()}"


def fill_rows() -> list[tuple[int, str, int]]:
    """id, city (no index on it), n: n = 4 for ids 4, 17, 30; n = 5 for ids 5, 18, 31."""
    return [(i, f"c{i % 7}", i % 13) for i in range(ROWS)]


def row_of(profiler: Profiler, fragment: str) -> ReportRow:
    return next(r for r in profiler.report().rows if fragment in r.text)


async def plan_of(profiler: Profiler, fragment: str) -> QueryStats:
    """The stats of the fingerprint whose text has ``fragment``, once its plan was captured
    (captures run off the caller's path)."""
    for _ in range(250):
        found = [s for s in profiler.stats() if fragment in s.text]
        if found and found[0].plan is not None:
            return found[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no plan captured for {fragment!r}")


def codes(profiler: Profiler, stats: QueryStats) -> set[str]:
    return {f.code for f in profiler.findings(stats)}


# ---------------------------------------------------------------------------------- asyncpg


@pytest.fixture
async def pg_pool(table: str) -> AsyncIterator[Any]:
    import asyncpg

    await reachable("postgres")
    pool = await asyncpg.create_pool(engine_url("postgres"), min_size=1, max_size=3)
    try:
        await pool.execute(f"DROP TABLE IF EXISTS {table}")
        await pool.execute(f"CREATE TABLE {table} (id INT PRIMARY KEY, city TEXT, n INT)")
        await pool.executemany(f"INSERT INTO {table} VALUES ($1, $2, $3)", fill_rows())
        yield pool  # the tests close it through their wrapper
    finally:
        await pool.close()
        conn = await asyncpg.connect(engine_url("postgres"))
        try:
            await conn.execute(f"DROP TABLE IF EXISTS {table}")
        finally:
            await conn.close()


async def test_asyncpg_calls_rows_errors_and_cache_hits(pg_pool: Any, table: str) -> None:
    import asyncpg

    db = wrap(pg_pool, cache=True, profiler=True)
    profiler = db.profiler
    assert isinstance(profiler, Profiler)
    query = f"SELECT id, city FROM {table} WHERE n = $1 ORDER BY id"
    for _ in range(3):
        assert len(await db.fetch(query, 4)) == 3
    assert len(await db.fetch(query, 5)) == 3
    row = row_of(profiler, "WHERE n = ?")
    assert (row.calls, row.errors, row.rows) == (4, 0, 3)
    assert row.cache_hit_rate == pytest.approx(2 / 4)  # misses for 4 and 5, then 2 hits
    assert row.example == query

    one = f"SELECT city FROM {table} WHERE id = $1"
    assert await db.fetchrow(one, 1) is not None
    assert await db.fetchval(one, 999) is None  # no row: 0 rows (fetchval's None is no NULL)
    assert row_of(profiler, "WHERE id = ?").rows == pytest.approx(1 / 2)

    assert await db.execute(f"UPDATE {table} SET n = n WHERE n = $1", 4) == "UPDATE 3"
    await db.executemany(f"UPDATE {table} SET city = $1 WHERE id = $2", [("x", 1), ("y", 2)])
    update = row_of(profiler, "SET n = n")
    assert (update.calls, update.rows, update.cache_hit_rate) == (1, 3, None)
    many = row_of(profiler, "SET city = ?")
    assert (many.calls, many.rows) == (1, 0)  # one executemany call; asyncpg counts nothing

    with pytest.raises(asyncpg.UndefinedColumnError):
        await db.fetch(f"SELECT no_such_column FROM {table}")
    failed = row_of(profiler, "no_such_column")
    assert (failed.calls, failed.errors) == (1, 1)

    # a pool's connections record into the pool's profiler; inside a transaction the cache is
    # not used (neither hit nor miss)
    async with db.acquire() as conn:
        assert conn.profiler is profiler
        async with conn.transaction():
            await conn.fetchval(f"SELECT count(*) FROM {table} WHERE n = $1", 7)
    tx_read = row_of(profiler, "count(*)")
    assert (tx_read.calls, tx_read.cache_hit_rate) == (1, None)
    await db.close()


async def test_asyncpg_slow_query_gets_its_plan_on_the_pool(pg_pool: Any, table: str) -> None:
    profiler = Profiler(slow_ms=0.0)  # everything is slow
    db = wrap(pg_pool, profiler=profiler)
    # a pooled connection's statement, in a transaction: explained on the pool
    async with db.acquire() as conn, conn.transaction():
        assert len(await conn.fetch(f"SELECT * FROM {table} WHERE city = $1", "c3")) > 0
    stats = await plan_of(profiler, "WHERE city = ?")
    assert "error" not in stats.plan
    assert {"select-star", "full-scan", "missing-index"} <= codes(profiler, stats)
    await db.close()
    assert not db._pipeline.plan_tasks


async def test_asyncpg_connection_records_but_never_explains(table: str) -> None:
    import asyncpg

    await reachable("postgres")
    raw = await asyncpg.connect(engine_url("postgres"))
    try:
        profiler = Profiler(slow_ms=0.0, n_plus_one=10)
        conn = wrap(raw, source="mysql", profiler=profiler)
        for i in range(12):  # one statement per id, in one task
            await conn.fetchval("SELECT %s + 1", i)
        row = row_of(profiler, "SELECT ? + ?")
        assert row.calls == 12 and "n-plus-one" in {f.code for f in row.findings}
        # a single connection is never explained behind its caller's back
        assert not conn._pipeline.plan_tasks
        assert all(s.plan is None for s in profiler.stats())
    finally:
        await raw.close()


# --------------------------------------------------------------------------------- aiomysql


@pytest.fixture
async def my_pool(table: str) -> AsyncIterator[Any]:
    import aiomysql

    await reachable("mysql")
    pool = await aiomysql.create_pool(minsize=1, maxsize=3, autocommit=True, **mysql_kwargs())
    try:
        await drop_quietly(pool, table)
        async with pool.acquire() as conn, conn.cursor() as cur:
            await cur.execute(f"CREATE TABLE {table} (id INT PRIMARY KEY, city VARCHAR(9), n INT)")
            await cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)", fill_rows())
        yield pool  # the tests close it through their wrapper
    finally:
        pool.close()
        await pool.wait_closed()
        cleaner = await aiomysql.create_pool(
            minsize=1, maxsize=1, autocommit=True, **mysql_kwargs()
        )
        try:
            await drop_quietly(cleaner, table)
        finally:
            cleaner.close()
            await cleaner.wait_closed()


async def test_aiomysql_calls_rows_errors_cache_hits_and_n_plus_one(
    my_pool: Any, table: str
) -> None:
    import aiomysql

    db = wrap(my_pool, cache=True, profiler=Profiler(slow_ms=1e9, n_plus_one=10))
    profiler = db.profiler
    assert isinstance(profiler, Profiler)
    query = f"SELECT id, city FROM {table} WHERE n = %s ORDER BY id"
    async with db.acquire() as conn:
        assert conn.profiler is profiler
        async with conn.cursor() as cur:
            for n in (4, 4, 4, 5):
                assert await cur.execute(query, (n,)) == 3
                assert len(await cur.fetchall()) == 3
            row = row_of(profiler, "WHERE n = ?")
            assert (row.calls, row.errors, row.rows) == (4, 0, 3)
            assert row.cache_hit_rate == pytest.approx(2 / 4)

            for i in range(12):
                await cur.execute(f"SELECT city FROM {table} WHERE id = %s", i)  # a bare value
            assert "n-plus-one" in {f.code for f in row_of(profiler, "WHERE id = ?").findings}

            await cur.execute(f"UPDATE {table} SET n = n + 1 WHERE n = %s", (5,))
            await cur.executemany(f"UPDATE {table} SET city = %s WHERE id = %s", [("x", 1)])
            with pytest.raises(aiomysql.OperationalError):
                await cur.execute(f"SELECT no_such_column FROM {table}")
        async with conn.cursor(aiomysql.SSCursor) as cur:  # unbuffered: rows unknown
            await cur.execute(f"SELECT id FROM {table} WHERE n > %s", (0,))
            assert len(await cur.fetchall()) > 0
    update = row_of(profiler, "SET n = n + ?")
    assert (update.calls, update.rows, update.cache_hit_rate) == (1, 3, None)
    assert row_of(profiler, "SET city = ?").calls == 1
    failed = row_of(profiler, "no_such_column")
    assert (failed.calls, failed.errors) == (1, 1)
    streamed = row_of(profiler, "WHERE n > ?")
    assert (streamed.calls, streamed.rows) == (1, 0)
    db.close()
    await db.wait_closed()


async def test_aiomysql_slow_query_gets_its_plan_on_the_pool(my_pool: Any, table: str) -> None:
    profiler = Profiler(slow_ms=0.0)
    async with wrap(my_pool, profiler=profiler) as db:
        async with db.acquire() as conn, conn.cursor() as cur:
            await cur.execute(f"SELECT * FROM {table} WHERE city = %s", ("c3",))
            assert len(await cur.fetchall()) > 0
        stats = await plan_of(profiler, "WHERE city = ?")
        assert "error" not in stats.plan
        assert {"select-star", "full-scan", "missing-index"} <= codes(profiler, stats)


# -------------------------------------------------------------------------------- aiosqlite


@pytest.fixture
def sqlite_path() -> Iterator[str]:
    fd, path = tempfile.mkstemp(suffix=".db")
    os.close(fd)
    yield path
    os.unlink(path)


async def test_aiosqlite_every_method_is_recorded(sqlite_path: str) -> None:
    import aiosqlite

    async with wrap(aiosqlite.connect(sqlite_path), cache=True, profiler=True) as db:
        profiler = db.profiler
        assert isinstance(profiler, Profiler)
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, city TEXT, n INT)")
        await db.executemany("INSERT INTO t VALUES (?, ?, ?)", fill_rows())
        assert row_of(profiler, "INSERT").rows == ROWS  # sqlite3 counts executemany's rows
        await db.commit()
        query = "SELECT id, city FROM t WHERE n = ? ORDER BY id"
        for n in (4, 4, 4, 5):
            async with db.execute(query, (n,)) as cur:
                assert len(list(await cur.fetchall())) == 3
        row = row_of(profiler, "WHERE n = ?")
        assert (row.calls, row.rows, row.cache_hit_rate) == (4, 3, 0.5)

        assert len(await db.execute_fetchall("SELECT city FROM t WHERE id < ?", (5,))) == 5
        assert len(await db.execute_fetchall("SELECT city FROM t WHERE id < ?", (5,))) == 5
        fetchall = row_of(profiler, "WHERE id < ?")
        assert (fetchall.calls, fetchall.rows, fetchall.cache_hit_rate) == (2, 5, 0.5)

        await db.execute_insert("INSERT INTO t (city, n) VALUES (?, ?)", ("new", 1))
        cur = await db.cursor()
        await cur.execute("UPDATE t SET n = n WHERE n = ?", (4,))
        await cur.close()
        await db.commit()
        assert row_of(profiler, "INSERT INTO t (city, n)").calls == 1
        update = row_of(profiler, "UPDATE")
        assert (update.calls, update.rows, update.cache_hit_rate) == (1, 3, None)

        with pytest.raises(aiosqlite.OperationalError):
            await db.execute("SELECT no_such_column FROM t")
        failed = row_of(profiler, "no_such_column")
        assert (failed.calls, failed.errors) == (1, 1)


async def test_aiosqlite_slow_query_plan_and_n_plus_one(sqlite_path: str) -> None:
    import aiosqlite

    profiler = Profiler(slow_ms=0.0, n_plus_one=10)
    # the CREATE TABLE below tells the translator `city` is text, which MySQL compares
    # case-insensitively; this test is about plans, so take SQLite's comparison
    target = Options(collation="target")
    async with wrap(
        aiosqlite.connect(sqlite_path), source="mysql", profiler=profiler, options=target
    ) as db:
        await db.execute("CREATE TABLE t (id INT PRIMARY KEY, city VARCHAR(9), n INT)")
        await db.executemany("INSERT INTO t VALUES (%s, %s, %s)", fill_rows())
        await db.commit()
        db.row_factory = aiosqlite.Row  # the plan is read as tuples all the same
        rows = await db.execute_fetchall("SELECT * FROM t WHERE city = %s", ("c3",))
        assert len(list(rows)) > 0
        stats = await plan_of(profiler, "WHERE city = ?")
        assert {"select-star", "full-scan", "missing-index"} <= codes(profiler, stats)

        for i in range(12):
            await (await db.execute("SELECT city FROM t WHERE id = %s", (i,))).close()
        assert "n-plus-one" in {f.code for f in row_of(profiler, "WHERE id = ?").findings}

        # inside a transaction the connection is left alone: no plan, and the next slow call
        # outside one may still capture it
        await db.execute("UPDATE t SET n = 0 WHERE id = %s", (1,))
        assert db.in_transaction
        await db.execute_fetchall("SELECT n FROM t WHERE city = %s AND n > %s", ("c1", 0))
        await asyncio.sleep(0.05)
        (in_tx,) = [s for s in profiler.stats() if "AND n > ?" in s.text]
        assert in_tx.plan is None
        await db.commit()
        await db.execute_fetchall("SELECT n FROM t WHERE city = %s AND n > %s", ("c1", 0))
        assert "full-scan" in codes(profiler, await plan_of(profiler, "AND n > ?"))


async def test_without_profiler_nothing_is_recorded() -> None:
    import aiosqlite

    async with wrap(aiosqlite.connect(":memory:"), cache=True) as db:
        assert db.profiler is None
        assert await db.execute_fetchall("SELECT 1") == [(1,)]
        assert not db._pipeline.plan_tasks
