"""Functions sqlglot knows but the target engine lacks are refused, not passed through."""

from __future__ import annotations

import pytest

from sqlshift import TranslationWarning, UntranslatableError, translate
from sqlshift.translator.check import MISSING_FUNCTION_NAMES, MISSING_FUNCTIONS


@pytest.mark.parametrize("target", sorted(MISSING_FUNCTION_NAMES))
def test_every_listed_name_is_a_sqlglot_class(target: str) -> None:
    # a typo (or a class a sqlglot upgrade renamed) would silently check nothing
    assert len(MISSING_FUNCTIONS[target]) == len(MISSING_FUNCTION_NAMES[target].split())


@pytest.mark.parametrize(
    ("source", "target", "sql", "construct"),
    [
        ("mysql", "sqlite", "SELECT id, MD5(name) FROM people", "MD5(name)"),
        ("mysql", "postgres", "SELECT SOUNDEX(name) FROM people", "SOUNDEX(name)"),
        ("mysql", "sqlite", "SELECT STDDEV_POP(age) FROM people", "STDDEV_POP(age)"),
        ("postgres", "mysql", "SELECT INITCAP(name) FROM people", "INITCAP(name)"),
        ("postgres", "sqlite", "SELECT CORR(age, salary) FROM people", "CORR(age, salary)"),
        ("sqlite", "mysql", "SELECT TANH(score) FROM people", "TANH(score)"),
    ],
)
def test_a_missing_function_is_refused_where_it_is(
    source: str, target: str, sql: str, construct: str
) -> None:
    with pytest.raises(UntranslatableError) as info:
        translate(sql, target, source=source)
    error = info.value
    assert error.code == "unknown-function"
    assert f"`{construct}`" in str(error) and "line 1" in str(error)
    assert target in str(error)
    # the source engine has it; lenient mode passes it through with a warning
    assert construct.split("(")[0] in translate(sql, source, source=source).upper()
    with pytest.warns(TranslationWarning, match="unknown-function"):
        lenient = translate(sql, target, source=source, strict=False)
    assert construct.split("(")[0] in lenient.upper()


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELECT JSON_CONTAINS(payload, '1', '$.tags') FROM events", "inside nested arrays"),
        ("SELECT JSON_SEARCH(payload, 'one', 'x') FROM events", "every nested value"),
    ],
)
def test_a_known_mysql_function_without_an_equivalent_says_why(
    target: str, sql: str, reason: str
) -> None:
    """A MySQL built-in is not called unknown to MySQL: the refusal names the difference."""
    with pytest.raises(UntranslatableError) as info:
        translate(sql, target, source="mysql")
    assert info.value.code == "unknown-function"
    assert reason in str(info.value) and "not among" not in str(info.value)
