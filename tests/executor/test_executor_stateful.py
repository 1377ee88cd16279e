"""Proof of freshness: random interleavings of writes (insert, update, delete, upsert,
transactions that commit or roll back, concurrent tasks) and reads on each real engine; after
every step, every cached read must equal the same read on an uncached connection."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import tempfile
from collections.abc import AsyncIterator, Coroutine
from typing import Any

import pytest
from conftest import ENGINES, engine_url, open_database
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from sqlshift.executor import Cache, Database, connect, parse_url, wrap
from sqlshift.executor.backends import create_backend

PID = os.getpid()
KV, OTHER = f"sqlshift_kv_{PID}", f"sqlshift_other_{PID}"

keys = st.integers(min_value=1, max_value=4)
values = st.integers(min_value=-3, max_value=3)


class Dialect:
    """The statements of the workload, spelled for one engine."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        style = {"sqlite": "?", "mysql": "%s"}.get(engine)
        self.p = [style or f"${i}" for i in range(1, 4)]  # placeholders 1, 2, 3
        p1, p2 = self.p[0], self.p[1]
        if engine == "mysql":
            self.upsert = f"INSERT INTO {KV} (id, v) VALUES ({p1}, {p2}) ON DUPLICATE KEY UPDATE v = VALUES(v)"
            self.insert_other = f"INSERT IGNORE INTO {OTHER} (id) VALUES ({p1})"
        else:
            self.upsert = (
                f"INSERT INTO {KV} (id, v) VALUES ({p1}, {p2}) "
                "ON CONFLICT (id) DO UPDATE SET v = excluded.v"
            )
            self.insert_other = f"INSERT INTO {OTHER} (id) VALUES ({p1}) ON CONFLICT DO NOTHING"
        self.add = f"UPDATE {KV} SET v = v + {p1} WHERE id >= {p2}"
        self.set = f"UPDATE {KV} SET v = {p1} WHERE id = {p2}"
        self.delete = f"DELETE FROM {KV} WHERE id = {p1}"
        self.delete_other = f"DELETE FROM {OTHER} WHERE id = {p1}"
        self.queries: tuple[tuple[str, tuple[Any, ...]], ...] = (
            (f"SELECT id, v FROM {KV} ORDER BY id", ()),
            (f"SELECT count(*), sum(v) FROM {KV}", ()),
            (f"SELECT v FROM {KV} WHERE id = {p1}", (1,)),
            (f"SELECT v FROM {KV} WHERE id = {p1}", (2,)),
            (
                f"SELECT a.id FROM {KV} AS a JOIN {OTHER} AS b ON a.id = b.id ORDER BY a.id",
                (),
            ),
        )


