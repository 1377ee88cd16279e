"""The translate() API: dialects, errors, strictness, memoisation, scripts."""

from __future__ import annotations

import contextlib
import time
import warnings

import pytest

import sqlshift
from sqlshift import (
    DialectError,
    InputTypeError,
    ParseError,
    SqlshiftError,
    TranslationWarning,
    UntranslatableError,
    translate,
    translation,
)
from sqlshift.translator.api import clear_cache


def test_exported_members_are_exactly_the_public_api() -> None:
    public = {name for name in dir(sqlshift) if not name.startswith("_")}
    modules = {"dialects", "errors", "translator", "executor", "cli", "demo", "annotations"}
    modules |= {"move"}
    assert set(sqlshift.__all__) - {"__version__"} == public - modules


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("mariadb", "mysql"),
        ("postgresql", "postgres"),
        ("pg", "postgres"),
        ("sqlite3", "sqlite"),
        ("MySQL", "mysql"),
    ],
)
def test_dialect_aliases(alias: str, canonical: str) -> None:
    assert translation("SELECT 1", alias, source=alias).target == canonical


def test_unknown_dialect_suggests_a_name() -> None:
    with pytest.raises(DialectError, match="Did you mean 'postgres'") as info:
        translate("SELECT 1", "postgre", source="mysql")
    assert "postgres" in info.value.candidates


def test_non_text_input_is_a_type_error_of_ours() -> None:
    with pytest.raises(InputTypeError):
        translate(b"SELECT 1", "postgres", source="mysql")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        translate(None, "postgres", source="mysql")  # type: ignore[arg-type]
    with pytest.raises(InputTypeError):
        translate("SELECT 1", 5, source="mysql")  # type: ignore[arg-type]


def test_parse_error_has_position_and_caret() -> None:
    with pytest.raises(ParseError) as info:
        translate("SELECT a\nFROM WHERE x", "postgres", source="mysql")
    error = info.value
    assert (error.line, error.col) == (2, 6)
    assert error.snippet.splitlines() == ["  FROM WHERE x", "       ^"]
    assert "<Token" not in str(error)


def test_parse_error_position_is_in_callers_text_despite_placeholders() -> None:
    with pytest.raises(ParseError) as info:
        translate("SELECT ?, ? FROM WHERE", "postgres", source="mysql")
    assert (info.value.line, info.value.col) == (1, 18)


def test_empty_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        translate("  ;  ", "postgres", source="mysql")


def test_untranslatable_error_is_positioned_with_code_and_hint() -> None:
    sql = "SELECT id,\n  FIND_IN_SET('a', name) FROM people"
    with pytest.raises(UntranslatableError) as info:
        translate(sql, "postgres", source="mysql")
    error = info.value
    assert error.code == "unknown-function"
    assert (error.line, error.col) == (2, 3)
    assert error.hint
    assert "FIND_IN_SET" in str(error) and "line 2, col 3" in str(error)


def test_lenient_mode_warns_and_returns_best_effort() -> None:
    with pytest.warns(TranslationWarning, match="division-needs-types"):
        out = translate("SELECT age / 2 FROM people", "postgres", source="mysql", strict=False)
    assert "age" in out


def test_strict_mode_emits_no_warning() -> None:
    """A construct lenient mode would warn about is refused in strict mode, not warned."""
    sql = "SELECT price / qty FROM items"
    with pytest.warns(TranslationWarning):
        translate(sql, "sqlite", source="mysql", strict=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(UntranslatableError):
            translate(sql, "sqlite", source="mysql")
        assert translation("SELECT a FROM t", "postgres", source="mysql").warnings == ()
    assert caught == []


def test_script_translates_every_statement() -> None:
    result = translation(
        "CREATE TABLE t (a INT); INSERT INTO t VALUES (1); SELECT a FROM t",
        "postgres",
        source="mysql",
    )
    assert len(result.statements) == 3
    assert result.sql == ";\n".join(result.statements)
    assert result.info.kinds == ("create", "insert", "select")
    assert not result.info.read_only
    assert result.info.tables_written == frozenset({"t"})


def test_info_of_a_read() -> None:
    info = translation(
        "SELECT p.id FROM people p JOIN orders o ON o.person_id = p.id", "sqlite", source="mysql"
    ).info
    assert info.read_only and info.deterministic and info.cacheable
    assert info.tables_read == frozenset({"people", "orders"})
    assert info.tables_written == frozenset()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT NOW()",
        "SELECT RAND()",
        "SELECT UUID()",
        "SELECT * FROM t FOR UPDATE",
        "SELECT LAST_INSERT_ID()",
        "SELECT @@version",
    ],
)
def test_volatile_statements_are_not_deterministic(sql: str) -> None:
    assert not translation(sql, "mysql", source="mysql").info.deterministic


