"""Denial of service by size: long and deep statements end in bounded time, with sqlshift's
own clear errors (issue 11, item 4). Timings are generous bounds for a shared machine; the
figures measured are in the issue's closing note."""

from __future__ import annotations

import time

import pytest

import sqlshift
from sqlshift.executor.statements import Statements
from sqlshift.translator.options import EXECUTOR_MAX_STATEMENT_BYTES


@pytest.mark.parametrize("terms", [331, 3000])
@pytest.mark.parametrize(("source", "target"), [("mysql", "postgres"), ("mysql", "sqlite")])
def test_long_arithmetic_chains_translate(terms: int, source: str, target: str) -> None:
    """`SELECT 1+1+...`: the rules walk it without recursion (331 terms used to overflow)."""
    sql = "SELECT " + "+".join(["1"] * terms) + " AS total"
    started = time.perf_counter()
    translated = sqlshift.translate(sql, target, source=source)
    assert time.perf_counter() - started < 10
    assert translated.count("+") == terms - 1


def test_too_deep_a_rewrite_is_a_clear_error() -> None:
    sql = "SELECT " + " / ".join(["2.5"] * 400) + " AS q FROM t"
    with pytest.raises(sqlshift.TranslationError, match="nested too deeply") as caught:
        sqlshift.translate(sql, "postgres", source="mysql")
    assert "report" not in str(caught.value)


def test_statement_size_bound() -> None:
    long = "SELECT 1 AS x -- " + "x" * 300
    bounded = sqlshift.Options(max_statement_bytes=100)
    with pytest.raises(sqlshift.TranslationError, match="317 bytes long"):
        sqlshift.translate(long, "postgres", source="mysql", options=bounded)
    assert sqlshift.translate(long, "postgres", source="mysql")  # no bound by default
    with pytest.raises(sqlshift.ConfigurationError):
        sqlshift.Options(max_statement_bytes=0)


def test_executor_bounds_statements_by_default() -> None:
    statements = Statements("postgres", "mysql")
    big = "SELECT 1 AS x -- " + "é" * (EXECUTOR_MAX_STATEMENT_BYTES // 2)  # 2 bytes each
    with pytest.raises(sqlshift.TranslationError, match="max_statement_bytes"):
        statements.prepare(big)
    wider = Statements("postgres", "mysql", options=sqlshift.Options(max_statement_bytes=2**21))
    assert wider.prepare(big).sql.startswith("SELECT 1 AS x")


@pytest.mark.parametrize("count", [10_000, 100_000])
def test_placeholder_marking_is_linear(count: int) -> None:
    """An IN list of placeholders: marking them is linear (8,000 once took 6.3 s); what is
    left is sqlglot's own parse and generation of the list."""
    sql = "SELECT id FROM t WHERE id IN (" + ", ".join(["%s"] * count) + ")"
    started = time.perf_counter()
    translated = sqlshift.translation(sql, "postgres", source="mysql")
    elapsed = time.perf_counter() - started
    assert translated.sql.count("$") == count
    assert elapsed < count / 10_000 * 3  # about 0.4 s per 10,000 measured


@pytest.mark.parametrize(
    "sql",
    ["SELECT DATE_ADD(", "SELECT DATE_ADD(x, )", "SELECT DATE_ADD()", "SELECT DATE_SUB(1)"],
)
def test_malformed_date_add_is_a_parse_error_in_words(sql: str) -> None:
    with pytest.raises(sqlshift.ParseError, match="takes a date and an interval") as caught:
        sqlshift.translate(sql, "postgres", source="mysql")
    assert "report" not in str(caught.value)
