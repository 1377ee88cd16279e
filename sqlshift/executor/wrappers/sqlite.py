"""aiosqlite ``Connection`` wrapper: the same methods, translated and cached.

``execute`` returns (awaitable, or ``async with``) a cursor that is an ``aiosqlite.Cursor``:
after a cache hit it serves the cached rows (tuples or ``sqlite3.Row``, both immutable)
without touching the database thread; otherwise it is backed by the driver's own cursor.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Coroutine, Generator, Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

import aiosqlite

from sqlshift.executor.cache import Key
from sqlshift.executor.pipeline import Pending, Pipeline, Probe
from sqlshift.executor.statements import Prepared, map_args
from sqlshift.executor.wrappers.base import Proxy, count_rows, frozen_rows_size

__all__ = ["SQLiteConnection"]

T = TypeVar("T")


class Result(Generic[T]):
    """Awaitable, or an async context manager that closes the cursor it gives (as aiosqlite's
    ``execute(...)`` result is)."""

    __slots__ = ("_coro", "_obj")

    def __init__(self, coro: Coroutine[Any, Any, T]) -> None:
        self._coro = coro
        self._obj: T | None = None

    def __await__(self) -> Generator[Any, None, T]:
        return self._coro.__await__()

    async def __aenter__(self) -> T:
        self._obj = await self._coro
        return self._obj

    async def __aexit__(self, *exc: object) -> None:
        if isinstance(self._obj, aiosqlite.Cursor):
            await self._obj.close()


@dataclass(frozen=True, slots=True)
class _Snapshot:
    rows: tuple[Any, ...]
    description: Any
    rowcount: int
    lastrowid: int | None


_ROW_TYPES = (tuple, sqlite3.Row)


def _rows_size(rows: tuple[Any, ...]) -> int | None:
    if not all(type(r) in _ROW_TYPES for r in rows):
        return None  # a row_factory's own objects (dicts...) may be changed by their caller
    return frozen_rows_size(rows)


def _snapshot_size(snapshot: _Snapshot) -> int | None:
    return _rows_size(snapshot.rows)


def _len(rows: Iterable[Any]) -> int:
    return len(rows) if isinstance(rows, list) else 0


def _no_rows(_: object) -> int:
    return 0


def _cursor_rows(cursor: _Cursor) -> int:
    """Rows a cursor holds from the cache, else the driver's count (-1 for a read: 0)."""
    snapshot = cursor._snapshot
    return len(snapshot.rows) if snapshot is not None else count_rows(cursor.rowcount)


def _driver_args(prepared: Prepared, parameters: Any) -> Any:
    if prepared.params is None:
        return parameters
    return map_args(prepared, parameters)


