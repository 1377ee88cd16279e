"""Two of issue 12's cache cases on the real engines: reads of system catalogs are never cached
(a "does this table exist" check sees CREATE and DROP), and every cache of one database in the
process sees a write made through another executor of it (two wrap()s, wrap() and connect())."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import engine_url, open_database
from test_executor_wrap import mysql_kwargs, reachable

import sqlshift

EXISTS = {
    "postgres": "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'sqlshift_cat'",
    "mysql": "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'sqlshift_cat' "
    "AND TABLE_SCHEMA = 'test'",
    "sqlite": "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlshift_cat'",
}
PG_CLASS = "SELECT COUNT(*) FROM pg_class WHERE relname = 'sqlshift_cat'"


@pytest.mark.parametrize("engine", ["postgres", "mysql", "sqlite"])
async def test_catalog_reads_are_never_cached(engine: str) -> None:
    db = await open_database(engine, cache=True)
    queries = [EXISTS[engine]] + ([PG_CLASS] if engine == "postgres" else [])
    try:
        await db.execute("DROP TABLE IF EXISTS sqlshift_cat")
        for query in queries:
            assert await db.fetch_val(query) == 0
        await db.execute("CREATE TABLE sqlshift_cat (id INT)")
        for query in queries:
            assert await db.fetch_val(query) == 1
        await db.execute("DROP TABLE sqlshift_cat")
        for query in queries:
            assert await db.fetch_val(query) == 0
        assert db.cache.stats().hits == 0
    finally:
        await db.execute("DROP TABLE IF EXISTS sqlshift_cat")
        await db.close()


async def _raw_pool(engine: str) -> Any:
    if engine == "postgres":
        import asyncpg

        return await asyncpg.create_pool(engine_url("postgres"), min_size=1, max_size=2)
    import aiomysql

    return await aiomysql.create_pool(minsize=1, maxsize=2, autocommit=True, **mysql_kwargs())


async def _close(pool: Any) -> None:
    closing = pool.close()
    if closing is not None:
        await closing
    if hasattr(pool, "wait_closed"):
        await pool.wait_closed()


async def _count(wrapper: Any, engine: str) -> int:
    sql = "SELECT COUNT(*) FROM sqlshift_peer"
    if engine == "postgres":
        return int(await wrapper.fetchval(sql))
    async with wrapper.acquire() as conn, conn.cursor() as cursor:
        await cursor.execute(sql)
        return int((await cursor.fetchone())[0])


async def _insert(wrapper: Any, engine: str, value: int) -> None:
    sql = "INSERT INTO sqlshift_peer VALUES (%s)"  # MySQL's spelling (source="mysql")
    if engine == "postgres":
        await wrapper.execute(sql, value)
        return
    async with wrapper.acquire() as conn, conn.cursor() as cursor:
        await cursor.execute(sql, (value,))


@pytest.mark.parametrize("engine", ["postgres", "mysql"])
async def test_every_cache_of_a_database_sees_its_writes(engine: str) -> None:
    await reachable(engine)
    first, second = await _raw_pool(engine), await _raw_pool(engine)
    a = sqlshift.wrap(first, source="mysql", cache=True)
    b = sqlshift.wrap(second, source="mysql", cache=True)
    db = sqlshift.connect(engine_url(engine), source="mysql", cache=True)
    await db.open()
    try:
        await db.execute("DROP TABLE IF EXISTS sqlshift_peer")
        await db.execute("CREATE TABLE sqlshift_peer (id INT)")
        assert await db.fetch_val("SELECT COUNT(*) FROM sqlshift_peer") == 0
        assert await _count(b, engine) == 0  # both cached now
        assert await _count(b, engine) == 0 and b.cache.stats().hits == 1
        await _insert(a, engine, 1)  # through the first wrapper
        assert await _count(b, engine) == 1
        assert await db.fetch_val("SELECT COUNT(*) FROM sqlshift_peer") == 1
        await db.execute("INSERT INTO sqlshift_peer VALUES (2)")  # through connect()
        assert await _count(a, engine) == 2
        assert await _count(b, engine) == 2
    finally:
        await db.execute("DROP TABLE IF EXISTS sqlshift_peer")
        await db.close()
        await _close(first)
        await _close(second)
