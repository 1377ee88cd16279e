"""The runner's own machinery: normalisation, comparison, splitting, classification, and the
engines' undo of writes. If these pass vacuously the corpus proves nothing, so they are tested."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from corpus_harness import (
    compare,
    normalise_value,
    row_sort_key,
    run_on,
    script_kind,
    values_equal,
)
from engines import Engine, Result, split_statements

UTC = datetime.UTC
PLUS_TWO = datetime.timezone(datetime.timedelta(hours=2))


@pytest.mark.parametrize(
    ("want", "got", "source", "target"),
    [
        (Decimal("3.00"), Decimal("3.00"), "mysql", "postgres"),
        (Decimal("15"), 15, "mysql", "postgres"),  # SUM(int): DECIMAL in MySQL, bigint in PG
        (Decimal("19.90"), Decimal("19.9"), "mysql", "sqlite"),  # SQLite keeps no scale
        (Decimal("2.5"), 2.5, "mysql", "sqlite"),  # SQLite computes in REAL
        # SQLite held 5200.20 as a REAL an ulp off: the difference is the storage's
        (Decimal("-0.20"), -0.2000000000007276, "postgres", "sqlite"),
        (0.1 + 0.2, 0.30000000000000004, "postgres", "mysql"),
        (1.0000000000000002, 1.0, "postgres", "mysql"),  # a last-place difference
        (True, True, "postgres", "sqlite"),
        (True, 1, "postgres", "mysql"),  # MySQL has no boolean expressions
        (datetime.date(2024, 1, 5), datetime.date(2024, 1, 5), "mysql", "postgres"),
        (datetime.date(2024, 1, 5), "2024-01-05", "mysql", "sqlite"),  # SQLite computes text
        ("2024-01-05 09:15:00", datetime.datetime(2024, 1, 5, 9, 15), "sqlite", "postgres"),
        (
            datetime.datetime(2024, 1, 5, 9, 15, tzinfo=UTC),
            datetime.datetime(2024, 1, 5, 11, 15, tzinfo=PLUS_TWO),
            "postgres",
            "postgres",
        ),
        (memoryview(b"ab"), b"ab", "postgres", "mysql"),
        (None, None, "mysql", "postgres"),
        (float("nan"), float("nan"), "postgres", "mysql"),
    ],
)
def test_values_that_compare_equal(want: object, got: object, source: str, target: str) -> None:
    assert values_equal(normalise_value(want), normalise_value(got), source, target)


@pytest.mark.parametrize(
    ("want", "got", "source", "target"),
    [
        (Decimal("10000000.00"), Decimal("10000000.01"), "mysql", "postgres"),  # a cent
        (Decimal("12345678901.00"), Decimal("12345678901.50"), "mysql", "postgres"),
        (Decimal("3"), 3.0000000001, "mysql", "sqlite"),
        (Decimal("-0.20"), -0.20000000002, "postgres", "sqlite"),  # beyond any REAL storage
        (3.0, 3.0000000001, "postgres", "mysql"),
        (Decimal("3.5000"), Decimal("3.5"), "mysql", "postgres"),  # the scale a user sees
        (Decimal("8.5"), 8.5, "mysql", "postgres"),  # an exact number became a float
        (8.5, Decimal("8.5"), "postgres", "mysql"),
        (1, True, "mysql", "postgres"),  # an integer became a boolean
        (True, Decimal("1.00"), "postgres", "mysql"),
        (True, 1, "postgres", "postgres"),
        (3, Decimal("3.5"), "mysql", "postgres"),
        ("bob", "Bob", "mysql", "postgres"),
        ("1", 1, "mysql", "postgres"),
        (None, 0, "mysql", "postgres"),
        (None, "", "mysql", "postgres"),
        ("", b"", "mysql", "postgres"),
        (datetime.datetime(2024, 1, 5, 9, 15), "2024-01-05 09:15:00", "mysql", "postgres"),
        (datetime.date(2024, 1, 5), "2024-01-05 00:00:00", "mysql", "sqlite"),
        (datetime.date(2024, 1, 5), datetime.datetime(2024, 1, 5), "mysql", "postgres"),
        (datetime.timedelta(days=1), "24:00:00", "postgres", "mysql"),
        (
            datetime.datetime(2024, 1, 5, 11, 15, tzinfo=PLUS_TWO),
            datetime.datetime(2024, 1, 5, 9, 15),
            "postgres",
            "mysql",
        ),
    ],
)
def test_values_that_differ(want: object, got: object, source: str, target: str) -> None:
    assert not values_equal(normalise_value(want), normalise_value(got), source, target)


def test_column_names_are_compared() -> None:
    want, got = Result([(1,)], ["COUNT(*)"]), Result([(1,)], ["count"])
    assert compare(want, got, True, "mysql", "postgres") == (
        "column names differ: expected ['COUNT(*)'], got ['count']"
    )
    assert compare(want, Result([(1,)], ["COUNT(*)"]), True, "mysql", "postgres") is None
    # SQLite reports a column's declared spelling: case only
    assert compare(Result([(1,)], ["Id"]), Result([(1,)], ["id"]), True, "sqlite", "mysql") is None
    assert compare(Result([(1,)], ["Id"]), Result([(1,)], ["id"]), True, "mysql", "postgres")


def test_compare_ordered_and_unordered() -> None:
    rows = [(1, "a"), (2, None), (3, "b")]
    shuffled = [rows[2], rows[0], rows[1]]
    assert compare(rows, shuffled, ordered=False) is None
    assert compare(rows, shuffled, ordered=True) is not None
    assert compare(rows, rows[:2], ordered=False) == "row counts differ: expected 3, got 2"
    assert compare([(1, 2)], [(1,)], ordered=True) == "column counts differ: [1, 2]"
    assert compare([], [], ordered=True) is None


def test_unordered_rows_pair_up_across_float_noise() -> None:
    """A float a hair below an exact number sorts before a row the exact one sorts after
    (seed 816047078: SQLite's AVG gave 0.024999999999999998 where PostgreSQL gave 0.025)."""
    want = [(None, Decimal("0.025"), 10), (None, Decimal("0.025"), 2)]
    got = [(None, 0.025, 2), (None, 0.024999999999999998, 10)]
    assert compare(want, got, ordered=False, source="postgres", target="sqlite") is None
    wrong = [(None, 0.025, 2), (None, 0.024999999999999998, 11)]
    assert compare(want, wrong, ordered=False, source="postgres", target="sqlite") is not None


def test_sort_key_is_total_over_mixed_types() -> None:
    rows = [(None,), ("x",), (2,), (Decimal("1.5"),), (b"z",), (float("nan"),), (True,)]
    assert sorted(rows, key=row_sort_key)[0] == (None,)
    assert compare(rows, list(reversed(rows)), ordered=False) is None


def test_split_statements_respects_strings_and_comments() -> None:
    sql = "SELECT 'a;b'; -- c;\nINSERT INTO t VALUES ('x;y') ; /* ; */ ;"
    assert split_statements(sql, "mysql") == ["SELECT 'a;b'", "-- c;\nINSERT INTO t VALUES ('x;y')"]
    assert split_statements('SELECT "a;b" FROM t', "postgres") == ['SELECT "a;b" FROM t']
    assert split_statements("  ;  ", "sqlite") == []


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("SELECT 1", "read"),
        ("WITH a AS (SELECT 1) SELECT * FROM a", "read"),
        ("SELECT 1 UNION SELECT 2", "read"),
        ("INSERT INTO t VALUES (1)", "dml"),
        ("SELECT 1; UPDATE t SET a = 1", "dml"),
        ("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "dml"),
        ("CREATE TABLE x (a int); INSERT INTO x VALUES (1)", "ddl"),
        ("SELECT 1 INTO x", "ddl"),
        ("BEGIN; DELETE FROM t; COMMIT", "other"),
    ],
)
def test_script_kind(sql: str, kind: str) -> None:
    assert script_kind(sql, "postgres") == kind


