"""MySQL and MariaDB through an aiomysql pool (autocommit), with sqlshift's value types.

PyMySQL already returns Decimal, datetime/date, bytes (binary columns), int, float and str.
Here ``TINYINT(1)`` columns (MySQL's BOOLEAN) become ``bool`` and TIME values within a day
become ``datetime.time``. Connections report *matched* rows as the affected count
(``CLIENT.FOUND_ROWS``), as PostgreSQL and SQLite do, rather than rows actually changed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl as ssl_module
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any

import aiomysql
import pymysql
from pymysql.constants import CLIENT, FIELD_TYPE
from pymysql.converters import conversions, convert_date, convert_datetime, escape_bytes

from sqlshift.executor.backends.base import (
    ISOLATION_LEVELS,
    Fetched,
    PoolMetrics,
    SavepointMixin,
    causes,
)
from sqlshift.executor.url import DatabaseURL

__all__ = ["MySQLBackend"]

DEFAULT_MIN_SIZE = 1
DEFAULT_MAX_SIZE = 10
#: seconds the side connection that ends a cancelled statement's session may take
KILL_TIMEOUT = 5.0
_DAY = dt.timedelta(days=1)


def _to_bool(value: Any) -> Any:
    return value if value is None else bool(value)


def _to_time(value: Any) -> Any:
    if isinstance(value, dt.timedelta) and dt.timedelta(0) <= value < _DAY:
        return (dt.datetime.min + value).time()
    return value


def _datetime(text: Any) -> Any:
    """PyMySQL's DATETIME/TIMESTAMP reading (a datetime; a zero or invalid date stays a
    string), by the C parser for the form the server sends (five times faster: a table's
    copy spends its time here)."""
    if type(text) is str:
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    return convert_datetime(text)


def _date(text: Any) -> Any:
    """PyMySQL's DATE reading, by the C parser for the form the server sends."""
    if type(text) is str and len(text) == 10:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    return convert_date(text)


_DECODERS = {
    **conversions,
    FIELD_TYPE.DATETIME: _datetime,
    FIELD_TYPE.TIMESTAMP: _datetime,
    FIELD_TYPE.DATE: _date,
}


def _converters(description: Any) -> list[Any] | None:
    """Per-column converters from the result's metadata, or None when nothing needs one."""
    converters: list[Any] = []
    needed = False
    for column in description:
        type_code, length = column[1], column[3]
        if type_code == FIELD_TYPE.TINY and length == 1:
            converters.append(_to_bool)
            needed = True
        elif type_code == FIELD_TYPE.TIME:
            converters.append(_to_time)
            needed = True
        else:
            converters.append(None)
    return converters if needed else None


def _convert(description: Any, rows: Sequence[Any]) -> Sequence[Sequence[Any]]:
    converters = _converters(description or ())
    if converters is None:
        return rows  # PyMySQL rows are tuples already
    return [
        tuple(v if f is None else f(v) for f, v in zip(converters, r, strict=True)) for r in rows
    ]


def _names(description: Any) -> tuple[str, ...]:
    return tuple(d[0] for d in description or ())


def _args(args: Any) -> Any:
    # PyMySQL applies %-formatting whenever args is not None: "LIKE 'a%'" without arguments
    # must be sent with None, not ().
    return args if args else None


def _ssl_context(mode: str | None) -> ssl_module.SSLContext | None:
    if mode is None or mode == "disable":
        return None
    context = ssl_module.create_default_context()
    if mode in ("prefer", "require"):
        context.check_hostname = False
        context.verify_mode = ssl_module.CERT_NONE
    elif mode == "verify-ca":
        context.check_hostname = False
    return context


