"""The result cache: policies, byte bound, table-tag invalidation, single-flight, stats.

What is cached is decided by the executor from the parsed statement (``StatementInfo``):
read-only, deterministic statements outside transactions. This module owns how:

* **Policies** (cachetools): ``"lru"``, ``"lfu"`` and ``"ttl"`` (entries expire ``ttl``
  seconds after they are stored, expired ones are evicted first). Any policy also accepts a
  default ``ttl`` and a per-query TTL; LRU/LFU drop an expired entry when it is looked up.
* **Bounds**: ``maxsize`` entries and ``max_bytes`` bytes (the rows' memory as
  ``rows.estimate_size`` counts it, every value measured); whichever is reached first evicts by
  the policy. A result larger than ``max_bytes`` is not stored. What the cache holds stays
  within 2 x ``max_bytes`` whatever the rows hold (tests/adversarial: 0.96-1.01 of it).
* **Invalidation** by table tags: every entry is tagged with the tables its statement reads; a
  write through the executor drops the entries tagged with a table it writes (or everything when
  its tables are unknown). Names are compared lower-cased without schema, so two tables of the
  same name in different schemas invalidate each other (safe, merely eager).
* **No stale store**: a write clock ticks at every invalidation, and each table remembers the
  tick of its last one (``clear()`` marks every table). A miss reads the clock *before* it runs
  and stores its result only if none of its tables was invalidated after that tick; a read that
  was in flight while one of its tables was written is returned to its caller but never stored.
  (When the clock has not moved at all, the check is one comparison.)
* **Single-flight**: concurrent identical misses run one query; the others wait for it. A write
  detaches the in-flight reads of its tables, so a read that starts after a write never joins a
  read that started before it.
* **Sized off the caller's path**: a miss nobody else waits for returns its rows at once;
  they are measured (``rows.estimate_size``, every value: about 16 microseconds for 100 rows)
  and stored by a callback the event loop runs next, typically while the caller awaits its
  next I/O. A lookup of that same key, a write of a table it read, ``stats()`` and ``clear()``
  store it first, so they see what storing at once would have left. Its lifetime starts when
  its read finished, its recency (LRU/LFU) when it is stored. Until then it is outside the
  bounds: at most 4 results (a fifth miss in the same turn of the loop stores them first),
  each one a result its caller has just received.
* **Immutability**: results are tuples of immutable :class:`~sqlshift.executor.rows.Row`
  (the drop-in wrappers store their driver's own rows, and only when those are immutable: a
  ``sizeof`` that returns None keeps a result out of the cache and out of the single flight).

Limits (documented, not bugs): writes made outside this process, or by another ``Database``
that does not share this ``Cache`` object, are seen only when entries expire, so use a ``ttl``
when other writers exist. Table tags cannot see through views, triggers, foreign-key cascades
or functions that read tables: a write to a table behind a view does not invalidate reads of
the view (use ``ttl``, or ``invalidate(table=...)`` yourself).

One ``Cache`` belongs to one event loop; it may be shared by several ``Database`` objects of
that loop (keys include the backend identity).
"""

from __future__ import annotations

import asyncio
import math
import operator
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import cachetools

from sqlshift.errors import ConfigurationError
from sqlshift.executor.rows import Row, estimate_size

__all__ = ["Cache", "CacheStats", "Policy"]

Policy = Literal["lru", "lfu", "ttl"]
Key = tuple[Hashable, ...]
Rows = tuple[Row, ...]
T = TypeVar("T")
Sizer = Callable[[Any], "int | None"]
"""The bytes a result holds, or None when it must not be shared (it holds mutable values)."""

