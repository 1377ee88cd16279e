"""The one statement path of the executor: statement -> cache -> profiler -> backend.

:class:`~sqlshift.executor.database.Database` and every ``wrap()`` adapter hold a
:class:`Pipeline` and call it for each step, so a fix lands once:

* :meth:`Pipeline.prepare`: the statement translated (or passed through) and analysed,
  memoised (:mod:`~sqlshift.executor.statements`);
* :meth:`Pipeline.cache_key` and :meth:`Pipeline.cached`: whether a read may use the cache,
  its key, and the lookup / single-flight load / store;
* :meth:`Pipeline.wrote` and :class:`Pending`: invalidation of what a write changed, at the
  write and again when its transaction commits, in every cache of the same database in the
  process (:mod:`~sqlshift.executor.peers`);
* :meth:`Pipeline.profile` / :meth:`Pipeline.record`: the profiler's record of a call under
  the fingerprint the analysis made (no second parse), and the EXPLAIN of a slow one, off the
  caller's path, through the owner's :data:`Explainer`.

The owners only translate their call shapes (a driver's methods, ``Database.fetch_all``) into
these steps and back.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlshift.dialects import resolve_dialect
from sqlshift.errors import UntranslatableError
from sqlshift.executor import peers
from sqlshift.executor.cache import Cache, Key, Sizer
from sqlshift.executor.plans import explain_statement, parse_plan, plan_findings
from sqlshift.executor.profiler import Profiler, QueryStats
from sqlshift.executor.rows import estimate_size
from sqlshift.executor.settings import optional_setting
from sqlshift.executor.statements import LOGGER, Prepared, Statements, key_args
from sqlshift.translator.options import Options
from sqlshift.translator.params import argument_kinds
from sqlshift.translator.schema import Schema

__all__ = ["Explainer", "Pending", "Pipeline", "Probe"]

T = TypeVar("T")

#: runs an EXPLAIN statement off the caller's path, with the arguments the caller gave the
#: statement explained (in the caller's form); returns its rows, or None when it cannot run now
Explainer = Callable[[str, Prepared, Any], Awaitable[Sequence[Sequence[Any]] | None]]


class Probe:
    """What a profiled call learns on its way: True when the cache answered, False when it
    was asked and missed, None when it was not used."""

    __slots__ = ("hit",)

    def __init__(self) -> None:
        self.hit: bool | None = None


class Pipeline:
    """What a ``Database`` (or a wrapper and the connections it hands out) runs every
    statement through; see the module docstring."""

    __slots__ = (
        "cache",
        "database",
        "dialect",
        "explainer",
        "identity",
        "memo",
        "plan_tasks",
        "profiler",
        "schema_due",
        "schema_lock",
        "schema_reader",
        "source",
        "statements",
    )

    def __init__(
        self,
        dialect: str,
        source: str | None,
        *,
        identity: str,
        cache: Cache | bool | None = None,
        profiler: Profiler | bool | None = None,
        schema: Schema | Mapping[str, Any] | None = None,
        options: Options | None = None,
        database: str | None = None,
    ) -> None:
        self.cache: Cache | None = optional_setting(cache, Cache, "cache")
        self.profiler: Profiler | None = optional_setting(profiler, Profiler, "profiler")
        self.dialect = dialect
        source_name = resolve_dialect(source, role="source dialect") if source else None
        #: the dialect the caller's statements are written in (their fingerprints')
        self.source = source_name or dialect
        self.statements = Statements(dialect, source_name, schema, options)
        #: the memo itself, read directly on the hot path
        self.memo = self.statements.memo
        #: the first part of every cache key: whose results they are (sessions differ)
        self.identity = identity
        self.database: str | None = None
        self.attach(database)
        #: set by owners that may run an EXPLAIN off the caller's path (see ``record``)
        self.explainer: Explainer | None = None
        self.plan_tasks: set[asyncio.Task[None]] = set()
        #: set by owners that can read the database's schema (see ``read_schema_with``)
        self.schema_reader: Callable[[], Awaitable[Schema]] | None = None
        #: the schema is to be read (again) before the next statement is prepared
        self.schema_due = False
        self.schema_lock: asyncio.Lock | None = None

    # ----------------------------------------------------------------------------- statement

    def prepare(self, sql: str) -> Prepared:
        prepared = self.memo.get(sql) if type(sql) is str else None
        return prepared if prepared is not None else self.statements.prepare(sql)

    def prepare_for(self, sql: str, args: Any) -> Prepared:
        """:meth:`prepare` for one call's arguments: a statement whose translation depends on
        its arguments' types (``Prepared.typed``), or that is refused without them (`%s / %s`
        needs to know whether both are integers), is translated for theirs."""
        prepared = self.memo.get(sql) if type(sql) is str else None
        if prepared is None:
            try:
                prepared = self.statements.prepare(sql)
            except UntranslatableError:
                if args is None or self.statements.source is None:
                    raise
                # refused for types it did not know: its arguments' may settle them
                return self.statements.for_kinds(sql, args)
        if prepared.typed:
            return self.statements.typed(prepared, sql, args)
        return prepared

    def prepare_many(self, sql: str, args_seq: Iterable[Any]) -> tuple[Prepared, Iterable[Any]]:
        """:meth:`prepare_for` for an executemany's argument sets (see Statements.typed_many),
        and the sets: read into a list only when their kinds are needed (a pass-through
        executemany keeps the caller's iterator, however long)."""
        prepared = self.memo.get(sql) if type(sql) is str else None
        if prepared is None:
            try:
                prepared = self.statements.prepare(sql)
            except UntranslatableError:
                if self.statements.source is None:
                    raise
                sets = list(args_seq)  # refused without kinds: the sets' may settle them
                kinds = {argument_kinds(args) for args in sets}
                if len(kinds) != 1:
                    raise
                return self.statements.for_kinds(sql, sets[0]), sets
        if not prepared.typed:
            return prepared, args_seq
        sets = list(args_seq)
        if not sets:
            return prepared, sets
        return self.statements.typed_many(prepared, sql, sets), sets

    def read_schema_with(self, reader: Callable[[], Awaitable[Schema]]) -> None:
        """Translations use the database's schema, read with ``reader`` before the first
        statement is prepared and again after DDL: owners check ``schema_due`` before
        :meth:`prepare` and await :meth:`load_schema` when it is set. Passing through (no
        translation), the schema is never read."""
        statements = self.statements
        if statements.source is None or statements.source == self.dialect:
            return
        self.schema_reader = reader
        self.schema_due = True

    async def load_schema(self) -> None:
        """Read the database's schema for the translator, once for concurrent callers; a
        schema that cannot be read is logged (``sqlshift.translate``) and translation goes on
        with ``schema=`` and the DDL run (it is read again after the next DDL)."""
        reader = self.schema_reader
        if reader is None:
            return
        if self.schema_lock is None:
            self.schema_lock = asyncio.Lock()
        async with self.schema_lock:
            if not self.schema_due:
                return  # another task read it while this one waited
            self.schema_due = False  # before reading: DDL during the read marks it again
            try:
                live = await reader()
            except Exception as error:
                LOGGER.warning(
                    "translating for %s without its schema (it could not be read): %s: %s",
                    self.database or self.identity,
                    type(error).__name__,
                    error,
                )
                return
            self.statements.use_database_schema(live)

    # --------------------------------------------------------------------------------- cache

    def cache_key(self, prepared: Prepared, driver_args: Any, *shape: Hashable) -> Key | None:
        """The cache key of a read outside a transaction, or None when it must not use the
        cache (no cache, not a pure read, arguments that cannot be keyed). ``shape`` is what
        else changes the answer's form (the call, a row or cursor class, a LIMIT)."""
        if self.cache is None or not prepared.pure:
            return None
        try:
            return (self.identity, prepared.sql, key_args(driver_args), *shape)
        except TypeError:  # an argument that cannot be keyed (a list, a dict)
            return None

    async def cached(
        self,
        key: Key,
        prepared: Prepared,
        load: Callable[[], Awaitable[T]],
        probe: Probe | None,
        *,
        ttl: float | None = None,
        sizeof: Sizer = estimate_size,
    ) -> T:
        """The cached answer for ``key``, or ``load()``'s, stored under the tables it read
        (concurrent misses of one key share one load)."""
        cache = self.cache
        assert cache is not None
        hit: T | None = cache.lookup(key)
        if hit is not None:
            if probe is not None:
                probe.hit = True
            return hit
        if probe is not None:
            probe.hit = False
        return await cache.miss(key, prepared.tables_read, load, ttl=ttl, sizeof=sizeof)

    # -------------------------------------------------------------------------- invalidation

    def attach(self, database: str | None) -> None:
        """The database this pipeline reaches (see executor/peers.py): a write through any
        executor of it in this process invalidates this cache, and the reverse."""
        self.database = database
        if database is not None and self.cache is not None:
            peers.join(database, self.cache)

    def invalidate(self, tables: frozenset[str] | None) -> None:
        peers.invalidate(self.database, self.cache, tables)

    def wrote(self, prepared: Prepared, pending: Pending | None, in_transaction: bool) -> None:
        """After a statement ran (or failed: it may have changed data): invalidate what it
        wrote, now and, inside a transaction, again when ``pending``'s transaction commits."""
        if prepared.read_only:
            return
        if prepared.ddl and self.schema_reader is not None:
            self.schema_due = True
        if pending is None:
            self.invalidate(prepared.written)
        else:
            pending.wrote(self, prepared.written, in_transaction)

    # ------------------------------------------------------------------------------ profiler

    async def profile(
        self,
        sql: str,
        params: Any,
        run: Callable[[Probe], Awaitable[T]],
        rows: Callable[[T], int],
        *,
        explain: bool = True,
        slow_ms: float | None = None,
    ) -> T:
        """``run`` one call of ``sql`` and record it (only when a profiler is set). ``run``
        fills in the probe (was the cache used, did it hit); ``rows`` counts the answer's
        rows; ``explain=False`` for ``executemany``-like calls, recorded once with their
        first argument set as the example and never explained."""
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
            self.record(sql, params, started, count, probe.hit, failed, explain, slow_ms)

    def record(
        self,
        sql: str,
        params: Any,
        started: float,
        rows: int,
        cache_hit: bool | None,
        failed: bool,
        explain: bool,
        slow_ms: float | None = None,
    ) -> None:
        profiler = self.profiler
        assert profiler is not None
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        prepared = self.memo.get(sql) if type(sql) is str else None
        info = prepared.info if prepared is not None else None
        stats = profiler.record(
            sql,
            self.source,
            elapsed_ms,
            rows=rows,
            error=failed,
            cache_hit=cache_hit,
            params=_example(params if explain else _first(params)),
            read_only=prepared.read_only if prepared is not None else None,
            slow_ms=slow_ms,
            fingerprint=info.fingerprint if info is not None else None,
        )
        if (
            stats is not None
            and explain
            and not failed
            and not cache_hit
            and prepared is not None
            and not prepared.is_script
            and self.explainer is not None
            and profiler.is_slow(elapsed_ms, slow_ms)
            and profiler.should_explain(stats)
        ):
            task = asyncio.get_running_loop().create_task(
                self._capture_plan(stats, prepared, params)
            )
            self.plan_tasks.add(task)
            task.add_done_callback(self.plan_tasks.discard)

    async def _capture_plan(self, stats: QueryStats, prepared: Prepared, params: Any) -> None:
        """EXPLAIN a slow statement through the owner's explainer, off the caller's path; a
        failure only loses the plan."""
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
        """Let the plan captures in flight finish (briefly), before the owner closes."""
        tasks = self.plan_tasks
        if not tasks:
            return
        _, pending = await asyncio.wait(set(tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class Pending:
    """The tables a connection's open transaction wrote, invalidated again when it commits."""

    __slots__ = ("active", "tables")

    def __init__(self) -> None:
        self.active = False
        self.tables: set[str] | None = set()  # None: unknown tables

    def wrote(
        self, pipeline: Pipeline, tables: frozenset[str] | None, in_transaction: bool
    ) -> None:
        pipeline.invalidate(tables)  # at the write
        if in_transaction:
            self.active = True
            if tables is None:
                self.tables = None
            elif self.tables is not None:
                self.tables |= tables

    def ended(self, pipeline: Pipeline, *, committed: bool) -> None:
        """The transaction ended (a failed COMMIT counts as committed: it may have)."""
        if not self.active:
            return
        if committed:
            pipeline.invalidate(frozenset(self.tables) if self.tables is not None else None)
        self.active = False
        self.tables = set()

    def settle(self, pipeline: Pipeline, in_transaction: bool) -> None:
        """Called before each statement: a transaction that ended unseen (a ``COMMIT`` sent
        as text, a driver call not intercepted) is treated as committed."""
        if self.active and not in_transaction:
            self.ended(pipeline, committed=True)


def _first(params: Any) -> Any:
    """The first argument set of an ``executemany``'s (the example recorded), or None."""
    if isinstance(params, Sequence) and not isinstance(params, str | bytes) and params:
        return params[0]
    return None


def _example(params: Any) -> Sequence[Any] | Mapping[str, Any] | None:
    """The arguments as the profiler's example takes them (PyMySQL accepts one bare value)."""
    if params is None or isinstance(params, list | tuple | Mapping):
        return params
    return (params,)
