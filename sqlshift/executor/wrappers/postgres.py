"""asyncpg ``Pool`` and ``Connection`` wrappers: the same methods, translated and cached.

A cache hit returns the driver's own objects: ``fetch`` a new list of the cached ``Record``
objects (immutable), ``fetchrow`` the cached Record, ``fetchval`` one of its values. Results
holding anything mutable (arrays decode to lists) are not cached.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

import asyncpg

from sqlshift.executor.cache import Key
from sqlshift.executor.pipeline import Pending, Pipeline, Probe
from sqlshift.executor.statements import Prepared, map_args
from sqlshift.executor.wrappers.base import Proxy, frozen_rows_size

__all__ = ["PgConnection", "PgPool"]

Records = tuple[Any, ...]


def _records_size(records: Records) -> int | None:
    return frozen_rows_size(records)


def _status_rows(status: str) -> int:
    """The row count ending a command status (``UPDATE 3``, ``INSERT 0 1``, ``SELECT 2``)."""
    tail = status.rpartition(" ")[2] if isinstance(status, str) else ""
    return int(tail) if tail.isdigit() else 0


def _no_rows(_: object) -> int:
    return 0


def _caller(args: tuple[Any, ...]) -> Any:
    """The caller's arguments as the statement names them: spread, or one mapping."""
    return args[0] if len(args) == 1 and isinstance(args[0], Mapping) else args


def _args(prepared: Prepared, args: tuple[Any, ...]) -> Any:
    """asyncpg spreads arguments (``fetch(sql, 1, 2)``); a named source may pass one mapping."""
    if prepared.params is None:
        return args
    if len(args) == 1 and isinstance(args[0], Mapping):
        return map_args(prepared, args[0])
    return map_args(prepared, args)


