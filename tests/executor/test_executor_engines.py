"""The executor on the real engines: SQLite always, PostgreSQL and MariaDB when reachable
(CI=true fails instead of skipping)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from conftest import open_database

from sqlshift.errors import ConfigurationError, ExecutionError, ParameterError
from sqlshift.executor import Database, Row, connect

TYPES_DDL = {
    "sqlite": "id INTEGER PRIMARY KEY, price DECIMAL(10,2), ok BOOLEAN, day DATE, "
    "at DATETIME, raw BLOB, note TEXT, ratio REAL",
    "postgres": "id INTEGER PRIMARY KEY, price NUMERIC(10,2), ok BOOLEAN, day DATE, "
    "at TIMESTAMP, raw BYTEA, note TEXT, ratio DOUBLE PRECISION",
    "mysql": "id INTEGER PRIMARY KEY, price DECIMAL(10,2), ok BOOLEAN, day DATE, "
    "at DATETIME, raw VARBINARY(16), note TEXT, ratio DOUBLE",
}
PLACEHOLDERS = {"sqlite": "?", "postgres": "$", "mysql": "%s"}


def marks(db: Database, count: int) -> str:
    style = PLACEHOLDERS[db.dialect]
    if style == "$":
        return ", ".join(f"${i + 1}" for i in range(count))
    return ", ".join([style] * count)


def mark(db: Database, position: int = 1) -> str:
    return f"${position}" if db.dialect == "postgres" else PLACEHOLDERS[db.dialect]


async def make_items(db: Database, table: str) -> None:
    await db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR(20))")
    await db.execute_many(
        f"INSERT INTO {table} (id, name) VALUES ({marks(db, 2)})",
        [(i, f"n{i}") for i in range(1, 6)],
    )


async def test_fetch_and_execute(db: Database, table: str) -> None:
    await make_items(db, table)
    rows = await db.fetch_all(f"SELECT id, name FROM {table} ORDER BY id")
    assert [tuple(r) for r in rows] == [(i, f"n{i}") for i in range(1, 6)]
    assert rows[0]["name"] == "n1" and rows[0][0] == 1 and rows[0].keys() == ("id", "name")
    one = await db.fetch_one(f"SELECT name FROM {table} WHERE id = {mark(db)}", (3,))
    assert isinstance(one, Row) and one["name"] == "n3"
    assert await db.fetch_one(f"SELECT name FROM {table} WHERE id = {mark(db)}", (99,)) is None
    assert await db.fetch_val(f"SELECT count(*) FROM {table}") == 5
    # matched rows on every engine, even where the value does not change
    updated = await db.execute(f"UPDATE {table} SET name = 'same' WHERE id <= 2")
    assert updated == 2
    assert await db.execute(f"UPDATE {table} SET name = 'same' WHERE id <= 2") == 2


async def test_same_python_types_on_every_engine(db: Database, table: str) -> None:
    await db.execute(f"CREATE TABLE {table} ({TYPES_DDL[db.dialect]})")
    values = (
        1,
        Decimal("12.50"),
        True,
        dt.date(2024, 2, 29),
        dt.datetime(2024, 2, 29, 13, 14, 15),
        b"\x00\xffbin",
        "héllo ✓",
        0.25,
    )
    await db.execute(f"INSERT INTO {table} VALUES ({marks(db, 8)})", values)
    row = await db.fetch_one(f"SELECT * FROM {table}")
    assert row is not None
    assert [type(v) for v in row] == [int, Decimal, bool, dt.date, dt.datetime, bytes, str, float]
    assert tuple(row) == values
    assert row.keys() == ("id", "price", "ok", "day", "at", "raw", "note", "ratio")


async def test_copy_rows_loads_every_type_exactly(db: Database, table: str) -> None:
    """PostgreSQL takes the rows by COPY in its text format (escapes, NULL, bytes, special
    floats); the others by executemany: the rows read back are the rows given."""
    await db.execute(f"CREATE TABLE {table} ({TYPES_DDL[db.dialect]})")
    rows = [
        (1, Decimal("12.50"), True, dt.date(2024, 2, 29), dt.datetime(2024, 2, 29, 13, 14, 15),
         b"\x00\\\t\n\xff", "tab\there\nnew\\line\r \\N", 0.1),
        (2, None, False, None, None, None, None, None),
        (3, Decimal("-0.01"), None, dt.date(1, 1, 1), None, b"", "", 1e300),
        (4, Decimal("2E+1"), True, None, None, None, "\\x41", -0.0),
    ]  # fmt: skip
    assert (
        await db.copy_rows(table, ["id", "price", "ok", "day", "at", "raw", "note", "ratio"], rows)
        == 4
    )
    got = [tuple(r) for r in await db.fetch_all(f"SELECT * FROM {table} ORDER BY id")]
    assert got == rows
    assert [type(v) for v in got[0]] == [
        int,
        Decimal,
        bool,
        dt.date,
        dt.datetime,
        bytes,
        str,
        float,
    ]
    # in a transaction: rolled back with it, and the cache does not keep the old count
    count = f"SELECT count(*) FROM {table}"
    assert await db.fetch_val(count) == 4
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.copy_rows(table, ["id"], [(5,), (6,)])
            assert await db.fetch_val(count) == 6
            raise RuntimeError
    assert await db.fetch_val(count) == 4
    await db.copy_rows(table, ["id"], [(7,)])
    assert await db.fetch_val(count) == 5
    with pytest.raises(ExecutionError, match=r"(?i)duplicate|unique"):
        await db.copy_rows(table, ["id"], [(7,)])


async def test_transactions_and_savepoints(db: Database, table: str) -> None:
    await make_items(db, table)
    count = f"SELECT count(*) FROM {table}"
    async with db.transaction():
        await db.execute(f"DELETE FROM {table} WHERE id = 1")
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute(f"DELETE FROM {table} WHERE id = 2")
                assert await db.fetch_val(count) == 3
                raise RuntimeError
        assert await db.fetch_val(count) == 4
    assert await db.fetch_val(count) == 4
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute(f"DELETE FROM {table}")
            assert await db.fetch_val(count) == 0
            raise RuntimeError
    assert await db.fetch_val(count) == 4


async def test_a_transaction_is_invisible_to_other_tasks_until_commit(
    db: Database, table: str
) -> None:
    await make_items(db, table)
    count = f"SELECT count(*) FROM {table}"
    deleted, committed = asyncio.Event(), asyncio.Event()

    async def other() -> tuple[int, bool, int]:
        await deleted.wait()
        during = await db.fetch_val(count)  # SQLite: waits for the one connection
        answered_before_commit = not committed.is_set()
        await committed.wait()
        return during, answered_before_commit, await db.fetch_val(count)

    task = asyncio.create_task(other())
    async with db.transaction():
        await db.execute(f"DELETE FROM {table} WHERE id = 1")
        deleted.set()
        await asyncio.sleep(0.05)
    committed.set()
    if db.dialect == "sqlite":
        assert await task == (4, False, 4)
    else:
        assert await task == (5, True, 4)


async def test_isolation_level(db: Database, table: str) -> None:
    """The level asked for is the one the server runs the transaction at (SQLite: every
    transaction is serializable; the block is one transaction, undone as a whole)."""
    await db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    with pytest.raises(RuntimeError, match="undo"):
        async with db.transaction(isolation="serializable"):
            await db.execute(f"INSERT INTO {table} (id) VALUES (1)")
            if db.dialect == "postgres":
                assert await db.fetch_val("SHOW transaction_isolation") == "serializable"
            elif db.dialect == "mysql":
                level = await db.fetch_val(
                    "SELECT trx_isolation_level FROM information_schema.innodb_trx "
                    "WHERE trx_mysql_thread_id = CONNECTION_ID()"
                )
                assert level == "SERIALIZABLE"
            raise RuntimeError("undo")
    assert await db.fetch_val(f"SELECT COUNT(*) FROM {table}") == 0
    with pytest.raises(ConfigurationError):
        db.transaction(isolation="snapshot")


async def test_iterate_streams_in_batches(db: Database, table: str) -> None:
    await db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR(20))")
    await db.execute_many(
        f"INSERT INTO {table} (id, name) VALUES ({marks(db, 2)})",
        [(i, f"n{i}") for i in range(1000)],
    )
    seen = [
        row["id"] async for row in db.iterate(f"SELECT id FROM {table} ORDER BY id", batch_size=64)
    ]
    assert seen == list(range(1000))
    # stopping early, then using the database again (SQLite: same task, same connection)
    async with contextlib.aclosing(db.iterate(f"SELECT id FROM {table} ORDER BY id")) as rows:
        async for row in rows:
            assert await db.fetch_val(f"SELECT count(*) FROM {table}") == 1000
            assert row[0] == 0
            break
    async with db.transaction():
        total = 0
        async for _row in db.iterate(f"SELECT id FROM {table}", batch_size=100):
            total += 1
        assert total == 1000


async def test_driver_errors_are_ours_and_hide_arguments(db: Database, table: str) -> None:
    await make_items(db, table)
    secret = "hunter2-secret"
    with pytest.raises(ExecutionError) as info:
        await db.execute(f"INSERT INTO {table} (id, name) VALUES ({marks(db, 2)})", (1, secret))
    error = info.value
    assert error.backend == db.dialect
    assert table in error.statement
    assert secret not in str(error)
    assert error.__cause__ is not None
    with pytest.raises(ExecutionError, match="no_such_table"):
        await db.fetch_all("SELECT * FROM no_such_table")


async def test_cache_stays_fresh_after_writes(db: Database, table: str) -> None:
    await make_items(db, table)
    cache = db.cache
    assert cache is not None
    query = f"SELECT name FROM {table} WHERE id = {mark(db)}"
    assert (await db.fetch_val(query, (1,))) == "n1"
    assert (await db.fetch_val(query, (1,))) == "n1"
    assert cache.stats().hits == 1
    await db.execute(f"UPDATE {table} SET name = 'a' WHERE id = 1")
    assert (await db.fetch_val(query, (1,))) == "a"
    async with db.transaction():
        await db.execute(f"UPDATE {table} SET name = 'b' WHERE id = 1")
        assert (await db.fetch_val(query, (1,))) == "b"
    assert (await db.fetch_val(query, (1,))) == "b"
    with contextlib.suppress(KeyError):
        async with db.transaction():
            await db.execute(f"UPDATE {table} SET name = 'c' WHERE id = 1")
            raise KeyError
    assert (await db.fetch_val(query, (1,))) == "b"
    assert (await db.fetch_val(query, (1,))) == "b"
    await db.execute(f"DELETE FROM {table}")
    assert (await db.fetch_val(query, (1,))) is None


@pytest.mark.parametrize("target", ["sqlite", "postgres", "mysql"])
async def test_mysql_source_runs_on_every_engine(target: str, table: str) -> None:
    db = await open_database(target, source="mysql", cache=True)
    # DROP goes through a pass-through Database: see the report on DROP in the analysis.
    raw = await open_database(target)
    try:
        await raw.execute(f"DROP TABLE IF EXISTS {table}")
        await db.execute(f"CREATE TABLE {table} (id INT PRIMARY KEY, name VARCHAR(20))")
        await db.execute_many(
            f"INSERT INTO {table} (id, name) VALUES (%s, %s)", [(1, "ann"), (2, "bob")]
        )
        assert await db.fetch_val(f"SELECT name FROM {table} WHERE id = %s", (2,)) == "bob"
        assert (
            await db.fetch_val(
                f"SELECT CONCAT(name, %(suffix)s) FROM {table} WHERE id = %(id)s",
                {"suffix": "!", "id": 1},
            )
            == "ann!"
        )
        half = await db.fetch_val("SELECT 7 / 2")
        assert Decimal(str(half)) == Decimal("3.5")  # MySQL's exact division, not 3
        names = await db.fetch_all(f"SELECT name FROM {table} ORDER BY id LIMIT 1, 1")
        assert [r[0] for r in names] == ["bob"]
    finally:
        try:
            await raw.execute(f"DROP TABLE IF EXISTS {table}")
        finally:
            await raw.close()
            await db.close()


async def test_unreachable_server_is_a_clear_error() -> None:
    db = connect("postgresql://u:topsecret@127.0.0.1:1/x", connect_timeout=1)
    with pytest.raises(ExecutionError, match="cannot connect") as info:
        await db.open()
    assert "topsecret" not in str(info.value)
    assert "***" in str(info.value)


async def test_using_a_closed_database_is_a_clear_error() -> None:
    db = connect("sqlite:///:memory:")
    with pytest.raises(ExecutionError, match="not open"):
        await db.fetch_all("SELECT 1")
    async with db:
        assert await db.fetch_val("SELECT 1") == 1
    assert not db.is_open


@pytest.mark.parametrize("target", ["sqlite", "postgres", "mysql"])
async def test_scripts_with_parameters(target: str, table: str) -> None:
    """Each statement of a translated script gets its own placeholders' arguments, taken from
    the one argument list (or mapping) the caller passes for the whole script."""
    db = await open_database(target, source="mysql", cache=True)
    raw = await open_database(target)
    try:
        await raw.execute(f"DROP TABLE IF EXISTS {table}")
        await db.execute(f"CREATE TABLE {table} (id INT PRIMARY KEY, name VARCHAR(20))")
        read = f"SELECT name FROM {table} WHERE id = %s"
        assert await db.fetch_val(read, (1,)) is None  # cached: the script must invalidate it
        script = (
            f"INSERT INTO {table} (id, name) VALUES (%s, %s);\n"
            f"UPDATE {table} SET name = CONCAT(name, %s) WHERE id = %s;\n"
            f"SELECT name, id FROM {table} WHERE id = %s"
        )
        rows = await db.fetch_all(script, (1, "ann", "!", 1, 1))
        assert [tuple(r) for r in rows] == [("ann!", 1)]
        assert await db.fetch_val(read, (1,)) == "ann!"
        # a statement without placeholders, holding a literal %, next to ones with them
        named = (
            f"INSERT INTO {table} (id, name) VALUES (%(id)s, %(name)s);\n"
            f"UPDATE {table} SET name = CONCAT(name, '%') WHERE name LIKE 'b%';\n"
            f"SELECT name FROM {table} WHERE id = %(id)s"
        )
        assert await db.fetch_val(named, {"id": 2, "name": "bob"}) == "bob%"
        # once per argument set, statement by statement
        pairs = (
            f"INSERT INTO {table} (id, name) VALUES (%s, %s);\n"
            f"UPDATE {table} SET name = CONCAT(name, '+') WHERE id = %s"
        )
        assert await db.execute_many(pairs, [(3, "cy", 3), (4, "di", 4)]) == 2
        assert await db.fetch_val(read, (4,)) == "di+"
        with pytest.raises(ParameterError):
            await db.execute(pairs, (5, "x"))  # the script takes 3 arguments
        # a failing statement of a script names itself, not the script
        with pytest.raises(ExecutionError) as info:
            await db.execute(pairs, (1, "dup", 1))
        assert info.value.statement.startswith("INSERT")
        assert "dup" not in str(info.value)
    finally:
        try:
            await raw.execute(f"DROP TABLE IF EXISTS {table}")
        finally:
            await raw.close()
            await db.close()


async def test_sqlite_runs_each_statement_in_one_thread_hop(table: str) -> None:
    """Execute, fetch and close go to aiosqlite's thread as one call (not three)."""
    db = await open_database("sqlite")
    try:
        backend = db.backend
        conn = backend._conn  # type: ignore[attr-defined]
        hops = 0
        real = conn._execute

        async def counting(fn: object, *args: object, **kwargs: object) -> object:
            nonlocal hops
            hops += 1
            return await real(fn, *args, **kwargs)

        conn._execute = counting
        await make_items(db, table)
        hops = 0
        assert await db.fetch_val(f"SELECT name FROM {table} WHERE id = ?", (2,)) == "n2"
        assert hops == 1
        assert await db.execute(f"UPDATE {table} SET name = 'x' WHERE id > ?", (3,)) == 2
        assert hops == 2
    finally:
        await db.close()


