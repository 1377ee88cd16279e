"""SQLite through aiosqlite: one connection, shared, with sqlshift's value types.

One connection because a ``:memory:`` database exists only inside its connection and because
SQLite runs one writer at a time anyway. Single statements from concurrent tasks are queued on
it together (aiosqlite's thread runs them in order). A transaction holds the connection until
it ends, so no other task ever sees its uncommitted rows; so does a stream (``iterate``) or a
script. That hold is re-entrant per task, so a task may run statements while it iterates over
a result.

Values: SQLite keeps no DECIMAL, BOOLEAN, DATE or DATETIME values, only the declared type of a
column. Columns declared with those types are converted on the way out (see ``rows``); this
needs converters in the ``sqlite3`` module's process-wide registry, registered under those type
names when the first SQLite backend opens (replacing the standard library's deprecated ``date``
and ``timestamp`` converters, which only apply to connections asking for declared types).
On the way in, Decimal becomes text and dates/times ISO-8601 text (what the converters read).

Foreign keys are enforced (``PRAGMA foreign_keys = ON`` when the connection opens), as the
other engines enforce them; translated MySQL scripts turn them off and on again where the
source sets ``FOREIGN_KEY_CHECKS``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sqlite3
import threading
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

import aiosqlite

from sqlshift.executor.backends.base import Fetched, PoolMetrics, SavepointMixin
from sqlshift.executor.url import DatabaseURL

__all__ = ["SQLiteBackend"]

_ISOLATION = {
    "deferred": "BEGIN DEFERRED",
    "immediate": "BEGIN IMMEDIATE",
    "exclusive": "BEGIN EXCLUSIVE",
    # SQLite transactions are always serializable; accepted so portable code can ask for it.
    "serializable": "BEGIN",
}


# Converters run once per value of a declared column, in the connection's thread: one Python
# frame each (no helper calls), the common values first.


def _to_decimal(raw: bytes) -> Any:
    text = raw.decode("utf-8", "replace")
    try:
        return Decimal(text)
    except InvalidOperation:
        return text  # not a number after all (SQLite stores what it is given)


def _to_bool(raw: bytes) -> Any:
    if raw == b"1":
        return True
    if raw == b"0":
        return False
    text = raw.decode("utf-8", "replace")
    folded = text.strip().lower()
    if folded in ("1", "true", "t"):
        return True
    if folded in ("0", "false", "f"):
        return False
    try:
        return float(folded) != 0
    except ValueError:
        return text


def _to_date(raw: bytes) -> Any:
    text = raw.decode("utf-8", "replace")
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return text


def _to_datetime(raw: bytes) -> Any:
    text = raw.decode("utf-8", "replace")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return text


_CONVERTERS = {
    "DECIMAL": _to_decimal,
    "NUMERIC": _to_decimal,
    "BOOLEAN": _to_bool,
    "BOOL": _to_bool,
    "DATE": _to_date,
    "DATETIME": _to_datetime,
    "TIMESTAMP": _to_datetime,
}
_registered = False


def _register_converters() -> None:
    global _registered
    if not _registered:
        for name, converter in _CONVERTERS.items():
            sqlite3.register_converter(name, converter)
        _registered = True


def _adapt_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


#: argument types sqlite3 takes as they are
_PLAIN = frozenset({int, str, float, bytes, bool, type(None)})


def _adapt(args: Any) -> Any:
    if type(args) is tuple:
        for value in args:
            if type(value) not in _PLAIN:
                break
        else:
            return args  # (the common case: nothing to adapt, no new tuple)
    if isinstance(args, Mapping):
        return {k: _adapt_value(v) for k, v in args.items()}
    return tuple(_adapt_value(v) for v in args)


class _TaskLock:
    """An asyncio lock that the task holding it may take again (one connection, one user)."""

    __slots__ = ("_depth", "_lock", "_owner")

    @property
    def held(self) -> bool:
        return self._lock.locked()

    @property
    def owned(self) -> bool:
        """Held by the current task."""
        return self._owner is not None and self._owner is asyncio.current_task()

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._depth = 0

    async def take(self, timeout: float | None) -> None:
        task = asyncio.current_task()
        if self._owner is not None and self._owner is task:
            self._depth += 1
            return
        if timeout is None:
            await self._lock.acquire()
        else:
            async with asyncio.timeout(timeout):
                await self._lock.acquire()
        self._owner, self._depth = task, 1

    def give(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
            self._lock.release()


class _Lease:
    """``async with backend.acquire() as connection``: the one connection. (A class, not a
    generator-based context manager: it is on every statement's path.)

    An exclusive lease (a transaction, a stream, a script) holds the connection until it ends.
    A shared lease is for one statement run as one call in the connection's thread: it only
    waits while another task holds the connection exclusively, then queues its statement
    behind the others, so concurrent statements are pipelined rather than each waiting for
    the previous one's round trip. aiosqlite's thread runs them in the order they were queued,
    so a transaction begun later starts after them and none lands inside it.
    """

    __slots__ = ("_backend", "_shared")

    def __init__(self, backend: SQLiteBackend, shared: bool) -> None:
        self._backend = backend
        self._shared = shared

    async def __aenter__(self) -> _SQLiteConnection:
        backend = self._backend
        conn = backend._conn
        if conn is None:
            raise RuntimeError("the SQLite backend is closed")
        connection = backend._connection
        if connection is None or connection._conn is not conn:
            connection = backend._connection = _SQLiteConnection(conn)
        lock = backend._lock
        if self._shared and connection._run is not None:
            if lock.held and not lock.owned:
                # wait out the exclusive holder; nothing suspends between here and queueing
                await lock.take(backend._url.options.acquire_timeout)
                lock.give()
            backend._shared += 1
        else:
            self._shared = False
            await lock.take(backend._url.options.acquire_timeout)
        return connection

    async def __aexit__(self, *exc: object) -> None:
        if self._shared:
            self._backend._shared -= 1
        else:
            self._backend._lock.give()


class SQLiteBackend:
    def __init__(self, url: DatabaseURL) -> None:
        self._url = url
        self._conn: aiosqlite.Connection | None = None
        self._connection: _SQLiteConnection | None = None  # made once, lent in turn
        self._lock = _TaskLock()
        self._shared = 0  # statements queued under shared leases, not yet answered
        if url.is_memory:
            self._identity = f"sqlite:///:memory:#{id(self):x}"  # each one is its own database
        else:
            self._identity = f"sqlite:///{os.path.abspath(url.database)}"

    @property
    def dialect(self) -> str:
        return "sqlite"

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def isolation_levels(self) -> frozenset[str]:
        return frozenset(_ISOLATION)

    async def open(self) -> None:
        if self._conn is not None:
            return  # already open (several Databases may share this backend)
        _register_converters()
        timeout = self._url.options.connect_timeout
        conn = aiosqlite.connect(
            self._url.database or ":memory:",
            isolation_level=None,  # autocommit; transactions are explicit BEGIN/COMMIT
            detect_types=sqlite3.PARSE_DECLTYPES,
            timeout=timeout if timeout is not None else 5.0,
        )
        self._conn = await conn
        # Foreign keys hold, as on MySQL and PostgreSQL (SQLite's connections ignore them,
        # ON DELETE CASCADE included, unless asked); a script's own PRAGMA may turn them off.
        await self._conn.execute("PRAGMA foreign_keys = ON")

    async def close(self) -> None:
        conn, self._conn, self._connection = self._conn, None, None
        if conn is not None:
            await conn.close()

    def acquire(self, *, shared: bool = False) -> _Lease:
        return _Lease(self, shared)

    def metrics(self) -> PoolMetrics:
        if self._conn is None:
            return PoolMetrics(0, 0, 0, 0, 1, 1)
        busy = 1 if self._lock.held or self._shared else 0
        return PoolMetrics(1, busy, 1 - busy, 0, 1, 1)

    def is_disconnect(self, error: BaseException) -> bool:
        return False  # an in-process database cannot drop its connection


def _names(description: Any) -> tuple[str, ...]:
    return tuple([d[0] for d in description or ()])


def _fetch_now(
    conn: aiosqlite.Connection, sql: str, args: Any, limit: int | None
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """Run and fetch in the connection's thread: one hop instead of three."""
    cursor = conn._conn.execute(sql, args)
    try:
        rows = cursor.fetchmany(limit) if limit is not None else cursor.fetchall()
        return _names(cursor.description), rows  # tuples: no row_factory
    finally:
        cursor.close()


def _execute_now(conn: aiosqlite.Connection, sql: str, args: Any) -> int:
    cursor = conn._conn.execute(sql, args)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _execute_many_now(conn: aiosqlite.Connection, sql: str, args_seq: list[Any]) -> int:
    cursor = conn._conn.executemany(sql, args_seq)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _in_thread(conn: aiosqlite.Connection) -> Any:
    """aiosqlite's "run this function in the connection's thread", or None.

    Running execute, fetch and close as one function saves two thread round trips per
    statement (each costs tens of microseconds, several times what sqlshift itself adds). It
    is aiosqlite's private ``_execute`` (0.17 to 0.22 at least): should a release drop it, the
    public cursor methods are used instead.
    """
    runner = getattr(conn, "_execute", None)
    return runner if callable(runner) and hasattr(conn, "_conn") else None


class _Running:
    """Which call runs in the connection's thread now, so that a cancelled task interrupts
    its own statement (sqlite3's interrupt() stops whatever runs on the connection) and no
    other task's queued behind it."""

    __slots__ = ("lock", "token")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: object = None


def _tracked(running: _Running, token: object, fn: Callable[..., Any], *args: Any) -> Any:
    with running.lock:
        running.token = token
    try:
        return fn(*args)
    finally:
        with running.lock:
            running.token = None


class _SQLiteConnection(SavepointMixin):
    __slots__ = ("_conn", "_run", "_running")

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._run = _in_thread(conn)
        self._running = _Running()

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(conn, *args)`` in the connection's thread; a cancellation while it runs
        interrupts the statement there (it would otherwise run to its end, holding the
        connection and any write lock), then propagates."""
        token = object()
        running = self._running
        try:
            return await self._run(_tracked, running, token, fn, self._conn, *args)
        except asyncio.CancelledError:
            with running.lock:
                if running.token is token:
                    self._conn._conn.interrupt()
            raise

    async def fetch(self, sql: str, args: Any, *, limit: int | None = None) -> Fetched:
        if self._run is not None:
            return cast(Fetched, await self._call(_fetch_now, sql, _adapt(args), limit))
        async with self._conn.execute(sql, _adapt(args)) as cursor:
            rows = await (cursor.fetchmany(limit) if limit is not None else cursor.fetchall())
            return _names(cursor.description), cast(list[tuple[Any, ...]], rows)

    async def execute(self, sql: str, args: Any) -> int:
        if self._run is not None:
            return cast(int, await self._call(_execute_now, sql, _adapt(args)))
        async with self._conn.execute(sql, _adapt(args)) as cursor:
            return cursor.rowcount

    async def execute_many(self, sql: str, args_seq: Sequence[Any]) -> int:
        if self._run is not None:
            adapted = [_adapt(a) for a in args_seq]
            return cast(int, await self._call(_execute_many_now, sql, adapted))
        async with self._conn.executemany(sql, [_adapt(a) for a in args_seq]) as cursor:
            return cursor.rowcount

    async def iterate(
        self, sql: str, args: Any, *, batch_size: int
    ) -> AsyncGenerator[Fetched, None]:
        async with self._conn.execute(sql, _adapt(args)) as cursor:
            names = _names(cursor.description)
            while True:
                batch = await cursor.fetchmany(batch_size)
                if not batch:
                    return
                yield names, cast(list[tuple[Any, ...]], batch)

    async def _control(self, sql: str) -> None:
        await self.execute(sql, ())

    async def begin(self, isolation: str | None) -> None:
        # IMMEDIATE unless asked otherwise: the write lock is taken when the transaction
        # starts (waiting out another writer for the busy timeout), not at its first write,
        # where SQLite fails at once with "database is locked" when another connection
        # wrote since this one read (a read-modify-write from two processes)
        await self._control(_ISOLATION[isolation or "immediate"])

    async def commit(self) -> None:
        await self._control("COMMIT")

    async def rollback(self) -> None:
        await self._control("ROLLBACK")


#: the converters (also used by the test suite's engine adapters)
register_converters = _register_converters
