"""Executor speed: the raw drivers vs sqlshift (pass-through, translating, cache miss, cache hit,
wrap()) vs encode/databases, same run, same tables; plus a 50-task concurrent run.

Usage: python benchmarks/bench_executor.py [--calls N] [--rounds R] [--engines pg,mysql,sqlite]
                                           [--json out.json]

For each engine (PostgreSQL through asyncpg, MariaDB/MySQL through aiomysql, SQLite through
aiosqlite) two statements are timed: a point select by primary key and a 100-row range select.
The columns' calls are interleaved one by one (call 1 of every column, in an order that
rotates, then call 2, ...; SQLite ``--sqlite-burst`` calls of a column at a time, see
``bench_engine``) over ``--calls`` distinct ids, ``--rounds`` times; each cell is the
median time of one call in microseconds, so every column meets the same drift of a shared
machine and stalls (scheduling, GC between rounds) drop out:

* ``raw``: the driver itself (asyncpg ``pool.fetchrow``/``fetch``; aiomysql ``pool.acquire`` +
  cursor ``execute`` + ``fetchone``/``fetchall``; aiosqlite ``execute_fetchall``, its fastest
  call: one thread hop. Two more SQLite columns are shown in notes: ``raw cursor``, its
  cursor idiom ``async with execute() as cursor`` + fetch (three hops), and ``raw typed``, the
  one-hop call on a connection converting declared types to sqlshift's value types (Decimal
  for the DECIMAL column) as sqlshift's own connection does)
* ``databases``: encode/databases with the same driver (left out when it is not installed)
* ``pass``: ``sqlshift.connect(url)``, no cache (statement analysed once, memoised)
* ``xlate``: ``connect(url, source=...)`` writing the statement in another dialect (MySQL on
  PostgreSQL and SQLite, PostgreSQL on MySQL), no cache
* ``miss``: ``connect(url, cache=True)``, every call a different key (lookup, load, store;
  the cache is cleared each round)
* ``hit``: the same, every call answered from the cache
* ``wrap hit``: ``sqlshift.wrap(raw pool, cache=True)`` answered from the cache

Ratios of those medians: ``miss/raw`` (target <= 1.10) and ``hit/pg`` = a cache hit over one
raw asyncpg point select (target <= 0.05); ``miss-raw`` is the difference in microseconds. The concurrent run has 50 tasks share a pool of 10 connections (SQLite:
its one connection) for ``--concurrent-calls`` point selects each; it reports queries per second.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import sqlshift
from sqlshift import Cache, connect, wrap
from sqlshift.executor.backends import create_backend
from sqlshift.executor.database import Database
from sqlshift.executor.url import parse_url

ROWS = 1000
TABLE = f"bench_items_{os.getpid()}"
PG_URL = os.environ.get("SQLSHIFT_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("SQLSHIFT_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")

#: (native statement, its placeholder style, statement written in the translating source)
POINT = {
    "postgres": f"SELECT id, name, qty, price FROM {TABLE} WHERE id = $1",
    "mysql": f"SELECT id, name, qty, price FROM {TABLE} WHERE id = %s",
    "sqlite": f"SELECT id, name, qty, price FROM {TABLE} WHERE id = ?",
}
RANGE = {
    "postgres": f"SELECT id, name, qty, price FROM {TABLE} WHERE id >= $1 AND id < $2 ORDER BY id",
    "mysql": f"SELECT id, name, qty, price FROM {TABLE} WHERE id >= %s AND id < %s ORDER BY id",
    "sqlite": f"SELECT id, name, qty, price FROM {TABLE} WHERE id >= ? AND id < ? ORDER BY id",
}
#: the dialect the "xlate" column writes in, per target engine
TRANSLATE_FROM = {"postgres": "mysql", "mysql": "postgres", "sqlite": "mysql"}
NAMED = {  # encode/databases takes :name placeholders
    "point": f"SELECT id, name, qty, price FROM {TABLE} WHERE id = :a",
    "range": f"SELECT id, name, qty, price FROM {TABLE} WHERE id >= :a AND id < :b ORDER BY id",
}

Call = Callable[[int], Awaitable[Any]]


# ------------------------------------------------------------------------------------ setup


async def create_table(url: str) -> None:
    async with connect(url) as db:
        await db.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await db.execute(
            f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, name VARCHAR(40), qty INTEGER, "
            "price DECIMAL(10, 2))"
        )
        marks = {"postgres": "$1, $2, $3, $4", "mysql": "%s, %s, %s, %s"}.get(
            db.dialect, "?, ?, ?, ?"
        )
        await db.execute_many(
            f"INSERT INTO {TABLE} (id, name, qty, price) VALUES ({marks})",
            [(i, f"item {i}", i % 17, f"{i % 100}.{i % 97:02d}") for i in range(1, ROWS + 1)],
        )


async def drop_table(url: str) -> None:
    async with connect(url) as db:
        await db.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _price_arg(value: Any) -> Any:
    return value


class Engine:
    """One engine's raw driver, sqlshift databases and (maybe) encode/databases, opened."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url
        self.raw: Any = None
        self.raw_close: Callable[[], Awaitable[None]] | None = None
        self.dbs: dict[str, Any] = {}
        self.peer: Any = None
        self.wrapped: Any = None
        self.raw_typed: Any = None  # SQLite only

    async def open(self, pool_size: int) -> None:
        url = parse_url(self.url)
        if self.name == "postgres":
            import asyncpg

            pool = await asyncpg.create_pool(
                host=url.host, port=url.port, user=url.user, password=url.password,
                database=url.database, min_size=pool_size, max_size=pool_size,
            )  # fmt: skip
            self.raw = pool
            self.raw_close = pool.close
        elif self.name == "mysql":
            import aiomysql

            pool = await aiomysql.create_pool(
                host=url.host, port=url.port, user=url.user or "root",
                password=url.password or "", db=url.database, minsize=pool_size,
                maxsize=pool_size, autocommit=True,
            )  # fmt: skip

            async def close() -> None:
                pool.close()
                await pool.wait_closed()

            self.raw = pool
            self.raw_close = close
        else:
            import aiosqlite

            conn = await aiosqlite.connect(url.database)
            self.raw = conn
            self.raw_close = conn.close
        size: dict[str, Any] = {"min_size": pool_size, "max_size": pool_size}
        source = TRANSLATE_FROM[self.name]
        if self.name == "sqlite":
            # One aiosqlite connection (one worker thread) under every sqlshift column and the
            # "raw typed" column: in one process the latency of a thread hop depends on which
            # thread the OS wakes where (two identical connections measured 33 and 116 us a
            # call side by side), so only calls on the same thread compare sqlshift's cost.
            backend = create_backend(parse_url(self.url))
            self.dbs = {
                "pass": Database(backend),
                "xlate": Database(backend, source=source),
                "cached": Database(backend, cache=Cache(maxsize=4 * ROWS)),
            }
        else:
            self.dbs = {
                "pass": connect(self.url, **size),
                "xlate": connect(self.url, source=source, **size),
                "cached": connect(self.url, cache=Cache(maxsize=4 * ROWS), **size),
            }
        for db in self.dbs.values():
            await db.open()
        self.wrapped = wrap(self.raw, cache=Cache(maxsize=4 * ROWS))
        if self.name == "sqlite":
            # that connection, called directly: aiosqlite with the declared-type converters
            # sqlshift registers (Decimal, dates), autocommit, as sqlshift runs it
            self.raw_typed = self.dbs["pass"].backend._conn
        try:
            import databases
        except ImportError:
            return
        scheme = {"postgres": "postgresql+asyncpg", "mysql": "mysql+aiomysql"}.get(self.name)
        if scheme is None:
            peer_url = f"sqlite+aiosqlite:///{url.database}"
        else:
            auth = url.user or ""
            peer_url = f"{scheme}://{auth}@{url.host}:{url.port}/{url.database}"
        options: dict[str, Any] = {"min_size": pool_size, "max_size": pool_size} if scheme else {}
        if self.name == "mysql":
            options = {"minsize": pool_size, "maxsize": pool_size}
        self.peer = databases.Database(peer_url, **options)
        await self.peer.connect()

    async def close(self) -> None:
        if self.peer is not None:
            await self.peer.disconnect()
        for db in self.dbs.values():
            await db.close()
        if self.raw_close is not None:
            await self.raw_close()

    # ---------------------------------------------------------------------------- the calls

    def raw_call(self, kind: str) -> Call:
        sql = POINT[self.name] if kind == "point" else RANGE[self.name]
        raw = self.raw
        if self.name == "postgres":
            if kind == "point":
                return lambda i: raw.fetchrow(sql, i)
            return lambda i: raw.fetch(sql, i, i + 100)
        if self.name == "mysql":

            async def mysql_call(i: int) -> Any:
                async with raw.acquire() as conn, conn.cursor() as cur:
                    await cur.execute(sql, (i,) if kind == "point" else (i, i + 100))
                    return await (cur.fetchone() if kind == "point" else cur.fetchall())

            return mysql_call

        return _fetchall_call(raw, sql, kind)

    def raw_typed_call(self, kind: str) -> Call:
        """SQLite: the one-hop aiosqlite call on a connection converting declared types."""
        return _fetchall_call(
            self.raw_typed, POINT[self.name] if kind == "point" else RANGE[self.name], kind
        )

    def raw_cursor_call(self, kind: str) -> Call:
        """aiosqlite's cursor idiom: execute, fetch and close are three thread hops."""
        sql = POINT[self.name] if kind == "point" else RANGE[self.name]
        raw = self.raw

        async def sqlite_call(i: int) -> Any:
            args = (i,) if kind == "point" else (i, i + 100)
            async with raw.execute(sql, args) as cur:
                return await (cur.fetchone() if kind == "point" else cur.fetchall())

        return sqlite_call

    def sqlshift_call(self, column: str, kind: str) -> Call:
        db = self.dbs[
            "xlate" if column == "xlate" else "cached" if column in ("miss", "hit") else "pass"
        ]
        if column == "xlate":
            source = TRANSLATE_FROM[self.name]
            sql = POINT[source] if kind == "point" else RANGE[source]
        else:
            sql = POINT[self.name] if kind == "point" else RANGE[self.name]
        if kind == "point":
            return lambda i: db.fetch_one(sql, (i,))
        return lambda i: db.fetch_all(sql, (i, i + 100))

    def wrap_call(self, kind: str) -> Call:
        sql = POINT[self.name] if kind == "point" else RANGE[self.name]
        w = self.wrapped
        if self.name == "postgres":
            if kind == "point":
                return lambda i: w.fetchrow(sql, i)
            return lambda i: w.fetch(sql, i, i + 100)
        if self.name == "mysql":

            async def mysql_call(i: int) -> Any:
                async with w.acquire() as conn, conn.cursor() as cur:
                    await cur.execute(sql, (i,) if kind == "point" else (i, i + 100))
                    return await (cur.fetchone() if kind == "point" else cur.fetchall())

            return mysql_call

        async def sqlite_call(i: int) -> Any:
            args = (i,) if kind == "point" else (i, i + 100)
            async with w.execute(sql, args) as cur:
                return await (cur.fetchone() if kind == "point" else cur.fetchall())

        return sqlite_call

    def peer_call(self, kind: str) -> Call:
        peer = self.peer
        if kind == "point":
            return lambda i: peer.fetch_one(query=NAMED["point"], values={"a": i})
        return lambda i: peer.fetch_all(query=NAMED["range"], values={"a": i, "b": i + 100})