class _Cursor(aiosqlite.Cursor):
    """An ``aiosqlite.Cursor`` serving either cached rows or the driver cursor it wraps.

    Every method is overridden (the base class is never initialised), so nothing here relies
    on aiosqlite's internals.
    """

    def __init__(
        self, owner: SQLiteConnection, real: aiosqlite.Cursor | None, snapshot: _Snapshot | None
    ) -> None:
        self._owner = owner
        self._real = real
        self._snapshot = snapshot
        self._position = 0
        self._arraysize = real.arraysize if real is not None else 1
        self.iter_chunk_size = real.iter_chunk_size if real is not None else 64

    def _serve(self, snapshot: _Snapshot | None) -> None:
        self._snapshot = snapshot
        self._position = 0

    async def _driver_cursor(self) -> aiosqlite.Cursor:
        if self._real is None:
            self._real = await self._owner.__wrapped__.cursor()
            self._real.arraysize = self._arraysize
        return self._real

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> _Cursor:
        return await self._owner._execute_profiled(sql, parameters, self)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> _Cursor:
        return await self._owner._executemany_profiled(sql, parameters, self)

    async def executescript(self, sql_script: str) -> _Cursor:
        return await self._owner._executescript_profiled(sql_script, self)

    async def fetchone(self) -> Any:
        snapshot = self._snapshot
        if snapshot is None:
            return await (await self._driver_cursor()).fetchone()
        if self._position >= len(snapshot.rows):
            return None
        self._position += 1
        return snapshot.rows[self._position - 1]

    async def fetchmany(self, size: int | None = None) -> Iterable[Any]:
        snapshot = self._snapshot
        if snapshot is None:
            return await (await self._driver_cursor()).fetchmany(size)
        end = self._position + (self._arraysize if size is None else size)
        rows = list(snapshot.rows[self._position : end])
        self._position += len(rows)
        return rows

    async def fetchall(self) -> Iterable[Any]:
        snapshot = self._snapshot
        if snapshot is None:
            return await (await self._driver_cursor()).fetchall()
        rows = list(snapshot.rows[self._position :])
        self._position = len(snapshot.rows)
        return rows

    async def close(self) -> None:
        if self._real is not None:
            await self._real.close()

    @property
    def rowcount(self) -> int:
        if self._snapshot is not None:
            return self._snapshot.rowcount
        return self._real.rowcount if self._real is not None else -1

    @property
    def lastrowid(self) -> int | None:
        if self._snapshot is not None:
            return self._snapshot.lastrowid
        return self._real.lastrowid if self._real is not None else None

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value
        if self._real is not None:
            self._real.arraysize = value

    @property
    def description(self) -> Any:
        if self._snapshot is not None:
            return self._snapshot.description
        return self._real.description if self._real is not None else None

    @property
    def row_factory(self) -> Any:
        if self._real is not None:
            return self._real.row_factory
        return self._owner.__wrapped__.row_factory

    @row_factory.setter
    def row_factory(self, factory: Any) -> None:
        if self._real is None:
            raise AttributeError("set row_factory on the connection, or execute first")
        self._real.row_factory = factory

    @property
    def connection(self) -> Any:
        if self._real is not None:
            return self._real.connection
        raise AttributeError("this cursor served a cached result and has no sqlite3 cursor")

    def __repr__(self) -> str:
        source = "cache" if self._snapshot is not None else repr(self._real)
        return f"<sqlshift.wrap aiosqlite.Cursor from {source}>"