class MySQLBackend:
    def __init__(self, url: DatabaseURL) -> None:
        self._url = url
        self._pool: Any = None
        self._connect_kwargs: dict[str, Any] = {}
        self._kills: set[asyncio.Task[None]] = set()
        self._identity = f"mysql://{url.user or ''}@{url.host}:{url.port}/{url.database}"
        #: "mariadb" or "mysql", from the server's version once open (translations into
        #: MariaDB may use what only it has: Options.mysql_server)
        self.server: str | None = None

    @property
    def dialect(self) -> str:
        return "mysql"

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def isolation_levels(self) -> frozenset[str]:
        return frozenset(ISOLATION_LEVELS)

    async def open(self) -> None:
        url, options = self._url, self._url.options
        max_size = options.max_size if options.max_size is not None else DEFAULT_MAX_SIZE
        min_size = options.min_size if options.min_size is not None else DEFAULT_MIN_SIZE
        kwargs: dict[str, Any] = {
            "host": url.host,
            "port": url.port,
            "user": url.user or "root",
            "password": url.password or "",
            "db": url.database or None,
            "minsize": min(min_size, max_size),
            "maxsize": max_size,
            "autocommit": True,
            "charset": "utf8mb4",
            "client_flag": CLIENT.FOUND_ROWS,
            "conv": _DECODERS,
        }
        if options.connect_timeout is not None:
            kwargs["connect_timeout"] = options.connect_timeout
        context = _ssl_context(options.ssl)
        if context is not None:
            kwargs["ssl"] = context
        self._connect_kwargs = {
            k: v for k, v in kwargs.items() if k not in ("minsize", "maxsize", "db")
        }
        self._pool = await aiomysql.create_pool(**kwargs)
        async with self._pool.acquire() as conn:
            self.server = "mariadb" if "mariadb" in conn.get_server_info().lower() else "mysql"

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if self._kills:
            await asyncio.gather(*self._kills, return_exceptions=True)
        if pool is not None:
            pool.close()
            await pool.wait_closed()

    def acquire(self, *, shared: bool = False) -> _Acquire:  # a connection per block
        pool = self._pool
        if pool is None:
            raise RuntimeError("the MySQL backend is closed")
        return _Acquire(pool, self._url.options.acquire_timeout, self._abandon)

    def _abandon(self, conn: Any) -> None:
        """A task was cancelled while ``conn`` was busy: its statement goes on running on the
        server (holding its locks) until it ends, and the protocol is mid-answer. The
        connection is closed, and its server session is ended from a side connection (KILL,
        as PostgreSQL's cancel request does), in the background: the cancellation itself is
        not delayed. :meth:`close` waits for such kills."""
        thread_id = conn.thread_id() if conn.server_thread_id else None
        conn.close()
        if thread_id is None:
            return
        task = asyncio.get_running_loop().create_task(self._kill(thread_id))
        self._kills.add(task)
        task.add_done_callback(self._kills.discard)

    async def _kill(self, thread_id: int) -> None:
        side = None
        try:
            async with asyncio.timeout(KILL_TIMEOUT):
                side = await aiomysql.connect(**self._connect_kwargs)
                async with side.cursor() as cursor:
                    await cursor.execute(f"KILL CONNECTION {int(thread_id)}")
        except Exception:  # gone already (1094 unknown thread), or the server is away
            pass
        finally:
            if side is not None:
                side.close()

    def metrics(self) -> PoolMetrics:
        options = self._url.options
        max_size = options.max_size if options.max_size is not None else DEFAULT_MAX_SIZE
        min_size = options.min_size if options.min_size is not None else DEFAULT_MIN_SIZE
        min_size = min(min_size, max_size)
        pool = self._pool
        if pool is None:
            return PoolMetrics(0, 0, 0, 0, min_size, max_size)
        size, idle = pool.size, pool.freesize
        return PoolMetrics(size, max(size - idle, 0), idle, 0, min_size, max_size)

    def is_disconnect(self, error: BaseException) -> bool:
        return is_disconnect(error)


#: client and server error numbers that mean the session is gone: server gone away (2006),
#: lost connection (2013), lost during a packet (2055), cannot connect (2003), connection
#: killed (1927, MariaDB's answer to KILL), server shutdown (1053), interaction timeout (4031)
_LOST_ERRNOS = frozenset({2003, 2006, 2013, 2055, 1927, 1053, 4031})


def is_disconnect(error: BaseException) -> bool:
    """True for the errors PyMySQL/aiomysql raise when the connection is gone."""
    for cause in causes(error):
        if isinstance(cause, ConnectionError):
            return True
        if isinstance(cause, pymysql.err.OperationalError | pymysql.err.InterfaceError):
            errno = cause.args[0] if cause.args else None
            if errno in _LOST_ERRNOS:
                return True
            if isinstance(cause, pymysql.err.InterfaceError) and errno in (0, None):
                return True  # aiomysql: "(0, '')" when writing to a closed connection
    return False


class _Acquire:
    """A pooled connection; one that lost its server is closed, not given back to the free
    list. (A class, not a generator-based context manager: it is on every statement's path.)"""

    __slots__ = ("_abandon", "_conn", "_pool", "_timeout")

    def __init__(self, pool: Any, timeout: float | None, abandon: Callable[[Any], None]) -> None:
        self._pool = pool
        self._timeout = timeout
        self._abandon = abandon
        self._conn: Any = None

    async def __aenter__(self) -> _MySQLConnection:
        if self._timeout is None:
            self._conn = await self._pool.acquire()
        else:
            async with asyncio.timeout(self._timeout):
                self._conn = await self._pool.acquire()
        return _MySQLConnection(self._conn)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        conn = self._conn
        if _busy(conn):  # cancelled mid-statement (a transaction ends without the error)
            self._abandon(conn)  # end the server's session, with its locks
        elif exc is not None and is_disconnect(exc):
            conn.close()
        await self._pool.release(conn)


