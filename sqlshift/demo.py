"""The demo workload: MySQL statements translated to SQLite and run on an in-memory database.

The workload is data (``WORKLOAD``); running it (``run_demo``) and printing a step
(``render_step``) are separate, so another runner can replay the same statements. After the
translations, ``run_demo`` replays the workload through the caching executor
(``connect("sqlite:///:memory:", source="mysql", cache=True)``): each query twice (the second
answer comes from the cache), then a write and a query again (invalidated, so fresh), and
prints the cache's statistics.
"""

from __future__ import annotations

import asyncio
import importlib.util
import numbers
import sqlite3
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from sqlshift import SqlshiftError, TranslationWarning, translation
from sqlshift.executor import CacheStats, connect

__all__ = [
    "SCHEMA",
    "WORKLOAD",
    "DemoReport",
    "ExecutorReport",
    "Step",
    "StepResult",
    "render_step",
    "render_table",
    "run_demo",
    "run_executor_demo",
    "run_sqlite_step",
]

SOURCE = "mysql"
TARGET = "sqlite"


@dataclass(frozen=True, slots=True)
class Step:
    """One statement of the workload, written for MySQL."""

    title: str
    sql: str
    params: tuple[object, ...] = ()
    #: True when strict translation is expected to refuse this statement (shown on purpose)
    refused: bool = False


_SCHEMA = (
    Step(
        "Create the customers table",
        """CREATE TABLE customers (
  id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  city VARCHAR(100),
  joined DATE NOT NULL
)""",
    ),
    Step(
        "Create the orders table",
        """CREATE TABLE orders (
  id INT AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NOT NULL,
  amount DECIMAL(10, 2) NOT NULL,
  quantity INT NOT NULL,
  placed DATE NOT NULL
)""",
    ),
)

_DATA = (
    Step(
        "Add a customer",
        "INSERT INTO customers (name, city, joined) VALUES ('Ada', 'London', '2023-03-14')",
    ),
    Step(
        "Add a customer",
        "INSERT INTO customers (name, city, joined) VALUES ('Linus', 'Helsinki', '2023-07-01')",
    ),
    Step(
        "Add a customer",
        "INSERT INTO customers (name, city, joined) VALUES ('Grace', 'London', '2024-01-20')",
    ),
    Step(
        "Add a customer without a city",
        "INSERT INTO customers (name, city, joined) VALUES ('Edsger', NULL, '2024-05-05')",
    ),
    Step(
        "Add a customer (with a parameter)",
        "INSERT INTO customers (name, city, joined) VALUES (%s, %s, '2024-09-30')",
        ("Barbara", "Boston"),
    ),
    Step(
        "Add an order",
        "INSERT INTO orders (customer_id, amount, quantity, placed) VALUES (1, 120.50, 3, '2024-02-01')",
    ),
    Step(
        "Add an order",
        "INSERT INTO orders (customer_id, amount, quantity, placed) VALUES (1, 35.25, 1, '2024-03-15')",
    ),
    Step(
        "Add an order",
        "INSERT INTO orders (customer_id, amount, quantity, placed) VALUES (2, 12.75, 5, '2024-03-16')",
    ),
    Step(
        "Add an order",
        "INSERT INTO orders (customer_id, amount, quantity, placed) VALUES (3, 250.00, 2, '2024-04-02')",
    ),
    Step(
        "Add an order",
        "INSERT INTO orders (customer_id, amount, quantity, placed) VALUES (3, 8.50, 4, '2024-06-30')",
    ),
    Step(
        "Add two orders at once",
        "INSERT INTO orders (customer_id, amount, quantity, placed) VALUES"
        " (4, 99.00, 1, '2024-07-07'), (2, 61.25, 3, '2024-08-08')",
    ),
    Step(
        "Add an order",
        "INSERT INTO orders (customer_id, amount, quantity, placed) VALUES (5, 15.00, 2, '2024-10-01')",
    ),
)