class SQLiteConnection(Proxy):
    """A wrapped aiosqlite ``Connection``."""

    __slots__ = ("_tx_pending",)
    _OWN = frozenset({"_pipeline", "_raw", "_tx_pending"})
    _tx_pending: Pending

    def __init__(self, raw: Any, pipeline: Pipeline) -> None:
        super().__init__(raw, pipeline)
        object.__setattr__(self, "_tx_pending", Pending())

    # ------------------------------------------------------------------------- lifecycle

    def __await__(self) -> Generator[Any, None, SQLiteConnection]:
        return self._start().__await__()

    async def _start(self) -> SQLiteConnection:
        await self._raw
        return self

    async def __aenter__(self) -> SQLiteConnection:
        await self._raw.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._pipeline.drain()  # plan captures in flight use this connection
        await self._raw.__aexit__(exc_type, exc, tb)

    async def close(self) -> None:
        await self._pipeline.drain()
        await self._raw.close()

    # ------------------------------------------------------------------- the driver's API

    def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> Result[_Cursor]:
        if self._pipeline.profiler is not None:
            return Result(self._execute_profiled(sql, parameters, None))
        return Result(self._execute(sql, parameters, None, None))

    def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Result[_Cursor]:
        if self._pipeline.profiler is not None:
            return Result(self._executemany_profiled(sql, parameters, None))
        return Result(self._executemany(sql, parameters, None))

    def executescript(self, sql_script: str) -> Result[_Cursor]:
        if self._pipeline.profiler is not None:
            return Result(self._executescript_profiled(sql_script, None))
        return Result(self._executescript(sql_script, None))

    def execute_fetchall(
        self, sql: str, parameters: Iterable[Any] | None = None
    ) -> Result[Iterable[Any]]:
        pipeline = self._pipeline
        if pipeline.profiler is not None:
            return Result(
                pipeline.profile(
                    sql,
                    parameters,
                    lambda probe: self._execute_fetchall(sql, parameters, probe),
                    _len,
                )
            )
        return Result(self._execute_fetchall(sql, parameters, None))

    def execute_insert(self, sql: str, parameters: Iterable[Any] | None = None) -> Result[Any]:
        pipeline = self._pipeline
        if pipeline.profiler is not None:
            return Result(
                pipeline.profile(
                    sql, parameters, lambda _: self._execute_insert(sql, parameters), _no_rows
                )
            )
        return Result(self._execute_insert(sql, parameters))

    def cursor(self) -> Result[_Cursor]:
        return Result(self._cursor())

    async def commit(self) -> None:
        try:
            await self._raw.commit()
        finally:  # a failed COMMIT may still have committed
            self._tx_pending.ended(self._pipeline, committed=True)

    async def rollback(self) -> None:
        try:
            await self._raw.rollback()
        finally:
            self._tx_pending.ended(self._pipeline, committed=False)

    # ------------------------------------------------------------------------- internals

    def _prepare(self, sql: str) -> Prepared:
        return self._pipeline.prepare(sql)

    def _key(self, prepared: Prepared, kind: str, args: Any) -> Key | None:
        raw = self._raw
        if raw.in_transaction:
            return None
        return self._pipeline.cache_key(
            prepared, args if args is not None else (), kind, raw.row_factory, raw.text_factory
        )

    def _begin(self) -> bool:
        in_tx = bool(self._raw.in_transaction)
        self._tx_pending.settle(self._pipeline, in_tx)
        return in_tx

    def _wrote(self, prepared: Prepared, in_tx: bool) -> None:
        if not prepared.read_only:
            in_tx = in_tx or bool(self._raw.in_transaction)
            self._pipeline.wrote(prepared, self._tx_pending, in_tx)

    async def _leading(self, prepared: Prepared, args: Any) -> tuple[str, Any]:
        """Run all statements of a script but the last; return the last and its arguments."""
        if not prepared.is_script:
            return prepared.sql, args
        for statement, statement_args in zip(prepared.statements[:-1], args[:-1], strict=True):
            cursor = await self._raw.execute(statement, statement_args)
            await cursor.close()
        return prepared.statements[-1], args[-1]

    async def _load(self, prepared: Prepared, args: Any) -> _Snapshot:
        statement, statement_args = await self._leading(prepared, args)
        real = await self._raw.execute(statement, statement_args)
        try:
            rows = await real.fetchall()
            return _Snapshot(tuple(rows), real.description, real.rowcount, real.lastrowid)
        finally:
            await real.close()

    # -------------------------------------------------------------------- profiled calls

    async def _execute_profiled(self, sql: str, parameters: Any, cursor: _Cursor | None) -> _Cursor:
        pipeline = self._pipeline
        if pipeline.profiler is None:  # a cursor's execute comes here either way
            return await self._execute(sql, parameters, cursor, None)
        return await pipeline.profile(
            sql,
            parameters,
            lambda probe: self._execute(sql, parameters, cursor, probe),
            _cursor_rows,
        )

    async def _executemany_profiled(
        self, sql: str, parameters: Iterable[Any], cursor: _Cursor | None
    ) -> _Cursor:
        pipeline = self._pipeline
        if pipeline.profiler is None:
            return await self._executemany(sql, parameters, cursor)
        sets = list(parameters)
        return await pipeline.profile(
            sql, sets, lambda _: self._executemany(sql, sets, cursor), _cursor_rows, explain=False
        )

    async def _executescript_profiled(self, sql_script: str, cursor: _Cursor | None) -> _Cursor:
        pipeline = self._pipeline
        if pipeline.profiler is None:
            return await self._executescript(sql_script, cursor)
        return await pipeline.profile(
            sql_script, None, lambda _: self._executescript(sql_script, cursor), _cursor_rows
        )

    async def _catalog(self, query: str) -> Sequence[Sequence[Any]]:
        """A catalog read for the translator's schema (see Pipeline.read_schema_with), on this
        connection (in the caller's transaction, if one is open: it reads, never writes)."""
        cursor = await self._raw.cursor()
        try:
            cursor.row_factory = None
            await cursor.execute(query)
            rows: Sequence[Sequence[Any]] = await cursor.fetchall()
            return rows
        finally:
            await cursor.close()

    async def _explain(
        self, statement: str, prepared: Prepared, params: Any
    ) -> Sequence[Sequence[Any]] | None:
        """The plan capture (see :meth:`Pipeline.record`): on this connection, queued behind the
        statements before it on aiosqlite's thread, and only outside a transaction."""
        raw = self._raw
        if raw.in_transaction:
            return None
        cursor = await raw.cursor()
        try:
            cursor.row_factory = None  # tuples, whatever the connection's row_factory
            await cursor.execute(statement, _driver_args(prepared, params))
            rows: Sequence[Sequence[Any]] = await cursor.fetchall()
            return rows
        finally:
            await cursor.close()

    # ------------------------------------------------------------------------- the calls

    async def _execute(
        self, sql: str, parameters: Any, cursor: _Cursor | None, probe: Probe | None
    ) -> _Cursor:
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()
        prepared = self._pipeline.prepare_for(sql, parameters)
        args = _driver_args(prepared, parameters)
        in_tx = self._begin()
        key = self._key(prepared, "cursor", args)
        if key is not None:
            snapshot: _Snapshot = await self._pipeline.cached(
                key, prepared, lambda: self._load(prepared, args), probe, sizeof=_snapshot_size
            )
            if cursor is None:
                return _Cursor(self, None, snapshot)
            cursor._serve(snapshot)
            return cursor
        try:
            statement, statement_args = await self._leading(prepared, args)
            if cursor is None:
                return _Cursor(self, await self._raw.execute(statement, statement_args), None)
            real = await cursor._driver_cursor()
            cursor._serve(None)
            await real.execute(statement, statement_args)
            return cursor
        finally:
            self._wrote(prepared, in_tx)

    async def _executemany(
        self, sql: str, parameters: Iterable[Any], cursor: _Cursor | None
    ) -> _Cursor:
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()
        prepared, parameters = self._pipeline.prepare_many(sql, parameters)
        in_tx = self._begin()
        try:
            if prepared.params is None:
                mapped: Any = parameters
            else:
                mapped = [map_args(prepared, p) for p in parameters]
            if prepared.is_script:
                for script_args in mapped:
                    statement, statement_args = await self._leading(prepared, script_args)
                    await (await self._raw.execute(statement, statement_args)).close()
                return cursor if cursor is not None else _Cursor(self, None, None)
            if cursor is None:
                return _Cursor(self, await self._raw.executemany(prepared.sql, mapped), None)
            real = await cursor._driver_cursor()
            cursor._serve(None)
            await real.executemany(prepared.sql, mapped)
            return cursor
        finally:
            self._wrote(prepared, in_tx)

    async def _executescript(self, sql_script: str, cursor: _Cursor | None) -> _Cursor:
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()
        prepared = self._prepare(sql_script)
        # sqlite3 commits an open transaction before it runs a script.
        self._tx_pending.ended(self._pipeline, committed=True)
        try:
            if cursor is None:
                return _Cursor(self, await self._raw.executescript(prepared.sql), None)
            real = await cursor._driver_cursor()
            cursor._serve(None)
            await real.executescript(prepared.sql)
            return cursor
        finally:
            self._wrote(prepared, False)

    async def _execute_fetchall(
        self, sql: str, parameters: Any, probe: Probe | None
    ) -> Iterable[Any]:
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()
        prepared = self._pipeline.prepare_for(sql, parameters)
        args = _driver_args(prepared, parameters)
        in_tx = self._begin()

        async def load() -> tuple[Any, ...]:
            statement, statement_args = await self._leading(prepared, args)
            return tuple(await self._raw.execute_fetchall(statement, statement_args))

        key = self._key(prepared, "fetchall", args)
        if key is not None:
            rows = await self._pipeline.cached(key, prepared, load, probe, sizeof=_rows_size)
            return list(rows)
        try:
            return list(await load())
        finally:
            self._wrote(prepared, in_tx)

    async def _execute_insert(self, sql: str, parameters: Any) -> Any:
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()
        prepared = self._pipeline.prepare_for(sql, parameters)
        args = _driver_args(prepared, parameters)
        in_tx = self._begin()
        try:
            statement, statement_args = await self._leading(prepared, args)
            return await self._raw.execute_insert(statement, statement_args)
        finally:
            self._wrote(prepared, in_tx)

    async def _cursor(self) -> _Cursor:
        return _Cursor(self, await self._raw.cursor(), None)