def test_cte_names_are_not_tables() -> None:
    info = translation(
        "WITH x AS (SELECT id FROM people) SELECT id FROM x", "postgres", source="mysql"
    ).info
    assert info.tables_read == frozenset({"people"})


def test_write_in_cte_is_a_write() -> None:
    info = translation(
        "WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING id) SELECT id FROM d",
        "postgres",
        source="postgres",
    ).info
    assert not info.read_only
    assert info.tables_written == frozenset({"orders"})


def test_multi_table_update_writes_all_joined_tables() -> None:
    info = translation(
        "UPDATE people p JOIN orders o ON o.person_id = p.id SET p.age = 1, o.quantity = 2",
        "mysql",
        source="mysql",
    ).info
    assert info.tables_written == frozenset({"people", "orders"})


def test_memoised_warm_call_is_fast() -> None:
    clear_cache()
    sql = "SELECT id, name FROM people WHERE age > 30 ORDER BY id LIMIT 10"
    first = translation(sql, "postgres", source="mysql")
    assert translation(sql, "postgres", source="mysql") is first
    start = time.perf_counter()
    for _ in range(1000):
        translation(sql, "postgres", source="mysql")
    per_call = (time.perf_counter() - start) / 1000
    assert per_call < 100e-6  # generous: the benchmark measures the real figure


def test_only_library_errors_escape() -> None:
    for garbage in [
        "SELECT (((",
        "'unterminated",
        "SELECT * FROM",
        "\x01\x02",
        "$$",
        "SELECT `a FROM t",
        "SELECT 1 +* 2",
    ]:
        with contextlib.suppress(SqlshiftError):
            translate(garbage, "postgres", source="mysql")


def test_schema_mapping_is_converted_once_and_refreshed_when_changed() -> None:
    mapping = {"t": {"a": "int", "b": "int"}}
    first = translation("SELECT a / b FROM t", "postgres", source="mysql", schema=mapping)
    assert translation("SELECT a / b FROM t", "postgres", source="mysql", schema=mapping) is first
    mapping["t"]["b"] = "double"
    changed = translation("SELECT a / b FROM t", "postgres", source="mysql", schema=mapping)
    assert changed.sql != first.sql


@pytest.mark.parametrize(
    ("sql", "written"),
    [
        ("DROP TABLE IF EXISTS a, b", {"a", "b"}),
        ("TRUNCATE TABLE t", {"t"}),
        ("DROP VIEW v", {"v"}),
        ("CREATE INDEX i ON t (a)", {"t"}),
        ("ALTER TABLE t ADD COLUMN x INT", {"t"}),
        ("INSERT INTO t (a) SELECT a FROM s", {"t"}),
    ],
)
def test_ddl_and_writes_name_their_tables(sql: str, written: set[str]) -> None:
    info = translation(sql, "mysql", source="mysql").info
    assert not info.read_only
    assert info.tables_written == frozenset(written)


def test_unknown_function_is_not_cacheable() -> None:
    # it may be a user function that reads tables, or a volatile one
    assert not translation("SELECT my_func(a) FROM t", "mysql", source="mysql").info.cacheable


def test_same_dialect_keeps_the_callers_text() -> None:
    # sqlglot would write INTERVAL 1.5 DAY as INTERVAL '1.5' DAY, which MySQL reads as 1 day
    sql = "SELECT DATE_ADD(d, INTERVAL 1.5 DAY), `x` FROM t WHERE a = ? -- note\n;"
    t = translation(sql, "mysql", source="mysql")
    assert t.sql == "SELECT DATE_ADD(d, INTERVAL 1.5 DAY), `x` FROM t WHERE a = %s -- note"
    assert t.params.apply([1]) == (1,)
    assert translate("SELECT 'a%' FROM t", "mysql", source="mysql") == "SELECT 'a%' FROM t"


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [("SHOW TABLES", "mysql"), ("DESCRIBE t", "mysql"), ("EXPLAIN SELECT 1", "postgres")],
)
def test_inspection_writes_nothing(sql: str, dialect: str) -> None:
    info = translation(sql, dialect, source=dialect).info
    assert info.read_only and not info.cacheable
    assert info.tables_written == frozenset()


