"""wrap(): a driver's own pool or connection, with translation, caching and profiling applied.

::

    pool = sqlshift.wrap(await asyncpg.create_pool(dsn), source="mysql", cache=True)
    row = await pool.fetchrow("SELECT name FROM people WHERE id = %s", 7)   # asyncpg Record

The wrapper keeps the original's methods and signatures, so existing code runs unchanged:

=====================  =====================================================================
driver object          intercepted (everything else passes through to the original)
=====================  =====================================================================
asyncpg ``Pool``       ``fetch``, ``fetchrow``, ``fetchval``, ``fetchmany``, ``execute``,
                       ``executemany``, ``copy_records_to_table``, ``acquire`` (yields wrapped
                       connections), ``release``; ``await pool`` / ``async with pool``
asyncpg ``Connection`` the same statement methods, plus ``copy_to_table`` and
                       ``transaction()`` (its commit invalidates what it wrote)
aiomysql ``Pool``      ``acquire`` (yields wrapped connections), ``release``
aiomysql               ``cursor(*classes)`` (a cursor of the class you asked for, whose
``Connection``         ``execute``/``executemany`` translate and cache and whose
                       ``fetchone``/``fetchmany``/``fetchall``/iteration serve the rows),
                       ``commit``, ``rollback``, ``autocommit``, ``select_db``
aiosqlite              ``execute``, ``executemany``, ``executescript``, ``execute_fetchall``,
``Connection``         ``execute_insert``, ``cursor()`` (its ``execute``/fetches),
                       ``commit``, ``rollback``; ``await``/``async with`` as the original
=====================  =====================================================================

Attributes set on the wrapper are set on the original (``db.row_factory = aiosqlite.Row``);
``wrapper.__wrapped__`` is the original object.

**What a cache hit returns** (always the driver's own row types; never an object another
caller can change):

* asyncpg: a new ``list`` of the cached ``Record`` objects (Records are immutable);
  ``fetchrow`` the cached Record, ``fetchval`` its value. Results holding a mutable value
  (arrays decode to ``list``; custom codecs may return dicts) are never cached.
* aiomysql: the cursor is filled from the cache: ``fetchall()`` returns the cached tuple of
  row tuples (``DictCursor``: new dicts each time); ``description`` and ``rowcount`` are the
  original's. Unbuffered cursors (``SSCursor``) and rows holding mutable values (``SET``
  columns, deserialised JSON) are never cached.
* aiosqlite: a cursor (a subclass of ``aiosqlite.Cursor``) serving the cached rows (tuples or
  ``sqlite3.Row``, both immutable; other ``row_factory`` results are not cached);
  ``execute_fetchall`` a new list. ``lastrowid`` is the original cursor's.

**When the cache is used**: read-only, deterministic statements (decided from the parsed
statement) on a connection that is not in a transaction: asyncpg
``is_in_transaction()``, aiosqlite ``in_transaction``, aiomysql in autocommit mode only (with
``autocommit=False``, aiomysql's default, every statement belongs to a transaction: create the
pool with ``autocommit=True`` to benefit). A write invalidates the tables it wrote at once
and, inside a transaction, again when it commits (``commit()``, ``transaction()`` exits, or
the next statement finds the transaction ended); a rollback leaves nothing behind, because
reads inside the transaction bypassed the cache.

**Profiling** (``profiler=True`` or a :class:`~sqlshift.executor.profiler.Profiler`;
``wrapper.profiler``, shared by a pool wrapper and the connections it hands out): every
intercepted statement (asyncpg ``fetch``/``fetchrow``/``fetchval``/``fetchmany``/``execute``/
``executemany``; aiomysql cursor ``execute``/``executemany``; aiosqlite ``execute``/
``executemany``/``executescript``/``execute_fetchall``/``execute_insert`` and cursor
``execute``) is recorded under its fingerprint as :class:`Database` records it: time, rows
(as the driver reports them at no extra cost: asyncpg's fetched records or command status,
aiomysql's ``rowcount``, aiosqlite's rows served from the cache or its ``rowcount``; 0 when
unknown, e.g. an uncached aiosqlite read or an ``SSCursor``), errors (re-raised unchanged),
cache hits and misses (neither when the cache was not used), redacted arguments. An
``executemany`` is one call, never explained.

A slow call's plan is captured off the caller's path (an asyncio task, rate-limited per
fingerprint) only where that cannot disturb the caller's connection: for a **pool** wrapper
(and its connections) on another pooled connection (asyncpg ``pool.fetch``; aiomysql a
connection acquired from the pool, rolled back after without autocommit), and for an
**aiosqlite** connection on that connection (aiosqlite runs one call at a time on its
thread) only when it is not in a transaction (a capture skipped for that is retried by the
next slow call). A **single** wrapped asyncpg or aiomysql connection is recorded but never
explained: its statements must not interleave with the caller's. The pool wrapper's
``close()`` (asyncpg), ``wait_closed()`` (aiomysql), the aiosqlite wrapper's ``close()`` and
``async with`` exits wait (5 s at most) for captures in flight; closing the original object
directly does not. A statement run in another ``select_db()`` database than the pool's is
explained in the pool's (and its plan is then an error at worst).

Not tracked (use a ``ttl``, call ``cache.invalidate(table=...)``, or keep such work off the
wrapper): writes made through objects the wrapper does not intercept (asyncpg ``prepare()``,
``cursor()``, ``copy_from_*``; aiomysql ``conn.query()``; raw cursors made before wrapping),
and session state on pooled connections (temporary tables, ``SET``, ``USE``): results are
keyed per wrapped pool, so one connection's session must not change what another's reads
return. Writers outside this process are seen only when entries expire.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlshift.dialects import resolve_dialect
from sqlshift.errors import InputTypeError
from sqlshift.executor import peers
from sqlshift.executor.cache import Cache
from sqlshift.executor.plans import explain_statement, parse_plan, plan_findings
from sqlshift.executor.profiler import Profiler, QueryStats
from sqlshift.executor.rows import value_size
from sqlshift.executor.settings import optional_setting
from sqlshift.executor.statements import Prepared, Statements
from sqlshift.translator.options import Options
from sqlshift.translator.schema import Schema

__all__ = ["wrap"]

T = TypeVar("T")

#: runs an EXPLAIN statement (with the arguments the caller gave the statement explained) off
#: the caller's path; returns its rows, or None when it cannot run now
Explainer = Callable[[str, Prepared, Any], Awaitable[Sequence[Sequence[Any]] | None]]


def wrap(
    obj: Any,
    *,
    source: str | None = None,
    cache: Cache | bool | None = None,
    profiler: Profiler | bool | None = None,
    schema: Schema | dict[str, Any] | None = None,
    options: Options | None = None,
) -> Any:
    """Wrap an asyncpg ``Pool``/``Connection``, an aiomysql ``Pool``/``Connection`` or an
    aiosqlite ``Connection`` so its statements are translated from ``source`` (when given)
    and its reads cached (``cache=True`` or a :class:`Cache`), keeping its own API.

    A write through any executor of a database in this process (another ``wrap()``, a
    ``connect()``) invalidates this wrapper's cache, and the reverse: an asyncpg or aiomysql
    object is known by its server address and database name (executor/peers.py). An aiosqlite
    connection does not show its file: share one :class:`Cache` between its wrappers.

    ``schema`` and ``options`` (:class:`~sqlshift.Options`) are given to the translator, as
    :func:`~sqlshift.executor.database.connect` gives them.

    ``profiler=True`` (or a :class:`Profiler`) records every statement per fingerprint, as
    :func:`~sqlshift.executor.database.connect` does; ``wrapper.profiler.report()`` ranks them.
    """
    optional_setting(profiler, Profiler, "profiler")  # validated before anything else
    if isinstance(obj, Proxy):
        raise InputTypeError("this object is already wrapped; wrap the original once")
    package = type(obj).__module__.partition(".")[0]
    name = type(obj).__name__
    if package == "asyncpg" and name in ("Pool", "Connection"):
        from sqlshift.executor.wrappers.postgres import PgConnection, PgPool

        core = Core("postgres", source, cache, schema, f"asyncpg-{name.lower()}", profiler, options)
        core.attach(_asyncpg_database(obj))
        if name == "Pool":
            pool = PgPool(obj, core)
            core.explainer = pool._explain
            return pool
        return PgConnection(obj, core)
    if package == "aiomysql" and name in ("Pool", "Connection"):
        from sqlshift.executor.wrappers.mysql import MySQLConnection, MySQLPool

        core = Core("mysql", source, cache, schema, f"aiomysql-{name.lower()}", profiler, options)
        core.attach(_aiomysql_database(obj))
        if name == "Pool":
            my_pool = MySQLPool(obj, core)
            core.explainer = my_pool._explain
            return my_pool
        return MySQLConnection(obj, core)
    if package == "aiosqlite" and name == "Connection":
        from sqlshift.executor.wrappers.sqlite import SQLiteConnection

        core = Core("sqlite", source, cache, schema, "aiosqlite", profiler, options)
        connection = SQLiteConnection(obj, core)
        core.explainer = connection._explain
        return connection
    raise InputTypeError(
        f"wrap() takes an asyncpg Pool or Connection, an aiomysql Pool or Connection, or an "
        f"aiosqlite Connection; got {type(obj).__module__}.{name}"
    )


class Core:
    """What a wrapper and the connections it hands out share: statements, cache, identity,
    and the profiler with the plan captures in flight."""

    __slots__ = (
        "cache",
        "database",
        "dialect",
        "explainer",
        "identity",
        "memo",
        "plan_tasks",
        "profiler",
        "source",
        "statements",
    )

    def __init__(
        self,
        dialect: str,
        source: str | None,
        cache: Cache | bool | None,
        schema: Schema | dict[str, Any] | None,
        kind: str,
        profiler: Profiler | bool | None = None,
        options: Options | None = None,
    ) -> None:
        self.cache: Cache | None = optional_setting(cache, Cache, "cache")
        self.profiler: Profiler | None = optional_setting(profiler, Profiler, "profiler")
        self.dialect = dialect
        source_name = resolve_dialect(source, role="source dialect") if source else None
        #: the dialect the caller's statements are written in (their fingerprints')
        self.source = source_name or dialect
        self.statements = Statements(dialect, source_name, schema, options)
        self.memo = self.statements.memo
        # Each wrapped object is its own database as far as cache keys go: its connections'
        # sessions are its own (see the module docstring); invalidations are by table.
        self.identity = f"{kind}:{uuid.uuid4().hex}"
        self.database: str | None = None  # set by attach()
        #: set by the wrappers that may run an EXPLAIN off the caller's path (see ``record``)
        self.explainer: Explainer | None = None
        self.plan_tasks: set[asyncio.Task[None]] = set()

    def attach(self, database: str | None) -> None:
        """The database this wrapper reaches (see executor/peers.py): a write through any
        executor of it in this process invalidates this wrapper's cache, and the reverse."""
        self.database = database
        if database is not None and self.cache is not None:
            peers.join(database, self.cache)

    def invalidate(self, tables: frozenset[str] | None) -> None:
        peers.invalidate(self.database, self.cache, tables)

    # ------------------------------------------------------------------------- profiling

    async def profile(
        self,
        sql: str,
        params: Any,
        run: Callable[[Probe], Awaitable[T]],
        rows: Callable[[T], int],
        *,
        explain: bool = True,
    ) -> T:
        """``run`` one call of ``sql`` and record it (the wrappers call this only when a
        profiler is set). ``run`` fills in the probe (was the cache used, did it hit);
        ``rows`` counts the result's rows; ``explain=False`` for ``executemany``-like calls,
        recorded once with their first argument set as the example and never explained."""
        probe = Probe()
        started = time.perf_counter()
        count = 0
        failed = True
        try:
            result = await run(probe)
            failed = False
            count = rows(result)
            return result
        finally:
            self.record(sql, params, started, count, probe.hit, failed, explain)

    def record(
        self,
        sql: str,
        params: Any,
        started: float,
        rows: int,
        cache_hit: bool | None,
        failed: bool,
        explain: bool,
    ) -> None:
        profiler = self.profiler
        assert profiler is not None
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        prepared = self.memo.get(sql) if type(sql) is str else None
        stats = profiler.record(
            sql,
            self.source,
            elapsed_ms,
            rows=rows,
            error=failed,
            cache_hit=cache_hit,
            params=_example(params if explain else _first(params)),
            read_only=prepared.read_only if prepared is not None else None,
        )
        if (
            stats is not None
            and explain
            and not failed
            and not cache_hit
            and prepared is not None
            and not prepared.is_script
            and self.explainer is not None
            and profiler.is_slow(elapsed_ms)
            and profiler.should_explain(stats)
        ):
            task = asyncio.get_running_loop().create_task(
                self._capture_plan(stats, sql, prepared, params)
            )
            self.plan_tasks.add(task)
            task.add_done_callback(self.plan_tasks.discard)

    async def _capture_plan(
        self, stats: QueryStats, sql: str, prepared: Prepared, params: Any
    ) -> None:
        """EXPLAIN a slow statement (on the pool, or on an aiosqlite connection outside a
        transaction), off the caller's path; a failure only loses the plan."""
        profiler, explainer = self.profiler, self.explainer
        assert profiler is not None and explainer is not None
        analyze = profiler.analyze and (prepared.read_only or profiler.analyze_writes)
        statement = explain_statement(self.dialect, prepared.statements[-1], analyze=analyze)
        try:
            rows = await explainer(statement, prepared, params)
        except Exception as error:  # the plan is a bonus: never fail or log loudly for it
            profiler.attach_plan(stats.fingerprint, {"error": str(error)}, ())
            return
        if rows is None:  # not now (a transaction is open): the next slow call may try
            stats.last_explained = -math.inf
            return
        plan = parse_plan(self.dialect, rows)
        findings = plan_findings(self.dialect, plan, prepared.statements[-1], self.dialect)
        profiler.attach_plan(stats.fingerprint, plan, findings)

    async def drain(self, timeout: float = 5.0) -> None:
        """Let the plan captures in flight finish (briefly), before the pool closes."""
        tasks = self.plan_tasks
        if not tasks:
            return
        _, pending = await asyncio.wait(set(tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class Probe:
    """What a profiled call learns on its way: True when the cache answered, False when it
    was asked and missed, None when it was not used."""

    __slots__ = ("hit",)

    def __init__(self) -> None:
        self.hit: bool | None = None


def _first(params: Any) -> Any:
    """The first argument set of an ``executemany``'s (the example recorded), or None."""
    if isinstance(params, list | tuple) and params:
        return params[0]
    return None


def _example(params: Any) -> Sequence[Any] | Mapping[str, Any] | None:
    """The arguments as the profiler's example takes them (PyMySQL accepts one bare value)."""
    if params is None or isinstance(params, list | tuple | Mapping):
        return params
    return (params,)


def count_rows(count: Any) -> int:
    """A driver's row count as the profiler takes it: 0 when unknown (-1, None, 2**64-1)."""
    return count if type(count) is int and 0 <= count < 1 << 62 else 0


class Pending:
    """The tables a connection's open transaction wrote, invalidated again when it commits."""

    __slots__ = ("active", "tables")

    def __init__(self) -> None:
        self.active = False
        self.tables: set[str] | None = set()  # None: unknown tables

    def wrote(self, core: Core, tables: frozenset[str] | None, in_transaction: bool) -> None:
        core.invalidate(tables)  # at the write
        if in_transaction:
            self.active = True
            if tables is None:
                self.tables = None
            elif self.tables is not None:
                self.tables |= tables

    def ended(self, core: Core, *, committed: bool) -> None:
        """The transaction ended (a failed COMMIT counts as committed: it may have)."""
        if not self.active:
            return
        if committed:
            core.invalidate(frozenset(self.tables) if self.tables is not None else None)
        self.active = False
        self.tables = set()

    def settle(self, core: Core, in_transaction: bool) -> None:
        """Called before each statement: a transaction that ended unseen (a ``COMMIT`` sent
        as text, a driver call not intercepted) is treated as committed."""
        if self.active and not in_transaction:
            self.ended(core, committed=True)


class Proxy:
    """Forwards what it does not define to the wrapped object, attribute writes included."""

    __slots__ = ("_core", "_raw")
    _OWN: frozenset[str] = frozenset({"_core", "_raw"})
    _raw: Any
    _core: Core

    def __init__(self, raw: Any, core: Core) -> None:
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_core", core)

    @property
    def __wrapped__(self) -> Any:
        return self._raw

    @property
    def cache(self) -> Cache | None:
        """The result cache (None when the wrapper only translates)."""
        return self._core.cache

    @property
    def profiler(self) -> Profiler | None:
        """The profiler (None unless ``wrap(..., profiler=...)``), shared with the
        connections a pool wrapper hands out."""
        return self._core.profiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self)._OWN:
            object.__setattr__(self, name, value)
        else:
            setattr(self._raw, name, value)

    def __delattr__(self, name: str) -> None:
        if name in type(self)._OWN:
            object.__delattr__(self, name)
        else:
            delattr(self._raw, name)

    def __dir__(self) -> Iterable[str]:
        return sorted(set(dir(self._raw)) | set(super().__dir__()))

    def __repr__(self) -> str:
        return f"<sqlshift.wrap {self._raw!r}>"


# ---------------------------------------------------------------- which database it is


def _asyncpg_database(obj: Any) -> str | None:
    """An asyncpg pool's or connection's database address, when the driver shows it (a
    pool's: one of its open connections')."""
    for holder in getattr(obj, "_holders", None) or ():
        connection = getattr(holder, "_con", None)
        if connection is not None:
            obj = connection
            break
    addr, params = getattr(obj, "_addr", None), getattr(obj, "_params", None)
    if addr is None or params is None:
        return None
    host, port = addr if isinstance(addr, tuple) else (addr, "")
    return peers.database_key("postgres", host, port, getattr(params, "database", None))


def _aiomysql_database(obj: Any) -> str | None:
    """An aiomysql pool's or connection's database address."""
    settings = getattr(obj, "_conn_kwargs", None)
    if isinstance(settings, dict):
        host, port, name = settings.get("host"), settings.get("port", 3306), settings.get("db")
    else:
        host, port, name = (getattr(obj, attr, None) for attr in ("host", "port", "db"))
    if host is None:
        return None
    return peers.database_key("mysql", host, port, name)


# ------------------------------------------------------------------ results safe to share

_IMMUTABLE = frozenset(
    {
        int,
        float,
        bool,
        str,
        bytes,
        type(None),
        Decimal,
        dt.date,
        dt.datetime,
        dt.time,
        dt.timedelta,
        uuid.UUID,
    }
)


def frozen_value_size(value: Any) -> int | None:
    """Bytes held by ``value`` (as the cache counts them, :func:`rows.value_size`), or None
    when it (or a part of it) can be mutated."""
    kind = type(value)
    if kind in _IMMUTABLE or isinstance(value, uuid.UUID):  # asyncpg's UUID is a subclass
        return value_size(value)
    if kind is tuple or kind is frozenset:
        total = sys.getsizeof(value)
        for item in value:
            size = frozen_value_size(item)
            if size is None:
                return None
            total += size
        return total
    return None


def frozen_rows_size(rows: Iterable[Iterable[Any]]) -> int | None:
    """Bytes held by the driver's rows (each row as ``sys.getsizeof`` measures it, each
    value as the cache counts it), or None when a value is mutable."""
    getsizeof = sys.getsizeof
    total = getsizeof(rows)
    for row in rows:
        total += getsizeof(row)
        for value in row:
            if type(value) in _IMMUTABLE:
                total += value_size(value)
            else:
                size = frozen_value_size(value)
                if size is None:
                    return None
                total += size
    return total
