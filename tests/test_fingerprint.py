"""Fingerprints: literals, IN-lists, case, quoting, comments and dialect do not matter."""

from __future__ import annotations

import pytest

from sqlshift.translator.api import translation
from sqlshift.translator.fingerprint import fingerprint


def test_literals_case_whitespace_and_comments_do_not_matter() -> None:
    a = fingerprint("SELECT name FROM people WHERE id = 1 AND city = 'Oslo'", "mysql")
    b = fingerprint("select  NAME\n from PEOPLE where ID = 42 and CITY = 'Rome' -- x", "mysql")
    assert a.id == b.id
    assert a.parsed
    assert "?" in a.text and "42" not in b.text and "rome" not in b.text.lower()
    # the text is the caller's own, letter case included: only the id folds it
    assert b.text == "select NAME from PEOPLE where ID = ? and CITY = ?"


def test_in_lists_and_multi_row_values_collapse() -> None:
    assert fingerprint("SELECT a FROM t WHERE id IN (1, 2, 3)", "mysql") == fingerprint(
        "SELECT a FROM t WHERE id IN (7)", "mysql"
    )
    assert fingerprint("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')", "mysql") == fingerprint(
        "INSERT INTO t (a, b) VALUES (3, 'z')", "mysql"
    )


def test_different_shapes_differ() -> None:
    assert fingerprint("SELECT a FROM t WHERE id = 1", "mysql") != fingerprint(
        "SELECT a FROM t WHERE id > 1", "mysql"
    )
    assert fingerprint("SELECT a FROM t", "mysql") != fingerprint("SELECT b FROM t", "mysql")


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("SELECT `name` FROM people WHERE id = %s LIMIT 10", "mysql"),
        ('SELECT "name" FROM people WHERE id = $1 LIMIT 5', "postgres"),
        ("SELECT [name] FROM people WHERE id = :id LIMIT 1", "sqlite"),
        ("SELECT name FROM people WHERE id = ? LIMIT 2", "sqlite"),
    ],
)
def test_same_statement_in_any_dialect_has_one_fingerprint(sql: str, dialect: str) -> None:
    reference = fingerprint("SELECT name FROM people WHERE id = 7 LIMIT 3", "mysql")
    assert fingerprint(sql, dialect).id == reference.id


def test_the_same_text_has_one_fingerprint_in_every_dialect() -> None:
    sql = "SELECT name, city_id FROM people WHERE id IN (1, 2) ORDER BY id LIMIT 10"
    ids = {fingerprint(sql, dialect).id for dialect in ("mysql", "postgres", "sqlite")}
    assert len(ids) == 1  # no NULLS FIRST/LAST added for one dialect's default


@pytest.mark.parametrize(
    ("sql", "dialect", "text"),
    [
        (
            "SELECT id FROM jobs WHERE state = 'new' FOR UPDATE SKIP LOCKED",
            "postgres",
            "SELECT id FROM jobs WHERE state = ? FOR UPDATE SKIP LOCKED",
        ),
        ("SELECT DATE_FORMAT(d, '%Y') FROM t", "mysql", "SELECT DATE_FORMAT(d, ?) FROM t"),
        ("SELECT date_trunc('day', d) FROM t", "postgres", "SELECT date_trunc(?, d) FROM t"),
        ("SELECT a, b FROM t ORDER BY 2", "sqlite", "SELECT a, b FROM t ORDER BY 2"),
        ("SELECT x::text FROM t RETURNING", "postgres", "SELECT x::text FROM t RETURNING"),
        (
            "SELECT a FROM t GROUP BY 1, a + 2 ORDER BY 1 DESC, -3 LIMIT 5",
            "mysql",
            "SELECT a FROM t GROUP BY 1, a + ? ORDER BY 1 DESC, ? LIMIT ?",
        ),
        (
            "INSERT INTO t (a, b) VALUES (1, 'x'), (-2, 'y')",
            "postgres",
            "INSERT INTO t (a, b) VALUES (?, ?)",
        ),
    ],
)
def test_fingerprint_text_is_the_callers_statement(sql: str, dialect: str, text: str) -> None:
    """Issue 12, item 4: a locking read is not a plain read, `ORDER BY 1` is not `ORDER BY 2`,
    and the text is in the caller's own spelling (an unparsed one keeps `::`)."""
    assert fingerprint(sql, dialect).text == text


def test_fingerprints_that_must_differ() -> None:
    plain = fingerprint("SELECT id FROM jobs WHERE s = 1", "postgres").id
    assert (
        fingerprint("SELECT id FROM jobs WHERE s = 1 FOR UPDATE SKIP LOCKED", "postgres").id
        != plain
    )
    by_first = fingerprint("SELECT a, b FROM t ORDER BY 1", "mysql").id
    assert fingerprint("SELECT a, b FROM t ORDER BY 2", "mysql").id != by_first


def test_id_is_stable_across_processes() -> None:
    # a fixed value: the hash must not depend on PYTHONHASHSEED or the process
    assert fingerprint("SELECT 1", "mysql").id == fingerprint("SELECT 2", "postgres").id
    assert fingerprint("SELECT 1", "mysql").text == "SELECT ?"
    assert fingerprint("SELECT 1", "mysql").id == "b9a4c90ce4157373"


def test_unparseable_statement_gets_a_fingerprint() -> None:
    a = fingerprint("FROBNICATE the 'widgets' WITH 3", "mysql")
    b = fingerprint("frobnicate  THE 'gadgets' with 99", "mysql")
    assert not a.parsed
    assert a.id == b.id
    unterminated = fingerprint("SELECT 'open FROM t WHERE a = 1", "postgres")
    assert not unterminated.parsed and "1" not in unterminated.text


def test_signs_and_value_lists() -> None:
    """A sign goes with its number; a subtraction stays; rows of other shapes stay."""
    assert (
        fingerprint("SELECT a FROM t WHERE x = -5", "mysql").id
        == fingerprint("SELECT a FROM t WHERE x = 5", "mysql").id
    )
    assert fingerprint("SELECT a - 1 FROM t", "mysql").text == "SELECT a - ? FROM t"
    assert fingerprint("SELECT a FROM t WHERE x IN (1, -2, 3)", "mysql").text.endswith("IN (?)")
    mixed = fingerprint("INSERT INTO t VALUES (1, 2), (3, NULL)", "sqlite").text
    assert mixed == "INSERT INTO t VALUES (?, ?), (?, NULL)"


@pytest.mark.parametrize(
    ("sql", "source", "target"),
    [
        ("SELECT DATE_FORMAT(d, '%Y'), `n` FROM t WHERE id IN (%s, %s)", "mysql", "postgres"),
        ("SELECT date_trunc('day', d), x::text FROM t WHERE id = $1", "postgres", "sqlite"),
        ("SELECT strftime('%Y', d) FROM t WHERE id = ? ORDER BY 1", "sqlite", "mysql"),
        ("SELECT a FROM t WHERE id = 1", "postgres", "postgres"),
    ],
)
def test_the_analysis_carries_the_same_fingerprint(sql: str, source: str, target: str) -> None:
    """Issue 12, item 3: the translator makes the fingerprint from the tokens it parsed; it is
    the one `fingerprint()` gives the caller's text, in the caller's dialect."""
    info = translation(sql, target, source=source).info
    assert info.fingerprint == fingerprint(sql, source)
    assert "'" not in info.fingerprint.text
