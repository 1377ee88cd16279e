"""Issue 15, item 4: what a translation assumes about types it does not know is reported (or
refused under Options(assumptions="refuse")), never silent; a schema that covers the statement
leaves none."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sqlshift import Assumption, AssumptionWarning, Options, translation
from sqlshift.cli import main
from sqlshift.errors import ConfigurationError, UntranslatableError
from sqlshift.executor.backends.fake import FakeBackend
from sqlshift.executor.database import Database

SCHEMA = {"people": {"id": "INT", "name": "VARCHAR(40)", "city": "VARCHAR(40)"}}


@pytest.mark.parametrize(
    ("sql", "source", "target", "construct"),
    [
        ("SELECT name FROM people ORDER BY name", "mysql", "postgres", "name"),
        ("SELECT COUNT(DISTINCT city) FROM people", "mysql", "sqlite", "DISTINCT city"),
        ("SELECT city FROM people GROUP BY city", "mysql", "postgres", "GROUP BY city"),
        ("SELECT id FROM people WHERE name = %s", "mysql", "postgres", "name = %s"),
        ("SELECT id FROM people WHERE name IN (%s, %s)", "mysql", "sqlite", "name IN (%s, %s)"),
        ("SELECT MIN(name) FROM people", "mysql", "postgres", "MIN(name)"),
        ("SELECT a.id FROM people a JOIN people b ON a.name = b.name", "postgres", "mysql",
         "a.name = b.name"),
        ("SELECT name FROM people ORDER BY 1", "sqlite", "mysql", "1"),
    ],
)  # fmt: skip
def test_an_unknown_type_under_a_collation_is_an_assumption(
    sql: str, source: str, target: str, construct: str
) -> None:
    with pytest.warns(AssumptionWarning, match="collation-unknown-type"):
        result = translation(sql, target, source=source)
    assert [(a.code, a.construct) for a in result.assumptions] == [
        ("collation-unknown-type", construct)
    ]
    (assumption,) = result.assumptions
    assert isinstance(assumption, Assumption) and assumption.line == 1
    assert assumption.col is not None and sql[assumption.col - 1 :].startswith(construct)
    assert "schema=" in assumption.hint
    # the schema says what the type is: no assumption (the text is emulated, or refused)
    try:
        typed = translation(sql, target, source=source, schema=SCHEMA)
    except UntranslatableError as error:
        assert error.code.startswith("collation-")
    else:
        assert typed.assumptions == ()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM people WHERE id = 3",
        "SELECT id FROM people ORDER BY id + 1",
        "SELECT COUNT(*) FROM people GROUP BY LENGTH(name)",
        "SELECT id FROM people WHERE name = '123'",
    ],
)
def test_what_is_known_not_to_be_text_assumes_nothing(sql: str) -> None:
    assumptions = translation(sql, "postgres", source="mysql").assumptions
    assert [a for a in assumptions if a.code == "collation-unknown-type"] == []


def test_refused_on_request() -> None:
    options = Options(assumptions="refuse")
    with pytest.raises(UntranslatableError) as caught:
        translation("SELECT name FROM people ORDER BY name", "postgres", "mysql", options=options)
    assert caught.value.code == "collation-unknown-type"
    assert (caught.value.line, caught.value.col) == (1, 34)
    schema_covered = translation(
        "SELECT id FROM people WHERE id = %s", "postgres", "mysql", options=options, schema=SCHEMA
    )
    assert schema_covered.assumptions == ()
    with pytest.raises(ConfigurationError, match="assumptions must be one of"):
        Options(assumptions="ignore")


def test_the_cli_prints_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "q.sql"
    script.write_text("SELECT id FROM people;\nSELECT name FROM people ORDER BY name;\n")
    assert main(["translate", "--from", "mysql", "--to", "postgres", str(script)]) == 0
    out, err = capsys.readouterr()
    assert "ORDER BY name NULLS FIRST" in out
    assert f"{script}:2:34: assumption: [collation-unknown-type] `name`" in err
    assert main(["translate", "--from", "mysql", "--to", "postgres", "--check", str(script)]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith(f"{script}:2:34: assumption: [collation-unknown-type]")
    argv = ["translate", "--from", "mysql", "--to", "postgres", "--check"]
    assert main([*argv, "--assumptions", "refuse", str(script)]) == 1
    out, _ = capsys.readouterr()
    assert f"{script}:2:34: [collation-unknown-type]" in out


async def test_the_executor_logs_them_once_per_statement(
    caplog: pytest.LogCaptureFixture,
) -> None:
    db = Database(FakeBackend("postgres"), source="mysql")
    async with db:
        with caplog.at_level(logging.WARNING, logger="sqlshift.translate"):
            for _ in range(3):
                await db.fetch_all("SELECT name FROM people ORDER BY name")
    records = [r for r in caplog.records if r.name == "sqlshift.translate"]
    assert len(records) == 1
    assert "collation-unknown-type" in records[0].getMessage()
    assert isinstance(records[0].__dict__["assumption"], Assumption)


@pytest.mark.parametrize(("source", "target"), [("postgres", "sqlite"), ("mysql", "postgres")])
def test_arithmetic_on_columns_of_unknown_type_is_an_assumption(source: str, target: str) -> None:
    """`birth_date + 1` is the next day in PostgreSQL, 19900315 in MySQL, 1991 in SQLite:
    without the column's type it is translated as numbers and said so (found by the
    generated differential tests without a schema: PostgreSQL -> SQLite returned 1991)."""
    sql = "SELECT t.id, t.birth_date + 1 FROM people AS t"
    result = translation(sql, target, source)
    assert [(a.code, a.construct) for a in result.assumptions] == [
        ("arithmetic-unknown-type", "t.birth_date + 1")
    ]
    typed = {"people": {"id": "INT", "birth_date": "INT"}}
    assert translation(sql, target, source, schema=typed).assumptions == ()
    with pytest.raises(UntranslatableError) as refused:
        translation(sql, target, source, options=Options(assumptions="refuse"))
    assert refused.value.code == "arithmetic-unknown-type"


def test_numeric_scale_of_unknown_branches() -> None:
    """PostgreSQL's COALESCE(2.5, salary) keeps 2.5's scale; MySQL gives the column salary's
    (2.50 for a DECIMAL(10, 2)): without the type that is an assumption; with it, refused."""
    sql = "SELECT SUM(COALESCE(2.5, t.salary)) FROM people AS t"
    result = translation(sql, "mysql", "postgres")
    assert [a.code for a in result.assumptions] == ["numeric-scale-unknown"]
    with pytest.raises(UntranslatableError) as refused:
        translation(sql, "mysql", "postgres", schema={"people": {"salary": "DECIMAL(10, 2)"}})
    assert refused.value.code == "numeric-scale"


def test_floor_of_unknown_type_is_an_assumption() -> None:
    """MySQL's FLOOR(int) is the integer, PostgreSQL's floor(int) a double (55.0)."""
    sql = "SELECT SUM(FLOOR(t.id)) FROM cities AS t"
    assert [a.code for a in translation(sql, "postgres", "mysql").assumptions] == [
        "numeric-type-unknown"
    ]
    typed = translation(sql, "postgres", "mysql", schema={"cities": {"id": "INT"}})
    assert typed.assumptions == ()
    assert typed.sql == 'SELECT SUM(t.id) AS "SUM(FLOOR(t.id))" FROM cities AS t'


def test_every_branch_of_a_union_is_looked_at() -> None:
    """UNION removes duplicates within each branch too: `t.name` of unknown type in the
    second branch is compared by the target's collation, whatever the first holds."""
    sql = "SELECT 0, '' FROM cities AS t UNION SELECT 0, t.name FROM cities AS t"
    assert [a.construct for a in translation(sql, "postgres", "mysql").assumptions] == [
        "SELECT 0, '' FROM cities AS t UNION SELECT 0, t.name FROM cities AS t"
    ]


