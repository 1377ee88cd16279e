"""Upsert translations that the corpus cannot run: the MySQL 8 row alias (MariaDB rejects it)
and schemas with several unique keys (the fixture has one per table)."""

from __future__ import annotations

import pytest

from sqlshift import UntranslatableError, translate

ONE_KEY = {"t": {"__keys__": [["id"]], "id": "int", "a": "int", "b": "varchar(10)"}}
TWO_KEYS = {"t": {"__keys__": [["id"], ["b"]], "id": "int", "a": "int", "b": "varchar(10)"}}


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_row_alias_becomes_excluded(target: str) -> None:
    sql = "INSERT INTO t (id, a) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE a = new.a + a"
    assert translate(sql, target, "mysql", schema=ONE_KEY) == (
        "INSERT INTO t (id, a) VALUES (1, 2) ON CONFLICT(id) DO UPDATE SET a = excluded.a + t.a"
    )


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_row_alias_with_column_names(target: str) -> None:
    sql = (
        "INSERT INTO t (id, a, b) VALUES (1, 2, 'x') AS new(i, m, n) "
        "ON DUPLICATE KEY UPDATE a = m + new.i, b = n"
    )
    assert translate(sql, target, "mysql", schema=ONE_KEY) == (
        "INSERT INTO t (id, a, b) VALUES (1, 2, 'x') ON CONFLICT(id) DO UPDATE "
        "SET a = excluded.a + excluded.id, b = excluded.b"
    )


def test_row_alias_left_to_right() -> None:
    sql = "INSERT INTO t (id, a) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE a = new.a, id = a"
    assert translate(sql, "postgres", "mysql", schema=ONE_KEY).endswith(
        "DO UPDATE SET a = excluded.a, id = (excluded.a)"
    )


def test_row_alias_stays_for_mysql() -> None:
    sql = "INSERT INTO t (id, a) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE a = new.a"
    assert translate(sql, "mysql", "mysql") == sql


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("INSERT INTO t (id, a) VALUES (1, 2) ON DUPLICATE KEY UPDATE a = VALUES(a)", None),
        ("REPLACE INTO t (id, a) VALUES (1, 2)", None),
    ],
)
def test_several_unique_keys_are_refused(sql: str, code: None) -> None:
    with pytest.raises(UntranslatableError) as info:
        translate(sql, "postgres", "mysql", schema=TWO_KEYS)
    assert info.value.code == "upsert-ambiguous-key"


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_no_schema_is_refused_with_a_hint(target: str) -> None:
    with pytest.raises(UntranslatableError) as info:
        translate(
            "INSERT INTO t (id, a) VALUES (1, 2) ON DUPLICATE KEY UPDATE a = VALUES(a)",
            target,
            "mysql",
        )
    assert info.value.code == "upsert-needs-key"
    assert "__keys__" in str(info.value)


def test_replace_sets_every_column() -> None:
    assert translate(
        "REPLACE INTO t (id, a) VALUES (1, 2)", "postgres", "mysql", schema=ONE_KEY
    ) == (
        "INSERT INTO t (id, a) VALUES (1, 2) ON CONFLICT(id) DO UPDATE "
        "SET a = excluded.a, b = excluded.b"
    )


def test_replace_spelling_between_mysql_and_sqlite() -> None:
    assert translate("REPLACE INTO t VALUES (1, 2, 'x')", "sqlite", "mysql") == (
        "INSERT OR REPLACE INTO t VALUES (1, 2, 'x')"
    )
    assert translate("INSERT OR REPLACE INTO t VALUES (1, 2, 'x')", "mysql", "sqlite") == (
        "REPLACE INTO t VALUES (1, 2, 'x')"
    )


def test_sqlite_or_ignore_is_a_noop_update_in_mysql() -> None:
    assert translate("INSERT OR IGNORE INTO t (id, a) VALUES (1, 2)", "mysql", "sqlite") == (
        "INSERT INTO t (id, a) VALUES (1, 2) ON DUPLICATE KEY UPDATE id = t.id"
    )


def test_on_conflict_update_to_mysql_uses_values() -> None:
    sql = "INSERT INTO t (id, a) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET a = t.a + EXCLUDED.a"
    assert translate(sql, "mysql", "postgres") == (
        "INSERT INTO t (id, a) VALUES (1, 2) ON DUPLICATE KEY UPDATE a = t.a + VALUES(a)"
    )


def test_returning_refused_for_mysql() -> None:
    with pytest.raises(UntranslatableError) as info:
        translate("DELETE FROM t WHERE id = 1 RETURNING id", "mysql", "postgres")
    assert info.value.code == "returning"