DEFAULT_MAXSIZE = 1024
_MAX_TRACKED_TABLES = 4096  # tables whose last invalidation tick is remembered
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: misses returned and not yet sized at most (see "Sized off the caller's path")
_MAX_UNSIZED = 4


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters since the cache was created.

    ``evictions`` counts entries removed to respect the bounds or because they expired;
    ``invalidations`` counts entries removed by writes, ``invalidate()`` and ``clear()``;
    ``coalesced`` counts misses that waited for an identical in-flight read instead of running;
    ``discarded`` counts results not stored because a table they read was written meanwhile.
    """

    hits: int
    misses: int
    evictions: int
    invalidations: int
    entries: int
    bytes: int
    coalesced: int
    discarded: int

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class _Entry:
    """A stored result (a plain slotted class: made on every store, so kept cheap)."""

    __slots__ = ("expires_at", "nbytes", "rows", "tables")

    def __init__(self, rows: Any, tables: frozenset[str], nbytes: int, expires_at: float) -> None:
        self.rows = rows  # Rows for a Database; a wrapper's own immutable result otherwise
        self.tables = tables
        self.nbytes = nbytes
        self.expires_at = expires_at  # math.inf: never


@dataclass(slots=True)
class _Flight:
    tables: frozenset[str]
    #: made by the first waiter (most misses have none, and need no future)
    future: asyncio.Future[Any] | None = None


@dataclass(slots=True)
class _Unsized:
    """A miss's result handed to its caller, waiting to be sized and stored."""

    key: Key
    flight: _Flight
    rows: Any
    started: int  # the write clock when its read began
    ttl: float | None
    sizeof: Sizer
    loaded_at: float  # the timer when its read finished: its lifetime starts there


class _Abandoned(Exception):
    """The leading read of a single flight was cancelled: its waiters run the query again."""


class _Unshareable(Exception):
    """The leading read's result holds mutable values: each waiter runs its own query."""


#: an entry's size for cachetools' byte bound (C-level: no Python frame per store)
_entry_size: Callable[[_Entry], int] = operator.attrgetter("nbytes")


class _LRU(cachetools.LRUCache[Key, _Entry]):
    def __init__(self, owner: Cache, max_bytes: int) -> None:
        super().__init__(max_bytes, getsizeof=_entry_size)
        self._owner = owner

    def popitem(self) -> tuple[Key, _Entry]:
        key, entry = super().popitem()
        self._owner._evicted(key, entry)
        return key, entry


class _LFU(cachetools.LFUCache[Key, _Entry]):
    def __init__(self, owner: Cache, max_bytes: int) -> None:
        super().__init__(max_bytes, getsizeof=_entry_size)
        self._owner = owner

    def popitem(self) -> tuple[Key, _Entry]:
        key, entry = super().popitem()
        self._owner._evicted(key, entry)
        return key, entry


def _until(key: Key, entry: _Entry, now: float) -> float:
    return entry.expires_at


class _TTL(cachetools.TLRUCache[Key, _Entry, float]):
    def __init__(self, owner: Cache, max_bytes: int, timer: Callable[[], float]) -> None:
        super().__init__(max_bytes, ttu=_until, timer=timer, getsizeof=_entry_size)
        self._owner = owner

    def popitem(self) -> tuple[Key, _Entry]:
        key, entry = super().popitem()
        self._owner._evicted(key, entry)
        return key, entry

    def expire(self, time: float | None = None) -> list[tuple[Key, _Entry]]:
        expired = super().expire(time)
        for key, entry in expired:
            self._owner._evicted(key, entry)
        return expired


