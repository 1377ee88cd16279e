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

import uuid
from typing import Any

from sqlshift.errors import InputTypeError
from sqlshift.executor import peers
from sqlshift.executor.cache import Cache
from sqlshift.executor.introspect import read_schema
from sqlshift.executor.pipeline import Pipeline
from sqlshift.executor.profiler import Profiler
from sqlshift.executor.settings import optional_setting
from sqlshift.executor.wrappers.base import Proxy
from sqlshift.translator.options import Options
from sqlshift.translator.schema import Schema

__all__ = ["wrap"]


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
    :func:`~sqlshift.executor.database.connect` gives them. Translating (``source=`` another
    dialect), the database's own schema is read through the wrapped object before the first
    statement and again after DDL run through it; ``schema=`` adds to it and wins.

    ``profiler=True`` (or a :class:`Profiler`) records every statement per fingerprint, as
    :func:`~sqlshift.executor.database.connect` does; ``wrapper.profiler.report()`` ranks them.
    """
    optional_setting(profiler, Profiler, "profiler")  # validated before anything else
    if isinstance(obj, Proxy):
        raise InputTypeError("this object is already wrapped; wrap the original once")
    package = type(obj).__module__.partition(".")[0]
    name = type(obj).__name__

    def pipeline(dialect: str, kind: str, database: str | None) -> Pipeline:
        # Each wrapped object is its own database as far as cache keys go: its connections'
        # sessions are its own (see the module docstring); invalidations are by table.
        return Pipeline(
            dialect,
            source,
            identity=f"{kind}:{uuid.uuid4().hex}",
            cache=cache,
            profiler=profiler,
            schema=schema,
            options=options,
            database=database,
        )

    # Each adapter imports its driver: only the one for the object given (a user may have
    # installed one driver). The adapters import pipeline and wrappers.base, never this module.
    if package == "asyncpg" and name in ("Pool", "Connection"):
        from sqlshift.executor.wrappers.postgres import PgConnection, PgPool

        pg = pipeline("postgres", f"asyncpg-{name.lower()}", _asyncpg_database(obj))
        if name == "Pool":
            pool = PgPool(obj, pg)
            pg.explainer = pool._explain
            return _reads_schema(pool, pg)
        return _reads_schema(PgConnection(obj, pg), pg)
    if package == "aiomysql" and name in ("Pool", "Connection"):
        from sqlshift.executor.wrappers.mysql import MySQLConnection, MySQLPool

        my = pipeline("mysql", f"aiomysql-{name.lower()}", _aiomysql_database(obj))
        if name == "Pool":
            my_pool = MySQLPool(obj, my)
            my.explainer = my_pool._explain
            return _reads_schema(my_pool, my)
        return _reads_schema(MySQLConnection(obj, my), my)
    if package == "aiosqlite" and name == "Connection":
        from sqlshift.executor.wrappers.sqlite import SQLiteConnection

        lite = pipeline("sqlite", "aiosqlite", None)
        connection = SQLiteConnection(obj, lite)
        lite.explainer = connection._explain
        return _reads_schema(connection, lite)
    raise InputTypeError(
        f"wrap() takes an asyncpg Pool or Connection, an aiomysql Pool or Connection, or an "
        f"aiosqlite Connection; got {type(obj).__module__}.{name}"
    )


def _reads_schema(adapter: Any, pipeline: Pipeline) -> Any:
    """Translating, the adapter's statements are typed by its database's schema, read through
    the adapter before its first statement and again after DDL it runs (on MySQL, with the
    server's kind: ``Options.mysql_server``, as ``connect()`` sets it)."""
    dialect = pipeline.dialect

    async def reader() -> Schema:
        if dialect == "mysql":  # which server: MariaDB has what MySQL 8 lacks (RETURNING)
            rows = await adapter._catalog("SELECT VERSION()")
            version = str(rows[0][0]).lower() if rows else ""
            pipeline.statements.use_mysql_server("mariadb" if "mariadb" in version else "mysql")
        return await read_schema(dialect, adapter._catalog)

    pipeline.read_schema_with(reader)
    return adapter


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
