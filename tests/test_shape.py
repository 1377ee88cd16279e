"""Malformed statements that sqlglot parses leniently are refused as positioned ParseErrors
(not as "internal error"s from a rule that met the malformed tree), found by the bad-input
property tests."""

from __future__ import annotations

import warnings

import pytest

import sqlshift
from sqlshift.errors import ParseError


@pytest.mark.parametrize(
    ("sql", "source", "target", "message", "col"),
    [
        (
            "SELECT STRING_AGG(DISTINCT , ',' ORDER BY name) FROM people",
            "postgres",
            "mysql",
            "DISTINCT without a value",
            30,
        ),
        (
            "UPDATE products SET stock LIMIT -1 ORDER BY price, id = 3",
            "mysql",
            "postgres",
            "UPDATE ... SET takes `column = value` assignments",
            21,
        ),
        (
            "UPDATE products SET stock = 1, price WHERE id = 3",
            "mysql",
            "sqlite",
            "UPDATE ... SET takes `column = value` assignments",
            32,
        ),
        (
            "SELECT _binary X' 00FF'",
            "mysql",
            "postgres",
            "hexadecimal literal",
            16,
        ),
        (
            "CREATE TABLE ai2 (x int, PRIMARY KEY (id))",
            "postgres",
            "sqlite",
            "PRIMARY KEY names column id, which the table does not define",
            39,
        ),
        (
            "INSERT INTO products (id) VALUES (1) ON DUPLICATE KEY UPDATE stock = VALUES( )",
            "mysql",
            "postgres",
            "VALUES() is missing a value",
            62,
        ),
        (
            "INSERT INTO cities (id, name) VALUES (5, 'T') ON CONFLICT DO UPDATE SET name = x,name",
            "sqlite",
            "mysql",
            "the upsert's SET takes `column = value` assignments",
            82,
        ),
        ("SELECT id, ceil() FROM products", "mysql", "postgres", "CEIL() is missing a value", 8),
        (
            "SELECT id FROM orders WHERE status IN id('' 'returned')",
            "mysql",
            "sqlite",
            "IN takes a parenthesised list or subquery",
            29,
        ),
        (
            "CREATE TABLE ix (id int PRIMARY KEY, 2 int); INSERT INTO ix VALUES (1, 2)",
            "postgres",
            "mysql",
            "a column definition starts with the column's name",
            38,
        ),
        (
            "CREATE TABLE t (INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
            "sqlite",
            "postgres",
            "column INTEGER is AUTO_INCREMENT but has no type",
            17,
        ),
        (
            "SELECT ROUND(AVG(price), 6) OVER (ORDER BY id) FROM products",
            "mysql",
            "postgres",
            "OVER (...) follows an aggregate or window function, and ROUND() is neither",
            8,
        ),
        (
            "SELECT id, UPPER(name) OVER w FROM people WINDOW w AS (ORDER BY id)",
            "postgres",
            "sqlite",
            "UPPER() is neither",
            12,
        ),
        (
            "CREATE TABLE ai2 (id int, v int, UNIQUE (w))",
            "mysql",
            "postgres",
            "UNIQUE names column w",
            42,
        ),
    ],
)
def test_malformed_statements_are_positioned_parse_errors(
    sql: str, source: str, target: str, message: str, col: int
) -> None:
    with pytest.raises(ParseError) as caught:
        sqlshift.translate(sql, target, source=source)
    error = caught.value
    assert message in error.reason and "internal error" not in str(error)
    assert (error.line, error.col) == (1, col)
    assert error.snippet.endswith("^")


@pytest.mark.parametrize(
    ("sql", "source", "target"),
    [
        ("SELECT ROUND(AVG(price) OVER (ORDER BY id), 6) FROM products", "mysql", "postgres"),
        ("SELECT ROW_NUMBER() OVER w, RANK() OVER w FROM people WINDOW w AS (ORDER BY id)",
         "postgres", "sqlite"),
        ("SELECT COUNT(*) FILTER (WHERE age > 30) OVER () FROM people", "postgres", "sqlite"),
        ("SELECT my_aggregate(age) OVER () FROM people", "postgres", "postgres"),
    ],
)  # fmt: skip
def test_windows_over_aggregates_and_window_functions_pass_the_shape_check(
    sql: str, source: str, target: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lenient: what other rules report is not tested here
        sqlshift.translate(sql, target, source=source, strict=False)


def test_a_parser_failure_is_a_parse_error_not_an_internal_error() -> None:
    # sqlglot's parser raised AttributeError on this text (DATE_ADD with one argument)
    sql = (
        "SELECT DATE_ADD('2024-01-31'' INTERVAL 1 MONTH), DATE_SUB('2024;03-31', INTERVAL 1 "
        "MONTH), DATE_ADD('2024-08-31,, INTERVAL 1 QUARTER), 00('2024-01-31 10:30:DATE_ADD', "
        "INTERVAL 1 MONTH)"
    )
    with pytest.raises(ParseError, match="DATE_ADD\\(\\) takes a date and an interval") as caught:
        sqlshift.translate(sql, "mysql", source="mysql")
    assert "internal error" not in str(caught.value) and "report" not in str(caught.value)


@pytest.mark.parametrize("source", ["mysql", "sqlite"])
def test_a_primary_key_spelled_unlike_its_column_reaches_sqlite(source: str) -> None:
    sql = "CREATE TABLE ai2 (Id int, v int, PRIMARY KEY (ID)); INSERT INTO ai2 VALUES (1, 2)"
    out = sqlshift.translation(sql, "sqlite", source=source)
    assert "PRIMARY KEY" in out.statements[0] and "(ID)" not in out.statements[0]


def test_well_formed_keys_and_hex_literals_pass() -> None:
    sql = "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a), UNIQUE (b))"
    assert "PRIMARY KEY" in sqlshift.translate(sql, "postgres", source="mysql")
    copied = "CREATE TABLE t (LIKE base INCLUDING ALL, extra INT, PRIMARY KEY (id))"
    assert sqlshift.translate(copied, "postgres", source="postgres") == copied
    assert sqlshift.translate("SELECT X'0F', 0xAB", "postgres", source="mysql") == (
        "SELECT DECODE('0f', 'hex') AS \"X'0F'\", DECODE('ab', 'hex') AS \"0xAB\""
    )


def test_a_construct_the_target_cannot_spell_is_refused_not_an_internal_error() -> None:
    # sqlglot has no spelling of the recursive JSON path `$..` (a generator ValueError)
    sql = """SELECT '{"l": [10]}' -> '$..l'"""
    with pytest.raises(sqlshift.UntranslatableError, match=r"\(JSONPathRecursive\)") as caught:
        sqlshift.translate(sql + "; SELECT 1", "sqlite", source="sqlite")  # a script: regenerated
    assert caught.value.code == "unsupported" and (caught.value.line, caught.value.col) == (1, 8)
    with pytest.raises(sqlshift.SqlshiftError) as detected:
        sqlshift.translate(sql, "sqlite")
    assert "internal error" not in str(detected.value)
    # one statement from SQLite itself: the caller's own text is passed on, not regenerated
    assert sqlshift.translate(sql, "sqlite", source="sqlite") == sql


def test_a_key_on_a_column_without_a_type_is_defined_and_reaches_sqlite() -> None:
    # a SQLite column without a type is a bare identifier in sqlglot's tree
    out = sqlshift.translate("CREATE TABLE t (a, PRIMARY KEY (a)); SELECT 1", "sqlite", "sqlite")
    assert out == "CREATE TABLE t (a PRIMARY KEY);\nSELECT 1"
