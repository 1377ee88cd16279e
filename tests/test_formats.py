"""Format-token tables: each dialect's tokens read into canonical tokens, and spelt back."""

from __future__ import annotations

import pytest

from sqlshift import UntranslatableError, translate
from sqlshift.translator.formats import FormatError, Lit, Tok, native, parse_format, render_literal


def test_mysql_tokens_and_literals() -> None:
    assert parse_format("mysql", "%Y-%m-%d %H:%i:%s") == [
        Tok("YEAR4"), Lit("-"), Tok("MONTH2"), Lit("-"), Tok("DAY2"), Lit(" "),
        Tok("HOUR24_2"), Lit(":"), Tok("MINUTE2"), Lit(":"), Tok("SECOND2"),
    ]  # fmt: skip
    assert parse_format("mysql", "100%% %q") == [Lit("100% q")]  # %q is the letter q in MySQL
    assert parse_format("mysql", "%T")[0] == Tok("HOUR24_2")


@pytest.mark.parametrize(("dialect", "fmt"), [("mysql", "%U"), ("mysql", "%D"), ("sqlite", "%W")])
def test_refused_tokens(dialect: str, fmt: str) -> None:
    with pytest.raises(FormatError):
        parse_format(dialect, fmt)


def test_postgres_patterns() -> None:
    assert parse_format("postgres", "FMDay") == [Tok("DAY_NAME")]
    assert parse_format("postgres", "Month") == [Tok("MONTH_NAME", pad=True)]
    assert parse_format("postgres", "MON") == [Tok("MONTH_ABBR", case="upper")]
    assert parse_format("postgres", 'YYYY "at" HH24') == [
        Tok("YEAR4"), Lit(" at "), Tok("HOUR24_2"),
    ]  # fmt: skip
    assert parse_format("postgres", "FMMM/FMDD") == [Tok("MONTH1"), Lit("/"), Tok("DAY1")]


@pytest.mark.parametrize("fmt", ["TMDay", "IYYY", "YYY", "DDth", "Xyz", "SSSS"])
def test_postgres_refused(fmt: str) -> None:
    with pytest.raises(FormatError):
        parse_format("postgres", fmt)


def test_native_spellings() -> None:
    assert native("postgres", Tok("DAY_NAME")) == "FMDay"
    assert native("postgres", Tok("MONTH_NAME", pad=True)) == "Month"
    assert native("mysql", Tok("MINUTE2")) == "%i"
    assert native("sqlite", Tok("MONTH1")) is None  # emulated
    assert render_literal("postgres", "at 5") == '"a""t" 5'
    assert render_literal("mysql", "5%") == "5%%"


def test_translated_formats() -> None:
    sql = "SELECT DATE_FORMAT(d, '%W %e %M')"
    assert (
        translate(sql, "postgres", "mysql")
        == "SELECT TO_CHAR(CAST(d AS TIMESTAMP), 'FMDay FMDD FMMonth')"
        + " AS \"DATE_FORMAT(d, '%W %e %M')\""
    )
    sql = "SELECT TO_CHAR(d, 'FMDay')"
    assert translate(sql, "mysql", "postgres") == "SELECT DATE_FORMAT(d, '%W') AS `to_char`"
    with pytest.raises(UntranslatableError) as caught:
        translate("SELECT TO_CHAR(d, 'TMDay')", "mysql", "postgres")
    assert caught.value.code == "format-token"
