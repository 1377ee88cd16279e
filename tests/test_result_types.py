"""Result types: where the target would give another type or scale, the translation casts or
refuses (the corpus proves the values on the real engines; these pin the API's behaviour)."""

from __future__ import annotations

import pytest

import sqlshift

SCHEMA = {
    "people": {"id": "INT", "age": "INT", "salary": "DECIMAL(10,2)", "score": "DOUBLE"},
    "products": {"id": "INT", "price": "DECIMAL(10,2)", "stock": "INT", "weight": "DOUBLE"},
}


def _refusal(sql: str, target: str, source: str) -> sqlshift.UntranslatableError:
    with pytest.raises(sqlshift.UntranslatableError) as caught:
        sqlshift.translate(sql, target, source=source, schema=SCHEMA)
    return caught.value


@pytest.mark.parametrize(
    ("sql", "quoted"),
    [
        ("SELECT salary / 3 FROM people", "salary / 3"),
        ("SELECT AVG(salary) FROM people", "AVG(salary)"),
        ("SELECT CAST(score AS NUMERIC) FROM people", "CAST(score AS NUMERIC)"),
        ("SELECT score::numeric FROM people", "score::numeric"),
        ("SELECT score::double precision::numeric FROM people", "score::double precision::numeric"),
        ("SELECT 2.0 ^ 0.5", "2.0 ^ 0.5"),
        ("SELECT COALESCE(price, 0) FROM products", "COALESCE(price, 0)"),
        ("SELECT (salary / 3) * 2 AS x FROM people", "salary / 3"),
    ],
)
def test_numeric_of_value_dependent_scale_is_refused_as_a_result(sql: str, quoted: str) -> None:
    error = _refusal(sql, "mysql", "postgres")
    assert error.code == "numeric-scale"
    assert f"`{quoted}`" in str(error)
    assert (error.line, error.col) == (1, sql.index(quoted) + 1)
    assert "ROUND(" in (error.hint or "") or "CAST(" in (error.hint or "")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT ROUND(salary / 3, 2) FROM people",
        "SELECT CAST(AVG(salary) AS NUMERIC(12, 4)) FROM people",
        "SELECT id FROM people WHERE salary / 3 > 1000",
        "SELECT id FROM people ORDER BY salary / 3",
        "SELECT CAST(COALESCE(price, 0) AS NUMERIC(10, 2)) FROM products",
        "SELECT COALESCE(price, 0.00) FROM products",
    ],
)
def test_rounded_cast_or_compared_numeric_translates(sql: str) -> None:
    assert sqlshift.translate(sql, "mysql", source="postgres", schema=SCHEMA)


def test_lenient_mode_translates_with_a_warning() -> None:
    with pytest.warns(sqlshift.TranslationWarning, match="numeric-scale"):
        result = sqlshift.translation(
            "SELECT salary / 3 FROM people", "mysql", source="postgres", schema=SCHEMA, strict=False
        )
    assert [problem.code for problem in result.problems] == ["numeric-scale"]
    assert "DECIMAL(65, 30)" in result.sql


@pytest.mark.parametrize(
    ("sql", "target", "expected"),
    [
        # PostgreSQL's ceil(int) and round(int) are double precision, ceil(numeric) a NUMERIC
        ("SELECT CEIL(stock) FROM products", "mysql", "CAST(CEIL(stock) AS DOUBLE)"),
        ("SELECT ROUND(age) FROM people", "sqlite", "CAST(age AS REAL)"),
        ("SELECT CEIL(price) FROM products", "mysql", "CAST(CEIL(price) AS DECIMAL(65, 0))"),
        ("SELECT SIGN(weight) FROM products", "mysql", "CAST(SIGN(weight) AS DOUBLE)"),
        ("SELECT EXTRACT(YEAR FROM DATE '2024-01-02')", "mysql", "AS DECIMAL(65, 0))"),
        ("SELECT DATE_PART('month', DATE '2024-01-02')", "mysql", "AS DOUBLE)"),
    ],
)
def test_postgres_function_results_keep_their_type(sql: str, target: str, expected: str) -> None:
    assert expected in sqlshift.translate(sql, target, source="postgres", schema=SCHEMA)


