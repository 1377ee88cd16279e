"""Two connections (as two processes would) doing read-modify-write on one SQLite file: a
transaction takes the write lock when it begins (BEGIN IMMEDIATE), so the other waits its
busy timeout instead of failing with "database is locked" (issue 11, item 7)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlshift

ROUNDS = 60


async def _increments(url: str, isolation: str | None) -> int:
    db = sqlshift.connect(url)
    await db.open()
    failures = 0
    try:
        for _ in range(ROUNDS):
            try:
                async with db.transaction(isolation=isolation):
                    value = await db.fetch_val("SELECT v FROM counter WHERE id = 1")
                    await asyncio.sleep(0)  # let the other writer in between read and write
                    await db.execute("UPDATE counter SET v = ? WHERE id = 1", (value + 1,))
            except sqlshift.ExecutionError as error:
                assert "locked" in str(error)
                failures += 1
    finally:
        await db.close()
    return failures


async def _run(path: Path, isolation: str | None) -> tuple[int, int]:
    url = f"sqlite:///{path}"
    setup = sqlshift.connect(url)
    await setup.open()
    await setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, v INTEGER)")
    await setup.execute("INSERT INTO counter VALUES (1, 0)")
    failures = sum(await asyncio.gather(_increments(url, isolation), _increments(url, isolation)))
    value = int(await setup.fetch_val("SELECT v FROM counter WHERE id = 1"))
    await setup.close()
    return failures, value


async def test_write_transactions_wait_for_each_other(tmp_path: Path) -> None:
    failures, value = await _run(tmp_path / "shared.db", None)
    assert failures == 0
    assert value == 2 * ROUNDS  # no increment lost


async def test_deferred_transactions_fail_as_sqlite_does(tmp_path: Path) -> None:
    """What the default avoids (and what isolation="deferred" still gives, for read-only
    transactions that must not take the write lock)."""
    failures, value = await _run(tmp_path / "shared.db", "deferred")
    assert value == 2 * ROUNDS - failures  # each failure is a clear error, never a lost write
