"""StatementInfo: what a statement reads and writes decides caching and invalidation, so every
answer here is one a stale cache would follow."""

from __future__ import annotations

import pytest

from sqlshift import translation
from sqlshift.translator.analysis import StatementInfo


def info(sql: str, dialect: str = "mysql") -> StatementInfo:
    return translation(sql, dialect, dialect).info


def test_a_plain_read() -> None:
    i = info("SELECT a FROM t JOIN u ON t.id = u.id WHERE b = 1")
    assert (i.kinds, i.tables_read, i.tables_written) == (("select",), {"t", "u"}, frozenset())
    assert i.read_only and i.deterministic and i.cacheable


def test_cte_names_are_not_tables() -> None:
    i = info("WITH x AS (SELECT a FROM t) SELECT a FROM x")
    assert i.tables_read == {"t"}


def test_a_script_reports_every_table_it_writes() -> None:
    i = info("INSERT INTO a VALUES (1); UPDATE b SET c = 1; DELETE FROM c WHERE d = 2")
    assert i.kinds == ("insert", "update", "delete")
    assert i.tables_written == {"a", "b", "c"}
    assert not i.read_only and not i.cacheable


def test_a_read_then_a_write() -> None:
    i = info("SELECT * FROM r; INSERT INTO w SELECT * FROM r")
    assert i.tables_written == {"w"} and i.tables_read == {"r", "w"}
    assert not i.read_only


@pytest.mark.parametrize(
    ("sql", "written"),
    [
        ("UPDATE t JOIN u ON t.id = u.id SET t.a = u.a", {"t", "u"}),
        ("DELETE c FROM parent p JOIN child c ON c.pid = p.id WHERE p.id = 1", {"child"}),
        ("DELETE FROM c USING parent p JOIN child c ON c.pid = p.id", {"child"}),
        ("UPDATE parent AS p JOIN child AS c ON c.pid = p.id SET c.v = 1", {"parent", "child"}),
        ("DELETE t1, t2 FROM t1 JOIN t2 ON t1.id = t2.id", {"t1", "t2"}),
        ("TRUNCATE TABLE t", {"t"}),
        ("DROP TABLE t, u", {"t", "u"}),
        ("CREATE TABLE n (a INT)", {"n"}),
        ("ALTER TABLE t ADD COLUMN b INT", {"t"}),
    ],
)
def test_writes_name_their_tables(sql: str, written: set[str]) -> None:
    i = info(sql)
    assert i.tables_written == written
    assert not i.read_only and not i.cacheable


@pytest.mark.parametrize(
    "sql",
    [
        "DROP SCHEMA s CASCADE",  # drops every table in it: which ones is unknown here
        "COMMIT",
        "SET @x = 1",
    ],
)
def test_writes_to_unknown_tables(sql: str) -> None:
    dialect = "postgres" if "SCHEMA" in sql else "mysql"
    i = info(sql, dialect)
    assert i.tables_written is None
    assert not i.read_only and not i.cacheable


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT a INTO @v FROM t",  # writes a variable
        "SELECT a FROM t FOR UPDATE",  # takes locks
        "SELECT NOW(), a FROM t",
        "SELECT RAND()",
        "SELECT my_function(a) FROM t",  # a user function may read or write anything
        "SELECT /*+ NO_CACHE */ a FROM t",
        "SELECT SQL_NO_CACHE a FROM t",
    ],
)
def test_not_cacheable(sql: str) -> None:
    assert not info(sql).cacheable


def test_known_pure_unknown_functions_stay_cacheable() -> None:
    assert info("SELECT FIELD(a, 'x', 'y') FROM t").cacheable
    assert info("SELECT a FROM t WHERE b = UPPER('x')").cacheable


def test_kinds_and_determinism_of_statements_that_end_or_escape_analysis() -> None:
    assert info("SELECT a INTO @v FROM t").kinds == ("other",)
    commit = info("COMMIT")
    assert (commit.kinds, commit.deterministic, commit.read_only) == (
        ("transaction",),
        False,
        False,
    )
    vacuum = info("VACUUM", "sqlite")
    assert (vacuum.kinds, vacuum.deterministic, vacuum.tables_written) == (
        ("command",),
        False,
        None,
    )


def test_statement_info_is_immutable() -> None:
    """Translations are memoised: their analysis is shared by every caller."""
    i = info("SELECT a FROM t")
    with pytest.raises(AttributeError):
        i.read_only = False  # type: ignore[misc]


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ("SELECT bump(1)", True),  # a user function may write any table
        ("SELECT id, my_audit(id) FROM t", True),
        ("SELECT COUNT(*) FROM t WHERE id > 1", False),
        ("SELECT jsonb_build_object('a', 1)", False),  # built in, unmodelled by sqlglot
        ("SELECT nextval('s')", False),  # volatile, but it writes no table
    ],
)
def test_unknown_functions_may_write(sql: str, writes: bool) -> None:
    found = info(sql, "postgres")
    assert found.read_only is not writes
    assert (found.tables_written is None) is writes