def test_group_concat_of_unknown_type_into_postgresql_is_an_assumption() -> None:
    """STRING_AGG takes text only: GROUP_CONCAT(id) passed through failed on PostgreSQL. As
    text it is right for text and integers (corpus `agg-my-group-concat-unknown-type-int`
    runs it); a boolean would read true/false where MySQL writes 1/0, so it is assumed."""
    sql = "SELECT GROUP_CONCAT(t.id) FROM people AS t"
    result = translation(sql, "postgres", "mysql")
    assert [(a.code, a.construct) for a in result.assumptions] == [
        ("group-concat-unknown-type", "t.id")
    ]
    assert "STRING_AGG(CAST(t.id AS TEXT), ',')" in result.sql
    typed = translation(sql, "postgres", "mysql", schema={"people": {"id": "INT"}})
    assert typed.assumptions == () and "CAST(t.id AS TEXT)" in typed.sql
    boolean = translation(sql, "postgres", "mysql", schema={"people": {"id": "BOOLEAN"}})
    assert "CAST(CAST(t.id AS INT) AS TEXT)" in boolean.sql
    with pytest.raises(UntranslatableError) as refused:
        translation(sql, "postgres", "mysql", options=Options(assumptions="refuse"))
    assert refused.value.code == "group-concat-unknown-type"


