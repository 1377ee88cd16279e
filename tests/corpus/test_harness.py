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
from engines import Engine, split_statements


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (True, 1),
        (False, 0),
        (Decimal("3.00"), 3),
        (3.0, 3),
        (0.1 + 0.2, Decimal("0.3")),
        (19.999999999999996, Decimal("20.00")),
        (5.551115123125783e-17, Decimal("0")),
        (datetime.date(2024, 1, 5), "2024-01-05"),
        (datetime.datetime(2024, 1, 5, 9, 15), "2024-01-05 09:15:00"),
        (datetime.datetime(2024, 1, 5, 9, 15, 0, 5), "2024-01-05 09:15:00.000005"),
        (memoryview(b"ab"), b"ab"),
        (None, None),
        (float("nan"), Decimal("NaN")),
    ],
)
def test_values_that_compare_equal(a: object, b: object) -> None:
    assert values_equal(normalise_value(a), normalise_value(b))
    assert values_equal(normalise_value(b), normalise_value(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (3, 3.0000000001),
        (3, Decimal("3.5")),
        (Decimal("3.1429"), 3.142857142857143),
        ("bob", "Bob"),
        ("1", 1),
        (None, 0),
        (None, ""),
        ("", b""),
        (1.5, 1.5000001),
        (datetime.date(2024, 1, 5), "2024-01-05 00:00:00"),
    ],
)
def test_values_that_differ(a: object, b: object) -> None:
    assert not values_equal(normalise_value(a), normalise_value(b))
    assert not values_equal(normalise_value(b), normalise_value(a))


def test_compare_ordered_and_unordered() -> None:
    rows = [(1, "a"), (2, None), (3, "b")]
    shuffled = [rows[2], rows[0], rows[1]]
    assert compare(rows, shuffled, ordered=False) is None
    assert compare(rows, shuffled, ordered=True) is not None
    assert compare(rows, rows[:2], ordered=False) == "row counts differ: expected 3, got 2"
    assert compare([(1, 2)], [(1,)], ordered=True) == "column counts differ: [1, 2]"
    assert compare([], [], ordered=True) is None


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
