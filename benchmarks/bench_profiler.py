"""Profiling overhead: a raw asyncpg point select vs sqlshift without and with the profiler.

Usage: python benchmarks/bench_profiler.py [--calls N] [--rounds R] [--json out.json]

Columns (microseconds per call, median over rounds, interleaved round by round, same table):
``raw`` asyncpg ``pool.fetchrow``; ``sqlshift`` ``connect(url).fetch_one``; ``profiled`` the
same with ``profiler=True`` (slow threshold never reached, so no EXPLAIN). The figure that
matters is ``(profiled - sqlshift) / raw``: what profiling adds, as a share of one raw round
trip (target <= 3%). On a shared machine the round trips vary more than that difference, so
the same two columns are also timed over the in-memory fake backend (no I/O: ``fake`` and
``fake+prof``), whose difference is the profiler's own CPU cost per call; it is reported as a
share of the raw round trip measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from sqlshift import connect
from sqlshift.executor.backends.fake import FakeBackend
from sqlshift.executor.database import Database
from sqlshift.executor.profiler import Profiler

URL = os.environ.get("SQLSHIFT_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TABLE = f"bench_prof_{os.getpid()}"
POINT = f"SELECT id, name, qty FROM {TABLE} WHERE id = $1"


async def timed(call: Callable[[int], Awaitable[Any]], calls: int) -> float:
    started = time.perf_counter()
    for i in range(calls):
        await call(i % 1000 + 1)
    return (time.perf_counter() - started) / calls * 1e6


async def run(calls: int, rounds: int) -> dict[str, Any]:
    admin = await asyncpg.connect(URL)
    await admin.execute(f"DROP TABLE IF EXISTS {TABLE}")
    await admin.execute(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, name TEXT, qty INT)")
    await admin.executemany(
        f"INSERT INTO {TABLE} VALUES ($1, $2, $3)", [(i, f"n{i}", i % 7) for i in range(1, 1001)]
    )
    pool = await asyncpg.create_pool(URL, min_size=1, max_size=1)
    plain = connect(URL, min_size=1, max_size=1)
    profiled = connect(URL, min_size=1, max_size=1, profiler=Profiler(slow_ms=1e9))
    await plain.open()
    await profiled.open()
    fake_plain = Database(FakeBackend("postgres"))
    fake_profiled = Database(FakeBackend("postgres"), profiler=Profiler(slow_ms=1e9))
    await fake_plain.open()
    await fake_profiled.open()
    columns: dict[str, Callable[[int], Awaitable[Any]]] = {
        "raw": lambda i: pool.fetchrow(POINT, i),
        "sqlshift": lambda i: plain.fetch_one(POINT, (i,)),
        "profiled": lambda i: profiled.fetch_one(POINT, (i,)),
        "fake": lambda i: fake_plain.fetch_one(POINT, (i,)),
        "fake+prof": lambda i: fake_profiled.fetch_one(POINT, (i,)),
    }
    samples: dict[str, list[float]] = {name: [] for name in columns}
    try:
        for call in columns.values():  # warm up: connections, memo, fingerprint
            await timed(call, 200)
        for _ in range(rounds):
            for name, call in columns.items():
                samples[name].append(await timed(call, calls))
    finally:
        await plain.close()
        await profiled.close()
        await fake_plain.close()
        await fake_profiled.close()
        await pool.close()
        await admin.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await admin.close()
    median = {name: statistics.median(values) for name, values in samples.items()}
    overhead = (median["profiled"] - median["sqlshift"]) / median["raw"]
    cpu = median["fake+prof"] - median["fake"]
    return {
        "us_per_call": median,
        "profiling_overhead_of_raw": overhead,
        "profiler_cpu_us": cpu,
        "profiler_cpu_of_raw": cpu / median["raw"],
        "calls": calls,
        "rounds": rounds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    result = asyncio.run(run(args.calls, args.rounds))
    us = result["us_per_call"]
    print(f"{'column':10} {'us/call':>9}")
    for name, value in us.items():
        print(f"{name:10} {value:9.1f}")
    print(
        f"with I/O: profiling adds {result['profiling_overhead_of_raw'] * 100:.1f}% of a raw "
        "asyncpg point select (target <= 3%; as noisy as the round trips)"
    )
    print(
        f"no I/O: the profiler costs {result['profiler_cpu_us']:.1f} us per call = "
        f"{result['profiler_cpu_of_raw'] * 100:.1f}% of this run's raw point select"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