class _PgMethods(Proxy):
    """The statement methods asyncpg's Pool and Connection share."""

    __slots__ = ()

    # ------------------------------------------------------------------ what differs per kind

    def _in_transaction(self) -> bool:
        return False

    def _pending(self) -> Pending | None:
        return None

    def _one_connection(self) -> Any:
        """An async context manager giving one raw connection (for scripts)."""
        raise NotImplementedError

    # -------------------------------------------------------------------------------- reads

    async def fetch(
        self, query: str, *args: Any, timeout: float | None = None, record_class: Any = None
    ) -> list[Any]:
        pipeline = self._pipeline
        if pipeline.profiler is not None:
            return await pipeline.profile(
                query,
                args,
                lambda probe: self._fetch(query, args, timeout, record_class, probe),
                len,
            )
        return await self._fetch(query, args, timeout, record_class, None)

    async def _fetch(
        self,
        query: str,
        args: tuple[Any, ...],
        timeout: float | None,
        record_class: Any,
        probe: Probe | None,
    ) -> list[Any]:
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()
        prepared = self._pipeline.prepare_for(query, _caller(args))
        driver_args = _args(prepared, args)
        key = self._key(prepared, "fetch", driver_args, record_class)
        if key is None:
            result: list[Any] = await self._run(
                "fetch", prepared, driver_args, timeout=timeout, record_class=record_class
            )
            return result

        async def load() -> Records:
            records = await self._run(
                "fetch", prepared, driver_args, timeout=timeout, record_class=record_class
            )
            return tuple(records)

        return list(await self._cached(key, prepared, load, probe))

    async def fetchrow(
        self, query: str, *args: Any, timeout: float | None = None, record_class: Any = None
    ) -> Any:
        if self._pipeline.profiler is not None:
            row = await self._profiled_row(query, args, timeout, record_class)
        else:
            row = await self._row(query, args, timeout, record_class, None)
        return row[0] if row else None

    async def fetchval(
        self, query: str, *args: Any, column: int = 0, timeout: float | None = None
    ) -> Any:
        if self._pipeline.profiler is not None:
            row = await self._profiled_row(query, args, timeout, None)
        else:
            row = await self._row(query, args, timeout, None, None)
        return row[0][column] if row else None

    async def fetchmany(
        self,
        query: str,
        args: Iterable[Sequence[Any]],
        *,
        timeout: float | None = None,
        record_class: Any = None,
    ) -> list[Any]:
        pipeline = self._pipeline
        if pipeline.profiler is not None:
            sets = list(args)
            return await pipeline.profile(
                query,
                sets,
                lambda _: self._many(
                    "fetchmany", query, sets, timeout=timeout, record_class=record_class
                ),
                len,
                explain=False,
            )
        result: list[Any] = await self._many(
            "fetchmany", query, args, timeout=timeout, record_class=record_class
        )
        return result

    # ------------------------------------------------------------------------------- writes

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:
        pipeline = self._pipeline
        if pipeline.profiler is not None:
            return await pipeline.profile(
                query, args, lambda _: self._execute(query, args, timeout), _status_rows
            )
        return await self._execute(query, args, timeout)

    async def _execute(self, query: str, args: tuple[Any, ...], timeout: float | None) -> str:
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()
        prepared = self._pipeline.prepare_for(query, _caller(args))
        status: str = await self._run("execute", prepared, _args(prepared, args), timeout=timeout)
        return status

    async def executemany(
        self, command: str, args: Iterable[Sequence[Any]], *, timeout: float | None = None
    ) -> None:
        pipeline = self._pipeline
        if pipeline.profiler is not None:
            sets = list(args)
            await pipeline.profile(
                command,
                sets,
                lambda _: self._many("executemany", command, sets, timeout=timeout),
                _no_rows,
                explain=False,
            )
            return
        await self._many("executemany", command, args, timeout=timeout)

    async def _many(
        self, method: str, query: str, args: Iterable[Sequence[Any]], **kwargs: Any
    ) -> Any:
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()
        sets = [tuple(a) for a in args]
        prepared, _ = self._pipeline.prepare_many(query, [_caller(a) for a in sets])
        mapped = [_args(prepared, a) for a in sets]
        return await self._run_many(method, prepared, mapped, **kwargs)

    # ---------------------------------------------------------------------------- internals

    def _prepare(self, query: str) -> Prepared:
        return self._pipeline.prepare(query)

    async def _catalog(self, query: str) -> Sequence[Sequence[Any]]:
        """A catalog read for the translator's schema (see Pipeline.read_schema_with)."""
        rows: Sequence[Sequence[Any]] = await self._raw.fetch(query)
        return rows

    def _key(
        self, prepared: Prepared, kind: str, driver_args: Any, record_class: Any
    ) -> Key | None:
        """The cache key of a read, or None when it must not use the cache."""
        if self._in_transaction():
            return None
        return self._pipeline.cache_key(prepared, driver_args, kind, record_class)

    async def _cached(
        self,
        key: Key,
        prepared: Prepared,
        load: Callable[[], Awaitable[Records]],
        probe: Probe | None,
    ) -> Records:
        return await self._pipeline.cached(key, prepared, load, probe, sizeof=_records_size)

    async def _profiled_row(
        self, query: str, args: tuple[Any, ...], timeout: float | None, record_class: Any
    ) -> Records:
        return await self._pipeline.profile(
            query, args, lambda probe: self._row(query, args, timeout, record_class, probe), len
        )

    async def _row(
        self,
        query: str,
        args: tuple[Any, ...],
        timeout: float | None,
        record_class: Any,
        probe: Probe | None,
    ) -> Records:
        """``fetchrow``'s answer as ``(record,)`` or ``()``; fetchval shares its entries."""
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()
        prepared = self._pipeline.prepare_for(query, _caller(args))
        driver_args = _args(prepared, args)

        async def load() -> Records:
            record = await self._run(
                "fetchrow", prepared, driver_args, timeout=timeout, record_class=record_class
            )
            return () if record is None else (record,)

        key = self._key(prepared, "fetchrow", driver_args, record_class)
        if key is None:
            return await load()
        return await self._cached(key, prepared, load, probe)

    async def _run(self, method: str, prepared: Prepared, driver_args: Any, **kwargs: Any) -> Any:
        """Run ``method`` of the original with the translated statement; track writes."""
        if prepared.is_script:
            statements = prepared.statements
            async with self._one_connection() as conn:
                for statement, args in zip(statements[:-1], driver_args[:-1], strict=True):
                    await self._call(conn, "execute", prepared, statement, args, {})
                return await self._call(
                    conn, method, prepared, statements[-1], driver_args[-1], kwargs
                )
        return await self._call(self._raw, method, prepared, prepared.sql, driver_args, kwargs)

    async def _call(
        self,
        target: Any,
        method: str,
        prepared: Prepared,
        statement: str,
        args: Sequence[Any],
        kwargs: dict[str, Any],
    ) -> Any:
        pending = self._pending()
        in_tx = self._in_transaction()
        if pending is not None:
            pending.settle(self._pipeline, in_tx)
        try:
            return await getattr(target, method)(statement, *args, **kwargs)
        finally:
            if not prepared.read_only:
                self._wrote(prepared, in_tx)
            elif pending is not None and pending.active:
                # A COMMIT sent as text (read-only: it writes no table) ends the transaction.
                pending.settle(self._pipeline, self._in_transaction())

    async def _run_many(
        self, method: str, prepared: Prepared, mapped: list[Any], **kwargs: Any
    ) -> Any:
        if not prepared.is_script:
            pending = self._pending()
            in_tx = self._in_transaction()
            if pending is not None:
                pending.settle(self._pipeline, in_tx)
            try:
                return await getattr(self._raw, method)(prepared.sql, mapped, **kwargs)
            finally:
                self._wrote(prepared, in_tx)
        # A script once per argument set, statement by statement, on one connection.
        results: list[Any] = []
        last = len(prepared.statements) - 1
        async with self._one_connection() as conn:
            for script_args in mapped:
                for index, (statement, args) in enumerate(
                    zip(prepared.statements, script_args, strict=True)
                ):
                    if index == last and method == "fetchmany":
                        rows = await self._call(conn, "fetch", prepared, statement, args, kwargs)
                        results.extend(rows)
                    else:
                        extra = {"timeout": kwargs.get("timeout")}
                        await self._call(conn, "execute", prepared, statement, args, extra)
        return results if method == "fetchmany" else None

    def _wrote(self, prepared: Prepared, in_tx: bool) -> None:
        pending = self._pending()
        self._pipeline.wrote(
            prepared, pending, pending is not None and (in_tx or self._in_transaction())
        )

    def _copied(self, table_name: str) -> None:
        tables = frozenset({table_name.lower()})
        pending = self._pending()
        if pending is None:
            self._pipeline.invalidate(tables)
        else:
            pending.wrote(self._pipeline, tables, self._in_transaction())


