"""aiomysql ``Pool`` and ``Connection`` wrappers: cursors of your class, translated and cached.

``conn.cursor(DictCursor)`` returns a real ``DictCursor`` (a subclass of it made here) whose
``execute``/``executemany`` translate and cache; its fetch methods are aiomysql's own, reading
rows that a cache hit put in place: the cached tuple of row tuples for ``Cursor``, new dicts
for ``DictCursor``. Unbuffered cursors are never cached (they stream).

The wrapper keeps its state (cache, the open transaction's writes, the database chosen with
``select_db``) on the aiomysql connection object, where the cursors find it.
"""

from __future__ import annotations

import functools
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, cast

import aiomysql

from sqlshift.executor.pipeline import Pending, Pipeline, Probe
from sqlshift.executor.statements import Prepared, map_args
from sqlshift.executor.wrappers.base import Proxy, count_rows, frozen_rows_size

__all__ = ["MySQLConnection", "MySQLPool"]

_STATE = "_sqlshift_state"


class _State:
    """What a wrapped aiomysql connection's cursors need."""

    __slots__ = ("database", "pending", "pipeline")

    def __init__(self, pipeline: Pipeline, database: Any) -> None:
        self.pipeline = pipeline
        self.pending = Pending()
        self.database = database  # select_db() changes it; part of every cache key


def _attach(raw: Any, pipeline: Pipeline) -> _State:
    state = _State(pipeline, raw.db)
    setattr(raw, _STATE, state)
    return state


def _in_transaction(conn: Any) -> bool:
    # Without autocommit every statement is part of a transaction, begun or not.
    return not conn.get_autocommit() or bool(conn.get_transaction_status())


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """A buffered result: what a cursor holds after ``execute``."""

    description: Any
    rows: tuple[Any, ...] | None
    rowcount: int
    lastrowid: Any
    dicts: bool  # rows are tuples of (name, value) pairs, rebuilt as dicts for each cursor
    shareable: bool  # False: the rows hold something mutable (or of an unknown shape)


def _snapshot_size(snapshot: _Snapshot) -> int | None:
    if not snapshot.shareable:
        return None
    return frozen_rows_size(snapshot.rows or ())


def _driver_args(prepared: Prepared, args: Any) -> Any:
    """Passing through, the caller's arguments exactly; translating, the mapped tuple, or None
    when the statement has no placeholders (PyMySQL %-formats whenever args is not None)."""
    if prepared.params is None:
        return args
    if args is not None and not isinstance(args, tuple | list | Mapping):
        args = (args,)  # PyMySQL accepts one bare value
    mapped = map_args(prepared, args)
    if prepared.is_script:
        return tuple(a or None for a in mapped)
    return mapped or None