class GatedBackend:
    """A real backend whose next read, once armed, waits after it has its rows and before it
    returns them: a read "in flight" held open while the test writes (no sleeps)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.gate: tuple[asyncio.Event, asyncio.Event] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @contextlib.asynccontextmanager
    async def acquire(self, *, shared: bool = False) -> AsyncIterator[Any]:
        async with self.inner.acquire(shared=shared) as conn:
            yield _GatedConnection(conn, self)


class _GatedConnection:
    def __init__(self, conn: Any, backend: GatedBackend) -> None:
        self.conn = conn
        self.backend = backend

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)

    async def fetch(self, sql: str, args: Any, *, limit: int | None = None) -> Any:
        result = await self.conn.fetch(sql, args, limit=limit)
        gate, self.backend.gate = self.backend.gate, None
        if gate is not None:
            fetched, release = gate
            fetched.set()
            await release.wait()
        return result


class Wrapped:
    """The Database calls the machine makes, on a driver pool wrapped by ``sqlshift.wrap``
    (asyncpg, or aiomysql in autocommit mode), so the same rules prove the wrappers fresh."""

    def __init__(self, engine: str, url: str) -> None:
        self.engine = engine
        self.url = parse_url(url)
        self.pool: Any = None
        self.wrapped: Any = None
        self._tx: contextvars.ContextVar[Any] = contextvars.ContextVar("tx", default=None)

    @property
    def cache(self) -> Cache | None:
        cache: Cache | None = self.wrapped.cache
        return cache

    async def open(self) -> None:
        url = self.url
        if self.engine == "postgres":
            import asyncpg

            self.pool = await asyncpg.create_pool(
                host=url.host, port=url.port, user=url.user, database=url.database,
                password=url.password, min_size=1, max_size=4,
            )  # fmt: skip
        else:
            import aiomysql

            class Quiet(aiomysql.Cursor):  # type: ignore[misc]
                """INSERT IGNORE's notes are not the test's business (aiomysql warns)."""

                async def _show_warnings(self, conn: Any) -> None:
                    return None

            self.pool = await aiomysql.create_pool(
                cursorclass=Quiet,
                host=url.host, port=url.port, user=url.user or "root", db=url.database,
                password=url.password or "", minsize=1, maxsize=4, autocommit=True,
            )  # fmt: skip
        self.wrapped = wrap(self.pool, cache=Cache("lru", maxsize=8))

    async def close(self) -> None:
        if self.engine == "postgres":
            await self.pool.close()
        else:
            self.pool.close()
            await self.pool.wait_closed()

    async def _on(self, conn: Any, sql: str, args: tuple[Any, ...], read: bool) -> Any:
        if self.engine == "postgres":
            if read:
                return [tuple(r) for r in await conn.fetch(sql, *args)]
            return await conn.execute(sql, *args)
        async with conn.cursor() as cur:
            await cur.execute(sql, args)
            return [tuple(r) for r in await cur.fetchall()] if read else cur.rowcount

    async def _call(self, sql: str, args: tuple[Any, ...], read: bool) -> Any:
        conn = self._tx.get()
        if conn is not None:
            return await self._on(conn, sql, args, read)
        if self.engine == "postgres":
            if read:
                return [tuple(r) for r in await self.wrapped.fetch(sql, *args)]
            return await self.wrapped.execute(sql, *args)
        async with self.wrapped.acquire() as conn:
            return await self._on(conn, sql, args, read)

    async def execute(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        return await self._call(sql, args, read=False)

    async def fetch_all(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        return await self._call(sql, args, read=True)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        async with self.wrapped.acquire() as conn:
            token = self._tx.set(conn)
            try:
                if self.engine == "postgres":
                    async with conn.transaction():
                        yield
                else:
                    await conn.begin()
                    try:
                        yield
                    except BaseException:
                        await conn.rollback()
                        raise
                    await conn.commit()
            finally:
                self._tx.reset(token)


class CacheFreshness(RuleBasedStateMachine):
    """Writes go through ``cached`` (a small cache, so evictions happen too); reads through
    both ``cached`` and ``plain``, which never caches. ``cached`` is a Database, or (with
    ``wrapped``) a driver pool wrapped by ``sqlshift.wrap``."""

    def __init__(self, engine: str, url: str, wrapped: bool = False) -> None:
        super().__init__()
        self.sql = Dialect(engine)
        self.wrapped = wrapped
        self.loop = asyncio.new_event_loop()
        self.backend = GatedBackend(create_backend(parse_url(url).with_options({"max_size": 4})))
        self.cached: Any = (
            Wrapped(engine, url)
            if wrapped
            else Database(self.backend, cache=Cache("lru", maxsize=8))
        )
        self.plain: Database = connect(url, max_size=1)
        self.run(self.cached.open())
        self.run(self.plain.open())
        # Start from rows, so that early writes change something.
        self.run(self.plain.execute(f"DELETE FROM {KV}"))
        self.run(self.plain.execute(f"DELETE FROM {OTHER}"))
        self.run(self.plain.execute(f"INSERT INTO {KV} (id, v) VALUES (1, 0), (2, 1), (3, 2)"))
        self.run(self.plain.execute(f"INSERT INTO {OTHER} (id) VALUES (1), (3)"))

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        try:
            self.run(self.cached.close())
            self.run(self.plain.close())
        finally:
            self.loop.close()

    async def read_all(self) -> None:
        for sql, args in self.sql.queries:
            await self.cached.fetch_all(sql, args)

    @rule(k=keys, v=values)
    def upsert(self, k: int, v: int) -> None:
        self.run(self.cached.execute(self.sql.upsert, (k, v)))

    @rule(k=keys, v=values)
    def update(self, k: int, v: int) -> None:
        self.run(self.cached.execute(self.sql.add, (v, k)))

    @rule(k=keys)
    def delete(self, k: int) -> None:
        self.run(self.cached.execute(self.sql.delete, (k,)))

    @rule(k=keys)
    def insert_other(self, k: int) -> None:
        self.run(self.cached.execute(self.sql.insert_other, (k,)))

    @rule()
    def read(self) -> None:
        self.run(self.read_all())

    async def transaction_body(self, k: int, v: int, commit: bool, read_inside: bool) -> None:
        try:
            async with self.cached.transaction():
                await self.cached.execute(self.sql.set, (v, k))
                await self.cached.execute(self.sql.delete_other, (k,))
                if read_inside:
                    await self.read_all()
                if not commit:
                    raise LookupError
        except LookupError:
            pass

    @rule(k=keys, v=values, commit=st.booleans(), read_inside=st.booleans())
    def transaction(self, k: int, v: int, commit: bool, read_inside: bool) -> None:
        self.run(self.transaction_body(k, v, commit, read_inside))

    @rule(k=keys, v=values, other=keys, commit=st.booleans())
    def concurrent_tasks(self, k: int, v: int, other: int, commit: bool) -> None:
        """Reads racing an autocommit write and a transaction (real concurrency on a server:
        several pooled connections; on SQLite the tasks take turns on its one connection)."""

        async def together() -> None:
            await asyncio.gather(
                self.read_all(),
                self.cached.execute(self.sql.set, (v, k)),
                self.read_all(),
                self.transaction_body(other, -v, commit, read_inside=True),
                self.read_all(),
            )

        self.run(together())

    @precondition(lambda self: self.sql.engine != "sqlite")  # one connection: it would wait
    @rule(k=keys, v=values, commit=st.booleans())
    def read_while_a_transaction_is_open(self, k: int, v: int, commit: bool) -> None:
        """Another task reads (and caches) the committed rows while a transaction has written
        but not committed: its COMMIT must drop those entries, its ROLLBACK leave them."""

        async def scenario() -> None:
            written, read = asyncio.Event(), asyncio.Event()

            async def writer() -> None:
                try:
                    async with self.cached.transaction():
                        await self.cached.execute(self.sql.set, (v, k))
                        written.set()
                        await read.wait()
                        if not commit:
                            raise LookupError
                except LookupError:
                    pass

            async def reader() -> None:
                await written.wait()
                try:
                    await self.read_all()
                    await self.read_all()
                finally:
                    read.set()

            # Both tasks are created here, outside any transaction: the reader is not in it.
            await asyncio.gather(writer(), reader())

        self.run(scenario())

    # (SQLite shares its one connection between single statements, so it runs there too;
    # wrapped: no gated backend to hold the read with)
    @precondition(lambda self: not self.wrapped)
    @rule(k=keys, v=values)
    def write_while_a_read_is_in_flight(self, k: int, v: int) -> None:
        """A read has its rows (the old ones) when a write commits and invalidates: the read
        may return them to its caller but must not store them."""

        async def scenario() -> None:
            fetched, release = asyncio.Event(), asyncio.Event()
            cache = self.cached.cache
            assert cache is not None
            cache.invalidate(KV)  # the read below must miss
            self.backend.gate = (fetched, release)
            sql, args = self.sql.queries[0]
            read = asyncio.create_task(self.cached.fetch_all(sql, args))
            await asyncio.wait_for(fetched.wait(), 10)
            await self.cached.execute(self.sql.set, (v, k))
            release.set()
            await read

        self.run(scenario())

    @invariant()
    def cached_reads_equal_uncached_reads(self) -> None:
        async def compare() -> None:
            for sql, args in self.sql.queries:
                cached = await self.cached.fetch_all(sql, args)
                plain = await self.plain.fetch_all(sql, args)
                assert [tuple(r) for r in cached] == [tuple(r) for r in plain], (sql, args)

        self.run(compare())


#: a few hundred steps per engine keep CI quick; SQLSHIFT_FRESHNESS_EXAMPLES asks for more
EXAMPLES = int(os.environ.get("SQLSHIFT_FRESHNESS_EXAMPLES", "20"))


async def _create_tables(engine: str, url: str) -> None:
    db = connect(url) if engine == "sqlite" else await open_database(engine)
    async with db:
        await db.execute(f"DROP TABLE IF EXISTS {KV}")
        await db.execute(f"DROP TABLE IF EXISTS {OTHER}")
        await db.execute(f"CREATE TABLE {KV} (id INTEGER PRIMARY KEY, v INTEGER)")
        await db.execute(f"CREATE TABLE {OTHER} (id INTEGER PRIMARY KEY)")


async def _drop_tables(url: str) -> None:
    async with connect(url) as db:
        await db.execute(f"DROP TABLE IF EXISTS {KV}")
        await db.execute(f"DROP TABLE IF EXISTS {OTHER}")


@pytest.mark.parametrize(
    ("engine", "wrapped"),
    [*((e, False) for e in ENGINES), ("postgres", True), ("mysql", True)],
    ids=[*ENGINES, "postgres-wrap", "mysql-wrap"],
)
def test_cached_reads_equal_uncached_reads(engine: str, wrapped: bool) -> None:
    path = None
    if engine == "sqlite":
        fd, path = tempfile.mkstemp(suffix=".db")
        os.close(fd)
        url = f"sqlite:///{path}"
    else:
        url = engine_url(engine)
    try:
        asyncio.run(_create_tables(engine, url))  # skips (fails under CI) when unreachable
        try:
            run_state_machine_as_test(
                lambda: CacheFreshness(engine, url, wrapped),
                settings=settings(max_examples=EXAMPLES, stateful_step_count=15, deadline=None),
            )
        finally:
            asyncio.run(_drop_tables(url))
    finally:
        if path is not None:
            os.unlink(path)
