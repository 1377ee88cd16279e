"""Placeholders: styles in and out, argument mapping, literals and comments untouched."""

from __future__ import annotations

import dataclasses
import time

import pytest

from sqlshift import (
    ParameterError,
    ParamStyle,
    ParseError,
    UntranslatableError,
    translate,
    translation,
)
from sqlshift.translator.api import clear_cache


def test_qmark_to_asyncpg_numeric() -> None:
    t = translation("SELECT a FROM t WHERE x = ? AND y = ?", "postgres", source="mysql")
    assert t.sql == "SELECT a FROM t WHERE x = $1 AND y = $2"
    assert t.params.apply([10, 20]) == (10, 20)


def test_limit_comma_reorders_arguments() -> None:
    t = translation("SELECT a FROM t LIMIT ?, ?", "postgres", source="mysql")
    assert t.sql == "SELECT a FROM t LIMIT $1 OFFSET $2"
    assert t.params.apply([5, 10]) == (10, 5)  # offset was first in the source


def test_repeated_numeric_to_positional_repeats_the_argument() -> None:
    t = translation("SELECT $2, $1, $2", "mysql", source="postgres")
    assert t.sql == "SELECT %s, %s, %s"
    assert t.params.apply(["a", "b"]) == ("b", "a", "b")


def test_named_to_numeric_numbers_each_name_once() -> None:
    t = translation("SELECT :a, :b, :a", "postgres", source="sqlite")
    assert t.sql == "SELECT $1, $2, $1"
    assert t.params.apply({"a": 1, "b": 2}) == (1, 2)


def test_pyformat_to_named() -> None:
    t = translation("SELECT %(x)s, %(y)s", "sqlite", source="mysql", paramstyle="named")
    assert t.sql == "SELECT :x, :y"
    assert t.params.apply({"x": 1, "y": 2}) == {"x": 1, "y": 2}


def test_positional_to_named_invents_names() -> None:
    t = translation("SELECT ?, ?", "mysql", source="sqlite", paramstyle=ParamStyle.PYFORMAT)
    assert t.sql == "SELECT %(p1)s, %(p2)s"
    assert t.params.apply([7, 8]) == {"p1": 7, "p2": 8}


def test_placeholder_text_in_literals_and_comments_is_untouched() -> None:
    sql = "SELECT '?', 'a:b', '$1' /* ? :x */, x -- ?\nFROM t WHERE y = ?"
    t = translation(sql, "postgres", source="mysql")
    assert t.params.count == 1
    assert "'?'" in t.sql and "'a:b'" in t.sql and "'$1'" in t.sql
    assert t.sql.endswith("y = $1")


def test_postgres_cast_is_not_a_named_placeholder() -> None:
    t = translation("SELECT x::text, :y FROM t", "sqlite", source="postgres")
    assert t.params.refs == ("y",)


def test_dollar_quoted_text_is_untouched() -> None:
    t = translation("SELECT $$a ? $1$$, $1", "sqlite", source="postgres")
    assert t.params.count == 1
    assert "'a ? $1'" in t.sql


def test_percent_is_doubled_for_format_targets_with_parameters() -> None:
    t = translation("SELECT a FROM t WHERE s LIKE '%1' AND b = ?", "mysql", source="sqlite")
    assert t.sql == "SELECT a FROM t WHERE s LIKE '%%1' AND b = %s"


def test_escaped_percent_in_format_source_means_one_percent() -> None:
    t = translation("SELECT a FROM t WHERE s LIKE '1%%' AND b = %s", "sqlite", source="mysql")
    assert t.sql == "SELECT a FROM t WHERE s LIKE '1%' AND b = ?"


def test_mixed_styles_are_refused() -> None:
    with pytest.raises(ParseError, match="different styles"):
        translation("SELECT ?, :a", "postgres", source="sqlite")


def test_wrong_argument_count() -> None:
    t = translation("SELECT ?, ?", "postgres", source="sqlite")
    with pytest.raises(ParameterError, match="takes 2"):
        t.params.apply([1])
    with pytest.raises(ParameterError, match="sequence"):
        t.params.apply({"a": 1})


def test_missing_named_argument() -> None:
    t = translation("SELECT :a", "postgres", source="sqlite")
    with pytest.raises(ParameterError, match="missing parameter 'a'"):
        t.params.apply({"b": 1})


