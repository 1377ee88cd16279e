"""Pool metrics, health checks, the acquire timeout, and recovery after lost connections: the
rules on the fake backend, the behaviour on the real engines (sessions killed from outside)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest
from conftest import engine_url, open_database

from sqlshift.errors import ExecutionError
from sqlshift.executor import Database, PoolMetrics, connect
from sqlshift.executor.backends.fake import Answer, Call, FakeBackend

READ = "SELECT name FROM people WHERE id = $1"
WRITE = "UPDATE people SET name = 'x' WHERE id = $1"


def lose_first(kinds: tuple[str, ...] = ("fetch",), times: int = 1) -> Callable[[Call], Any]:
    """A handler that answers the first ``times`` calls of ``kinds`` with a lost connection."""
    left = {"n": times}

    def handler(call: Call) -> Answer | None:
        if call.kind in kinds and left["n"] > 0:
            left["n"] -= 1
            return Answer(error=ConnectionResetError("server closed the connection"))
        return None

    return handler


@pytest.fixture
async def fake_db() -> AsyncIterator[tuple[Database, FakeBackend]]:
    fake = FakeBackend("postgres")
    fake.respond(READ, columns=("name",), rows=[("Ann",)])
    async with Database(fake, cache=True) as db:
        yield db, fake


# ------------------------------------------------------------------------ retry rules (fake)


async def test_a_pure_read_is_retried_once_on_a_new_connection(
    fake_db: tuple[Database, FakeBackend],
) -> None:
    db, fake = fake_db
    fake.handler = lose_first()
    assert await db.fetch_val(READ, (1,)) == "Ann"
    fetches = [c for c in fake.calls if c.kind == "fetch"]
    assert len(fetches) == 2 and fetches[0].connection != fetches[1].connection
    assert fake.discarded == 1
    assert db.pool_metrics().retries == 1


async def test_a_read_is_retried_only_once(fake_db: tuple[Database, FakeBackend]) -> None:
    db, fake = fake_db
    fake.handler = lose_first(times=2)
    with pytest.raises(ExecutionError, match="server closed") as info:
        await db.fetch_val(READ, (1,))
    assert isinstance(info.value.__cause__, ConnectionResetError)
    assert len(fake.queries("fetch")) == 2


@pytest.mark.parametrize(
    ("call", "sql"),
    [
        ("execute", WRITE),  # a write may have run before the connection went away
        ("fetch", "UPDATE people SET name = 'x' RETURNING id"),  # a write that returns rows
        ("fetch", "SELECT nextval('s')"),  # a read with a side effect
        ("fetch", "SELECT now()"),  # not deterministic: treated like the one above
    ],
)
async def test_writes_and_impure_reads_are_never_retried(
    fake_db: tuple[Database, FakeBackend], call: str, sql: str
) -> None:
    db, fake = fake_db
    fake.handler = lose_first(kinds=("fetch", "execute"))
    with pytest.raises(ExecutionError):
        if call == "execute":
            await db.execute(sql, (1,))
        else:
            await db.fetch_all(sql)
    assert len(fake.calls) == 1
    assert db.pool_metrics().retries == 0


async def test_reads_in_a_transaction_are_never_retried(
    fake_db: tuple[Database, FakeBackend],
) -> None:
    db, fake = fake_db
    with pytest.raises(ExecutionError):
        async with db.transaction():
            fake.handler = lose_first()
            await db.fetch_val(READ, (1,))
    assert len(fake.queries("fetch")) == 1
    assert [c.kind for c in fake.calls if c.kind in ("begin", "rollback")] == ["begin", "rollback"]


async def test_other_errors_are_not_retried(fake_db: tuple[Database, FakeBackend]) -> None:
    db, fake = fake_db
    fake.respond(READ, error=RuntimeError("syntax error"))
    with pytest.raises(ExecutionError, match="syntax error"):
        await db.fetch_val(READ, (1,))
    assert len(fake.queries("fetch")) == 1


# ------------------------------------------------------------------- metrics, timeout (fake)


async def test_metrics_count_connections_in_use_and_waiting_tasks() -> None:
    fake = FakeBackend("postgres", max_size=1)
    async with Database(fake) as db:
        assert db.pool_metrics() == PoolMetrics(0, 0, 0, 0, 0, 1, 0)
        go = asyncio.Event()

        async def later() -> None:  # created outside the transaction: not part of it
            await go.wait()
            await db.fetch_all("SELECT 1")

        waiter = asyncio.create_task(later())
        async with db.transaction():
            go.set()

            async def until_waiting() -> None:
                while db.pool_metrics().waiting == 0:
                    await asyncio.sleep(0)

            await asyncio.wait_for(until_waiting(), 5)
            metrics = db.pool_metrics()
            assert (metrics.in_use, metrics.waiting, metrics.max_size) == (1, 1, 1)
        await waiter
        assert db.pool_metrics().waiting == 0


async def test_acquire_timeout_is_a_clear_error_on_the_fake() -> None:
    fake = FakeBackend("postgres", max_size=1, acquire_timeout=0.05)
    async with Database(fake) as db:
        holding, done = asyncio.Event(), asyncio.Event()

        async def hold() -> None:
            async with db.transaction():
                holding.set()
                await done.wait()

        holder = asyncio.create_task(hold())
        await holding.wait()
        with pytest.raises(ExecutionError, match="no free connection") as info:
            await db.fetch_all("SELECT 1")
        assert "max_size=1" in str(info.value)
        assert isinstance(info.value.__cause__, TimeoutError)
        done.set()
        await holder


async def test_health_check_on_the_fake(fake_db: tuple[Database, FakeBackend]) -> None:
    db, fake = fake_db
    health = await db.health_check()
    assert health.ok and health.error is None and health.latency >= 0
    await db.health_check()
    assert fake.queries("fetch") == ["SELECT 1", "SELECT 1"]  # never from the cache
    fake.respond("SELECT 1", error=RuntimeError("down"))
    health = await db.health_check()
    assert not health.ok and "down" in (health.error or "")


async def test_health_check_times_out() -> None:
    gate = asyncio.Event()

    async def hang(call: Call) -> None:
        await gate.wait()

    async with Database(FakeBackend("postgres", handler=hang)) as db:
        health = await db.health_check(timeout=0.05)
        assert not health.ok and "within 0.05 s" in (health.error or "")


# ---------------------------------------------------------------------------- real engines


async def test_pool_metrics_on_each_engine(engine_name: str) -> None:
    db = await open_database(engine_name)
    try:
        await db.fetch_val("SELECT 1")
        idle = db.pool_metrics()
        assert idle.size >= 1 and idle.in_use == 0 and idle.idle == idle.size
        async with db.transaction():
            busy = db.pool_metrics()
            assert busy.in_use == 1 and busy.idle == busy.size - 1
        health = await db.health_check()
        assert health.ok, health.error
        assert health.metrics.size >= 1
    finally:
        await db.close()
    closed = await db.health_check()
    assert not closed.ok and "not open" in (closed.error or "")


async def test_acquire_timeout_with_one_connection(engine_name: str) -> None:
    url = engine_url(engine_name)
    db = connect(url, max_size=1, min_size=1, acquire_timeout=0.2, connect_timeout=5)
    probe = await open_database(engine_name)  # skips (fails under CI) when unreachable
    await probe.close()
    async with db:
        holding, done = asyncio.Event(), asyncio.Event()

        async def hold() -> None:
            async with db.transaction():
                holding.set()
                await done.wait()

        holder = asyncio.create_task(hold())
        await holding.wait()
        try:
            with pytest.raises(ExecutionError, match="no free connection") as info:
                await db.fetch_val("SELECT 1")
            message = str(info.value)
            assert "within 0.2 s" in message and "max_size=1" in message
            assert db.pool_metrics().waiting == 0
        finally:
            done.set()
            await holder
        assert await db.fetch_val("SELECT 2") == 2  # the connection is free again


def _blocking(coro: Coroutine[Any, Any, Any]) -> None:
    """Run ``coro`` on a loop of its own in another thread, blocking this one meanwhile: the
    test's loop cannot notice the killed session before its next statement does."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def kill_session(engine: str, session: int) -> None:
    """End server session ``session`` from a separate connection (as an operator would)."""
    if engine == "postgres":
        import asyncpg

        async def terminate() -> None:
            conn = await asyncpg.connect(engine_url("postgres"), timeout=5)
            try:
                assert await conn.fetchval("SELECT pg_terminate_backend($1)", session)
            finally:
                await conn.close()

        _blocking(terminate())
    else:
        import pymysql

        from sqlshift.executor.url import parse_url

        url = parse_url(engine_url("mysql"))
        conn = pymysql.connect(
            host=url.host, port=url.port, user=url.user or "root", password=url.password or ""
        )
        try:
            with conn.cursor() as cursor:
                cursor.execute(f"KILL {int(session)}")
        finally:
            conn.close()