@pytest.mark.parametrize(
    ("sql", "target", "expected"),
    [
        ("SELECT CEIL(price) FROM products", "postgres", "CAST(CEIL(price) AS BIGINT)"),
        ("SELECT POW(1.5, 2)", "postgres", "POWER(CAST(1.5 AS DOUBLE PRECISION), 2)"),
        ("SELECT LEAST(price, 10) FROM products", "postgres", "AS DECIMAL(65, 2))"),
        ("SELECT COALESCE(price, 0) FROM products", "postgres", "AS DECIMAL(65, 2))"),
        ("SELECT GREATEST(weight, 1) FROM products", "sqlite", "AS REAL)"),
        ("SELECT weight % 2 FROM products", "postgres", "AS DOUBLE PRECISION)"),
    ],
)
def test_mysql_results_keep_their_type(sql: str, target: str, expected: str) -> None:
    assert expected in sqlshift.translate(sql, target, source="mysql", schema=SCHEMA)


def test_mysql_quotient_inside_a_branch_is_not_cast_early() -> None:
    """GREATEST(1 / id, 0) * 3: MySQL carries the quotient at 9 digits; a cast to its
    4-digit scale inside would give 0.9999 for 1.0000 (corpus num-my-div-kept-carriers)."""
    sql = sqlshift.translate(
        "SELECT GREATEST(1 / id, 0) * 3 FROM people", "postgres", source="mysql", schema=SCHEMA
    )
    assert "DECIMAL(65, 4)) * 3" not in sql


def test_sqlite_text_cast_to_numeric_is_sqlite_conversion() -> None:
    sql = sqlshift.translate(
        "SELECT CAST('7.0' AS NUMERIC), CAST('7.5' AS DECIMAL)", "postgres", source="sqlite"
    )
    assert sql.startswith("SELECT 7 AS ")
    assert "CAST(7.5 AS DOUBLE PRECISION)" in sql
    error = _refusal("SELECT CAST(name AS NUMERIC) FROM people", "mysql", "sqlite")
    assert error.code == "numeric-affinity"


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("SELECT COALESCE(weight, 0) FROM products", "row-types"),
        ("SELECT to_timestamp(0)", "timestamptz-result"),
    ],
)
def test_per_row_types_and_instants_are_refused(sql: str, code: str) -> None:
    source = "sqlite" if code == "row-types" else "postgres"
    assert _refusal(sql, "mysql", source).code == code


def test_wrapper_rules_run_before_the_rules_that_replace_a_node() -> None:
    """SQLite's ROUND(age) rule replaces the call by `age`; the type cast registered `first`
    still wraps it (rules.__init__: `first=True`)."""
    from sqlshift.translator.rules import rules_for

    assert "postgres_function_type" in rules_for("postgres", "sqlite")
    sql = sqlshift.translate(
        "SELECT ROUND(age) FROM people", "sqlite", source="postgres", schema=SCHEMA
    )
    assert sql.startswith("SELECT CAST(age AS REAL)")


def test_postgres_average_of_unknown_type_is_refused_not_guessed() -> None:
    error = _refusal("SELECT AVG(x) FROM t", "mysql", "postgres")
    assert error.code == "avg-needs-types"
    # a scalar subquery has its item's type: COUNT(*) is an integer, its AVG a NUMERIC
    sql = "SELECT ROUND(AVG((SELECT COUNT(*) FROM people AS s WHERE s.id = t.id)), 2) FROM people t"
    assert "DECIMAL(65, 30)" in sqlshift.translate(sql, "mysql", source="postgres", schema=SCHEMA)


def test_postgres_numeric_wider_than_mysql_decimal() -> None:
    sql = sqlshift.translate("SELECT CAST(x AS NUMERIC(1000, 20))", "mysql", source="postgres")
    assert "DECIMAL(65, 20)" in sql
    assert (
        _refusal("SELECT CAST(x AS NUMERIC(40, 35))", "mysql", "postgres").code == "numeric-scale"
    )