def _busy(conn: Any) -> bool:
    """Was ``conn`` waiting for (or reading) a server answer when its task was cancelled?
    (:class:`_InFlight` marks a statement cancelled on the wire; aiomysql marks an unbuffered
    result that was not read to its end.)"""
    if getattr(conn, "_sqlshift_cancelled", False):
        return True  # (aiomysql closes the socket on a cancellation; the server goes on)
    result = getattr(conn, "_result", None)
    return not conn.closed and bool(getattr(result, "unbuffered_active", False))


def _escape(conn: Any, value: Any) -> Any:
    if isinstance(value, bytes):
        # aiomysql 0.3 escapes bytes with a PyMySQL helper that PyMySQL 1.1+ replaced by a
        # string ("DO NOT IMPORT THIS"), so binary arguments fail; escape them here instead.
        return escape_bytes(value)
    return conn.escape(value)


class _Cursor(aiomysql.Cursor):  # type: ignore[misc]
    """A cursor that escapes bytes itself and does not turn server notes into warnings.

    aiomysql runs ``SHOW WARNINGS`` after every statement with notes (an extra round trip) and
    re-emits them with ``warnings.warn``; PostgreSQL notices and SQLite do nothing of the kind,
    and a note such as "Unknown table" for ``DROP TABLE IF EXISTS`` is not an application
    problem. Errors are unaffected.
    """

    async def _show_warnings(self, conn: Any) -> None:
        return None

    def _escape_args(self, args: Any, conn: Any) -> Any:
        if isinstance(args, tuple | list):
            return tuple(_escape(conn, a) for a in args)
        if isinstance(args, dict):
            return {k: _escape(conn, v) for k, v in args.items()}
        return _escape(conn, args)


class _SSCursor(aiomysql.SSCursor):  # type: ignore[misc]
    async def _show_warnings(self, conn: Any) -> None:
        return None

    _escape_args = _Cursor._escape_args


class _InFlight:
    """Marks ``conn`` while a statement is on the wire. A cancellation marks it cancelled for
    good (its answer was never read, so the next statement would read it): nothing more is
    sent on it (a ROLLBACK after the cancellation fails at once as a lost connection), and
    the pool closes it and ends its server session (:meth:`MySQLBackend._abandon`)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        if getattr(self._conn, "_sqlshift_cancelled", False):
            raise pymysql.err.InterfaceError(0, "the connection's last statement was cancelled")

    def __exit__(self, exc_type: type[BaseException] | None, exc: object, tb: object) -> None:
        if exc_type is not None and issubclass(exc_type, asyncio.CancelledError):
            self._conn._sqlshift_cancelled = True


class _MySQLConnection(SavepointMixin):
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def fetch(self, sql: str, args: Any, *, limit: int | None = None) -> Fetched:
        with _InFlight(self._conn):
            async with self._conn.cursor(_Cursor) as cursor:
                await cursor.execute(sql, _args(args))
                if cursor.description is None:
                    return (), []
                rows = await (cursor.fetchmany(limit) if limit is not None else cursor.fetchall())
                return _names(cursor.description), _convert(cursor.description, rows)

    async def execute(self, sql: str, args: Any) -> int:
        with _InFlight(self._conn):
            async with self._conn.cursor(_Cursor) as cursor:
                await cursor.execute(sql, _args(args))
                return int(cursor.rowcount)

    async def execute_many(self, sql: str, args_seq: Sequence[Any]) -> int:
        with _InFlight(self._conn):
            async with self._conn.cursor(_Cursor) as cursor:
                await cursor.executemany(sql, list(args_seq))
                return int(cursor.rowcount)

    async def iterate(
        self, sql: str, args: Any, *, batch_size: int
    ) -> AsyncGenerator[Fetched, None]:
        # An unbuffered cursor streams rows from the server instead of loading them all.
        async with self._conn.cursor(_SSCursor) as cursor:
            with _InFlight(self._conn):
                await cursor.execute(sql, _args(args))
            names = _names(cursor.description)
            while True:
                rows = await cursor.fetchmany(batch_size)
                if not rows:
                    return
                yield names, _convert(cursor.description, rows)

    async def _control(self, sql: str) -> None:
        with _InFlight(self._conn):
            async with self._conn.cursor(_Cursor) as cursor:
                await cursor.execute(sql)

    async def begin(self, isolation: str | None) -> None:
        if isolation is not None:
            # Applies to the next transaction only, which is the one started just below.
            await self._control(f"SET TRANSACTION ISOLATION LEVEL {ISOLATION_LEVELS[isolation]}")
        await self._control("START TRANSACTION")

    async def commit(self) -> None:
        await self._control("COMMIT")

    async def rollback(self) -> None:
        await self._control("ROLLBACK")


#: the conversion of each result (also used by the test suite's engine adapters)
convert_rows = _convert