class Cache:
    """A result cache for ``connect(..., cache=Cache(...))``; ``cache=True`` uses the defaults.

    ``policy`` is ``"lru"`` (default), ``"lfu"`` or ``"ttl"`` (needs ``ttl``); ``maxsize`` bounds
    the entries and ``max_bytes`` their estimated memory; ``ttl`` (seconds) is the default
    lifetime of an entry (None: until evicted or invalidated); ``timer`` is the clock TTLs are
    measured with (inject a fake one in tests).
    """

    def __init__(
        self,
        policy: Policy = "lru",
        *,
        maxsize: int = DEFAULT_MAXSIZE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        ttl: float | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        if policy not in ("lru", "lfu", "ttl"):
            raise ConfigurationError(f"cache policy must be 'lru', 'lfu' or 'ttl', got {policy!r}")
        for name, value in (("maxsize", maxsize), ("max_bytes", max_bytes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigurationError(f"cache {name} must be an int >= 1, got {value!r}")
        if ttl is not None:
            _check_ttl(ttl, "cache ttl")
        elif policy == "ttl":
            raise ConfigurationError("cache policy 'ttl' needs ttl= (seconds)")
        if not callable(timer):
            raise ConfigurationError("cache timer must be a callable returning seconds")
        self.policy: Policy = policy
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._timer = timer
        self._store: cachetools.Cache[Key, _Entry]
        if policy == "lru":
            self._store = _LRU(self, max_bytes)
        elif policy == "lfu":
            self._store = _LFU(self, max_bytes)
        else:
            self._store = _TTL(self, max_bytes, timer)
        self._tags: dict[str, set[Key]] = {}
        #: ticks at every invalidation; a table's entry is the tick of its last invalidation
        self._clock = 0
        self._invalidated_at: dict[str, int] = {}
        self._cleared_at = 0  # the tick of the last clear(), which invalidates every table
        self._inflight: dict[Key, _Flight] = {}
        #: misses returned to their callers and not yet sized and stored (see _settle)
        self._unsized: dict[Key, _Unsized] = {}
        self._normalised: dict[frozenset[str], frozenset[str]] = {}
        self._hits = self._misses = self._evictions = self._invalidations = 0
        self._coalesced = self._discarded = 0

    def __repr__(self) -> str:
        return (
            f"Cache(policy={self.policy!r}, maxsize={self.maxsize}, "
            f"max_bytes={self.max_bytes}, ttl={self.ttl})"
        )

    # ----------------------------------------------------------------------- public operations

    def stats(self) -> CacheStats:
        if self._unsized:
            self._settle()
        return CacheStats(
            hits=self._hits,
            misses=self._misses,
            evictions=self._evictions,
            invalidations=self._invalidations,
            entries=len(self._store),
            bytes=int(self._store.currsize),
            coalesced=self._coalesced,
            discarded=self._discarded,
        )

    def invalidate(self, table: str | Iterable[str] | None = None) -> None:
        """Drop the entries that read ``table`` (a name or several); None drops everything."""
        if table is None:
            self.clear()
            return
        names = {table} if isinstance(table, str) else set(table)
        self._invalidate_tables(frozenset(_normalise(n) for n in names))

    def clear(self) -> None:
        """Drop every entry; reads in flight now will not be stored."""
        if self._unsized:
            self._settle()
        self._clock += 1
        self._cleared_at = self._clock
        self._invalidated_at.clear()  # all older than _cleared_at now
        self._invalidations += len(self._store)
        self._store.clear()
        self._tags.clear()
        self._inflight.clear()

    # --------------------------------------------------------------------- used by the executor

    def lookup(self, key: Key) -> Any | None:
        """The cached result for ``key`` (counted as a hit), or None (not counted as a miss).

        A synchronous fast path for callers that want to avoid a coroutine on a hit; a miss
        should then go through :meth:`miss` (or :meth:`get_or_load`), which counts it.
        """
        if self._unsized and key in self._unsized:
            self._store_sized(self._unsized.pop(key))
        entry = self._store.get(key)
        if entry is None:
            return None
        if entry.expires_at != math.inf and not self._timer() < entry.expires_at:
            # LRU/LFU keep expired entries until looked up; TTL has usually dropped them already.
            self._store.pop(key, None)
            self._evicted(key, entry)
            return None
        self._hits += 1
        return entry.rows

    async def miss(
        self,
        key: Key,
        tables: frozenset[str],
        load: Callable[[], Awaitable[T]],
        *,
        ttl: float | None = None,
        sizeof: Sizer = estimate_size,
    ) -> T:
        """:meth:`get_or_load` for a key that :meth:`lookup` has just missed (no second lookup):
        join the read in flight for ``key``, or lead one."""
        if key in self._inflight:
            return await self.get_or_load(key, tables, load, ttl=ttl, sizeof=sizeof)
        normalised = self._normalised.get(tables)
        if normalised is None:
            normalised = frozenset(_normalise(t) for t in tables)
            if len(self._normalised) >= 4096:
                self._normalised.clear()
            self._normalised[tables] = normalised
        tables = normalised
        started = self._clock
        flight = _Flight(tables)
        self._inflight[key] = flight
        self._misses += 1
        try:
            rows = await load()
        except BaseException as error:
            _fail(flight, _Abandoned() if isinstance(error, asyncio.CancelledError) else error)
            if self._inflight.get(key) is flight:
                del self._inflight[key]
            raise
        if flight.future is None and self._inflight.get(key) is flight:
            # Nobody waits for it: the caller gets its rows now; they are sized and stored
            # next (an identical read meanwhile stores them first: see lookup()).
            if not self._unsized:
                asyncio.get_running_loop().call_soon(self._settle)
            elif len(self._unsized) >= _MAX_UNSIZED:  # the loop has not turned: do not pile up
                self._settle()
            self._unsized[key] = _Unsized(key, flight, rows, started, ttl, sizeof, self._timer())
            return rows
        self._store_sized(_Unsized(key, flight, rows, started, ttl, sizeof, self._timer()))
        return rows

    def _settle(self) -> None:
        """Size and store the misses returned to their callers (see the module docstring)."""
        pending, self._unsized = self._unsized, {}
        for item in pending.values():
            self._store_sized(item)

    def _store_sized(self, item: _Unsized) -> None:
        """Store one loaded result if it may be shared, hand it to the waiters, and end its
        flight."""
        flight = item.flight
        if self._inflight.get(item.key) is flight:
            del self._inflight[item.key]
        try:
            nbytes = item.sizeof(item.rows)
        except Exception:  # a sizer that fails on these rows: keep them out, as unshareable
            nbytes = None
        if nbytes is None:
            _fail(flight, _Unshareable())
            return
        self._store_rows(
            item.key, item.rows, flight.tables, item.started, item.ttl, nbytes, item.loaded_at
        )
        if flight.future is not None:
            flight.future.set_result(item.rows)

    async def get_or_load(
        self,
        key: Key,
        tables: frozenset[str],
        load: Callable[[], Awaitable[T]],
        *,
        ttl: float | None = None,
        sizeof: Sizer = estimate_size,
    ) -> T:
        """The cached result for ``key``, or ``load()``'s (run once for concurrent callers).

        ``sizeof(result)`` estimates the bytes a result holds; when it returns None the
        result is neither stored nor handed to concurrent callers (they run ``load`` too).
        """
        while True:
            rows = self.lookup(key)
            if rows is not None:
                return rows  # type: ignore[no-any-return]
            flight = self._inflight.get(key)
            if flight is None:
                return await self.miss(key, tables, load, ttl=ttl, sizeof=sizeof)
            self._coalesced += 1
            if flight.future is None:
                flight.future = asyncio.get_running_loop().create_future()
            try:
                # shield: a waiter being cancelled must not cancel the shared read.
                return await asyncio.shield(flight.future)
            except _Abandoned:
                continue
            except _Unshareable:
                return await load()

    def invalidate_written(self, tables: frozenset[str] | None) -> None:
        """Called by the executor for every write; None means "unknown": drop everything."""
        if tables is None:
            self.clear()
        elif tables:
            self._invalidate_tables(frozenset(_normalise(t) for t in tables))

    # ------------------------------------------------------------------------------- internals

    def _is_current(self, started: int, tables: frozenset[str]) -> bool:
        """No table of ``tables`` was invalidated after tick ``started``."""
        if self._clock == started:
            return True
        if self._cleared_at > started:
            return False
        invalidated_at = self._invalidated_at
        return all(invalidated_at.get(table, -1) <= started for table in tables)

    def _store_rows(
        self,
        key: Key,
        rows: Any,
        tables: frozenset[str],
        started: int,
        ttl: float | None,
        nbytes: int,
        now: float,
    ) -> None:
        if self._clock != started and not self._is_current(started, tables):
            self._discarded += 1
            return
        if nbytes > self.max_bytes:
            return
        lifetime = ttl if ttl is not None else self.ttl
        expires_at = now + lifetime if lifetime is not None else math.inf
        store = self._store
        # A key stored meanwhile (rare) is replaced: same statement, same tables, same tags.
        store[key] = _Entry(rows, tables, nbytes, expires_at)
        if lifetime is not None and key not in store:  # already expired (the timer moved)
            return
        tags = self._tags
        for table in tables:
            keys = tags.get(table)
            if keys is None:
                tags[table] = {key}
            else:
                keys.add(key)
        while len(store) > self.maxsize:
            store.popitem()

    def _invalidate_tables(self, tables: frozenset[str]) -> None:
        if self._unsized and any(p.flight.tables & tables for p in self._unsized.values()):
            self._settle()  # stored, then invalidated below: as if stored at once
        self._clock += 1
        tick = self._clock
        invalidated_at = self._invalidated_at
        if len(invalidated_at) >= _MAX_TRACKED_TABLES:
            # Bound the memory: forget every table's tick, and (as clear() does) let no read
            # in flight now store its result. Stored entries stay valid.
            invalidated_at.clear()
            self._cleared_at = tick
        for table in tables:
            invalidated_at[table] = tick
            for key in self._tags.pop(table, ()):
                entry = self._store.pop(key, None)
                if entry is not None:
                    self._invalidations += 1
                    self._untag(key, entry)
        for key, flight in list(self._inflight.items()):
            if flight.tables & tables:
                del self._inflight[key]

    def _untag(self, key: Key, entry: _Entry) -> None:
        for table in entry.tables:
            keys = self._tags.get(table)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tags[table]

    def _evicted(self, key: Key, entry: _Entry) -> None:
        self._evictions += 1
        self._untag(key, entry)


def _fail(flight: _Flight, error: BaseException) -> None:
    if flight.future is not None:
        flight.future.set_exception(error)
        flight.future.exception()  # retrieved: the waiters may all have gone, and that is fine


def _normalise(table: str) -> str:
    return table.rsplit(".", 1)[-1].strip('"`[]').lower()


def _check_ttl(ttl: object, name: str) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not ttl > 0:
        raise ConfigurationError(f"{name} must be a number of seconds > 0, got {ttl!r}")
    return float(ttl)


def freeze_args(args: Any) -> Hashable:
    """A hashable cache-key part for driver arguments, or raise TypeError if there is none.

    Values are keyed with their type so that ``1``, ``1.0``, ``True`` and ``Decimal("1.0")``
    (equal in Python, different results in SQL) never share an entry; ``Decimal`` and other
    types whose equal values print differently are keyed by ``repr``.
    """
    if args is None:
        return ()
    if isinstance(args, dict):
        return tuple(sorted((str(k), _freeze_value(v)) for k, v in args.items()))
    return tuple(_freeze_value(v) for v in args)


_PLAIN = frozenset({int, str, bytes, type(None)})


def _freeze_value(value: Any) -> Hashable:
    kind = type(value)
    if kind in _PLAIN:
        return value  # type: ignore[no-any-return]
    if kind is tuple or kind is list:
        return (kind.__name__, tuple(_freeze_value(v) for v in value))
    hash(value)  # unhashable (dict, set...) -> TypeError: the caller does not cache
    return (kind.__module__, kind.__qualname__, repr(value))
