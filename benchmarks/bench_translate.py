"""Translation speed: sqlglot.transpile vs sqlshift cold (cache cleared) vs sqlshift warm (memoised).

Usage: python benchmarks/bench_translate.py [--repeat N] [--json out.json] [--verbose]

For each of the six directions between MySQL, PostgreSQL and SQLite, every statement of the
source dialect's workload is timed in the same run, interleaved round by round:

* ``sqlglot``: ``sqlglot.transpile(sql, read=source, write=target)``
* ``cold``: ``sqlshift.translation(...)`` right after ``clear_cache()`` (parse, rules, checks)
* ``warm``: the same call again, answered from sqlshift's memo cache

Times are per statement, the median over rounds, in microseconds; a direction reports the
median over its statements. Statements sqlshift refuses are counted and left out of every
column. sqlshift gets the workload's schema (column types), as a real caller would; --schema
chooses how (a plain mapping, a prebuilt Schema, or none).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import sqlglot

import sqlshift
from sqlshift.translator.api import clear_cache
from sqlshift.translator.schema import as_schema

DIALECTS = ("mysql", "postgres", "sqlite")

#: column types of the tables the workload uses (MySQL spellings, as sqlshift's schema expects)
SCHEMA: dict[str, dict[str, str]] = {
    "customers": {
        "id": "INT",
        "name": "VARCHAR(100)",
        "email": "VARCHAR(200)",
        "city": "VARCHAR(100)",
        "country": "VARCHAR(2)",
        "created_at": "DATETIME",
        "active": "INT",
    },
    "orders": {
        "id": "INT",
        "customer_id": "INT",
        "status": "VARCHAR(20)",
        "total": "DECIMAL(10, 2)",
        "placed_at": "DATETIME",
    },
    "order_items": {
        "id": "INT",
        "order_id": "INT",
        "product_id": "INT",
        "quantity": "INT",
        "unit_price": "DECIMAL(10, 2)",
    },
    "products": {
        "id": "INT",
        "sku": "VARCHAR(32)",
        "name": "VARCHAR(200)",
        "category": "VARCHAR(50)",
        "price": "DECIMAL(10, 2)",
        "stock": "INT",
    },
}

# Statements that read the same in all three dialects.
_PORTABLE = [
    # short selects
    "SELECT id, name FROM customers WHERE id = 42",
    "SELECT * FROM products WHERE category = 'books' ORDER BY price DESC LIMIT 10",
    "SELECT COUNT(*) FROM orders WHERE status = 'shipped'",
    "SELECT DISTINCT country FROM customers ORDER BY country",
    "SELECT id, total FROM orders WHERE total BETWEEN 10 AND 100 ORDER BY id",
    "SELECT id FROM customers WHERE email IS NULL OR city IS NULL",
    "SELECT name FROM products WHERE id IN (1, 2, 3, 5, 8, 13)",
    "SELECT name FROM customers WHERE name LIKE 'A%' ORDER BY id LIMIT 5",
    "SELECT id, CASE WHEN stock = 0 THEN 'out' WHEN stock < 10 THEN 'low' ELSE 'ok' END AS level FROM products",
    "SELECT MIN(price), MAX(price), AVG(price) FROM products WHERE category = 'games'",
    # joins with aggregates
    "SELECT c.id, c.name, COUNT(o.id) AS n FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name",
    "SELECT o.id, SUM(i.quantity * i.unit_price) AS amount FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.id HAVING SUM(i.quantity) > 3",
    "SELECT p.category, COUNT(DISTINCT o.customer_id) AS buyers FROM products p JOIN order_items i ON i.product_id = p.id JOIN orders o ON o.id = i.order_id GROUP BY p.category ORDER BY buyers DESC",
    "SELECT c.country, SUM(o.total) AS revenue FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.status <> 'cancelled' GROUP BY c.country",
    "SELECT p.name, SUM(i.quantity) AS sold FROM products p LEFT JOIN order_items i ON i.product_id = p.id GROUP BY p.id, p.name ORDER BY sold DESC LIMIT 20",
    # CTE
    "WITH big AS (SELECT customer_id, SUM(total) AS spent FROM orders GROUP BY customer_id HAVING SUM(total) > 1000) SELECT c.name, b.spent FROM big b JOIN customers c ON c.id = b.customer_id ORDER BY b.spent DESC",
    "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 10) SELECT k FROM n",
    # subqueries
    "SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'open')",
    "SELECT id FROM products WHERE id NOT IN (SELECT product_id FROM order_items)",
    "SELECT id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines FROM orders o",
    "SELECT id, customer_id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY placed_at) AS nth FROM orders",
    # writes
    "INSERT INTO customers (id, name, email, city, country, active) VALUES (1001, 'Zoe', 'zoe@example.com', 'Oslo', 'NO', 1)",
    "INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES (1, 2, 3, 9.99), (1, 5, 1, 24.50), (2, 2, 7, 9.99)",
    "UPDATE products SET stock = stock - 1 WHERE id = 7 AND stock > 0",
    "DELETE FROM orders WHERE status = 'cancelled' AND customer_id = 12",
]

# A 40-line reporting query, per dialect (identifier quoting and string functions differ).
_LONG = """WITH monthly AS (
  SELECT
    o.customer_id,
    {month} AS month,
    COUNT(*) AS orders,
    SUM(o.total) AS revenue
  FROM orders o
  WHERE o.status IN ('paid', 'shipped', 'delivered')
  GROUP BY o.customer_id, {month}
),
ranked AS (
  SELECT
    m.customer_id,
    m.month,
    m.orders,
    m.revenue,
    RANK() OVER (PARTITION BY m.month ORDER BY m.revenue DESC) AS rnk
  FROM monthly m
)
SELECT
  r.month,
  r.rnk,
  c.id AS customer_id,
  {label} AS label,
  c.country,
  r.orders,
  r.revenue,
  CASE
    WHEN r.revenue >= 10000 THEN 'platinum'
    WHEN r.revenue >= 1000 THEN 'gold'
    WHEN r.revenue >= 100 THEN 'silver'
    ELSE 'bronze'
  END AS tier
