"""Hardening on the real engines (issue 11): a cancelled statement stops on the server (no
session goes on sleeping), a cancelled transaction releases its locks at once, the task is
reported cancelled and the pool goes on working (item 5); a user function that writes
invalidates the cache (item 2)."""

from __future__ import annotations

import asyncio
import time

import pytest
from conftest import open_database

SLEEP = {
    "postgres": "SELECT pg_sleep(15)",
    "mysql": "SELECT SLEEP(15)",
    # SQLite has no sleep: a recursive count that takes seconds
    "sqlite": "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
    "WHERE n < 300000000) SELECT COUNT(*) FROM c",
}
RUNNING = {
    "postgres": "SELECT COUNT(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(15)' "
    "AND state = 'active'",
    "mysql": "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(15)'",
}


async def _still_running(db: object, engine: str, within: float) -> int:
    """The server sessions still running the sleep after at most ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        count = int(await db.fetch_val(RUNNING[engine]))  # type: ignore[attr-defined]
        if count == 0 or time.monotonic() > deadline:
            return count
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("engine", ["postgres", "mysql"])
async def test_cancelled_statements_stop_on_the_server(engine: str) -> None:
    db = await open_database(engine)
    try:
        tasks = [asyncio.create_task(db.fetch_val(SLEEP[engine])) for _ in range(8)]
        await asyncio.sleep(0.5)
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results), results
        assert all(task.cancelled() for task in tasks)
        assert await _still_running(db, engine, within=2.0) == 0
        assert await db.fetch_val("SELECT 1") == 1  # the pool goes on
    finally:
        await db.close()


@pytest.mark.parametrize("engine", ["postgres", "mysql", "sqlite"])
async def test_cancelled_transaction_releases_its_locks(engine: str) -> None:
    db = await open_database(engine)
    table = "sqlshift_cancel_lock"
    try:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.execute(f"CREATE TABLE {table} (id INT PRIMARY KEY, v INT)")
        await db.execute(f"INSERT INTO {table} VALUES (1, 0)")

        async def holder() -> None:
            async with db.transaction():
                await db.execute(f"UPDATE {table} SET v = 1 WHERE id = 1")
                await db.fetch_val(SLEEP[engine])

        task = asyncio.create_task(holder())
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()
        started = time.monotonic()
        await db.execute(f"UPDATE {table} SET v = 2 WHERE id = 1")
        assert time.monotonic() - started < 2.0
        assert await db.fetch_val(f"SELECT v FROM {table} WHERE id = 1") == 2
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.close()


@pytest.mark.parametrize("engine", ["postgres", "mysql"])
async def test_a_user_function_that_writes_invalidates_the_cache(engine: str) -> None:
    """`SELECT bump(1)` may write any table (issue 11, item 2): a cached COUNT(*) of the
    table it writes must not survive it."""
    db = await open_database(engine, cache=True)
    create = {
        "postgres": "CREATE OR REPLACE FUNCTION sqlshift_bump(k INT) RETURNS INT AS "
        "$$ INSERT INTO sqlshift_fw VALUES (k) RETURNING k $$ LANGUAGE sql",
        "mysql": "CREATE FUNCTION sqlshift_bump(k INT) RETURNS INT MODIFIES SQL DATA "
        "BEGIN INSERT INTO sqlshift_fw VALUES (k); RETURN k; END",
    }
    try:
        await db.execute("DROP TABLE IF EXISTS sqlshift_fw")
        await db.execute("CREATE TABLE sqlshift_fw (n INT)")
        await db.execute("DROP FUNCTION IF EXISTS sqlshift_bump")
        await db.execute(create[engine])
        assert await db.fetch_val("SELECT COUNT(*) FROM sqlshift_fw") == 0
        assert await db.fetch_val("SELECT sqlshift_bump(7)") == 7
        assert await db.fetch_val("SELECT COUNT(*) FROM sqlshift_fw") == 1
    finally:
        await db.execute("DROP FUNCTION IF EXISTS sqlshift_bump")
        await db.execute("DROP TABLE IF EXISTS sqlshift_fw")
        await db.close()