def test_parameters_are_never_interpolated() -> None:
    t = translation("SELECT ? FROM t", "mysql", source="sqlite")
    assert t.sql == "SELECT %s AS `?` FROM t"  # a placeholder, whatever the argument
    assert t.params.apply(["Robert'); DROP TABLE students;--"]) == (
        "Robert'); DROP TABLE students;--",
    )


def test_identity_map() -> None:
    assert translation("SELECT ?, ?", "sqlite", source="mysql").params.is_identity
    assert not translation(
        "SELECT a FROM t LIMIT ?, ?", "sqlite", source="mysql"
    ).params.is_identity


def test_each_statement_of_a_script_maps_from_the_callers_arguments() -> None:
    t = translation(
        "INSERT INTO t VALUES (?, ?); SELECT a FROM t WHERE b = ?", "postgres", source="sqlite"
    )
    first, second = t.statement_params
    assert t.statements[1] == "SELECT a FROM t WHERE b = $1"
    assert first.apply([1, 2, 3]) == (1, 2)
    assert second.apply([1, 2, 3]) == (3,)


def test_sqlite_numbered_qmark() -> None:
    t = translation("SELECT ?2, ?1, ?2", "postgres", source="sqlite")
    assert t.sql == "SELECT $1, $2, $1"
    assert t.params.apply(["a", "b"]) == ("b", "a")


def test_placeholder_followed_by_a_word_does_not_swallow_it() -> None:
    out = translation("SELECT a FROM t WHERE a = ?AND b = 2", "postgres", source="sqlite")
    assert out.sql == "SELECT a FROM t WHERE a = $1 AND b = 2"


def test_named_script_statement_without_placeholders_takes_the_mapping() -> None:
    t = translation(
        "INSERT INTO t (a) VALUES (%(x)s); SELECT 1; SELECT a FROM t WHERE a = %(y)s",
        "mysql",
        source="mysql",
    )
    assert t.statement_params[1].apply({"x": 1, "y": 2}) in ((), {})
    assert t.statement_params[2].apply({"x": 1, "y": 2}) == (2,)


def _marking_seconds(count: int) -> float:
    sql = "SELECT a FROM t WHERE id IN (" + ", ".join(["?"] * count) + ")"
    best = float("inf")
    for _ in range(2):
        clear_cache()
        started = time.perf_counter()
        translation(sql, "postgres", source="sqlite")
        best = min(best, time.perf_counter() - started)
    return best


def test_placeholders_cost_linear_time() -> None:
    """An IN list of n placeholders took n^2 (8,000: 6.3 s; sqlglot's replace re-parents a
    whole list): four times the placeholders must take about four times as long."""
    small, large = _marking_seconds(1000), _marking_seconds(4000)
    assert large / small < 4 * 2.5, f"4x placeholders took {large / small:.1f}x time"


def test_a_param_map_is_immutable() -> None:
    """Translations are memoised and shared: their maps must not change under anyone."""
    params = translation("SELECT ? FROM t", "postgres", source="sqlite").params
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.refs = ()  # type: ignore[misc]
    assert not hasattr(params, "__dict__")


def test_wrong_argument_counts_say_what_is_wanted() -> None:
    named = translation("SELECT %(a)s, %(b)s", "postgres", source="mysql").params
    with pytest.raises(ParameterError, match=r"takes parameters a, b, got none"):
        named.apply(None)
    positional = translation("SELECT %s, %s", "postgres", source="mysql").params
    with pytest.raises(ParameterError, match=r"takes 2 parameter\(s\), got none"):
        positional.apply(None)
    with pytest.raises(ParameterError, match=r"takes 2 parameter\(s\), got 3"):
        positional.apply((1, 2, 3))
    with pytest.raises(ParameterError, match=r"takes 2 parameter\(s\), got 1"):
        positional.apply((1,))
    with pytest.raises(ParameterError, match="need a sequence, got str"):
        positional.apply("ab")
    none = translation("SELECT 1 AS one", "postgres", source="mysql").params
    with pytest.raises(ParameterError, match="takes no parameters, got 1"):
        none.apply((1,))
    assert none.apply(()) == () and none.apply(None) == ()