class _CachingCursor(aiomysql.Cursor):  # type: ignore[misc]
    """Mixed in before the caller's cursor class."""

    _sqlshift_inner = False  # True while our own calls run (executemany calls execute)

    async def execute(self, query: Any, args: Any = None) -> Any:
        conn = self._connection
        state: _State | None = getattr(conn, _STATE, None) if conn is not None else None
        if state is None or self._sqlshift_inner or not isinstance(query, str):
            return await super().execute(query, args)
        pipeline = state.pipeline
        if pipeline.profiler is not None:
            return await pipeline.profile(
                query,
                args,
                lambda probe: self._sqlshift_execute(state, query, args, probe),
                count_rows,
            )
        return await self._sqlshift_execute(state, query, args, None)

    async def _sqlshift_execute(
        self, state: _State, query: str, args: Any, probe: Probe | None
    ) -> Any:
        conn = self._connection
        pipeline = state.pipeline
        if pipeline.schema_due:
            await pipeline.load_schema()
        prepared = pipeline.prepare_for(query, args)
        driver_args = _driver_args(prepared, args)
        in_tx = _in_transaction(conn)
        state.pending.settle(pipeline, in_tx)
        cursor_class: Any = type(self)
        key = (
            pipeline.cache_key(prepared, driver_args, state.database, cursor_class)
            if not in_tx and _bufferable(cursor_class)
            else None
        )
        if key is not None:
            snapshot: _Snapshot = await pipeline.cached(
                key,
                prepared,
                lambda: self._sqlshift_load(prepared, driver_args),
                probe,
                sizeof=_snapshot_size,
            )
            if snapshot.shareable:
                await self._sqlshift_fill(snapshot, prepared.sql)
            return self.rowcount  # (not shareable: this cursor ran it, holds its rows)
        try:
            return await self._sqlshift_send(prepared, driver_args)
        finally:
            pipeline.wrote(prepared, state.pending, in_tx or _in_transaction(conn))

    async def executemany(self, query: Any, args: Any) -> Any:
        conn = self._connection
        state: _State | None = getattr(conn, _STATE, None) if conn is not None else None
        if state is None or self._sqlshift_inner or not isinstance(query, str) or not args:
            return await super().executemany(query, args)
        pipeline = state.pipeline
        if pipeline.profiler is not None:
            return await pipeline.profile(
                query,
                args,
                lambda _: self._sqlshift_executemany(state, query, args),
                count_rows,
                explain=False,
            )
        return await self._sqlshift_executemany(state, query, args)

    async def _sqlshift_executemany(self, state: _State, query: str, args: Any) -> Any:
        conn = self._connection
        pipeline = state.pipeline
        if pipeline.schema_due:
            await pipeline.load_schema()
        prepared, args = pipeline.prepare_many(query, args)
        mapped = args if prepared.params is None else [_driver_args(prepared, a) for a in args]
        in_tx = _in_transaction(conn)
        state.pending.settle(pipeline, in_tx)
        self._sqlshift_inner = True
        try:
            if not prepared.is_script:
                return await super().executemany(prepared.sql, mapped)
            total = 0
            for script_args in mapped:
                for statement, statement_args in zip(prepared.statements, script_args, strict=True):
                    await super().execute(statement, statement_args)
                total += max(int(self.rowcount), 0)
            self._rowcount = total
            return total
        finally:
            self._sqlshift_inner = False
            pipeline.wrote(prepared, state.pending, in_tx or _in_transaction(conn))

    async def _sqlshift_send(self, prepared: Prepared, driver_args: Any) -> Any:
        self._sqlshift_inner = True
        try:
            if not prepared.is_script:
                return await super().execute(prepared.sql, driver_args)
            statements = prepared.statements
            for statement, statement_args in zip(statements[:-1], driver_args[:-1], strict=True):
                await super().execute(statement, statement_args)
            return await super().execute(statements[-1], driver_args[-1])
        finally:
            self._sqlshift_inner = False

    async def _sqlshift_load(self, prepared: Prepared, driver_args: Any) -> _Snapshot:
        await self._sqlshift_send(prepared, driver_args)
        rows: Any = self._rows
        frozen: tuple[Any, ...] | None = None
        dicts = False
        shareable = True
        if rows is not None:
            if all(type(r) is tuple for r in rows):
                frozen = rows if type(rows) is tuple else tuple(rows)
            elif all(isinstance(r, dict) for r in rows):
                frozen = tuple(tuple(r.items()) for r in rows)
                dicts = True
            else:
                shareable = False
        return _Snapshot(
            self._description, frozen, self._rowcount, self._lastrowid, dicts, shareable
        )

    async def _sqlshift_fill(self, snapshot: _Snapshot, sql: str) -> None:
        """Put a cached result in place, as aiomysql's own execute would have left it."""
        self._get_db()  # "Cursor closed", as aiomysql says
        while await self.nextset():
            pass
        rows = snapshot.rows
        if rows is not None and snapshot.dicts:
            make = getattr(self, "dict_type", dict)
            self._rows = [make(pairs) for pairs in rows]
        else:
            self._rows = cast(Any, rows)
        self._description = snapshot.description
        self._rowcount = snapshot.rowcount
        self._lastrowid = snapshot.lastrowid
        self._rownumber = 0
        self._result = None
        self._executed = sql


def _bufferable(cls: type) -> bool:
    return not issubclass(cls, aiomysql.SSCursor)


@functools.lru_cache(maxsize=64)
def _caching_class(base: type) -> type:
    """The caller's cursor class with the caching mixin in front (one per class)."""
    return type(base.__name__, (_CachingCursor, base), {"__module__": __name__})


@functools.lru_cache(maxsize=64)
def _combined(cursors: tuple[type, ...]) -> type:
    # What aiomysql's Connection.cursor(*cursors) builds for several classes.
    name = "".join(c.__name__ for c in cursors).replace("Cursor", "") + "Cursor"
    return type(name, cursors, {})


