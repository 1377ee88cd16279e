"""Identifiers: quoting per target, reserved words of the target quoted."""

from __future__ import annotations

import pytest

from sqlshift import translate


def test_mysql_column_named_user_is_quoted_for_postgres() -> None:
    # Unquoted, PostgreSQL would read `user` as CURRENT_USER and return the login name.
    assert translate("SELECT user, name FROM t", "postgres", source="mysql") == (
        'SELECT "user", name FROM t'
    )


@pytest.mark.parametrize("word", ["current_date", "Current_Time", "current_timestamp"])
def test_sqlite_keywords_that_evaluate_are_quoted(word: str) -> None:
    out = translate(f"SELECT `{word}` FROM t", "sqlite", source="mysql")
    assert out == f'SELECT "{word}" FROM t'
    out = translate(f"SELECT {word}x FROM t", "sqlite", source="mysql")
    assert out == f"SELECT {word}x FROM t"


def test_backticks_become_double_quotes_and_back() -> None:
    assert translate("SELECT `order` FROM `t`", "postgres", source="mysql") == (
        'SELECT "order" FROM "t"'
    )
    assert translate('SELECT "rank" FROM t', "mysql", source="postgres") == ("SELECT `rank` FROM t")


def test_sqlite_brackets_are_identifiers() -> None:
    assert translate("SELECT [order] FROM t", "postgres", source="sqlite") == (
        'SELECT "order" FROM t'
    )


def test_mysql_double_quoted_text_is_a_string() -> None:
    assert translate('SELECT "x" FROM t', "postgres", source="mysql") == "SELECT 'x' FROM t"