_QUERIES = (
    Step(
        "Orders and spend per customer (LEFT JOIN, GROUP BY the key, IFNULL)",
        """SELECT c.name, COUNT(o.id) AS orders, IFNULL(SUM(o.amount), 0) AS spent
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id
GROUP BY c.id
ORDER BY spent DESC, c.id""",
    ),
    Step(
        "The three biggest orders (LIMIT)",
        """SELECT o.id, c.name, o.amount
FROM orders o JOIN customers c ON c.id = o.customer_id
ORDER BY o.amount DESC, o.id
LIMIT 3""",
    ),
    Step(
        "Second page of orders (MySQL's LIMIT offset, count)",
        "SELECT id, amount FROM orders ORDER BY id LIMIT 3, 3",
    ),
    Step(
        "Labels (CONCAT, IFNULL)",
        "SELECT id, CONCAT(name, ' from ', IFNULL(city, 'nowhere')) AS label FROM customers ORDER BY id",
    ),
    Step(
        "Average items per order (integer division is exact in MySQL)",
        "SELECT SUM(quantity) / COUNT(*) AS avg_items, SUM(quantity) DIV COUNT(*) AS whole_items FROM orders",
    ),
    Step(
        "Price per item (a division)",
        "SELECT id, amount, quantity, ROUND(amount / quantity, 2) AS per_item FROM orders ORDER BY id",
    ),
    Step(
        "Cities with more than one customer (MySQL groups 'london' with 'London': refused)",
        """SELECT city, COUNT(*) AS customers
FROM customers
WHERE city IS NOT NULL
GROUP BY city
HAVING COUNT(*) > 1""",
        refused=True,
    ),
    Step(
        "Orders per year (YEAR)",
        "SELECT YEAR(placed) AS year, COUNT(*) AS orders FROM orders GROUP BY YEAR(placed) ORDER BY year",
    ),
    Step(
        "Customers of one city (MySQL ignores case and accents; SQLite cannot: refused)",
        "SELECT id, name FROM customers WHERE city = %s ORDER BY id",
        ("London",),
        refused=True,
    ),
    Step(
        "An upsert (the schema names no keys, so strict mode refuses it)",
        "INSERT INTO customers (id, name, city, joined) VALUES (1, 'Ada', 'Paris', '2023-03-14')"
        " ON DUPLICATE KEY UPDATE city = VALUES(city)",
        refused=True,
    ),
)

#: the whole demo, in the order it runs
WORKLOAD: tuple[Step, ...] = _SCHEMA + _DATA + _QUERIES

#: the column types of the demo's tables, so type-aware rules (e.g. division) can decide;
#: no keys are given, so the upsert at the end has no conflict target and is refused
SCHEMA: dict[str, dict[str, str]] = {
    "customers": {"id": "INT", "name": "VARCHAR(100)", "city": "VARCHAR(100)", "joined": "DATE"},
    "orders": {
        "id": "INT",
        "customer_id": "INT",
        "amount": "DECIMAL(10, 2)",
        "quantity": "INT",
        "placed": "DATE",
    },
}


@dataclass(slots=True)
class StepResult:
    """What happened to one step: its translation and rows, or why it did not run."""

    step: Step
    translated: str | None = None
    columns: tuple[str, ...] = ()
    rows: list[tuple[object, ...]] = field(default_factory=list)
    rowcount: int = -1
    warnings: tuple[str, ...] = ()
    refusal: str | None = None  # the translator's message when it refused
    error: str | None = None  # the engine's message when the translation did not run

    @property
    def failed(self) -> bool:
        """The translation did not run: a translator bug, since a refusal is the honest outcome."""
        return self.error is not None


@dataclass(slots=True)
class ExecutorReport:
    """The workload replayed through the caching executor."""

    queries: int = 0  # queries run (each twice)
    writes: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    #: titles of queries whose rows differ from the sqlite3 run of the same translation
    mismatches: list[str] = field(default_factory=list)
    stats: CacheStats | None = None
    fresh_after_write: bool | None = None  # the query after the write saw the new row


@dataclass(slots=True)
class DemoReport:
    """The results of a whole run; ``ok`` when every translated statement ran (through both
    sqlite3 and the executor, with the same rows)."""

    results: list[StepResult]
    executor: ExecutorReport | None = None

    @property
    def unexpected(self) -> list[int]:
        """Step numbers (from 1) whose outcome is not the one the workload expects: a failure,
        a refusal of a step meant to run, or a translation of a step meant to be refused."""
        return [
            number
            for number, r in enumerate(self.results, 1)
            if r.failed or (r.refusal is not None) != r.step.refused
        ]

    @property
    def ok(self) -> bool:
        if self.unexpected:
            return False
        executor = self.executor
        return executor is None or not (
            executor.errors or executor.mismatches or executor.fresh_after_write is False
        )