class MySQLConnection(Proxy):
    """A wrapped aiomysql ``Connection``."""

    __slots__ = ()

    def __init__(self, raw: Any, pipeline: Pipeline) -> None:
        super().__init__(raw, pipeline)
        _attach(raw, pipeline)

    def _state(self) -> _State:
        state = getattr(self._raw, _STATE, None)
        if state is None or state.pipeline is not self._pipeline:
            state = _attach(self._raw, self._pipeline)
        return state

    def cursor(self, *cursors: type) -> Any:
        if any(not (isinstance(c, type) and issubclass(c, aiomysql.Cursor)) for c in cursors):
            return self._raw.cursor(*cursors)  # aiomysql's own error
        if len(cursors) == 1:
            base = cursors[0]
        elif cursors:
            base = _combined(tuple(cursors))
        else:
            base = self._raw.cursorclass
        self._state()
        return self._raw.cursor(_caching_class(base))

    async def commit(self) -> None:
        try:
            await self._raw.commit()
        finally:  # a failed COMMIT may still have committed
            self._state().pending.ended(self._pipeline, committed=True)

    async def rollback(self) -> None:
        try:
            await self._raw.rollback()
        finally:
            self._state().pending.ended(self._pipeline, committed=False)

    async def autocommit(self, value: Any) -> None:
        try:
            await self._raw.autocommit(value)
        finally:
            if value:  # switching autocommit on commits the open transaction
                self._state().pending.ended(self._pipeline, committed=True)

    async def _catalog(self, query: str) -> Sequence[Sequence[Any]]:
        """A catalog read for the translator's schema (see Pipeline.read_schema_with), on this
        connection, with a plain cursor (never cached)."""
        async with self._raw.cursor(_PlanCursor) as cur:
            await cur.execute(query)
            rows: Sequence[Sequence[Any]] = await cur.fetchall()
        return rows

    async def select_db(self, db: str) -> None:
        await self._raw.select_db(db)
        self._state().database = db

    async def __aenter__(self) -> MySQLConnection:
        await self._raw.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Any:
        return await self._raw.__aexit__(exc_type, exc, tb)


class _PlanCursor(aiomysql.Cursor):  # type: ignore[misc]
    """The plan capture's cursor: tuples, and the server's notes on EXPLAIN are not turned
    into Python warnings."""

    async def _show_warnings(self, conn: Any) -> None:
        return None


class MySQLPool(Proxy):
    """A wrapped aiomysql ``Pool``: ``acquire`` gives wrapped connections sharing its cache."""

    __slots__ = ()

    async def _explain(
        self, statement: str, prepared: Prepared, params: Any
    ) -> Sequence[Sequence[Any]]:
        """The plan capture of this pool's connections (see :meth:`Pipeline.record`): on another
        pooled connection, never on the caller's."""
        async with self._raw.acquire() as conn:
            async with conn.cursor(_PlanCursor) as cur:
                await cur.execute(statement, _driver_args(prepared, params))
                rows: Sequence[Sequence[Any]] = await cur.fetchall()
            if not conn.get_autocommit():
                await conn.rollback()  # returned to the pool outside a transaction
        return rows

    async def _catalog(self, query: str) -> Sequence[Sequence[Any]]:
        """A catalog read for the translator's schema (see Pipeline.read_schema_with), on a
        pooled connection."""
        async with self._raw.acquire() as conn:
            async with conn.cursor(_PlanCursor) as cur:
                await cur.execute(query)
                rows: Sequence[Sequence[Any]] = await cur.fetchall()
            if not conn.get_autocommit():
                await conn.rollback()  # returned to the pool outside a transaction
        return rows

    async def wait_closed(self) -> None:
        await self._pipeline.drain()  # plan captures in flight use the pool
        await self._raw.wait_closed()

    def acquire(self) -> _MySQLAcquire:
        return _MySQLAcquire(self._raw.acquire(), self._pipeline)

    def release(self, conn: Any) -> Any:
        if isinstance(conn, MySQLConnection):
            conn = conn.__wrapped__
        return self._raw.release(conn)

    async def __aenter__(self) -> MySQLPool:
        await self._raw.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> Any:
        await self._pipeline.drain()
        return await self._raw.__aexit__(*exc)


class _MySQLAcquire:
    """``pool.acquire()``: awaitable and an async context manager, like aiomysql's."""

    __slots__ = ("_ctx", "_pipeline")

    def __init__(self, ctx: Any, pipeline: Pipeline) -> None:
        self._ctx = ctx
        self._pipeline = pipeline

    def __await__(self) -> Generator[Any, None, MySQLConnection]:
        return self._acquire().__await__()

    async def _acquire(self) -> MySQLConnection:
        return MySQLConnection(await self._ctx, self._pipeline)

    async def __aenter__(self) -> MySQLConnection:
        return MySQLConnection(await self._ctx.__aenter__(), self._pipeline)

    async def __aexit__(self, *exc: object) -> Any:
        return await self._ctx.__aexit__(*exc)