def _fetchall_call(conn: Any, sql: str, kind: str) -> Call:
    """aiosqlite's fastest public call: execute and fetch in one thread hop."""

    async def sqlite_call(i: int) -> Any:
        rows = await conn.execute_fetchall(sql, (i,) if kind == "point" else (i, i + 100))
        return rows[0] if kind == "point" else rows

    return sqlite_call


# ---------------------------------------------------------------------------------- timing


async def bench_engine(
    engine: Engine, calls: int, rounds: int, burst: int = 1
) -> dict[str, dict[str, float]]:
    """Each column's median time per call, the columns' calls interleaved ``burst`` by
    ``burst`` (SQLite: each column is its own connection's thread, which falls asleep between
    single calls; a burst measures every column with its thread awake, as in steady use).

    On a shared, noisy machine the round trip time drifts by more than the differences being
    measured; interleaving call by call (the column order rotating) exposes every column to the
    same drift, and the median drops the stalls (scheduling, GC) that a mean would carry.
    """
    results: dict[str, dict[str, float]] = {}
    cache = engine.dbs["cached"].cache
    wrap_cache = engine.wrapped.cache
    for kind in ("point", "range"):
        top = ROWS - 100 if kind == "range" else ROWS
        distinct = [1 + (i * 7919) % top for i in range(top)]
        hit_ids, ids = distinct[:50], distinct[50 : 50 + calls]  # hits never collide with misses
        columns: dict[str, tuple[Call, list[int]]] = {
            "raw": (engine.raw_call(kind), ids),
            "pass": (engine.sqlshift_call("pass", kind), ids),
            "xlate": (engine.sqlshift_call("xlate", kind), ids),
            "miss": (engine.sqlshift_call("miss", kind), ids),
            "hit": (engine.sqlshift_call("hit", kind), hit_ids),
            "wrap hit": (engine.wrap_call(kind), hit_ids),
        }
        if engine.peer is not None:
            columns["databases"] = (engine.peer_call(kind), ids)
        if engine.name == "sqlite":
            columns["raw cursor"] = (engine.raw_cursor_call(kind), ids)
            columns["raw typed"] = (engine.raw_typed_call(kind), ids)
        # warm up: connections, memoised translations, prepared statements
        for call, column_ids in columns.values():
            for i in column_ids[:50]:
                await call(i)
        hit = columns["hit"][0]
        samples: dict[str, list[int]] = {name: [] for name in columns}
        names = list(columns)
        clock = time.perf_counter_ns
        gc.disable()
        try:
            for n in range(0, len(ids) * rounds, burst):
                position = n % len(ids)
                if position < burst:  # every "miss" id is new again; the "hit" ids are cached
                    cache.clear()
                    gc.enable()
                    gc.collect()
                    gc.disable()
                    for i in hit_ids:
                        await hit(i)
                shift = (n // burst) % len(names)
                for name in names[shift:] + names[:shift]:
                    call, column_ids = columns[name]
                    for step in range(burst):
                        i = column_ids[(position + step) % len(column_ids)]
                        started = clock()
                        await call(i)
                        samples[name].append(clock() - started)
        finally:
            gc.enable()
        cells = {name: statistics.median(values) / 1000 for name, values in samples.items()}
        for name in ("pass", "miss", "databases", "raw cursor", "raw typed"):
            if name in cells:
                cells[f"{name}/raw"] = cells[name] / cells["raw"]
                cells[f"{name}-raw"] = cells[name] - cells["raw"]
        results[kind] = cells
        assert wrap_cache.stats().hits > 0
    return results


async def concurrent(engine: Engine, tasks: int, per_task: int) -> dict[str, float]:
    """Queries per second with ``tasks`` tasks doing ``per_task`` point selects each."""
    out: dict[str, float] = {}
    variants: dict[str, Call] = {
        "raw": engine.raw_call("point"),
        "pass": engine.sqlshift_call("pass", "point"),
        "hit": engine.sqlshift_call("hit", "point"),
    }
    if engine.peer is not None:
        variants["databases"] = engine.peer_call("point")
    for name, call in variants.items():
        for i in range(1, 101):
            await call(i)  # warm (and, for "hit", fill the cache with ids 1..100)

        async def worker(offset: int, call: Call = call) -> None:
            for j in range(per_task):
                await call(1 + (offset * 31 + j) % 100)

        start = time.perf_counter()
        await asyncio.gather(*(worker(t) for t in range(tasks)))
        out[name] = tasks * per_task / (time.perf_counter() - start)
    return out


# ---------------------------------------------------------------------------------- report


def render(results: dict[str, Any], pg_point: float | None) -> str:
    lines = []
    header = (
        f"{'engine':<9}{'query':<7}{'raw':>8}{'databases':>11}{'pass':>8}{'xlate':>8}"
        f"{'miss':>8}{'hit':>7}{'wrap hit':>10}{'miss/raw':>10}{'miss-raw':>10}"
        f"{'pass/raw':>10}{'dbs/raw':>9}{'hit/pg':>8}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    notes = []
    for engine, kinds in results["sequential"].items():
        for kind, cells in kinds.items():
            peer = cells.get("databases")
            lines.append(
                f"{engine:<9}{kind:<7}{cells['raw']:>8.1f}"
                + (f"{peer:>11.1f}" if peer is not None else f"{'-':>11}")
                + f"{cells['pass']:>8.1f}{cells['xlate']:>8.1f}{cells['miss']:>8.1f}"
                f"{cells['hit']:>7.2f}{cells['wrap hit']:>10.2f}"
                f"{cells['miss/raw']:>10.2f}{cells['miss-raw']:>+10.1f}{cells['pass/raw']:>10.2f}"
                + (f"{cells['databases/raw']:>9.2f}" if peer is not None else f"{'-':>9}")
                + (f"{cells['hit'] / pg_point:>8.3f}" if pg_point else f"{'-':>8}")
            )
            if "raw cursor" in cells:
                notes.append(
                    f"{engine} {kind}: aiosqlite cursor idiom (execute + fetch + close, three "
                    f"thread hops) {cells['raw cursor']:.1f} us = "
                    f"{cells['raw cursor/raw']:.2f}x raw; sqlshift miss / cursor idiom "
                    f"{cells['miss'] / cells['raw cursor']:.2f}"
                )
                notes.append(
                    f"{engine} {kind}: raw aiosqlite converting declared types as sqlshift does "
                    f"{cells['raw typed']:.1f} us = {cells['raw typed/raw']:.2f}x raw; sqlshift "
                    f"miss / typed raw {cells['miss'] / cells['raw typed']:.2f}, pass / typed "
                    f"raw {cells['pass'] / cells['raw typed']:.2f}"
                )
    lines.append("")
    lines.append("times: median microseconds per call, columns interleaved call by call;")
    lines.append("ratios and miss-raw (us) between those medians; hit/pg: a hit over a raw")
    lines.append("asyncpg point select.")
    lines.append("Targets: miss/raw <= 1.10, hit/pg <= 0.05.")
    lines.extend(notes)
    lines.append("")
    lines.append(f"{'engine':<9}{'concurrent (50 tasks, queries/s)':<36}")
    for engine, qps in results["concurrent"].items():
        cells = "  ".join(f"{name} {value:,.0f}" for name, value in qps.items())
        lines.append(f"{engine:<9}{cells}")
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    aliases = {"pg": "postgres", "postgresql": "postgres", "mariadb": "mysql"}
    wanted = [aliases.get(e, e) for e in wanted]
    tmp = None
    results: dict[str, Any] = {"sequential": {}, "concurrent": {}, "skipped": {}}
    for name in wanted:
        if name == "sqlite":
            fd, tmp = tempfile.mkstemp(suffix=".db")
            os.close(fd)
            url = f"sqlite:///{tmp}"
        else:
            url = PG_URL if name == "postgres" else MYSQL_URL
        try:
            await create_table(url)
        except sqlshift.SqlshiftError as error:
            results["skipped"][name] = str(error)
            print(f"{name}: skipped ({error})", file=sys.stderr)
            continue
        engine = Engine(name, url)
        try:
            await engine.open(args.pool_size)
            burst = args.sqlite_burst if name == "sqlite" else 1
            results["sequential"][name] = await bench_engine(engine, args.calls, args.rounds, burst)
            results["concurrent"][name] = await concurrent(engine, 50, args.concurrent_calls)
        finally:
            await engine.close()
            await drop_table(url)
            if tmp is not None and name == "sqlite":
                os.unlink(tmp)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="distinct ids per round (<= 850)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--sqlite-burst",
        type=int,
        default=10,
        help="SQLite: consecutive calls per column before the next (1: call by call)",
    )
    parser.add_argument("--concurrent-calls", type=int, default=100, help="per task")
    parser.add_argument("--pool-size", type=int, default=10)
    parser.add_argument("--engines", default="postgres,mysql,sqlite")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = asyncio.run(main_async(args))
    pg = results["sequential"].get("postgres", {}).get("point", {}).get("raw")
    print(render(results, pg))
    if args.json:
        try:
            from importlib.metadata import version

            peer_version = version("databases")
        except Exception:
            peer_version = None
        results["meta"] = {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlshift": sqlshift.__version__,
            "databases": peer_version,
            "utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "calls": args.calls,
            "rounds": args.rounds,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
