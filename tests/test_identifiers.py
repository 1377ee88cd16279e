"""Identifiers: quoting per target, reserved words of the target quoted."""

from __future__ import annotations

import pytest

from sqlshift import Options, translate
from sqlshift.errors import ConfigurationError


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
    # (MySQL names the column x, the text's content)
    assert translate('SELECT "x" FROM t', "postgres", source="mysql") == (
        """SELECT 'x' AS "x" FROM t"""
    )


def test_default_policy_folds_names_for_postgres_and_mysql() -> None:
    sql = "SELECT A.`Name`, ARTISTID FROM `Artist` AS A"
    assert translate(sql, "postgres", source="mysql") == (
        'SELECT a."name" AS "Name", artistid AS "ARTISTID" FROM "artist" AS a'
    )  # the result columns keep the names MySQL gives them
    assert translate('SELECT "Name" FROM "Artist"', "mysql", source="postgres") == (
        "SELECT `name` AS `Name` FROM `artist`"
    )
    # SQLite ignores case: names (and result labels) keep their spelling
    assert (
        translate(sql, "sqlite", source="mysql") == 'SELECT A."Name", ARTISTID FROM "Artist" AS A'
    )


def test_folding_quotes_what_must_be_quoted() -> None:
    out = translate("SELECT `User`, `Émile`, `a b` FROM T", "postgres", source="mysql")
    assert out == 'SELECT "user" AS "User", "Émile", "a b" FROM t'  # the result keeps "User"


def test_collation_names_are_not_folded() -> None:
    """PostgreSQL's collation "C" is not "c" (identifier folding must leave it alone)."""
    out = translate("SELECT a FROM t WHERE a COLLATE utf8mb4_bin < 'b'", "postgres", "mysql")
    assert 'COLLATE "C"' in out


def test_preserve_policy_keeps_spelling() -> None:
    options = Options(identifier_case="preserve")
    out = translate("SELECT `Name` FROM `Artist`", "postgres", source="mysql", options=options)
    assert out == 'SELECT "Name" FROM "Artist"'


def test_unknown_policy_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="identifier_case"):
        Options(identifier_case="upper")