FROM ranked r
JOIN customers c ON c.id = r.customer_id
LEFT JOIN (
  SELECT customer_id, MAX(placed_at) AS last_order FROM orders GROUP BY customer_id
) l ON l.customer_id = c.id
WHERE r.rnk <= 10
  AND c.active = 1
ORDER BY r.month, r.rnk, c.id"""

_SPECIFIC: dict[str, list[str]] = {
    "mysql": [
        "SELECT `id`, `name` FROM `customers` WHERE `country` = 'DE' LIMIT 20, 10",
        "SELECT CONCAT(name, ' <', email, '>') AS contact FROM customers WHERE id = 1",
        "SELECT id, IFNULL(city, 'unknown') AS city FROM customers ORDER BY id LIMIT 50",
        "SELECT DATE_FORMAT(placed_at, '%Y-%m') AS month, COUNT(*) FROM orders GROUP BY DATE_FORMAT(placed_at, '%Y-%m')",
        "SELECT id, total / 3 AS third FROM orders WHERE id < 100",
        _LONG.format(
            month="DATE_FORMAT(o.placed_at, '%Y-%m')", label="CONCAT(c.name, ' (', c.country, ')')"
        ),
    ],
    "postgres": [
        'SELECT "id", "name" FROM "customers" WHERE "country" = \'DE\' LIMIT 10 OFFSET 20',
        "SELECT name || ' <' || email || '>' AS contact FROM customers WHERE id = 1",
        "SELECT id, COALESCE(city, 'unknown') AS city FROM customers ORDER BY id NULLS FIRST LIMIT 50",
        "SELECT id, total::numeric(12, 2) AS total FROM orders WHERE placed_at >= NOW() - INTERVAL '30 days'",
        "SELECT name FROM customers WHERE name ILIKE 'a%'",
        _LONG.format(
            month="TO_CHAR(o.placed_at, 'YYYY-MM')", label="c.name || ' (' || c.country || ')'"
        ),
    ],
    "sqlite": [
        'SELECT "id", "name" FROM "customers" WHERE "country" = \'DE\' LIMIT 10 OFFSET 20',
        "SELECT name || ' <' || email || '>' AS contact FROM customers WHERE id = 1",
        "SELECT id, IFNULL(city, 'unknown') AS city FROM customers ORDER BY id LIMIT 50",
        "SELECT strftime('%Y-%m', placed_at) AS month, COUNT(*) FROM orders GROUP BY 1",
        "SELECT id, total / 3 AS third FROM orders WHERE id < 100",
        _LONG.format(
            month="strftime('%Y-%m', o.placed_at)", label="c.name || ' (' || c.country || ')'"
        ),
    ],
}

WORKLOADS: dict[str, list[str]] = {d: _PORTABLE + _SPECIFIC[d] for d in DIALECTS}


@dataclass(slots=True)
class StatementResult:
    sql: str
    sqlglot_us: float | None = None  # None: sqlglot itself raised
    cold_us: float | None = None  # None: refused by sqlshift
    warm_us: float | None = None
    refused: str | None = None  # the error code (or class) when sqlshift refused

    @property
    def accepted(self) -> bool:
        return self.refused is None and self.sqlglot_us is not None


@dataclass(slots=True)
class DirectionResult:
    source: str
    target: str
    statements: list[StatementResult] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        ok = [s for s in self.statements if s.accepted]

        def med(values: list[float]) -> float | None:
            return statistics.median(values) if values else None

        sqlglot_us = [s.sqlglot_us for s in ok if s.sqlglot_us is not None]
        cold_us = [s.cold_us for s in ok if s.cold_us is not None]
        warm_us = [s.warm_us for s in ok if s.warm_us is not None]
        cold_ratio = [
            s.cold_us / s.sqlglot_us for s in ok if s.cold_us is not None and s.sqlglot_us
        ]
        warm_ratio = [
            s.warm_us / s.sqlglot_us for s in ok if s.warm_us is not None and s.sqlglot_us
        ]
        codes: dict[str, int] = {}
        for s in self.statements:
            if s.refused is not None:
                codes[s.refused] = codes.get(s.refused, 0) + 1
        return {
            "source": self.source,
            "target": self.target,
            "statements": len(self.statements),
            "timed": len(ok),
            "refused": sum(1 for s in self.statements if s.refused is not None),
            "refused_codes": codes,
            "sqlglot_errors": sum(1 for s in self.statements if s.sqlglot_us is None),
            "median_us": {"sqlglot": med(sqlglot_us), "cold": med(cold_us), "warm": med(warm_us)},
            "median_ratio": {
                "cold_vs_sqlglot": med(cold_ratio),
                "warm_vs_sqlglot": med(warm_ratio),
            },
        }


def _time_once(fn: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - start


def _time_batch(fn: Callable[[], object], max_calls: int, budget_ns: int = 2_000_000) -> float:
    """Mean time per call over up to ``max_calls`` calls, stopping once ``budget_ns`` is spent."""
    calls = 0
    start = now = time.perf_counter_ns()
    while calls < max_calls and now - start < budget_ns:
        fn()
        calls += 1
        now = time.perf_counter_ns()
    return (now - start) / calls


def _refusal_code(error: Exception) -> str:
    code = getattr(error, "code", None)
    return code if isinstance(code, str) else type(error).__name__


def bench_direction(
    source: str,
    target: str,
    statements: list[str],
    *,
    repeat: int,
    warm_calls: int,
    schema: Mapping[str, Mapping[str, str]] | sqlshift.Schema | None,
) -> DirectionResult:
    result = DirectionResult(source, target, [StatementResult(sql) for sql in statements])
    samples: dict[str, list[list[float]]] = {
        k: [[] for _ in statements] for k in ("sqlglot", "cold", "warm")
    }

    for item in result.statements:  # find refusals and sqlglot failures once
        try:
            sqlglot.transpile(item.sql, read=source, write=target)
        except Exception:
            item.sqlglot_us = None
        else:
            item.sqlglot_us = 0.0  # replaced by the measured median below
        try:
            sqlshift.translation(item.sql, target, source, schema=schema)
        except sqlshift.SqlshiftError as error:
            item.refused = _refusal_code(error)

    gc_was_enabled = gc.isenabled()
    gc.disable()  # a collection inside one timing would dominate it
    try:
        for _ in range(repeat):
            for i, item in enumerate(result.statements):
                if item.sqlglot_us is not None:
                    transpile = functools.partial(
                        sqlglot.transpile, item.sql, read=source, write=target
                    )
                    samples["sqlglot"][i].append(_time_once(transpile))
                if item.refused is not None:
                    continue
                call = functools.partial(
                    sqlshift.translation, item.sql, target, source, schema=schema
                )
                clear_cache()
                samples["cold"][i].append(_time_once(call))
                call()  # make sure it is memoised
                samples["warm"][i].append(_time_batch(call, warm_calls))
            gc.collect()
    finally:
        if gc_was_enabled:
            gc.enable()

    for i, item in enumerate(result.statements):
        if samples["sqlglot"][i]:
            item.sqlglot_us = statistics.median(samples["sqlglot"][i]) / 1000
        if samples["cold"][i]:
            item.cold_us = statistics.median(samples["cold"][i]) / 1000
            item.warm_us = statistics.median(samples["warm"][i]) / 1000
    return result


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def render(summaries: list[dict[str, Any]]) -> str:
    header = (
        "direction",
        "stmts",
        "refused",
        "sqlglot µs",
        "cold µs",
        "warm µs",
        "cold/sqlglot",
        "warm/sqlglot",
    )
    rows = [
        (
            f"{s['source']} -> {s['target']}",
            str(s["timed"]),
            str(s["refused"]),
            _fmt(s["median_us"]["sqlglot"], ".1f"),
            _fmt(s["median_us"]["cold"], ".1f"),
            _fmt(s["median_us"]["warm"], ".2f"),
            _fmt(s["median_ratio"]["cold_vs_sqlglot"], ".2f") + "x",
            _fmt(s["median_ratio"]["warm_vs_sqlglot"], ".4f") + "x",
        )
        for s in summaries
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest])

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def render_statements(result: DirectionResult) -> str:
    lines = [f"{result.source} -> {result.target}"]
    for s in result.statements:
        text = " ".join(s.sql.split())
        text = text if len(text) <= 60 else text[:57] + "..."
        if s.refused is not None:
            timing = f"refused [{s.refused}]"
        else:
            timing = (
                f"sqlglot {_fmt(s.sqlglot_us, '8.1f')}  cold {_fmt(s.cold_us, '8.1f')}"
                f"  warm {_fmt(s.warm_us, '6.2f')}"
            )
        lines.append(f"  {timing:<52} {text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7, help="rounds per statement (default 7)")
    parser.add_argument(
        "--warm-calls",
        type=int,
        default=200,
        help="at most this many calls (within 2 ms) per warm timing (default 200)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--verbose", action="store_true", help="print every statement's timings")
    parser.add_argument(
        "--schema",
        choices=("mapping", "object", "none"),
        default="mapping",
        help="pass the column types as a plain mapping (default, as callers do), as a prebuilt "
        "Schema object, or not at all (more refusals)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warm_calls < 1:
        parser.error("--repeat and --warm-calls must be at least 1")

    schema: Any = {"mapping": SCHEMA, "object": as_schema(SCHEMA), "none": None}[args.schema]
    results = []
    for source in DIALECTS:
        for target in DIALECTS:
            if source != target:
                results.append(
                    bench_direction(
                        source,
                        target,
                        WORKLOADS[source],
                        repeat=args.repeat,
                        warm_calls=args.warm_calls,
                        schema=schema,
                    )
                )
    summaries = [r.summary() for r in results]
    versions = {
        "python": platform.python_version(),
        "sqlglot": version("sqlglot"),
        "sqlshift": getattr(sqlshift, "__version__", "unknown"),
    }
    print(
        f"sqlshift {versions['sqlshift']}, sqlglot {versions['sqlglot']}, "
        f"Python {versions['python']}; median of {args.repeat} rounds per statement, "
        f"then median over statements; schema: {args.schema}"
    )
    print(render(summaries))
    if args.verbose:
        for r in results:
            print()
            print(render_statements(r))
    if args.json is not None:
        payload = {
            **versions,
            "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "platform": platform.platform(),
            "repeat": args.repeat,
            "warm_calls": args.warm_calls,
            "schema": args.schema,
            "directions": summaries,
            "statements": [
                {"source": r.source, "target": r.target, **asdict(s)}
                for r in results
                for s in r.statements
            ],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
