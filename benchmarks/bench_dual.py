"""What `sqlshift.dual` costs per call over a single Database, in one run: writes (old-only:
passed through; dual-write: the primary's write, the outbox's fsync'd append, the other side
applied in the background) and reads (dual-read: the primary answers, the shadow read and
its comparison run in the background).

    python benchmarks/bench_dual.py [--old sqlite|mysql] [--calls 400] [--json out.json]

The old database is a SQLite file or MariaDB, the new one PostgreSQL (SQLSHIFT_MYSQL_URL,
SQLSHIFT_PG_URL). Times are the caller's: the median and p95 microseconds per call; the
drain time says how long the background work took to finish after the last call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pymysql

from sqlshift import connect, dual
from sqlshift.move.migrate import migrate

PG = os.environ.get("SQLSHIFT_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL = os.environ.get("SQLSHIFT_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
NAME = "sqlshift_bench_dual"
MARK = {"sqlite": "?", "mysql": "%s"}
DDL = {
    "sqlite": "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INTEGER)",
    "mysql": "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
    "n INT)",
}


def _with_database(url: str, database: str) -> str:
    return urlsplit(url)._replace(path=f"/{database}").geturl()


async def _fresh_pg() -> str:
    conn = await asyncpg.connect(PG)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {NAME}")
    finally:
        await conn.close()
    return _with_database(PG, NAME)


def _fresh_mysql() -> str:
    parts = urlsplit(MYSQL)
    conn = pymysql.connect(host=parts.hostname, port=parts.port or 3306,
                           user=parts.username or "root", password=parts.password or "")  # fmt: skip
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{NAME}`")
        cursor.execute(f"CREATE DATABASE `{NAME}`")
    conn.close()
    return _with_database(MYSQL, NAME)


async def _timed(call: Callable[[int], Awaitable[Any]], calls: int) -> list[float]:
    times = []
    for i in range(calls):
        start = time.perf_counter()
        await call(i)
        times.append((time.perf_counter() - start) * 1e6)
    return times


async def _throughput(call: Callable[[int], Awaitable[Any]], calls: int, tasks: int) -> float:
    """Calls per second with ``tasks`` callers at once."""
    counter = iter(range(calls))

    async def caller() -> None:
        for i in counter:
            await call(i)

    start = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(tasks)))
    return calls / (time.perf_counter() - start)


def _row(
    label: str, times: list[float], base: list[float] | None, extra: str = ""
) -> dict[str, Any]:
    median = statistics.median(times)
    p95 = sorted(times)[int(len(times) * 0.95)]
    ratio = median / statistics.median(base) if base else 1.0
    print(f"{label:34} {median:9.0f} {p95:9.0f} {ratio:7.2f}  {extra}")
    return {"case": label, "median_us": median, "p95_us": p95, "ratio": ratio, "note": extra}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", choices=["sqlite", "mysql"], default="sqlite")
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--tasks", type=int, default=16, help="concurrent writers, for throughput")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    old_url = f"sqlite:///{tmp}/old.db" if args.old == "sqlite" else _fresh_mysql()
    new_url = await _fresh_pg()
    m = MARK[args.old]
    setup = await connect(old_url)
    await setup.execute(DDL[args.old])
    await setup.close()
    assert (await migrate(old_url, new_url)).ok
    insert = f"INSERT INTO items (name, n) VALUES ({m}, {m})"
    read = f"SELECT id, name, n FROM items WHERE id = {m}"
    rows: list[dict[str, Any]] = []
    print(f"{'per call (µs)':34} {'median':>9} {'p95':>9} {'ratio':>7}")

    single = await connect(old_url, source=args.old)
    base_write = await _timed(lambda i: single.execute(insert, [f"s{i}", i]), args.calls)
    base_read = await _timed(lambda i: single.fetch_one(read, [1 + i % 50]), args.calls)
    base_rate = await _throughput(lambda i: single.execute(insert, [f"t{i}", i]), args.calls,
                                  args.tasks)  # fmt: skip
    await single.close()
    rows.append(_row("single Database: write", base_write, None))
    rows.append(_row("single Database: read", base_read, None))

    db = await dual(old_url, new_url, source=args.old, phase="old-only",
                    outbox=f"{tmp}/outbox.db")  # fmt: skip
    try:
        times = await _timed(lambda i: db.execute(insert, [f"o{i}", i]), args.calls)
        rows.append(_row("dual, old-only: write", times, base_write))
        assert (await migrate(old_url, new_url)).ok  # (the copy the dual-write phase starts from)
        await db.load_keys()
        db.set_phase("dual-write")
        times = await _timed(lambda i: db.execute(insert, [f"d{i}", i]), args.calls)
        started = time.perf_counter()
        assert await db.drain(timeout=120)
        drained = time.perf_counter() - started
        rows.append(_row("dual-write: write", times, base_write,
                         f"then {drained:.2f} s until the new side caught up"))  # fmt: skip
        rate = await _throughput(lambda i: db.execute(insert, [f"c{i}", i]), args.calls,
                                 args.tasks)  # fmt: skip
        assert await db.drain(timeout=120)
        print(f"{args.tasks} concurrent writers: {base_rate:.0f} writes/s on a single Database, "
              f"{rate:.0f} under dual-write ({rate / base_rate:.2f}x)")  # fmt: skip
        rows.append({"case": f"writes/s, {args.tasks} tasks", "single": base_rate, "dual": rate})
        db.set_phase("dual-read")
        times = await _timed(lambda i: db.fetch_one(read, [1 + i % 50]), args.calls)
        started = time.perf_counter()
        while db._shadows:
            await asyncio.sleep(0.01)
        shadows = time.perf_counter() - started
        stats = db.compare.stats()
        rows.append(_row("dual-read: read (shadow compared)", times, base_read,
                         f"{stats['matched']} matched, {stats['mismatched']} mismatched, "
                         f"{stats['skipped']} skipped; shadows done {shadows:.2f} s after"))  # fmt: skip
        checks = await db.verify()
        print("verify:", ", ".join(f"{c.name} {'equal' if c.equal else 'DIFFERS'}" for c in checks))
    finally:
        await db.close()
    if args.json:
        args.json.write_text(json.dumps({"old": args.old, "results": rows}, indent=1))


if __name__ == "__main__":
    asyncio.run(main())
