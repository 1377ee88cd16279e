"""Database and connect(): one async API over the backends, with translation and caching.

Usage::

    db = connect("postgresql://app@db/shop", source="mysql", cache=True)
    async with db:                      # or: await db.open() ... await db.close()
        rows = await db.fetch_all("SELECT name FROM people WHERE id = %s", (7,))
        async with db.transaction():    # nested: savepoints
            await db.execute("UPDATE people SET name = %s WHERE id = %s", ("Ann", 7))

``connect()`` itself does no I/O; ``open()`` (or entering ``async with``) creates the pool.

Arguments are one sequence (positional placeholders) or one mapping (named placeholders), as in
DB-API, never spread (``fetch_all(sql, (1, 2))``, not ``fetch_all(sql, 1, 2)``).

``source=`` names the dialect the application writes (and its placeholder style); each
statement is translated for the backend once (memoised) and the arguments re-mapped. Without it
the SQL is sent unchanged in the driver's own placeholder style (asyncpg ``$1``, aiomysql ``%s``
/ ``%(name)s``, aiosqlite ``?`` / ``:name``) and is only parsed to decide caching; a statement
sqlglot cannot parse still runs, uncached, and (with a cache) counts as a write to unknown
tables.

A script (several statements in one string) runs statement by statement on one connection,
each with its own placeholders' arguments taken from the one argument list or mapping the
caller passes for the whole script.

Transactions belong to the task that opened them (a context variable); tasks it spawns inside
the block share the transaction's connection, and their statements are serialised.

Lost connections: when the server drops a connection (restart, ``pg_terminate_backend``,
``KILL``, a network cut), the connection is discarded, and a *pure read* outside a transaction
(read-only and deterministic, the statements the cache may store) is retried once on another
connection, transparently. Nothing else is retried: a write, a read with side effects
(``nextval``, ``GET_LOCK``, unknown functions) or anything inside a transaction may have run
before the connection was lost, so the error is raised (an :class:`ExecutionError` whose
``__cause__`` is the driver's) and the caller decides. ``pool_metrics()`` counts the retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import functools
import itertools
import re
import time
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Mapping,
    Sequence,
)
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Literal, Self, cast, overload

from typing_extensions import TypeVar

from sqlshift.dialects import resolve_dialect
from sqlshift.errors import (
    ConfigurationError,
    ExecutionError,
    ParameterError,
    SqlshiftError,
)
from sqlshift.executor import peers
from sqlshift.executor.backends import create_backend
from sqlshift.executor.backends.base import Backend, Connection, PoolMetrics
from sqlshift.executor.cache import Cache
from sqlshift.executor.introspect import read_schema
from sqlshift.executor.pipeline import Pending, Pipeline, Probe
from sqlshift.executor.profiler import Profiler
from sqlshift.executor.rows import Row, RowMaker, make_rows, row_class
from sqlshift.executor.statements import Prepared, map_args
from sqlshift.executor.url import DatabaseURL, parse_url
from sqlshift.translator.options import Options
from sqlshift.translator.schema import Schema

__all__ = ["Database", "Health", "PoolMetrics", "Transaction", "connect"]

Args = Sequence[Any] | Mapping[str, Any] | None


CacheT = TypeVar("CacheT", bound="Cache | None", default="Cache | None")
"""What ``Database.cache`` is: ``Cache`` when :func:`connect` was given one (or ``cache=True``),
``None`` without, ``Cache | None`` when the type checker cannot tell."""


@overload
def connect(
    url: str | DatabaseURL | None = None,
    *,
    source: str | None = None,
    cache: Cache | Literal[True],
    profiler: Profiler | bool | None = None,
    schema: Schema | Mapping[str, Any] | None = None,
    options: Options | None = None,
    introspect: bool = True,
    **pool_options: Any,
) -> Database[Cache]: ...
@overload
def connect(
    url: str | DatabaseURL | None = None,
    *,
    source: str | None = None,
    cache: Literal[False] | None = None,
    profiler: Profiler | bool | None = None,
    schema: Schema | Mapping[str, Any] | None = None,
    options: Options | None = None,
    introspect: bool = True,
    **pool_options: Any,
) -> Database[None]: ...
@overload
def connect(
    url: str | DatabaseURL | None = None,
    *,
    source: str | None = None,
    cache: Cache | bool | None = None,
    profiler: Profiler | bool | None = None,
    schema: Schema | Mapping[str, Any] | None = None,
    options: Options | None = None,
    introspect: bool = True,
    **pool_options: Any,
) -> Database[Cache | None]: ...
def connect(
    url: str | DatabaseURL | None = None,
    *,
    source: str | None = None,
    cache: Cache | bool | None = None,
    profiler: Profiler | bool | None = None,
    schema: Schema | Mapping[str, Any] | None = None,
    options: Options | None = None,
    introspect: bool = True,
    **pool_options: Any,
) -> Database[Any]:
    """A :class:`Database` for ``url`` (default: ``$SQLSHIFT_URL``). Open it with
    ``async with connect(url) as db`` (closed at the end of the block), or ``db = await
    connect(url)`` (then ``await db.close()``).

    ``pool_options`` (``min_size``, ``max_size``, ``connect_timeout``, ``command_timeout``,
    ``acquire_timeout``, ``ssl``) override the URL's query options. ``cache=True`` enables a
    result cache with default settings; pass a :class:`Cache` to configure it. ``schema``
    (column types, keys) and ``options`` (:class:`~sqlshift.Options`: collation, identifier
    case) are given to the translator when ``source=`` is set. ``profiler=True`` records every
    call per fingerprint (see :class:`~sqlshift.executor.profiler.Profiler`); pass a
    ``Profiler`` to configure it; ``db.profiler.report()`` ranks them.

    Translating (``source=`` another dialect), the database's own schema is read when it
    opens and again after DDL run through it, and the translator uses it (``schema=`` adds to
    or overrides it); ``introspect=False`` translates with ``schema=`` and the DDL run only.
    """
    parsed = parse_url(url).with_options(pool_options)
    return Database(
        create_backend(parsed),
        source=source,
        cache=cache,
        url=parsed,
        schema=schema,
        profiler=profiler,
        options=options,
        introspect=introspect,
    )


@dataclass(frozen=True, slots=True)
class Health:
    """The answer of :meth:`Database.health_check`: ``ok`` when ``SELECT 1`` answered within
    the timeout; ``latency`` in seconds (of the failed attempt too); ``error`` says why not."""

    ok: bool
    latency: float
    error: str | None
    metrics: PoolMetrics


class _TxState:
    """What the outermost transaction and its savepoints share."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.lock = asyncio.Lock()
        self.pending = Pending()  # what it wrote, invalidated again at COMMIT
        self.schema_changed = False  # DDL ran in it: read the schema again when it ends
        self.savepoints = itertools.count(1)