SESSION_ID = {"postgres": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}


@pytest.mark.parametrize("engine", ["postgres", "mysql"])
async def test_recovery_after_the_server_kills_the_session(engine: str) -> None:
    await (await open_database(engine)).close()  # skips (fails under CI) when unreachable
    db = connect(engine_url(engine), cache=True, max_size=1, min_size=1, connect_timeout=5)
    async with db:
        first = await db.fetch_val(SESSION_ID[engine])
        kill_session(engine, first)
        # The pool's only connection is dead (the test's loop could not notice while the
        # kill blocked it): the read fails on it, and is retried once on a new connection.
        assert await db.fetch_val("SELECT 40 + 2") == 42
        assert db.pool_metrics().retries == 1
        second = await db.fetch_val(SESSION_ID[engine])
        assert second != first
        assert (await db.health_check()).ok

        # Inside a transaction nothing is retried: the error reaches the caller...
        with pytest.raises(ExecutionError) as info:
            async with db.transaction():
                kill_session(engine, second)
                await db.fetch_val("SELECT 1 + 1")
        assert db.backend.is_disconnect(info.value)
        # ... and the next statement outside runs on a fresh connection.
        assert await db.fetch_val("SELECT 2 + 2") == 4
        assert await db.fetch_val(SESSION_ID[engine]) not in (first, second)


@pytest.mark.parametrize("engine", ["postgres", "mysql"])
async def test_a_write_after_a_lost_connection_is_not_retried(engine: str, table: str) -> None:
    await (await open_database(engine)).close()
    db = connect(engine_url(engine), max_size=1, min_size=1, connect_timeout=5)
    async with db:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
        try:
            kill_session(engine, await db.fetch_val(SESSION_ID[engine]))
            insert = f"INSERT INTO {table} (id) VALUES (1)"
            with pytest.raises(ExecutionError) as info:
                await db.execute(insert)
            assert db.backend.is_disconnect(info.value)  # raised, not retried
            assert db.pool_metrics().retries == 0
            await db.execute(insert)  # the caller's decision; the pool has recovered
            assert await db.fetch_val(f"SELECT count(*) FROM {table}") == 1
        finally:
            await db.execute(f"DROP TABLE IF EXISTS {table}")