@pytest.mark.parametrize(
    ("sql", "dialect"), [("BEGIN", "mysql"), ("COMMIT", "postgres"), ("ROLLBACK", "sqlite")]
)
def test_transaction_control_as_text_forgets_everything(sql: str, dialect: str) -> None:
    # a ROLLBACK sent as text may undo writes whose reads a cache kept: clear it all
    info = translation(sql, dialect, source=dialect).info
    assert not info.read_only and info.tables_written is None


def test_temp_table_is_not_cacheable() -> None:
    info = translation("CREATE TEMP TABLE t AS SELECT 1 AS a", "postgres", source="postgres").info
    assert not info.deterministic


def test_explain_analyze_may_write() -> None:
    info = translation("EXPLAIN ANALYZE DELETE FROM t", "postgres", source="postgres").info
    assert not info.read_only and info.tables_written is None


def test_warm_path_still_checks_argument_types() -> None:
    translate("SELECT 1", "postgres", source="mysql")
    with pytest.raises(InputTypeError):
        translate("SELECT 1", "postgres", source="mysql", strict=1)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError):
        translate("SELECT 1", ["postgres"], source="mysql")  # type: ignore[arg-type]


def test_paging_spelled_for_each_target() -> None:
    """The exact 'no limit' values (the fixture's small tables could not tell 100 from all)."""
    assert translate("SELECT a FROM t OFFSET 5", "mysql", "postgres") == (
        "SELECT a FROM t LIMIT 18446744073709551615 OFFSET 5"
    )
    assert translate("SELECT a FROM t LIMIT -5 OFFSET 2", "mysql", "sqlite") == (
        "SELECT a FROM t LIMIT 18446744073709551615 OFFSET 2"
    )
    assert translate("SELECT a FROM t LIMIT -1", "postgres", "sqlite") == "SELECT a FROM t"
    assert translate("SELECT a FROM t LIMIT 5", "mysql", "sqlite") == "SELECT a FROM t LIMIT 5"


def test_set_operation_operands_for_sqlite() -> None:
    """SQLite takes no parenthesised compound operands: plain ones lose the parentheses, a
    paged one becomes a derived table, an aliased derived table is left alone."""
    assert translate("(SELECT a FROM t) UNION (SELECT a FROM u)", "sqlite", "postgres") == (
        "SELECT a FROM t UNION SELECT a FROM u"
    )
    paged = translate("(SELECT a FROM t LIMIT 2) UNION SELECT a FROM u", "sqlite", "postgres")
    assert (
        paged == "SELECT * FROM (SELECT a FROM t LIMIT 2) AS _sqlshift_this UNION SELECT a FROM u"
    )


def test_fetch_first_without_ties_translates() -> None:
    """Only FETCH ... WITH TIES is refused; FETCH FIRST n ROWS ONLY is a LIMIT."""
    assert translate("SELECT a FROM t FETCH FIRST 3 ROWS ONLY", "mysql", "postgres") == (
        "SELECT a FROM t LIMIT 3"
    )
    with pytest.raises(UntranslatableError, match="fetch-with-ties"):
        translate("SELECT a FROM t ORDER BY a FETCH FIRST 3 ROWS WITH TIES", "mysql", "postgres")


def test_truth_values_into_postgres() -> None:
    """MySQL truth values as values, conditions and 0/1 against BOOLEAN columns."""
    schema = {"flags": {"id": "INT", "flag": "TINYINT(1)", "n": "INT"}}
    assert translate("SELECT id FROM flags WHERE n", "postgres", "mysql", schema=schema) == (
        "SELECT id FROM flags WHERE n <> 0"
    )
    assert translate("SELECT id FROM flags WHERE 1 = flag", "postgres", "mysql", schema=schema) == (
        "SELECT id FROM flags WHERE TRUE = flag"
    )
    assert translate("INSERT INTO flags VALUES (1, 1, 5)", "postgres", "mysql", schema=schema) == (
        "INSERT INTO flags VALUES (1, TRUE, 5)"
    )
    assert translate("INSERT INTO flags (flag) VALUES (1)", "postgres", "mysql") == (
        "INSERT INTO flags (flag) VALUES (1)"  # without a schema nothing is known of `flag`
    )
    as_values = translate(
        "SELECT IF(n > 1, n > 2, n > 3) AS a, CASE WHEN n > 1 THEN 1 ELSE n > 4 END AS b "
        "FROM flags",
        "postgres",
        "mysql",
        schema=schema,
    )
    assert as_values.count("AS INT)") == 3, as_values