def _copy_method(name: str) -> Any:
    """``copy_to_table`` / ``copy_records_to_table``: the original's, then invalidate the table."""
    original = getattr(asyncpg.Connection, name)

    async def method(self: _PgMethods, table_name: str, **kwargs: Any) -> Any:
        try:
            return await getattr(self._raw, name)(table_name, **kwargs)
        finally:
            self._copied(table_name)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = original.__doc__
    signature = inspect.signature(original)
    method.__signature__ = signature  # type: ignore[attr-defined]
    return method


class PgConnection(_PgMethods):
    """A wrapped asyncpg ``Connection`` (or a pool's connection proxy)."""

    __slots__ = ("_tx_pending",)
    _OWN = frozenset({"_pipeline", "_raw", "_tx_pending"})
    _tx_pending: Pending

    def __init__(self, raw: Any, pipeline: Pipeline) -> None:
        super().__init__(raw, pipeline)
        object.__setattr__(self, "_tx_pending", Pending())

    def _in_transaction(self) -> bool:
        return bool(self._raw.is_in_transaction())

    def _pending(self) -> Pending | None:
        return self._tx_pending

    def _one_connection(self) -> Any:
        return _Borrowed(self._raw)

    def transaction(
        self, *, isolation: str | None = None, readonly: bool = False, deferrable: bool = False
    ) -> _PgTransaction:
        tx = self._raw.transaction(isolation=isolation, readonly=readonly, deferrable=deferrable)
        return _PgTransaction(tx, self)

    def _tx_ended(self, *, committed: bool) -> None:
        if not self._raw.is_in_transaction():  # the outermost block ended, not a savepoint
            self._tx_pending.ended(self._pipeline, committed=committed)

    copy_to_table = _copy_method("copy_to_table")
    copy_records_to_table = _copy_method("copy_records_to_table")


