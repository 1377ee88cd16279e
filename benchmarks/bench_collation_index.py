"""Do emulated text comparisons keep indexes usable? Translated vs native, same run, same data.

Usage: python benchmarks/bench_collation_index.py [--rows N] [--calls N] [--json out.json]

Each engine gets two tables of ``--rows`` rows (names like 'Name 12345', a tenth with a
trailing space, a tenth upper-cased), each with an index on the text column:

* PostgreSQL, MySQL-source statements. ``translated``: the table made by translating MySQL
  DDL (``KEY (name)``: the plain index plus the companion on the comparison key), queried by
  the translation of MySQL's ``WHERE name = ...``; ``native``: a PostgreSQL table indexed on
  ``name`` and ``name text_pattern_ops``, queried by the same statement written for
  PostgreSQL (case-sensitive: a PostgreSQL user's own query). ``before`` is the
  translation's predicate on a table without the companion index (what sqlshift did before).
* MariaDB/MySQL, PostgreSQL-source statements: one table with ``KEY (name)``; ``translated``
  is the translation of PostgreSQL's byte-wise ``name = ...``, ``before`` the byte-wise
  predicate alone (``CAST(name AS BINARY) = ...``), ``native`` MySQL's own ``name = ...``.

Queries: equality, prefix LIKE, and ORDER BY ... LIMIT 10 (a MySQL-source text ORDER BY is
refused: no target orders like MySQL's collation; the row says so). Each cell is the median
of ``--calls`` calls in milliseconds; ``ratio`` = translated / native (target <= 2). The
``index`` column says whether EXPLAIN of the translated statement names an index.
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

import aiomysql
import asyncpg

import sqlshift
from sqlshift import Schema, UntranslatableError

PG_URL = os.environ.get("SQLSHIFT_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MY = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": "", "db": "test"}
TABLE = "bench_ci"
MYSQL_DDL = (
    f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, KEY k_name (name))"
)
QUERIES = {
    "equality": f"SELECT id FROM {TABLE} WHERE name = 'name 77771'",
    "prefix LIKE": f"SELECT id FROM {TABLE} WHERE name LIKE 'name 7777%'",
    "ORDER BY LIMIT": f"SELECT id, name FROM {TABLE} ORDER BY name LIMIT 10",
}


def _name(i: int) -> str:
    text = f"Name {i}"
    if i % 10 == 3:
        text += " "
    if i % 10 == 7:
        text = text.upper()
    return text


async def _timed(fetch: Callable[[str], Awaitable[Any]], sql: str, calls: int) -> float:
    await fetch(sql)  # warm
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        await fetch(sql)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


async def bench_postgres(rows: int, calls: int) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(PG_URL)
    schema = Schema.from_ddl(MYSQL_DDL, "mysql")
    names = [(i, _name(i)) for i in range(1, rows + 1)]
    results: list[dict[str, Any]] = []
    try:
        for table in (TABLE, f"{TABLE}_native", f"{TABLE}_before"):
            await conn.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in sqlshift.translate(MYSQL_DDL, "postgres", "mysql").split(";\n"):
            await conn.execute(statement)
        await conn.execute(f"CREATE TABLE {TABLE}_native (id INT PRIMARY KEY, name VARCHAR(40))")
        await conn.execute(f"CREATE INDEX ON {TABLE}_native (name)")
        await conn.execute(f"CREATE INDEX ON {TABLE}_native (name text_pattern_ops)")
        await conn.execute(f"CREATE TABLE {TABLE}_before (id INT PRIMARY KEY, name VARCHAR(40))")
        await conn.execute(f"CREATE INDEX ON {TABLE}_before (name)")
        for table in (TABLE, f"{TABLE}_native", f"{TABLE}_before"):
            await conn.copy_records_to_table(table, records=names, columns=["id", "name"])
            await conn.execute(f"ANALYZE {table}")
        for label, query in QUERIES.items():
            native = query.replace(TABLE, f"{TABLE}_native").replace("'name", "'Name")
            try:
                translated = sqlshift.translate(query, "postgres", "mysql", schema=schema)
            except UntranslatableError as error:
                results.append({"engine": "postgres", "query": label, "refused": error.code})
                continue
            before = translated.replace(TABLE, f"{TABLE}_before")
            plan = "\n".join(r[0] for r in await conn.fetch("EXPLAIN " + translated))
            same = sorted(await conn.fetch(translated)) == sorted(await conn.fetch(before))
            results.append(
                {
                    "engine": "postgres",
                    "query": label,
                    "translated": await _timed(conn.fetch, translated, calls),
                    "native": await _timed(conn.fetch, native, calls),
                    "before": await _timed(conn.fetch, before, max(3, calls // 10)),
                    "index": "Index" in plan,
                    "rows": len(await conn.fetch(translated)),
                    "same rows as before": same,
                }
            )
    finally:
        for table in (TABLE, f"{TABLE}_native", f"{TABLE}_before"):
            await conn.execute(f"DROP TABLE IF EXISTS {table}")
        await conn.close()
    return results


async def bench_mysql(rows: int, calls: int) -> list[dict[str, Any]]:
    conn = await aiomysql.connect(autocommit=True, **MY)
    schema = {TABLE: {"id": "INT", "name": "VARCHAR(40)"}}
    results: list[dict[str, Any]] = []

    async def fetch(sql: str) -> list[Any]:
        async with conn.cursor() as cursor:
            await cursor.execute(sql)
            return list(await cursor.fetchall())

    try:
        await fetch(f"DROP TABLE IF EXISTS {TABLE}")
        await fetch(MYSQL_DDL)
        for start in range(0, rows, 5000):
            chunk = [(i, _name(i)) for i in range(start + 1, min(rows, start + 5000) + 1)]
            async with conn.cursor() as cursor:
                await cursor.executemany(f"INSERT INTO {TABLE} VALUES (%s, %s)", chunk)
        await fetch(f"ANALYZE TABLE {TABLE}")
        for label, query in QUERIES.items():
            source = query.replace("'name", "'Name")  # PostgreSQL's own, case-sensitive
            translated = sqlshift.translate(source, "mysql", "postgres", schema=schema)
            before = translated
            if " AND " in translated:  # the byte-wise test alone
                before = translated.split("(", 1)[0] + translated.split(" AND ", 1)[1][:-1]
            plan = await fetch("EXPLAIN " + translated)
            results.append(
                {
                    "engine": "mysql",
                    "query": label,
                    "translated": await _timed(fetch, translated, calls),
                    "native": await _timed(fetch, source, calls),
                    "before": await _timed(fetch, before, max(3, calls // 10)),
                    "index": any(row[5] for row in plan),  # key
                    "rows": len(await fetch(translated)),
                    "same rows as before": sorted(await fetch(translated))
                    == sorted(await fetch(before)),
                }
            )
    finally:
        await fetch(f"DROP TABLE IF EXISTS {TABLE}")
        conn.close()
    return results


def report(results: list[dict[str, Any]]) -> None:
    print(
        f"{'engine':9} {'query':15} {'translated':>10} {'native':>8} {'before':>9} "
        f"{'ratio':>6} {'index':>6} {'rows':>5} same"
    )
    for r in results:
        if "refused" in r:
            print(f"{r['engine']:9} {r['query']:15} refused ({r['refused']})")
            continue
        ratio = r["translated"] / r["native"]
        print(
            f"{r['engine']:9} {r['query']:15} {r['translated']:10.3f} {r['native']:8.3f} "
            f"{r['before']:9.3f} {ratio:6.2f} {r['index']!s:>6} {r['rows']:5} "
            f"{r['same rows as before']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = asyncio.run(bench_postgres(args.rows, args.calls))
    results += asyncio.run(bench_mysql(args.rows, args.calls))
    report(results)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
