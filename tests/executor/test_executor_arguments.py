"""Arguments are types too (issue 15, item 6): MySQL statements run on PostgreSQL with the
arguments an application binds, and return what MariaDB returns for them. PostgreSQL types a
placeholder from its context alone; where the context says nothing (`SELECT %s`, `THEN %s`,
`%s IS NULL`, a recursive CTE's `%s AS depth`) or says something else (a DATE column compared
with a datetime), the executor translates the statement for its arguments' Python types."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from conftest import open_database

from sqlshift import ExecutionError, ParameterError
from sqlshift.executor import Database


@contextlib.asynccontextmanager
async def beside_mariadb(
    target: str, table: str, setup: Callable[[Database], Awaitable[None]]
) -> AsyncIterator[tuple[Database, Database]]:
    """MariaDB running statements natively and ``target`` running their translations (MySQL
    source), each with ``table`` made by ``setup`` and dropped afterwards."""
    mysql = await open_database("mysql")
    other = await open_database(target, source="mysql")
    try:
        for db in (mysql, other):
            await db.execute(f"DROP TABLE IF EXISTS {table}")
            await setup(db)
        yield mysql, other
    finally:
        for db in (mysql, other):
            await db.execute(f"DROP TABLE IF EXISTS {table}")
            await db.close()


TABLE = f"sqlshift_args_{os.getpid()}"
ROWS = [
    (1, "new", dt.date(2024, 1, 1), 5),
    (2, "paid", dt.date(2024, 1, 2), -3),
    (3, "new", dt.date(2024, 1, 3), 7),
    (4, None, None, None),
]

CASES: list[tuple[str, tuple[Any, ...]]] = [
    (f"SELECT %s AS depth, %s AS label, %s AS price FROM {TABLE} WHERE id = 1", (1, "x", 2.5)),
    (
        f"SELECT id, CASE status WHEN %s THEN %s ELSE %s END FROM {TABLE} ORDER BY id",
        ("new", 10, 20),
    ),
    (f"SELECT SUM(CASE WHEN qty > 0 THEN %s ELSE %s END) FROM {TABLE}", (1, 0)),
    (f"SELECT id FROM {TABLE} WHERE (%s IS NULL OR status = %s) ORDER BY id", (None, None)),
    (f"SELECT id FROM {TABLE} WHERE (%s IS NULL OR status = %s) ORDER BY id", ("new", "new")),
    (f"SELECT COALESCE(%s, %s) + %s FROM {TABLE} WHERE id = 1", (None, 2, 0.5)),
    (f"SELECT id FROM {TABLE} WHERE qty >= %s OR qty IN (%s) ORDER BY id", (5.5, -3.0)),
    (f"SELECT id, qty * %s FROM {TABLE} WHERE qty BETWEEN %s AND %s ORDER BY id", (1.1, -3.5, 6)),
    (f"SELECT id FROM {TABLE} WHERE day >= %s ORDER BY id", (dt.datetime(2024, 1, 2, 10),)),
    (f"SELECT id FROM {TABLE} WHERE day < %s ORDER BY id", (dt.datetime(2024, 1, 2, 10),)),
    (
        f"SELECT id FROM {TABLE} WHERE day BETWEEN %s AND %s ORDER BY id",
        (dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 1, 3)),
    ),
    (f"SELECT id FROM {TABLE} WHERE day >= %s ORDER BY id", (dt.date(2024, 1, 2),)),
    # the arguments' types settle what the statement alone leaves open (a float is a DOUBLE,
    # rounded half to even on its binary value; a string read as one; integers divide exactly)
    ("SELECT ROUND(%s, 2), ROUND(%s, 2), ROUND(%s, 1), ROUND(%s)", (1.005, 2.675, 7, 2.5)),
    ("SELECT ROUND(%s, 2), ROUND(%s, 2)", ("1.005", Decimal("1.005"))),
    (f"SELECT id, qty / %s, %s / %s FROM {TABLE} WHERE id < 4 ORDER BY id", (2, 7, 2)),
    # found by exploring bound arguments against MariaDB (PostgreSQL typed each placeholder
    # from its context: an integer truncated -1.5, took no '2', a text took no 1)
    (f"SELECT id, COALESCE(qty, %s), COALESCE(qty, %s) FROM {TABLE} ORDER BY id", (-1.5, "n/a")),
    (
        f"SELECT id, CONCAT(status, %s), IF(qty > %s, %s, %s) FROM {TABLE} ORDER BY id",
        (1, 0, 1, 2.5),
    ),
    (
        f"SELECT id, qty + %s FROM {TABLE} WHERE id = %s OR id IN (%s, %s) ORDER BY id",
        ("3", "1", 2, "3"),
    ),
    ("SELECT %s, %s", (True, False)),
    (
        "WITH RECURSIVE r (n, depth) AS (SELECT 1, %s UNION ALL "
        "SELECT n + 1, depth + %s FROM r WHERE n < 3) SELECT n, depth FROM r ORDER BY n",
        (0, 1),
    ),
]


@pytest.fixture(params=["postgres"])
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Database, Database]]:
    """MariaDB running the statements natively, PostgreSQL running their translations
    (``sqlite``, indirectly, for the cases that hold there too)."""

    async def setup(db: Database) -> None:
        # MySQL DDL, translated on PostgreSQL (its schema re-read)
        await db.execute(
            f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, status VARCHAR(10), day DATE, qty INT)"
        )
        await db.execute_many(f"INSERT INTO {TABLE} VALUES (%s, %s, %s, %s)", ROWS)

    async with beside_mariadb(request.param, TABLE, setup) as both:
        yield both


def _plain(rows: Any) -> list[tuple[Any, ...]]:
    """Rows with numbers compared by value (1 = 1.0 = Decimal('1.00')), booleans apart from
    numbers (MySQL's `SELECT %s` of True is 1, not True)."""
    out = []
    for row in rows:
        values = []
        for value in row:
            if isinstance(value, bool):
                value = ("bool", value)
            elif isinstance(value, float | Decimal) and value == int(value):
                value = int(value)
            elif isinstance(value, float):
                value = Decimal(str(value))
            values.append(value)
        out.append(tuple(values))
    return out


@pytest.mark.parametrize(("sql", "args"), CASES, ids=[f"case{i}" for i in range(len(CASES))])
async def test_postgres_returns_what_mariadb_returns_for_the_same_arguments(
    pair: tuple[Database, Database], sql: str, args: tuple[Any, ...]
) -> None:
    mysql, postgres = pair
    expected = _plain(await mysql.fetch_all(sql, args))
    assert _plain(await postgres.fetch_all(sql, args)) == expected


#: the CASES whose arguments SQLite's translation also runs (it refuses the others: a text
#: compared under MySQL's collation, a string rounded as a DOUBLE)
ON_SQLITE = [
    (f"SELECT id FROM {TABLE} WHERE day >= %s ORDER BY id", (dt.datetime(2024, 1, 3),)),
    *[
        (sql, args)
        for sql, args in CASES
        if "status" not in sql and not any(isinstance(a, str) for a in args)
    ],
]


@pytest.mark.parametrize("pair", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("sql", "args"), ON_SQLITE, ids=[f"case{i}" for i in range(len(ON_SQLITE))]
)
async def test_sqlite_returns_what_mariadb_returns_for_the_same_arguments(
    pair: tuple[Database, Database], sql: str, args: tuple[Any, ...]
) -> None:
    """As on PostgreSQL; a DATE compared with a ``datetime`` at midnight finds that day (the
    argument is bound as the date's text: SQLite's '2024-01-03 00:00:00' sorted after it)."""
    mysql, sqlite = pair
    expected = _plain(await mysql.fetch_all(sql, args))
    assert _plain(await sqlite.fetch_all(sql, args)) == expected


async def test_one_statement_is_translated_once_per_argument_kinds(
    pair: tuple[Database, Database],
) -> None:
    _, postgres = pair
    sql = f"SELECT %s AS v FROM {TABLE} WHERE id = 1"
    assert [tuple(r) for r in await postgres.fetch_all(sql, (7,))] == [(7,)]
    assert [tuple(r) for r in await postgres.fetch_all(sql, ("seven",))] == [("seven",)]
    assert [tuple(r) for r in await postgres.fetch_all(sql, (8,))] == [(8,)]
    memo = postgres._pipeline.statements.typed_memo
    assert sorted(kinds for text, kinds in memo if text == sql) == [
        ((0, "int"),),
        ((0, "text"),),
    ]


async def test_execute_many_translates_for_its_argument_kinds(
    pair: tuple[Database, Database],
) -> None:
    """An executemany whose argument sets share their kinds is translated for them (a DATE
    column compared with datetimes: MySQL's rule); the table states must agree."""
    update = f"UPDATE {TABLE} SET qty = COALESCE(qty, 0) + 1 WHERE day >= %s"
    sets = [(dt.datetime(2024, 1, 2, 10),), (dt.datetime(2024, 1, 3, 0),)]
    for db in pair:
        await db.execute_many(update, sets)
    mysql, postgres = pair
    check = f"SELECT id, qty FROM {TABLE} ORDER BY id"
    assert _plain(await postgres.fetch_all(check)) == _plain(await mysql.fetch_all(check))


async def test_execute_many_refused_without_kinds_runs_with_them(
    pair: tuple[Database, Database],
) -> None:
    """`%s / %s` is refused without its arguments' kinds (integers divide exactly in MySQL);
    an executemany whose sets share their kinds is translated for them."""
    update = f"UPDATE {TABLE} SET qty = %s / %s WHERE id = %s"
    sets = [(7, 2, 1), (9, 4, 2), (-5, 2, 3)]
    for db in pair:
        await db.execute_many(update, sets)
    mysql, postgres = pair
    check = f"SELECT id, qty FROM {TABLE} ORDER BY id"
    assert _plain(await postgres.fetch_all(check)) == _plain(await mysql.fetch_all(check))


async def test_assumptions_are_logged_for_the_translation_that_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The translation without argument kinds is a step, not what runs: only the one for the
    arguments given logs what it assumed (an int argument is no text; a str one may be)."""
    from sqlshift.executor.backends.fake import FakeBackend

    async with Database(FakeBackend("postgres"), source="mysql", introspect=False) as db:
        sql = "SELECT id FROM t WHERE name = %s"
        with caplog.at_level("WARNING", logger="sqlshift.translate"):
            await db.fetch_all(sql, (3,))
            await db.fetch_all(sql, (4,))
            assert "collation-unknown-type" not in caplog.text
            await db.fetch_all(sql, ("x",))
            await db.fetch_all(sql, ("y",))
        assert caplog.text.count("collation-unknown-type") == 1


# ------------------------------------------------ date strings, converted as they are bound

DATES = f"sqlshift_args_dates_{os.getpid()}"

#: strings MySQL reads as the same day (or day and time) in its relaxed spellings
SPELLINGS = ["2024-01-05", "2024/1/5", "20240105", "24-1-5", "2024-1-5 3:04:05", "2024.01.06"]

#: (statement, arguments): comparisons of the strings with a DATE and a DATETIME column
COMPARED: list[tuple[str, tuple[Any, ...]]] = [
    (f"SELECT id FROM {DATES} WHERE d = %s ORDER BY id", ("2024/1/5",)),
    (f"SELECT id FROM {DATES} WHERE d >= %s ORDER BY id", ("20240106",)),
    (f"SELECT id FROM {DATES} WHERE d IN (%s, %s) ORDER BY id", ("24-1-6", "2024-01-05")),
    (f"SELECT id FROM {DATES} WHERE %s = d ORDER BY id", ("2024.2.29",)),
    # a DATETIME against a date-only string: its midnight
    (f"SELECT id FROM {DATES} WHERE ts = %s ORDER BY id", ("2024/1/5",)),
    (f"SELECT id FROM {DATES} WHERE ts > %s ORDER BY id", ("2024-01-05",)),
    (
        f"SELECT id FROM {DATES} WHERE ts BETWEEN %s AND %s ORDER BY id",
        ("2024/1/5", "2024/1/5 3:04:05"),
    ),
    (f"SELECT id FROM {DATES} WHERE d = %s ORDER BY id", ("2024-01-05 00:00:00",)),
    # date and datetime objects against the other type: MySQL compares as DATETIMEs
    (f"SELECT id FROM {DATES} WHERE ts = %s ORDER BY id", (dt.date(2024, 1, 5),)),
    (f"SELECT id FROM {DATES} WHERE d = %s ORDER BY id", (dt.datetime(2024, 1, 5),)),
    (f"SELECT id FROM {DATES} WHERE d < %s ORDER BY id", (dt.datetime(2024, 1, 5, 9),)),
]


async def _dated(db: Database) -> None:
    await db.execute(f"CREATE TABLE {DATES} (id INT PRIMARY KEY, d DATE, ts DATETIME)")
    for i, text in enumerate(SPELLINGS):
        await db.execute(f"INSERT INTO {DATES} (id, d, ts) VALUES (%s, %s, %s)", (i, text, text))
    await db.execute(
        f"UPDATE {DATES} SET d = %s, ts = %s WHERE id = %s", ("2024/2/29", "2024/2/29 23:59:58", 5)
    )


@pytest.fixture
async def dated(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Database, Database]]:
    """MariaDB running the statements natively, ``request.param`` running their translations."""
    async with beside_mariadb(request.param, DATES, _dated) as both:
        yield both


@pytest.mark.parametrize("dated", ["postgres", "sqlite"], indirect=True)
async def test_date_strings_are_stored_as_mysql_stores_them(
    dated: tuple[Database, Database],
) -> None:
    """MySQL's relaxed date spellings bound into DATE / DATETIME columns (INSERT, UPDATE):
    PostgreSQL's driver took no string there ('str' object has no attribute 'toordinal'),
    SQLite stored '2024/1/5' as written (then no date function read it)."""
    mysql, other = dated
    check = f"SELECT id, d, ts FROM {DATES} ORDER BY id"
    assert [tuple(r) for r in await other.fetch_all(check)] == [
        tuple(r) for r in await mysql.fetch_all(check)
    ]


@pytest.mark.parametrize("dated", ["postgres", "sqlite"], indirect=True)
@pytest.mark.parametrize(("sql", "args"), COMPARED, ids=[f"case{i}" for i in range(len(COMPARED))])
async def test_date_strings_compare_as_mysql_compares_them(
    dated: tuple[Database, Database], sql: str, args: tuple[Any, ...]
) -> None:
    mysql, other = dated
    expected = [tuple(r) for r in await mysql.fetch_all(sql, args)]
    assert expected, "a comparison that finds nothing proves little"
    assert [tuple(r) for r in await other.fetch_all(sql, args)] == expected


async def test_a_date_compared_with_a_time_of_day_is_refused_by_postgres_not_truncated() -> None:
    """MySQL compares a DATE with '2024-01-05 10:00' as DATETIMEs (no row equal); a ``date``
    bound on PostgreSQL would drop the time and find the day: the string is left to the
    driver, which refuses it, rather than return another row."""
    async with beside_mariadb("postgres", DATES, _dated) as (mysql, postgres):
        sql = f"SELECT id FROM {DATES} WHERE d = %s"
        assert list(await mysql.fetch_all(sql, ("2024-01-05 10:00",))) == []
        with pytest.raises(ExecutionError, match="query argument"):
            await postgres.fetch_all(sql, ("2024-01-05 10:00",))


# ------------------------------------------------------------ JSON paths bound as arguments

DOCS = f"sqlshift_args_docs_{os.getpid()}"
DOC_ROWS = [
    (1, '{"source": "web", "n": 5, "tags": ["a", "B"], "a b": 1}'),
    (2, '{"source": "Mail", "n": "12abc", "tags": ["c"]}'),
    (3, '{"n": null, "tags": []}'),
]

#: (statement, arguments): SQLAlchemy binds a JSON path ('$."source"') like any other value
PATHS: list[tuple[str, tuple[Any, ...]]] = [
    (f"SELECT id, JSON_UNQUOTE(JSON_EXTRACT(doc, %s)) FROM {DOCS} ORDER BY id", ('$."source"',)),
    (f"SELECT id, JSON_EXTRACT(doc, %s) FROM {DOCS} ORDER BY id", ("$.tags[1]",)),
    (f"SELECT id FROM {DOCS} WHERE JSON_EXTRACT(doc, %s) > %s ORDER BY id", ("$.n", 4)),
    (f"SELECT id, JSON_EXTRACT(doc, %s) + 1 FROM {DOCS} ORDER BY id", ('$."a b"',)),
    (
        f"SELECT id FROM {DOCS} WHERE JSON_UNQUOTE(JSON_EXTRACT(doc, %s)) = %s ORDER BY id",
        ("$.tags[0]", "c"),
    ),
]


@pytest.fixture
async def documents(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Database, Database]]:
    async def setup(db: Database) -> None:
        await db.execute(f"CREATE TABLE {DOCS} (id INT PRIMARY KEY, doc JSON)")
        await db.execute_many(f"INSERT INTO {DOCS} (id, doc) VALUES (%s, %s)", DOC_ROWS)

    async with beside_mariadb(request.param, DOCS, setup) as both:
        yield both


@pytest.mark.parametrize("documents", ["postgres", "sqlite"], indirect=True)
@pytest.mark.parametrize(("sql", "args"), PATHS, ids=[f"case{i}" for i in range(len(PATHS))])
async def test_a_json_path_argument_is_converted_to_the_targets_path(
    documents: tuple[Database, Database], sql: str, args: tuple[Any, ...]
) -> None:
    """Refused before (`json-path`: only a literal path was read); now PostgreSQL gets the
    text array `#>` takes and SQLite its path text, as the argument is bound."""
    mysql, other = documents
    expected = [tuple(r) for r in await mysql.fetch_all(sql, args)]
    assert any(value is not None for row in expected for value in row[1:]) or len(expected) < 3
    assert [tuple(r) for r in await other.fetch_all(sql, args)] == expected


@pytest.mark.parametrize("documents", ["postgres", "sqlite"], indirect=True)
async def test_a_json_path_argument_with_a_wildcard_fails_clearly(
    documents: tuple[Database, Database],
) -> None:
    _, other = documents
    with pytest.raises(ParameterError, match=r"JSON path argument '\$.tags\[\*\]'"):
        await other.fetch_all(f"SELECT JSON_EXTRACT(doc, %s) FROM {DOCS}", ("$.tags[*]",))