def test_a_json_value_compared_with_an_unknown_type_is_an_assumption() -> None:
    """MariaDB reads `JSON_EXTRACT(doc, p)` by what it is compared with: unquoted text against
    text, a DOUBLE against a number. Against a column of unknown type that is a guess, so it
    is reported; with the type known there is none."""
    sql = "SELECT t.id FROM events AS t WHERE JSON_EXTRACT(t.payload, '$.tag') = t.label"
    result = translation(sql, "sqlite", "mysql", schema={"events": {"payload": "JSON"}})
    assert "json-compared-unknown-type" in [a.code for a in result.assumptions]
    assert "->> '$.tag'" in result.sql  # compared unquoted, as text
    typed = translation(
        sql, "sqlite", "mysql", schema={"events": {"payload": "JSON", "label": "INT"}}
    )
    assert typed.assumptions == ()
    assert "WHEN 'true' THEN 1.0" in typed.sql  # compared as MariaDB's DOUBLE
    with pytest.raises(UntranslatableError) as refused:
        translation(sql, "postgres", "mysql", options=Options(assumptions="refuse"))
    assert refused.value.code in ("json-compared-unknown-type", "json-collation-unknown")


def test_sqlite_json_text_compared_with_an_unknown_type_is_an_assumption() -> None:
    """SQLite compares `doc -> p` (JSON text) by the other side's type; against a column of
    unknown type it went through as a JSON value (MariaDB unquotes it there): now compared
    as the JSON text and reported."""
    sql = "SELECT t.id FROM events AS t WHERE t.payload -> '$.tag' = t.label"
    result = translation(sql, "mysql", "sqlite")
    assert "json-compared-unknown-type" in [a.code for a in result.assumptions]
    assert "CAST(JSON_EXTRACT(t.payload, '$.tag') AS CHAR)" in result.sql


def test_a_postgresql_sources_text_order_is_an_assumption() -> None:
    """PostgreSQL orders text by the database's collation, which the translator does not see:
    into SQLite (bytes) that order is assumed to be by bytes and reported; COLLATE "C" in the
    source says it, and integers have no collation."""
    sql = "SELECT name FROM people WHERE name >= 'B' ORDER BY name"
    with pytest.warns(AssumptionWarning, match="postgres-collation"):
        result = translation(sql, "sqlite", source="postgres", schema=SCHEMA)
    assert {(a.code, a.construct) for a in result.assumptions} == {
        ("postgres-collation", "name >= 'B'"),
        ("postgres-collation", "name"),
    }
    said = 'SELECT name FROM people WHERE name COLLATE "C" >= \'B\' ORDER BY name COLLATE "C"'
    assert translation(said, "sqlite", source="postgres").assumptions == ()
    assert (
        translation(
            "SELECT id FROM people ORDER BY id", "sqlite", "postgres", schema=SCHEMA
        ).assumptions
        == ()
    )
    with pytest.raises(UntranslatableError, match="postgres-collation"):
        translation(sql, "sqlite", "postgres", options=Options(assumptions="refuse"))


def test_a_postgres_document_of_unknown_json_type_under_index_zero_is_an_assumption() -> None:
    """PostgreSQL's jsonb reads `-> 0` of a scalar as the scalar, its json as NULL: without
    the column's type the translation assumes jsonb, and says so; with it, none."""
    sql = "SELECT id FROM events WHERE payload -> 'n' -> 0 IS NULL"
    with pytest.warns(AssumptionWarning, match="json-type-unknown"):
        unknown = translation(sql, "sqlite", "postgres")
    assert [a.code for a in unknown.assumptions] == ["json-type-unknown"]
    jsonb = translation(sql, "sqlite", "postgres", schema={"events": {"payload": "JSONB"}})
    json = translation(sql, "sqlite", "postgres", schema={"events": {"payload": "JSON"}})
    assert jsonb.assumptions == () and json.assumptions == ()
    assert "= 'object' THEN NULL ELSE" in jsonb.sql  # a scalar is its own [0]
    assert "'$[0]'" in json.sql and "CASE" not in json.sql  # SQLite reads [0] as json does