def _affected(count: int) -> int:
    """An execute's row count as the profiler takes it (-1, unknown, as 0)."""
    return max(count, 0)


_NO_PROBE = Probe()  # given to a run that nobody records


class Database(Generic[CacheT]):
    """An async connection pool with translation and an optional result cache.

    Build it with :func:`connect` (or from a backend directly, e.g. the fake backend in tests).
    Awaiting it opens it: ``db = await connect(url)``.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        source: str | None = None,
        cache: Cache | bool | None = None,
        url: DatabaseURL | None = None,
        schema: Schema | Mapping[str, Any] | None = None,
        profiler: Profiler | bool | None = None,
        options: Options | None = None,
        introspect: bool = True,
    ) -> None:
        self._backend = backend
        self._source = resolve_dialect(source, role="source dialect") if source else None
        self._url = url
        self._open = False
        #: statement -> cache -> profiler, the path every wrap() adapter shares
        self._pipeline = pipeline = Pipeline(
            backend.dialect,
            self._source,
            identity=backend.identity,
            cache=cache,
            profiler=profiler,
            schema=schema,
            options=options,
            # the database as every executor in the process knows it (executor/peers.py)
            database=peers.key_of_identity(backend.identity),
        )
        pipeline.explainer = self._explain
        if introspect:
            pipeline.read_schema_with(self.read_schema)
        self._cache = pipeline.cache
        self._profiler = pipeline.profiler
        self._waiting = 0
        self._retries = 0
        self._tx: contextvars.ContextVar[Transaction | None] = contextvars.ContextVar(
            f"sqlshift_tx_{id(self):x}", default=None
        )

    def __repr__(self) -> str:
        where = str(self._url) if self._url is not None else self._backend.identity
        return f"<Database {where} source={self._source} cache={self._cache!r}>"

    @property
    def dialect(self) -> str:
        return self._backend.dialect

    @property
    def url(self) -> DatabaseURL | None:
        """Where it connects (None: a wrapped pool or connection)."""
        return self._url

    @property
    def source(self) -> str | None:
        return self._source

    @property
    def cache(self) -> CacheT:
        return cast(CacheT, self._cache)

    @property
    def profiler(self) -> Profiler | None:
        return self._profiler

    @property
    def backend(self) -> Backend:
        return self._backend

    @property
    def is_open(self) -> bool:
        return self._open

    # -------------------------------------------------------------------------------- lifecycle

    async def open(self) -> None:
        if self._open:
            return
        try:
            await self._backend.open()
        except SqlshiftError:
            raise
        except Exception as error:
            raise ExecutionError(
                f"cannot connect to {self._describe()}: {type(error).__name__}: {error}",
                backend=self.dialect,
            ) from error
        self._open = True
        server = getattr(self._backend, "server", None)
        if server is not None:
            self._pipeline.statements.use_mysql_server(server)
        if self._pipeline.schema_due:
            await self._pipeline.load_schema()

    async def read_schema(self) -> Schema:
        """The database's schema read from its catalog now, on a pooled connection (see
        :meth:`Schema.from_database <sqlshift.Schema.from_database>`)."""
        async with self._acquire() as connection:

            async def query(sql: str) -> Sequence[Sequence[Any]]:
                try:
                    _, rows = await connection.fetch(sql, ())
                except SqlshiftError:
                    raise
                except Exception as error:
                    raise ExecutionError(
                        f"cannot read the schema of {self._describe()}: "
                        f"{type(error).__name__}: {error}",
                        backend=self.dialect,
                    ) from error
                return rows

            return await read_schema(self.dialect, query)

    async def _load_schema(self) -> None:
        """Translate with the database's schema from now on (see Pipeline.load_schema)."""
        self._pipeline.schema_due = True
        await self._pipeline.load_schema()

    async def reload_schema(self) -> None:
        """Read the database's schema again for the translator: after DDL run elsewhere
        (another client, ``sqlshift migrate``); DDL run through this Database is seen
        already. Nothing to do when it does not translate."""
        if self._pipeline.schema_reader is not None:
            await self._load_schema()

    async def close(self) -> None:
        if not self._open:
            return
        await self._pipeline.drain()  # plan captures in flight: let them finish, briefly
        self._open = False
        await self._backend.close()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    def __await__(self) -> Generator[Any, None, Self]:
        """``db = await connect(url)``: open the pool, then use ``db`` (``await db.close()``)."""
        return self._opened().__await__()

    async def _opened(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # ---------------------------------------------------------------------------- pool, health

    def pool_metrics(self) -> PoolMetrics:
        """Connections open, in use and idle; tasks waiting for one; reads retried."""
        metrics = self._backend.metrics()
        return dataclasses.replace(metrics, waiting=self._waiting, retries=self._retries)

    async def health_check(self, *, timeout: float = 5.0) -> Health:
        """Run ``SELECT 1`` on a pooled connection (never from the cache) within ``timeout``
        seconds; never raises for an unreachable server, the answer says so."""
        started = time.perf_counter()
        error: str | None = None
        try:
            prepared = self._prepare("SELECT 1")
            async with asyncio.timeout(timeout):
                await self._run(prepared, (), "fetch", 1)
        except TimeoutError:
            error = f"no answer from {self._describe()} within {timeout} s"
        except SqlshiftError as failure:
            error = str(failure)
        return Health(error is None, time.perf_counter() - started, error, self.pool_metrics())

    # -------------------------------------------------------------------------------- reading

    async def fetch_all(
        self,
        sql: str,
        args: Args = None,
        *,
        ttl: float | None = None,
        slow_ms: float | None = None,
    ) -> tuple[Row, ...]:
        """All rows of ``sql`` (an immutable tuple; cached results are shared, never copied).

        ``ttl`` overrides the cache's default lifetime for this statement's entry; ``slow_ms``
        the profiler's slow-query threshold for this call.
        """
        if self._profiler is not None:
            return await self._profiled_read(sql, args, None, ttl, slow_ms)
        return await self._read(sql, args, None, ttl)

    async def fetch_one(
        self,
        sql: str,
        args: Args = None,
        *,
        ttl: float | None = None,
        slow_ms: float | None = None,
    ) -> Row | None:
        """The first row of ``sql``, or None."""
        if self._profiler is not None:
            rows = await self._profiled_read(sql, args, 1, ttl, slow_ms)
        else:
            rows = await self._read(sql, args, 1, ttl)
        return rows[0] if rows else None

    async def fetch_val(
        self,
        sql: str,
        args: Args = None,
        *,
        column: int | str = 0,
        ttl: float | None = None,
        slow_ms: float | None = None,
    ) -> Any:
        """One value of the first row (``column`` by position or name), or None without rows."""
        if self._profiler is not None:
            rows = await self._profiled_read(sql, args, 1, ttl, slow_ms)
        else:
            rows = await self._read(sql, args, 1, ttl)
        return rows[0][column] if rows else None

    async def iterate(
        self, sql: str, args: Args = None, *, batch_size: int = 500
    ) -> AsyncGenerator[Row, None]:
        """Stream the rows of ``sql`` without loading them all (never cached).

        Close the iterator if you stop early (``contextlib.aclosing``), so the connection is
        returned at once rather than when the generator is garbage-collected.
        """
        if batch_size < 1:
            raise ConfigurationError(f"batch_size must be >= 1, got {batch_size}")
        prepared = self._pipeline.prepare_for(sql, args)
        driver_args = self._map_args(prepared, args)
        tx = self._tx.get()
        try:
            async with AsyncExitStack() as stack:
                if tx is not None:
                    connection = tx.state.connection
                    self._pipeline.wrote(prepared, tx.state.pending, True)
                else:
                    connection = await stack.enter_async_context(self._acquire())
                statement, statement_args = await self._run_leading(
                    connection, prepared, driver_args
                )
                row_type: RowMaker | None = None
                row_names: tuple[str, ...] | None = None
                batches = connection.iterate(statement, statement_args, batch_size=batch_size)
                try:
                    while True:
                        try:
                            names, batch = await anext(batches)
                        except StopAsyncIteration:
                            break
                        except SqlshiftError:
                            raise
                        except Exception as error:
                            raise self._error(error, statement, statement_args) from error
                        if row_type is None or row_names != names:
                            row_type, row_names = row_class(names), names
                        for values in batch:
                            yield row_type(values)
                finally:
                    await batches.aclose()
        finally:
            if tx is None:
                self._pipeline.wrote(prepared, None, False)

    # -------------------------------------------------------------------------------- writing

    async def execute(self, sql: str, args: Args = None, *, slow_ms: float | None = None) -> int:
        """Run a statement; return the rows it affected (-1 when the driver cannot tell).

        A script returns the count of its last statement.
        """
        prepared = self._pipeline.prepare_for(sql, args)
        driver_args = self._map_args(prepared, args)
        return await self._write(sql, args, prepared, driver_args, "execute", slow_ms)

    async def execute_many(self, sql: str, args_seq: Sequence[Args]) -> int:
        """Run a statement once per argument set (a sequence of sequences or mappings)."""
        if isinstance(args_seq, str | bytes | Mapping):
            raise ParameterError("execute_many needs a sequence of argument sets")
        prepared, _ = self._pipeline.prepare_many(sql, args_seq)
        mapped = [self._map_args(prepared, args) for args in args_seq]
        # profiled as one call, with the first argument set as the (redacted) example
        return await self._write(sql, args_seq, prepared, mapped, "execute_many", None)

    async def fetch_native(self, sql: str, args: Sequence[Any] = ()) -> tuple[Row, ...]:
        """The rows of ``sql`` written in this database's own dialect and parameter style,
        sent as is: not translated, not cached, not profiled. On the open transaction's
        connection when there is one, so it sees that session (``SELECT LAST_INSERT_ID()``
        after an insert); for reads: a write made here is not seen by the cache."""
        tx = self._tx.get()
        try:
            if tx is not None:
                async with tx.state.lock:
                    names, rows = await tx.state.connection.fetch(sql, list(args))
            else:
                async with self._acquire() as connection:
                    names, rows = await connection.fetch(sql, list(args))
        except SqlshiftError:
            raise
        except Exception as error:
            raise self._error(error, sql, args) from error
        return make_rows(names, rows)

    async def execute_native(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run ``sql`` written in this database's own dialect and parameter style, as is (on
        the open transaction's connection when there is one); the rows it affected. Not
        translated, not profiled, and unseen by the cache: for tables the application does
        not read through it (sqlshift's own bookkeeping)."""
        tx = self._tx.get()
        try:
            if tx is not None:
                async with tx.state.lock:
                    return await tx.state.connection.execute(sql, list(args))
            async with self._acquire() as connection:
                return await connection.execute(sql, list(args))
        except SqlshiftError:
            raise
        except Exception as error:
            raise self._error(error, sql, args) from error

    async def copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> int:
        """Load ``rows`` (value sequences in ``columns``' order) into ``table`` as fast as
        the engine takes them: PostgreSQL's binary ``COPY``, an ``executemany`` of one
        ``INSERT`` elsewhere. Names are the engine's own (not translated, quoted here); values
        are passed as they are. Runs in the open transaction, if any; the cache forgets
        ``table``. Returns the number of rows loaded."""
        rows = list(rows)
        if not rows:
            return 0
        quote = "`" if self.dialect == "mysql" else '"'
        names = f"{quote}{table}{quote} ({', '.join(quote + c + quote for c in columns)})"
        mark = "?" if self.dialect == "sqlite" else "%s"
        insert = f"INSERT INTO {names} VALUES ({', '.join([mark] * len(columns))})"
        if self.dialect == "postgres":
            insert = f"COPY {names} FROM STDIN"  # (named so in errors)
        written = frozenset({table.lower()})

        async def load(connection: Connection) -> int:
            copy: Callable[..., Awaitable[int]] | None = getattr(connection, "copy_records", None)
            if copy is not None:
                return await copy(table, columns, rows)
            await connection.execute_many(insert, rows)
            return len(rows)

        tx = self._tx.get()
        try:
            if tx is not None:
                async with tx.state.lock:
                    return await load(tx.state.connection)
            async with self._acquire() as connection:
                return await load(connection)
        except SqlshiftError:
            raise
        except Exception as error:
            raise self._error(error, insert, rows[0]) from error
        finally:
            if tx is not None:
                tx.state.pending.wrote(self._pipeline, written, True)
            else:
                self._pipeline.invalidate(written)

    async def _write(
        self,
        sql: str,
        args: Any,
        prepared: Prepared,
        driver_args: Any,
        mode: Literal["execute", "execute_many"],
        slow_ms: float | None,
    ) -> int:
        """Run an execute/execute_many, recorded when profiling (plans only for execute)."""

        async def run(_: Probe) -> int:
            outcome = await self._run(prepared, driver_args, mode, None)
            assert isinstance(outcome, int)
            return outcome

        if prepared.ddl and self._pipeline.schema_reader is not None:
            return await self._changing_schema(run)
        if self._profiler is None:
            return await run(_NO_PROBE)
        return await self._pipeline.profile(
            sql, args, run, _affected, explain=mode == "execute", slow_ms=slow_ms
        )

    async def _changing_schema(self, run: Callable[[Probe], Awaitable[int]]) -> int:
        """Run DDL, then read the schema again (at COMMIT when a transaction is open)."""
        try:
            return await run(_NO_PROBE)
        finally:
            tx = self._tx.get()
            if tx is None:
                await self._load_schema()
            else:
                tx.state.schema_changed = True

    def transaction(self, *, isolation: str | None = None) -> Transaction:
        """A transaction (``async with``), or a savepoint when one is already open in this task.

        ``isolation``: ``read_uncommitted``, ``read_committed``, ``repeatable_read`` or
        ``serializable`` (SQLite: ``deferred``, ``immediate``, ``exclusive`` or
        ``serializable``); only on the outermost transaction.
        """
        if isolation is not None:
            levels = self._backend.isolation_levels
            key = isolation.strip().lower().replace(" ", "_").replace("-", "_")
            if key not in levels:
                raise ConfigurationError(
                    f"isolation {isolation!r} is not supported by {self.dialect}; "
                    f"use one of {', '.join(sorted(levels))}"
                )
            isolation = key
        return Transaction(self, isolation)

    # ------------------------------------------------------------------------------- internals

    def _describe(self) -> str:
        return str(self._url) if self._url is not None else self._backend.identity

    def _acquire(self) -> _Lease:
        return _Lease(self)

    def _timeout_message(self) -> str:
        metrics = self._backend.metrics()
        timeout = self._url.options.acquire_timeout if self._url is not None else None
        within = f" within {timeout:g} s (acquire_timeout)" if timeout is not None else ""
        others = max(self._waiting - 1, 0)
        return (
            f"no free connection to {self._describe()}{within}: the pool has "
            f"{metrics.in_use} of max_size={metrics.max_size} in use and {others} other "
            "task(s) waiting; raise max_size or acquire_timeout, or hold connections for "
            "less time (a transaction, or an iterate() not run to its end, keeps its "
            "connection)"
        )

    def _prepare(self, sql: str) -> Prepared:
        return self._pipeline.prepare(sql)

    @staticmethod
    def _map_args(prepared: Prepared, args: Args) -> Any:
        return map_args(prepared, args)

    async def _profiled_read(
        self, sql: str, args: Args, limit: int | None, ttl: float | None, slow_ms: float | None
    ) -> tuple[Row, ...]:
        return await self._pipeline.profile(
            sql, args, lambda probe: self._read(sql, args, limit, ttl, probe), len, slow_ms=slow_ms
        )

    async def _explain(
        self, statement: str, prepared: Prepared, args: Any
    ) -> Sequence[Sequence[Any]]:
        """The plan capture (see :meth:`Pipeline.record`): on a pooled connection, never on
        the caller's."""
        async with self._acquire() as connection:
            _, rows = await connection.fetch(statement, map_args(prepared, args))
        return rows

    async def _read(
        self,
        sql: str,
        args: Args,
        limit: int | None,
        ttl: float | None,
        probe: Probe | None = None,
    ) -> tuple[Row, ...]:
        pipeline = self._pipeline
        prepared = pipeline.prepare_for(sql, args)
        driver_args = map_args(prepared, args)
        if self._tx.get() is not None:
            return await self._fetch(prepared, driver_args, limit)
        key = pipeline.cache_key(prepared, driver_args, limit)
        if key is None:
            return await self._fetch(prepared, driver_args, limit)
        load = functools.partial(self._fetch, prepared, driver_args, limit)
        return await pipeline.cached(key, prepared, load, probe, ttl=ttl)

    async def _fetch(
        self, prepared: Prepared, driver_args: Any, limit: int | None
    ) -> tuple[Row, ...]:
        rows = await self._run(prepared, driver_args, "fetch", limit)
        assert isinstance(rows, tuple)
        return rows

    async def _run(
        self,
        prepared: Prepared,
        driver_args: Any,
        mode: Literal["fetch", "execute", "execute_many"],
        limit: int | None,
    ) -> tuple[Row, ...] | int:
        """Run on the transaction's connection or a pooled one; invalidate what it wrote.

        Outside a transaction, a pure read that lost its connection is retried once.
        """
        tx = self._tx.get()
        if tx is not None:
            state = tx.state
            try:
                async with state.lock:
                    return await self._on(state.connection, prepared, driver_args, mode, limit)
            finally:
                self._pipeline.wrote(prepared, state.pending, True)
        try:
            # one statement, one call: a connection may be shared (SQLite pipelines them)
            async with _Lease(self, not prepared.is_script) as connection:
                return await self._on(connection, prepared, driver_args, mode, limit)
        except ExecutionError as error:
            if not (prepared.pure and mode == "fetch" and self._backend.is_disconnect(error)):
                raise
            self._retries += 1
        finally:
            # Even a failed write may have changed data (or committed before the error).
            self._pipeline.wrote(prepared, None, False)
        async with self._acquire() as connection:
            return await self._on(connection, prepared, driver_args, mode, limit)

    async def _run_leading(
        self, connection: Connection, prepared: Prepared, driver_args: Any
    ) -> tuple[str, Any]:
        """Run all statements of a script but the last; return the last and its arguments."""
        if not prepared.is_script:
            return prepared.statements[-1], driver_args
        statements = prepared.statements
        for statement, args in zip(statements[:-1], driver_args[:-1], strict=True):
            try:
                await connection.execute(statement, args)
            except SqlshiftError:
                raise
            except Exception as error:
                raise self._error(error, statement, args) from error
        return statements[-1], driver_args[-1]

    async def _on(
        self,
        connection: Connection,
        prepared: Prepared,
        driver_args: Any,
        mode: str,
        limit: int | None,
    ) -> tuple[Row, ...] | int:
        if prepared.statement_params is None:  # not a script (the common case: no await)
            statement, args = prepared.statements[0], driver_args
        elif mode == "execute_many":
            return await self._script_many(connection, prepared, driver_args)
        else:
            statement, args = await self._run_leading(connection, prepared, driver_args)
        try:
            if mode == "fetch":
                names, rows = await connection.fetch(statement, args, limit=limit)
                return make_rows(names, rows)
            if mode == "execute":
                return await connection.execute(statement, args)
            return await connection.execute_many(statement, args)
        except SqlshiftError:
            raise
        except Exception as error:
            raise self._error(error, statement, args) from error

    async def _script_many(
        self, connection: Connection, prepared: Prepared, driver_args: list[Any]
    ) -> int:
        """A script once per argument set: its statements in order, each set in turn."""
        total = 0
        for script_args in driver_args:
            count = -1
            for statement, args in zip(prepared.statements, script_args, strict=True):
                try:
                    count = await connection.execute(statement, args)
                except SqlshiftError:
                    raise
                except Exception as error:
                    raise self._error(error, statement, args) from error
            total = -1 if count < 0 or total < 0 else total + count
        return total

    def _error(self, error: BaseException, statement: str, driver_args: Any) -> ExecutionError:
        message = _redact(f"{type(error).__name__}: {error}", driver_args)
        return ExecutionError(
            f"{self.dialect} error: {message}\n  statement: {_shorten(statement)}",
            backend=self.dialect,
            statement=statement,
        )


class _Lease:
    """``async with db._acquire() as connection``: a pooled connection, with clear errors.

    A class rather than a generator-based context manager: it is on every statement's path.
    """

    __slots__ = ("_db", "_inner", "_shared")

    def __init__(self, db: Database[Any], shared: bool = False) -> None:
        self._db = db
        self._shared = shared  # see Backend.acquire
        self._inner: AbstractAsyncContextManager[Connection] | None = None

    async def __aenter__(self) -> Connection:
        db = self._db
        if not db._open:
            raise ExecutionError(
                "the database is not open: use `async with db:` or `await db.open()`",
                backend=db.dialect,
            )
        inner = db._backend.acquire(shared=self._shared)
        db._waiting += 1
        try:
            connection = await inner.__aenter__()
        except SqlshiftError:
            raise
        except TimeoutError as error:
            raise ExecutionError(db._timeout_message(), backend=db.dialect) from error
        except Exception as error:
            raise ExecutionError(
                f"getting a connection to {db._describe()} failed: {type(error).__name__}: {error}",
                backend=db.dialect,
            ) from error
        finally:
            db._waiting -= 1
        self._inner = inner
        return connection

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        assert self._inner is not None
        return await self._inner.__aexit__(exc_type, exc, tb)


class Transaction:
    """``async with db.transaction():``, or ``tx = await db.transaction().start()`` then
    ``await tx.commit()`` / ``await tx.rollback()``. Nested ones are savepoints."""

    def __init__(self, db: Database[Any], isolation: str | None) -> None:
        self._db = db
        self._isolation = isolation
        self._stack: AsyncExitStack | None = None
        self._token: contextvars.Token[Transaction | None] | None = None
        self._savepoint: str | None = None
        self._state: _TxState | None = None
        self._done = False

    @property
    def state(self) -> _TxState:
        assert self._state is not None
        return self._state

    @property
    def is_savepoint(self) -> bool:
        return self._savepoint is not None

    async def start(self) -> Transaction:
        if self._state is not None:
            raise ExecutionError("this transaction was already started", backend=self._db.dialect)
        db = self._db
        parent = db._tx.get()
        if parent is not None:
            if self._isolation is not None:
                raise ConfigurationError(
                    "isolation can only be set on the outermost transaction, not a savepoint"
                )
            state = parent.state
            name = f"sqlshift_sp_{next(state.savepoints)}"
            async with state.lock:
                await self._control(lambda: state.connection.savepoint(name), f"SAVEPOINT {name}")
            self._state, self._savepoint = state, name
        else:
            stack = AsyncExitStack()
            connection: Connection = await stack.enter_async_context(db._acquire())
            try:
                await self._control(lambda: connection.begin(self._isolation), "BEGIN")
            except BaseException:
                await stack.aclose()
                raise
            self._stack, self._state = stack, _TxState(connection)
        self._token = db._tx.set(self)
        return self

    async def commit(self) -> None:
        await self._finish(commit=True)

    async def rollback(self) -> None:
        await self._finish(commit=False)

    async def __aenter__(self) -> Transaction:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._done:
            return
        if exc is None:
            await self._finish(commit=True)
            return
        # The block failed (or was cancelled): roll back, but the caller must see what failed,
        # not the ROLLBACK on a connection the failure may have killed.
        try:
            await self._finish(commit=False)
        except Exception as rollback_error:
            exc.add_note(f"sqlshift: the ROLLBACK after this failed too: {rollback_error}")

    async def _finish(self, *, commit: bool) -> None:
        if self._state is None:
            raise ExecutionError("this transaction was not started", backend=self._db.dialect)
        if self._done:
            raise ExecutionError("this transaction is already finished", backend=self._db.dialect)
        self._done = True
        db, state, name = self._db, self._state, self._savepoint
        try:
            if name is not None:
                async with state.lock:
                    if commit:
                        await self._control(
                            lambda: state.connection.release_savepoint(name),
                            f"RELEASE SAVEPOINT {name}",
                        )
                    else:
                        await self._control(
                            lambda: state.connection.rollback_to_savepoint(name),
                            f"ROLLBACK TO SAVEPOINT {name}",
                        )
                        await self._control(
                            lambda: state.connection.release_savepoint(name),
                            f"RELEASE SAVEPOINT {name}",
                        )
                return
            try:
                if commit:
                    await self._control(state.connection.commit, "COMMIT")
                else:
                    await self._control(state.connection.rollback, "ROLLBACK")
            finally:
                # A failed COMMIT may still have committed: invalidate as if it had.
                state.pending.ended(db._pipeline, committed=commit)
                assert self._stack is not None
                await self._stack.aclose()
                if state.schema_changed:  # committed or rolled back: read what is there now
                    await db._load_schema()
        finally:
            if self._token is not None:
                # Finished from another context: leave that context's variable alone.
                with contextlib.suppress(ValueError):
                    db._tx.reset(self._token)

    async def _control(self, action: Any, statement: str) -> None:
        try:
            await action()
        except SqlshiftError:
            raise
        except Exception as error:
            raise self._db._error(error, statement, ()) from error


_REDACTED = "<redacted>"


def _redact(message: str, driver_args: Any) -> str:
    """Drivers and servers quote values in errors ("Duplicate entry 'x'"); arguments are
    secrets by default, so every argument's text is blanked out of the message."""
    if isinstance(driver_args, Mapping):
        values: list[Any] = list(driver_args.values())
    elif isinstance(driver_args, list):  # execute_many: a list of argument sets
        values = [
            v
            for args in driver_args
            for v in (args.values() if isinstance(args, Mapping) else args)
        ]
    elif isinstance(driver_args, tuple):
        values = list(driver_args)
    else:
        values = []
    texts: set[str] = set()
    for value in values:
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, bytes | bytearray):
            text = bytes(value).decode("utf-8", "replace")
        else:
            text = str(value)
        # Short non-text values (1, 2.5) are too common in messages to blank out usefully.
        if text and (isinstance(value, str | bytes | bytearray) or len(text) >= 4):
            texts.add(text)
            texts.add(repr(value))
            # as a server quotes it back: escaped (MySQL) or with doubled quotes (SQL)
            texts.add(text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"'))
            texts.add(text.replace("'", "''"))
    if values:
        # MySQL's "near '...' at line N" quotes the statement as the driver sent it, with the
        # arguments written in (PyMySQL interpolates), and cut at 80 characters: a value may
        # be there escaped, or only its beginning. The quoted text goes, the position stays.
        message = _NEAR.sub(f"near {_REDACTED}", message)
    for text in sorted(texts, key=len, reverse=True):
        message = message.replace(text, _REDACTED)
    for text in texts:  # a long value the server cut: its longest quoted beginning
        for end in range(min(len(text), 200) - 1, _MIN_PREFIX - 1, -1):
            if text[:end] in message:
                message = message.replace(text[:end], _REDACTED)
                break
    return message


#: MySQL's syntax-error context, which quotes the statement with its arguments written in
_NEAR = re.compile(r"near '.*?'(?= at line \d+)", re.S)
#: the shortest beginning of a long value that is blanked out where the server cut it
_MIN_PREFIX = 12


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
