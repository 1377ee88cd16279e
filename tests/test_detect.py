"""source=None: detection from unambiguous markers, refusal where meaning would differ."""

from __future__ import annotations

import pytest

from sqlshift import DialectError, translation


@pytest.mark.parametrize(
    ("sql", "source"),
    [
        ("SELECT `a` FROM t WHERE b <=> 1 LIMIT 1, 2", "mysql"),
        ("SELECT a FROM t WHERE b = $1", "postgres"),
        ("SELECT a::text FROM t", "postgres"),
        ("SELECT a FROM t WHERE b ILIKE 'x%'", "postgres"),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)", "sqlite"),
        ("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY)", "mysql"),
        ("SELECT 7 DIV 2", "mysql"),
        ("SELECT IIF(a, 1, 2) FROM t", "sqlite"),
        ("SELECT E'a\\nb'", "postgres"),
    ],
)
def test_markers_decide(sql: str, source: str) -> None:
    assert translation(sql, "sqlite" if source != "sqlite" else "mysql").source == source


def test_ambiguous_but_equivalent_is_accepted() -> None:
    result = translation("SELECT id, name FROM people WHERE id = 3", "postgres")
    assert result.sql == "SELECT id, name FROM people WHERE id = 3"


def test_ambiguous_division_is_refused_with_candidates() -> None:
    with pytest.raises(DialectError) as info:
        translation("SELECT 7 / 2", "postgres")
    assert set(info.value.candidates) == {"mysql", "postgres", "sqlite"}
    assert "pass source=" in str(info.value)


def test_backslash_escape_is_ambiguous_between_mysql_and_sqlite() -> None:
    with pytest.raises(DialectError):
        translation("SELECT `a` FROM t WHERE b = 'x\\ny'", "postgres")


def test_conflicting_markers_are_refused() -> None:
    with pytest.raises(DialectError, match="mixes markers"):
        translation("SELECT `a`::int FROM t", "sqlite")


def test_ambiguous_text_in_the_target_dialect_keeps_its_spelling() -> None:
    assert translation("select id from people", "sqlite").sql == "select id from people"