def run_sqlite_step(
    conn: sqlite3.Connection, step: Step, schema: Mapping[str, Mapping[str, str]] | None = None
) -> StepResult:
    """Translate one MySQL step to SQLite and run it on ``conn``; never raises for SQL errors."""
    result = StepResult(step)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TranslationWarning)
            tr = translation(step.sql, TARGET, SOURCE, schema=schema, paramstyle="qmark")
    except SqlshiftError as exc:
        result.refusal = str(exc)
        return result
    result.translated = tr.sql
    result.warnings = tr.warnings
    try:
        cursor = conn.execute(tr.sql, tr.params.apply(step.params))
        if cursor.description is not None:
            result.columns = tuple(d[0] for d in cursor.description)
            result.rows = [tuple(row) for row in cursor.fetchall()]
        result.rowcount = cursor.rowcount
        conn.commit()
    except (sqlite3.Error, SqlshiftError) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    return result


StepRunner = Callable[
    [sqlite3.Connection, Step, Mapping[str, Mapping[str, str]] | None], StepResult
]


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _format_value(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def render_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """An aligned text table; numbers are right-aligned, NULL is spelled out."""
    raw = [list(row) for row in rows]
    cells = [[_format_value(v) for v in row] for row in raw]
    right = [
        bool(raw) and all(_is_number(r[i]) or r[i] is None for r in raw)
        for i in range(len(columns))
    ]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(columns)), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def _indent(text: str, prefix: str) -> str:
    lines = text.splitlines() or [""]
    pad = " " * len(prefix)
    return "\n".join((prefix if i == 0 else pad) + ln for i, ln in enumerate(lines))


def render_step(number: int, result: StepResult, out: TextIO, *, target: str = TARGET) -> None:
    """Print one step: the MySQL source, its translation and its rows (or why it did not run)."""
    step = result.step
    width = max(len(SOURCE), len(target)) + 2
    print(f"-- {number}. {step.title}", file=out)
    print(_indent(step.sql, f"{SOURCE}:".ljust(width)), file=out)
    if step.params:
        print(f"{'params:'.ljust(width)}{step.params!r}", file=out)
    if result.refusal is not None:
        tag = "refused (as expected)" if step.refused else "refused"
        print(f"{tag}: {result.refusal}", file=out)
    elif result.translated is not None:
        print(_indent(result.translated, f"{target}:".ljust(width)), file=out)
    for warning in result.warnings:
        print(f"warning: {warning}", file=out)
    if result.error is not None:
        print(f"error: {result.error}", file=out)
    elif result.columns:
        print(_indent(render_table(result.columns, result.rows), "    "), file=out)
        count = len(result.rows)
        print(f"    ({count} row{'' if count == 1 else 's'})", file=out)
    elif result.translated is not None:
        affected = f", {result.rowcount} row{'' if result.rowcount == 1 else 's'} affected"
        print(f"    ok{affected if result.rowcount >= 0 else ''}", file=out)
    if step.refused and result.refusal is None and result.error is None:
        print("note: this step was expected to be refused, but it translated", file=out)
    print(file=out)


def _same(a: Sequence[Sequence[object]], b: Sequence[Sequence[object]]) -> bool:
    # The executor gives Decimal for DECIMAL columns where sqlite3 gives floats: compare values.
    return len(a) == len(b) and all(
        len(x) == len(y) and all(u == v for u, v in zip(x, y, strict=True))
        for x, y in zip(a, b, strict=True)
    )


#: a write replayed after the queries, and the query that must then see it
_EXTRA_ORDER = Step(
    "Add an order (after the queries: invalidates what read the orders table)",
    "INSERT INTO orders (customer_id, amount, quantity, placed) VALUES (%s, 5.00, 1, %s)",
    (2, "2024-12-24"),
)
_COUNT_ORDERS = "SELECT COUNT(*) AS orders FROM orders"