def _gate_thread(monkeypatch: pytest.MonkeyPatch, name: str) -> threading.Event:
    """Make the SQLite backend's in-thread function ``name`` wait, in aiosqlite's thread, for
    the returned event on its first call (later calls run at once)."""
    from sqlshift.executor.backends import sqlite as backend_module

    real = getattr(backend_module, name)
    gate = threading.Event()
    first = [True]

    def gated(conn: Any, *args: Any) -> Any:
        if first[0]:
            first[0] = False
            assert gate.wait(10), "the test never opened the gate"
        return real(conn, *args)

    monkeypatch.setattr(backend_module, name, gated)
    return gate


async def test_sqlite_pipelines_concurrent_statements(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Single statements from concurrent tasks are all queued on the one connection at once
    (not each after the previous one's round trip), and each gets its own answer."""
    db = await open_database("sqlite")
    try:
        await make_items(db, table)
        conn = db.backend._conn  # type: ignore[attr-defined]
        real, queued = conn._execute, [0]

        async def counting(fn: object, *args: object) -> object:
            queued[0] += 1
            return await real(fn, *args)

        conn._execute = counting
        db.backend._connection = None  # type: ignore[attr-defined]  # (it holds the runner)
        gate = _gate_thread(monkeypatch, "_fetch_now")
        sql = f"SELECT name FROM {table} WHERE id = ?"
        tasks = [asyncio.create_task(db.fetch_val(sql, (i % 5 + 1,))) for i in range(10)]
        await asyncio.sleep(0.05)  # every task that can runs up to its queued statement
        assert queued[0] == 10  # while the first one is still running
        gate.set()
        assert await asyncio.gather(*tasks) == [f"n{i % 5 + 1}" for i in range(10)]
        assert db.pool_metrics().in_use == 0
    finally:
        await db.close()


async def test_sqlite_statement_queued_before_a_transaction_is_not_part_of_it(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement queued before another task begins a transaction runs before BEGIN: the
    transaction's rollback does not undo it, and the transaction waits for nobody."""
    db = await open_database("sqlite")
    try:
        await make_items(db, table)
        gate = _gate_thread(monkeypatch, "_execute_now")
        write = asyncio.create_task(db.execute(f"DELETE FROM {table} WHERE id = ?", (1,)))
        await asyncio.sleep(0.05)  # the DELETE is queued; aiosqlite's thread waits at the gate

        async def roll_back() -> None:
            with contextlib.suppress(_Undo):
                async with db.transaction():
                    await db.execute(f"DELETE FROM {table} WHERE id = ?", (2,))
                    raise _Undo

        undo = asyncio.create_task(roll_back())
        await asyncio.sleep(0.05)
        gate.set()
        assert await write == 1
        await undo
        ids = await db.fetch_all(f"SELECT id FROM {table} ORDER BY id")
        assert [r[0] for r in ids] == [2, 3, 4, 5]
    finally:
        await db.close()


async def test_sqlite_statements_wait_while_another_task_holds_a_transaction(
    table: str,
) -> None:
    """Another task's statement waits for the transaction to end, so it never sees (or joins)
    its uncommitted rows."""
    db = await open_database("sqlite")
    try:
        await make_items(db, table)
        inside, finish = asyncio.Event(), asyncio.Event()

        async def transaction() -> None:
            async with db.transaction():
                await db.execute(f"DELETE FROM {table}")
                inside.set()
                await finish.wait()
                # the holding task itself may still run statements outside the queue
                assert await db.fetch_val(f"SELECT count(*) FROM {table}") == 0
                raise _Undo

        holder = asyncio.create_task(transaction())
        await inside.wait()
        reader = asyncio.create_task(db.fetch_val(f"SELECT count(*) FROM {table}"))
        await asyncio.sleep(0.05)
        assert not reader.done()
        finish.set()
        with contextlib.suppress(_Undo):
            await holder
        assert await reader == 5
    finally:
        await db.close()


class _Undo(Exception):
    """Raised to roll a test transaction back."""


async def test_sqlite_without_the_one_hop_runner_uses_public_cursors(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should aiosqlite drop its private ``_execute``, statements still run, the same way."""
    from sqlshift.executor.backends import sqlite as backend_module

    monkeypatch.setattr(backend_module, "_in_thread", lambda conn: None)
    db = await open_database("sqlite", cache=True)
    try:
        # a statement is then several thread hops: it holds the connection, another task's
        # BEGIN must not land between them
        async with db.backend.acquire(shared=True):
            assert db.backend._lock.held  # type: ignore[attr-defined]
        await make_items(db, table)
        rows = await db.fetch_all(f"SELECT id, name FROM {table} WHERE id < ? ORDER BY id", (3,))
        assert [tuple(r) for r in rows] == [(1, "n1"), (2, "n2")]
        assert await db.fetch_one(f"SELECT id FROM {table} ORDER BY id") == (1,)
        assert await db.execute(f"DELETE FROM {table} WHERE id >= ?", (4,)) == 2
        async with db.transaction():
            await db.execute(f"DELETE FROM {table}")
            assert await db.fetch_val(f"SELECT count(*) FROM {table}") == 0
        assert await db.fetch_val(f"SELECT count(*) FROM {table}") == 0
        with pytest.raises(ExecutionError, match="no such table"):
            await db.fetch_all("SELECT * FROM no_such_table_here")
    finally:
        await db.close()


@pytest.mark.parametrize(
    ("converter", "raw", "expected"),
    [
        ("_to_bool", b"1", True),
        ("_to_bool", b"0", False),
        ("_to_bool", b" True ", True),
        ("_to_bool", b"f", False),
        ("_to_bool", b"2.5", True),
        ("_to_bool", b"0.0", False),
        ("_to_bool", b"maybe", "maybe"),
        ("_to_decimal", b"12.30", Decimal("12.30")),
        ("_to_decimal", b"-1e3", Decimal("-1E+3")),
        ("_to_decimal", b"n/a", "n/a"),
        ("_to_date", b"2024-02-29 10:11:12", dt.date(2024, 2, 29)),
        ("_to_date", b"someday", "someday"),
        ("_to_datetime", b"2024-02-29 10:11:12.5", dt.datetime(2024, 2, 29, 10, 11, 12, 500000)),
        ("_to_datetime", b"later", "later"),
    ],
)
def test_sqlite_declared_type_converters(converter: str, raw: bytes, expected: object) -> None:
    """Values of declared columns become sqlshift's types; what is not such a value stays text."""
    from sqlshift.executor.backends import sqlite as backend_module

    value = getattr(backend_module, converter)(raw)
    assert value == expected and type(value) is type(expected)


async def test_postgres_numerics_keep_the_scale_the_server_prints() -> None:
    """asyncpg's binary decoding gives NUMERIC 20000 as Decimal('2E+4'); the executor reads
    PostgreSQL's own text (20000), as MySQL and SQLite give it (found by the generated
    differential tests: SUM(EXTRACT(YEAR ...)) came back as 2E+4)."""
    db = await open_database("postgres")
    try:
        row = (await db.fetch_all("SELECT 20000::numeric, 2.50::numeric(10, 2), 1e3::numeric"))[0]
        assert [str(v) for v in row] == ["20000", "2.50", "1000"]
    finally:
        await db.close()