def test_a_wrong_translation_is_caught(engine: Engine) -> None:
    good = run_on(engine, "SELECT id, age FROM people ORDER BY id", None, "read")
    wrong = run_on(engine, "SELECT id, age + 0.5 FROM people ORDER BY id", None, "read")
    reordered = run_on(engine, "SELECT id, age FROM people ORDER BY id DESC", None, "read")
    assert compare(good, wrong, ordered=True) is not None
    assert compare(good, reordered, ordered=True) is not None
    assert compare(good, reordered, ordered=False) is None


def test_dml_is_undone_including_auto_ids(engine: Engine) -> None:
    before = engine.query("SELECT COUNT(*), MAX(id) FROM orders")
    insert = "INSERT INTO orders (person_id, quantity) VALUES (1, 1)"
    for _ in range(2):
        rows = run_on(
            engine,
            f"DELETE FROM orders WHERE id < 10; {insert}",
            "SELECT MAX(id), COUNT(*) FROM orders",
            "dml",
        )
        assert rows == [(25, 16)]  # the id counter was put back after the first round
    assert engine.query("SELECT COUNT(*), MAX(id) FROM orders") == before


def test_ddl_is_undone(engine: Engine) -> None:
    run_on(
        engine,
        "CREATE TABLE scratch (a int); INSERT INTO scratch VALUES (1); DROP TABLE cities",
        "SELECT a FROM scratch",
        "ddl",
    )
    assert engine.query("SELECT COUNT(*) FROM cities") == [(10,)]
    with pytest.raises(Exception, match="scratch"):
        engine.query("SELECT a FROM scratch")