class _Borrowed:
    """The connection itself, as the context manager scripts expect."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def __aenter__(self) -> Any:
        return self._conn

    async def __aexit__(self, *exc: object) -> None:
        return None


class _PgTransaction:
    """asyncpg's ``Transaction``; its end invalidates (on commit) what the block wrote."""

    __slots__ = ("_conn", "_tx")

    def __init__(self, tx: Any, conn: PgConnection) -> None:
        self._tx = tx
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)

    def __repr__(self) -> str:
        return f"<sqlshift.wrap {self._tx!r}>"

    async def start(self) -> None:
        await self._tx.start()

    async def commit(self) -> None:
        try:
            await self._tx.commit()
        finally:  # a failed COMMIT may still have committed
            self._conn._tx_ended(committed=True)

    async def rollback(self) -> None:
        try:
            await self._tx.rollback()
        finally:
            self._conn._tx_ended(committed=False)

    async def __aenter__(self) -> Any:
        return await self._tx.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Any:
        try:
            return await self._tx.__aexit__(exc_type, exc, tb)
        finally:
            self._conn._tx_ended(committed=exc_type is None)


class PgPool(_PgMethods):
    """A wrapped asyncpg ``Pool``: its statement methods, and ``acquire`` giving wrapped
    connections that share the pool's cache."""

    __slots__ = ()

    def _one_connection(self) -> Any:
        return self._raw.acquire()

    def acquire(self, *, timeout: float | None = None) -> _PgAcquire:
        return _PgAcquire(self._raw.acquire(timeout=timeout), self._pipeline)

    async def release(self, connection: Any, *, timeout: float | None = None) -> None:
        if isinstance(connection, PgConnection):
            connection = connection.__wrapped__
        await self._raw.release(connection, timeout=timeout)

    def __await__(self) -> Generator[Any, None, PgPool]:
        return self._init().__await__()

    async def _init(self) -> PgPool:
        await self._raw
        return self

    async def __aenter__(self) -> PgPool:
        await self._raw.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._pipeline.drain()
        await self._raw.__aexit__(*exc)

    async def close(self) -> None:
        await self._pipeline.drain()  # plan captures in flight use the pool
        await self._raw.close()

    async def _explain(
        self, statement: str, prepared: Prepared, params: Any
    ) -> Sequence[Sequence[Any]]:
        """The plan capture of this pool and its connections (see :meth:`Pipeline.record`): on a
        pooled connection, never on the caller's."""
        rows: Sequence[Sequence[Any]] = await self._raw.fetch(statement, *_args(prepared, params))
        return rows

    copy_records_to_table = _copy_method("copy_records_to_table")


class _PgAcquire:
    """``pool.acquire()``: awaitable and an async context manager, like asyncpg's."""

    __slots__ = ("_conn", "_ctx", "_pipeline")

    def __init__(self, ctx: Any, pipeline: Pipeline) -> None:
        self._ctx = ctx
        self._pipeline = pipeline
        self._conn: PgConnection | None = None

    def __await__(self) -> Generator[Any, None, PgConnection]:
        return self._acquire().__await__()

    async def _acquire(self) -> PgConnection:
        return PgConnection(await self._ctx, self._pipeline)

    async def __aenter__(self) -> PgConnection:
        self._conn = PgConnection(await self._ctx.__aenter__(), self._pipeline)
        return self._conn

    async def __aexit__(self, *exc: object) -> None:
        await self._ctx.__aexit__(*exc)