def test_error_positions_after_a_placeholder_are_the_callers() -> None:
    """The scanner shifts text when it swaps `%s` for an internal name; positions map back."""
    with pytest.raises(UntranslatableError) as refused:
        translation("SELECT %s, price / qty FROM items", "sqlite", source="mysql")
    assert (refused.value.line, refused.value.col) == (1, 12)
    assert refused.value.construct == "price / qty"


def test_a_placeholder_never_lands_inside_a_literal() -> None:
    """Lenient mode wrote `INTERVAL %s DAY` as INTERVAL '%s DAY' for PostgreSQL: a
    placeholder the driver never binds (an interpolating one would write the argument into
    the SQL). Refused in every mode."""
    for strict in (True, False):
        with pytest.raises(UntranslatableError) as refused:
            translation("SELECT NOW() + INTERVAL %s DAY", "postgres", source="mysql", strict=strict)
        if not strict:
            assert refused.value.code == "placeholder-in-literal"


def test_identity_of_named_parameters() -> None:
    """A named source into a named target with the same names passes the mapping through;
    into positional placeholders it must be re-mapped."""
    same = translation("SELECT %(a)s, %(b)s", "sqlite", source="mysql", paramstyle="named")
    assert same.sql.startswith("SELECT :a") and same.params.is_identity
    positional = translation("SELECT %(a)s, %(b)s", "sqlite", source="mysql", paramstyle="qmark")
    assert not positional.params.is_identity
    assert positional.params.apply({"a": 1, "b": 2}) == (1, 2)
    repeated = translation("SELECT %(a)s, %(a)s", "postgres", source="mysql")
    assert repeated.sql.startswith("SELECT $1, $1")  # one argument, used twice
    assert not repeated.params.is_identity and repeated.params.apply({"a": 1}) == (1,)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT data ? 'a' FROM t WHERE id = $1",
        "SELECT data ?| array['a'] FROM t",
        "SELECT (data) ?& array['a'] FROM t",
    ],
)
def test_jsonb_key_operators_are_not_placeholders(sql: str) -> None:
    """PostgreSQL's `?`, `?|`, `?&` after an operand are jsonb operators (issue 11, item 9)."""
    result = translation(sql, "postgres", source="postgres")
    assert result.sql == sql
    assert result.params.apply((1,) if "$1" in sql else ()) == ((1,) if "$1" in sql else ())


def test_question_marks_after_keywords_and_operators_stay_placeholders() -> None:
    sql = "SELECT ?, a FROM t WHERE b IN (?, ?) AND c = ? LIMIT ?"
    assert translation(sql, "mysql", source="postgres").sql.count("%s") == 5


def test_arguments_type_placeholders_that_postgres_cannot_type() -> None:
    """``arguments=`` gives the translator the arguments' kinds (never their values); the
    translation without them says which arguments it depends on (``typed_args``)."""
    import datetime as dt

    from sqlshift.translator.api import translation
    from sqlshift.translator.params import value_kind

    sql = "SELECT %s AS depth, %s IS NULL"
    plain = translation(sql, "postgres", "mysql")
    assert plain.sql == 'SELECT $1 AS depth, CAST($2 IS NULL AS INT) AS "%s IS NULL"'
    assert plain.typed_args == (0, 1)
    typed = translate(sql, "postgres", "mysql", arguments=(3, None))
    assert typed == (
        'SELECT CAST($1 AS INT) AS depth, CAST(CAST($2 AS TEXT) IS NULL AS INT) AS "%s IS NULL"'
    )
    assert "3" not in typed.replace("$", "")
    named = translate("SELECT :a + 1", "postgres", "sqlite", arguments={"a": 2.5})
    assert named.startswith("SELECT CAST($1 AS DOUBLE PRECISION) + 1")
    # untouched where the context types the placeholder, or for other targets
    assert translate("SELECT id FROM t WHERE id = %s", "postgres", "mysql", arguments=(1,)) == (
        "SELECT id FROM t WHERE id = $1"
    )
    assert translate("SELECT %s", "sqlite", "mysql", arguments=(1,)) == "SELECT ?"
    kinds = [value_kind(v) for v in (True, 1, 2**40, 1.5, "a", b"a", None, dt.date(2024, 1, 1))]
    assert kinds == ["bool", "int", "bigint", "float", "text", "bytes", "null", "date"]
    aware = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert [value_kind(dt.datetime(2024, 1, 1)), value_kind(aware)] == ["timestamp", "timestamptz"]
