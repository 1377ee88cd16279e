"""The executor's cold path: analysing (and fingerprinting) a statement seen for the first time,
against one sqlglot parse of the same text.

Usage: python benchmarks/bench_analysis.py [--rounds R] [--json out.json]

The executor analyses each new statement once (memoised) before it runs: without ``source=``
that is ``translation(sql, dialect, source=dialect)``, which parses, analyses (tables read and
written, determinism) and makes the statement's fingerprint from the tokens it parsed. The first
call of a big statement does this on the event loop, so it must cost about one parse (target:
``cold/parse`` <= 1.5).

Statements of about 100 B, 1 kB, 3.7 kB and 10 kB (a reporting SELECT with joins and
predicates, a multi-row INSERT, an UPDATE with a CASE), in each dialect. Columns (milliseconds,
median over rounds, the columns interleaved within each round):

* ``parse``: ``sqlglot`` tokenize + parse of the text in its dialect (``Dialect.parse``)
* ``cold``: sqlshift's analysis + fingerprint, memo cleared (what the executor does once)
* ``xlate``: the same statement translated to the next dialect, memo cleared (for scale)
* ``cold/parse``: the ratio the target is about
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlglot.dialects import Dialect

from sqlshift.translator.api import clear_cache, translation

DIALECTS = ("mysql", "postgres", "sqlite")
NEXT = {"mysql": "postgres", "postgres": "sqlite", "sqlite": "mysql"}
SIZES = (100, 1000, 3700, 10000)


def select(size: int) -> str:
    head = (
        "SELECT o.id, c.name, SUM(o.total) AS spent FROM orders o "
        "JOIN customers c ON c.id = o.customer_id WHERE o.status = 'paid'"
    )
    tail = " GROUP BY o.id, c.name ORDER BY spent DESC LIMIT 10"
    parts = [head]
    i = 0
    while sum(map(len, parts)) + len(tail) < size - 60:
        parts.append(
            f" AND (o.qty > {i} OR c.city LIKE 'c{i}%' OR o.total BETWEEN {i}.5 AND {i + 9}.25)"
        )
        i += 1
    return "".join(parts) + tail


def insert(size: int) -> str:
    head = "INSERT INTO items (id, name, price, created) VALUES "
    rows: list[str] = []
    i = 0
    while len(head) + sum(len(r) + 2 for r in rows) < size - 50:
        rows.append(f"({i}, 'item {i}', {i}.99, '2024-01-{i % 28 + 1:02d} 10:00:00')")
        i += 1
    return head + ", ".join(rows or ["(1, 'a', 1.5, '2024-01-01 00:00:00')"])


def update(size: int) -> str:
    branches: list[str] = []
    i = 0
    while 60 + sum(len(b) for b in branches) < size - 40:
        branches.append(f" WHEN id = {i} THEN 'v{i}'")
        i += 1
    return f"UPDATE items SET name = CASE{''.join(branches)} ELSE name END WHERE id < {i}"


def timed(call: Callable[[], Any], samples: list[float]) -> None:
    started = time.perf_counter()
    call()
    samples.append((time.perf_counter() - started) * 1000)


def run(rounds: int) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for dialect in DIALECTS:
        parser = Dialect.get_or_raise(dialect)
        for make in (select, insert, update):
            for size in SIZES:
                sql = make(size)
                if make is update and size == 100:
                    continue
                times: dict[str, list[float]] = {"parse": [], "cold": [], "xlate": []}

                def cold(sql: str = sql, dialect: str = dialect) -> None:
                    clear_cache()
                    translation(sql, dialect, source=dialect)

                def xlate(sql: str = sql, dialect: str = dialect) -> None:
                    clear_cache()
                    translation(sql, NEXT[dialect], source=dialect, strict=False)

                def parse(sql: str = sql, parser: Dialect = parser) -> None:
                    parser.parse(sql)

                for _ in range(rounds):
                    timed(parse, times["parse"])
                    timed(cold, times["cold"])
                    timed(xlate, times["xlate"])
                medians = {k: statistics.median(v) for k, v in times.items()}
                row: dict[str, Any] = {"dialect": dialect, "kind": make.__name__}
                row.update(medians, bytes=len(sql))
                row["cold/parse"] = medians["cold"] / medians["parse"]
                results.append(row)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", type=str, default=None)
    args = parser.parse_args()
    gc.collect()
    gc.disable()  # a collection inside one timed call would land on one column
    try:
        results = run(args.rounds)
    finally:
        gc.enable()
    print(
        f"{'dialect':>8} {'kind':>6} {'bytes':>6} {'parse ms':>9} {'cold ms':>8} "
        f"{'xlate ms':>9} {'cold/parse':>10}"
    )
    for r in results:
        print(
            f"{r['dialect']:>8} {r['kind']:>6} {r['bytes']:>6} {r['parse']:>9.2f} "
            f"{r['cold']:>8.2f} {r['xlate']:>9.2f} {r['cold/parse']:>10.2f}"
        )
    ratios = [r["cold/parse"] for r in results]
    print(
        f"cold/parse: median {statistics.median(ratios):.2f}, worst {max(ratios):.2f} "
        f"over {len(ratios)} statements (target <= 1.5)"
    )
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