async def run_executor_demo(
    out: TextIO,
    *,
    steps: Sequence[Step] = WORKLOAD,
    schema: Mapping[str, Mapping[str, str]] | None = SCHEMA,
    expected: Mapping[str, list[tuple[object, ...]]] | None = None,
) -> ExecutorReport:
    """Replay ``steps`` through ``connect("sqlite:///:memory:", source="mysql", cache=True)``:
    writes once, queries twice (the second from the cache), then one more write and a query
    that must see it. ``expected`` maps a query's SQL to the rows sqlite3 gave it."""
    report = ExecutorReport()
    db = connect("sqlite:///:memory:", source=SOURCE, cache=True, schema=schema)
    async with db:
        reads: list[Step] = []
        for step in steps:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", TranslationWarning)
                    info = translation(step.sql, TARGET, SOURCE, schema=schema).info
            except SqlshiftError:
                report.refused += 1
                continue
            if info.read_only:
                reads.append(step)
                continue
            try:
                await db.execute(step.sql, step.params or None)
                report.writes += 1
            except SqlshiftError as exc:
                report.errors.append(f"{step.title}: {exc}")
        for step in reads:
            try:
                first = await db.fetch_all(step.sql, step.params or None)
                again = await db.fetch_all(step.sql, step.params or None)
            except SqlshiftError as exc:
                report.errors.append(f"{step.title}: {exc}")
                continue
            report.queries += 1
            rows = [tuple(r) for r in first]
            if [tuple(r) for r in again] != rows:
                report.mismatches.append(f"{step.title} (second run)")
            known = expected.get(step.sql) if expected is not None else None
            if known is not None and not _same(rows, known):
                report.mismatches.append(step.title)
        cache = db.cache
        assert cache is not None
        if steps is not WORKLOAD:  # the follow-up write needs the workload's orders table
            report.stats = cache.stats()
            _render_executor(report, before_after=None, out=out)
            return report
        try:
            before = await db.fetch_val(_COUNT_ORDERS)
            await db.execute(_EXTRA_ORDER.sql, _EXTRA_ORDER.params)
            after = await db.fetch_val(_COUNT_ORDERS)
            report.fresh_after_write = before is not None and after == before + 1
        except SqlshiftError as exc:
            report.errors.append(f"{_EXTRA_ORDER.title}: {exc}")
        report.stats = cache.stats()
    _render_executor(report, before_after=report.fresh_after_write, out=out)
    return report


def _render_executor(report: ExecutorReport, *, before_after: bool | None, out: TextIO) -> None:
    stats = report.stats
    print(
        f"\nThe same workload through the caching executor: "
        f'connect("sqlite:///:memory:", source="{SOURCE}", cache=True)',
        file=out,
    )
    print(
        f"  {report.writes} writes ran; {report.queries} queries ran twice, the second time "
        "answered from the cache",
        file=out,
    )
    if report.refused:
        print(f"  {report.refused} statement(s) refused by the translator, as above", file=out)
    if before_after is not None:
        outcome = "saw it" if before_after else "DID NOT see it (stale)"
        print(
            f"  then one more order was added, and the next count of orders {outcome}: the "
            "write invalidated every cached result that read the orders table",
            file=out,
        )
    if report.mismatches:
        print(f"  rows differ from the sqlite3 run: {', '.join(report.mismatches)}", file=out)
    elif report.queries:
        print("  every query returned the same rows as the sqlite3 run above", file=out)
    for error in report.errors:
        print(f"  error: {error}", file=out)
    if stats is not None:
        print(
            f"cache: {stats.hits} hits, {stats.misses} misses (hit rate {stats.hit_rate:.0%}), "
            f"{stats.invalidations} invalidated, {stats.evictions} evicted, "
            f"{stats.entries} entries, {stats.bytes:,} bytes",
            file=out,
        )


def run_demo(
    out: TextIO | None = None,
    *,
    steps: Sequence[Step] = WORKLOAD,
    schema: Mapping[str, Mapping[str, str]] | None = SCHEMA,
    run_step: StepRunner = run_sqlite_step,
    executor: bool = True,
) -> DemoReport:
    """Run ``steps`` on a fresh in-memory SQLite database, printing each one to ``out``; then
    (``executor=True``) replay them through the caching executor and print its statistics."""
    out = sys.stdout if out is None else out
    print(
        f"sqlshift demo: {len(steps)} MySQL statements translated to SQLite (strict mode) "
        "and run on an in-memory database\n",
        file=out,
    )
    report = DemoReport([])
    with sqlite3.connect(":memory:") as conn:
        for number, step in enumerate(steps, 1):
            result = run_step(conn, step, schema)
            report.results.append(result)
            render_step(number, result, out)
    conn.close()
    ran = sum(1 for r in report.results if r.translated is not None and r.error is None)
    refused = sum(1 for r in report.results if r.refusal is not None)
    failed = sum(1 for r in report.results if r.error is not None)
    summary = f"{ran} ran, {refused} refused, {failed} failed"
    if report.unexpected:
        summary += f"; unexpected outcome in step(s) {', '.join(map(str, report.unexpected))}"
    print(summary, file=out)
    if executor and importlib.util.find_spec("aiosqlite") is None:
        print(
            "\n(the executor part of the demo needs the aiosqlite package: "
            "pip install 'sqlshift[sqlite]')",
            file=out,
        )
    elif executor:
        expected = {r.step.sql: r.rows for r in report.results if r.columns}
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            report.executor = asyncio.run(
                run_executor_demo(out, steps=steps, schema=schema, expected=expected)
            )
        else:
            print("(the executor part needs its own event loop: call run_executor_demo)", file=out)
    return report
