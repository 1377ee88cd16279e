"""What a new user meets first: errors in their own words and positions, hints in the terms
of the interface they use, quiet logs, tools that say what is wrong with their input."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from test_cli import run

from sqlshift import (
    ParseError,
    Schema,
    TranslationWarning,
    UntranslatableError,
    translate,
    translation,
)
from sqlshift.cli import main
from sqlshift.demo import run_demo

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DUMP = ROOT / "corpus" / "dumps" / "sample.sql"


def parse_error(sql: str, source: str = "mysql") -> ParseError:
    with pytest.raises(ParseError) as caught:
        translate(sql, "postgres" if source != "postgres" else "mysql", source)
    return caught.value


def refusal(sql: str, target: str, source: str, **kwargs: object) -> UntranslatableError:
    with pytest.raises(UntranslatableError) as caught:
        translate(sql, target, source, **kwargs)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("sql", "message", "line", "col"),
    [
        ("SELEC * FROM t", "'SELEC' does not start a statement (did you mean SELECT?)", 1, 1),
        ("SELECT 'abc FROM t", "unterminated string", 1, 8),
        ("SELECT a\nFROM t WHERE x = 'open", "unterminated string", 2, 18),
        ("SELECT 1 /* note", "unterminated comment", 1, 10),
        ("SELECT * FROM", "expected table name but found the end of the statement", 1, 10),
        ("SELECT a FROM t WHERE", "WHERE needs something after it", 1, 17),
        ("SELECT 1 +", "`+` needs something after it", 1, 10),
        ("SELECT a FROM t WHERE x = 1 GROUP", "unexpected 'GROUP'", 1, 29),
    ],
)
def test_parse_errors_name_the_token_and_the_place(
    sql: str, message: str, line: int, col: int
) -> None:
    error = parse_error(sql)
    assert message in error.reason
    assert (error.line, error.col) == (line, col)
    assert "sqlglot" not in str(error) and "<class" not in str(error)
    assert error.snippet.splitlines()[-1].index("^") == col + 1  # "  " indent + col - 1


def test_an_incomplete_statement_sqlglot_accepts_is_a_parse_error() -> None:
    assert "UPDATE needs SET" in parse_error("UPDATE t SET").reason
    assert "INSERT needs VALUES" in parse_error("INSERT INTO t").reason


def test_too_deep_nesting_is_a_parse_error() -> None:
    error = parse_error("SELECT " + "(" * 3000 + "1" + ")" * 3000)
    assert "nested too deeply" in error.reason


def test_a_function_of_another_engine_is_named_as_such() -> None:
    error = refusal("SELECT pg_sleep(1)", "postgres", "mysql")
    assert "pg_sleep() is a PostgreSQL function, not a MySQL one" in error.reason
    assert "no known equivalent" not in str(error)
    assert error.hint == "pass source='postgres' if the statement is written for PostgreSQL"
    unknown = refusal("SELECT my_udf(1)", "postgres", "mysql")
    assert "my_udf() is not among the MySQL functions sqlshift translates" in unknown.reason


def test_refusals_quote_the_callers_text() -> None:
    schema = {"customers": {"id": "INT", "city": "VARCHAR(20)"}}
    error = refusal("SELECT id FROM customers WHERE city = %s", "sqlite", "mysql", schema=schema)
    assert error.construct == "city = %s"  # not the internal `city = :__p0`
    assert (error.line, error.col) == (1, 32)
    grouped = refusal("SELECT city FROM customers GROUP BY city", "sqlite", "mysql", schema=schema)
    assert grouped.construct == "GROUP BY city"
    cast = refusal("select cast(price as signed) from t", "sqlite", "mysql")
    assert cast.construct == "cast(price as signed)"  # the caller's spelling, closed


def test_the_hint_is_on_its_own_line() -> None:
    text = str(refusal("SELECT price / qty FROM items", "sqlite", "mysql"))
    first, second = text.splitlines()
    assert first.startswith("[division-needs-types] `price / qty` at line 1, col 8")
    assert second.startswith("Hint: pass schema=")


def test_lenient_problems_are_structured() -> None:
    with pytest.warns(TranslationWarning):
        result = translation("SELECT price / qty FROM items", "sqlite", "mysql", strict=False)
    (problem,) = result.problems
    assert (problem.code, problem.line, problem.col) == ("division-needs-types", 1, 8)
    assert result.warnings == (str(problem),)


def test_cli_hints_use_the_cli_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "q.sql"
    script.write_text("SELECT price / qty FROM items;\nSELECT pg_sleep(1);\n")
    status, out, _ = run(
        ["translate", "--check", "--from", "mysql", "--to", "sqlite", str(script)], capsys
    )
    assert status == 1
    first, second = out.splitlines()
    assert "(hint: pass --schema FILE with the column types" in first
    assert "(hint: pass --from 'postgres'" in second
    assert "schema=" not in out and "source=" not in out


def test_cli_dialect_errors_use_the_cli_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT 7 / 2"))
    status, out, _ = run(["translate", "--check", "--to", "postgres", "-"], capsys)
    assert status == 1
    assert out.rstrip().endswith("pass --from DIALECT")


def test_cli_schema_option_and_script_ddl_type_later_statements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ddl = tmp_path / "schema.sql"
    ddl.write_text("CREATE TABLE items (price INT, qty INT, flag TINYINT(1));")
    query = tmp_path / "q.sql"
    query.write_text("SELECT price / qty FROM items;\n")
    argv = ["translate", "--from", "mysql", "--to", "sqlite", str(query)]
    assert run(argv, capsys)[0] == 1
    status, out, _ = run([*argv, "--schema", str(ddl)], capsys)
    assert (status, out) == (
        0,
        'SELECT ROUND(CAST(price AS REAL) / qty, 4) AS "price / qty" FROM items;\n',
    )
    # the script's own DDL types what follows: per-statement output equals the whole script's
    script = tmp_path / "script.sql"
    text = "CREATE TABLE t (id INT, flag TINYINT(1));\nINSERT INTO t VALUES (1, 1);\n"
    script.write_text(text)
    status, out, _ = run(["translate", "--from", "mysql", "--to", "postgres", str(script)], capsys)
    assert status == 0
    assert "VALUES (1, TRUE)" in out
    assert translate(text, "postgres", "mysql").endswith("VALUES (1, TRUE)")


def test_cli_schema_errors_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "schema.json"
    bad.write_text("{not json")
    status, _, err = run(["translate", "--to", "sqlite", "--schema", str(bad), "-"], capsys)
    assert status == 2 and "not JSON" in err
    empty = tmp_path / "schema.sql"
    empty.write_text("SELECT 1;")
    status, _, err = run(["translate", "--to", "sqlite", "--schema", str(empty), "-"], capsys)
    assert status == 2 and "defines no table" in err


def test_cli_schema_from_a_database_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--schema URL`` reads the types from the live database (here a SQLite file)."""
    import sqlite3

    path = tmp_path / "app.db"
    with sqlite3.connect(path) as lite:
        lite.execute("CREATE TABLE items (price INT, qty INT, flag BOOLEAN)")
    query = tmp_path / "q.sql"
    query.write_text("SELECT price / qty FROM items WHERE flag = 1;\n")
    argv = ["translate", "--from", "mysql", "--to", "postgres", str(query)]
    assert run(argv, capsys)[0] == 1  # division of unknown types: refused
    status, out, _ = run([*argv, "--schema", f"sqlite:///{path}"], capsys)
    assert status == 0
    assert "WHERE flag = TRUE" in out
    status, _, err = run([*argv, "--schema", f"sqlite:///{tmp_path / 'none.db'}"], capsys)
    assert status == 2 and "--schema: the database has no tables" in err
    status, _, err = run([*argv, "--schema", "postgresql://nobody:secret@127.0.0.1:1/x"], capsys)
    assert status == 2 and "--schema: cannot connect" in err and "secret" not in err


def test_schema_from_ddl_reads_types_and_keys() -> None:
    schema = Schema.from_ddl(
        "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(3) UNIQUE, b TINYINT(1), c INT,"
        " UNIQUE KEY uk (b, c), KEY k (a));\n"
        "ALTER TABLE t ADD COLUMN z DECIMAL(5,2);\n"
        "CREATE TABLE gone (q INT); DROP TABLE gone;\n"
        "CREATE TABLE u (x INT, y INT, CONSTRAINT pk PRIMARY KEY (x, y));",
        "mysql",
    )
    assert [name for name, _ in schema.tables] == ["t", "u"]
    assert [(c, t.sql()) for c, t in schema.columns("t")] == [
        ("id", "INT"),
        ("a", "VARCHAR(3)"),
        ("b", "BOOLEAN"),
        ("c", "INT"),
        ("z", "DECIMAL(5, 2)"),
    ]
    assert schema.unique_keys("t") == (("id",), ("a",), ("b", "c"))
    assert schema.unique_keys("u") == (("x", "y"),)
    later = Schema.from_ddl("DROP TABLE u; ALTER TABLE t DROP COLUMN z", "mysql", base=schema)
    assert [name for name, _ in later.tables] == ["t"]
    assert [c for c, _ in later.columns("t")] == ["id", "a", "b", "c"]


def test_sqlglot_log_records_stay_out_of_the_users_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        translate("LOCK TABLES t WRITE; SELECT 1", "postgres", "mysql")
        Schema.from_ddl("LOCK TABLES t WRITE; CREATE TABLE t (a INT)", "mysql")
        assert caplog.records == []
        sqlglot.parse("LOCK TABLES t WRITE", read="mysql")  # the user's own call still logs
        assert any("unsupported syntax" in r.getMessage() for r in caplog.records)


def test_check_on_a_dump_prints_problem_lines_only() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sqlshift",
            "translate",
            "--check",
            "--from",
            "mysql",
            "--to",
            "postgres",
            str(SAMPLE_DUMP),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stderr == ""  # no log line of sqlglot's
    assert all(line.startswith(f"{SAMPLE_DUMP}:") for line in result.stdout.splitlines())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "many.sql"
    script.write_text("".join(f"SELECT {n};\n" for n in range(300)))
    argv = ["translate", "--from", "mysql", "--to", "sqlite", str(script)]
    terminal, piped = _Terminal(), io.StringIO()
    for stream in (terminal, piped):
        monkeypatch.setattr(sys, "stderr", stream)
        monkeypatch.setattr(sys, "stdout", io.StringIO())
        assert main(argv) == 0
    assert "100% 300/300" in terminal.getvalue() and "[####" in terminal.getvalue()
    assert piped.getvalue() == ""


def test_report_and_digest_say_what_is_wrong_with_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT 1;\n")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    empty = tmp_path / "empty.log"
    empty.write_text("")
    cases = [
        (["report", str(sql)], "is not a profiler snapshot: not JSON"),
        (["report", str(binary)], "is not a profiler snapshot: it is binary"),
        (["digest", str(sql)], "is not a PostgreSQL log"),
        (["digest", str(binary)], "is binary"),
        (["digest", str(empty)], "is empty"),
    ]
    snapshot = tmp_path / "other.json"
    snapshot.write_text(json.dumps({"hello": 1}))
    cases.append((["report", str(snapshot)], "JSON without the snapshot's fields"))
    for argv, expected in cases:
        status, out, err = run(argv, capsys)
        assert (status, out) == (2, ""), argv
        assert expected in err and err.count("\n") == 1, (argv, err)


def test_demo_runs_every_step_as_expected() -> None:
    out = io.StringIO()
    report = run_demo(out)
    assert report.unexpected == []
    assert report.ok
    assert "unexpected" not in out.getvalue()
    assert report.executor is not None and report.executor.fresh_after_write


def test_a_refusal_quotes_the_callers_text_not_a_rules() -> None:
    """A rule's DECIMAL(65, 30) carries the positions of its own text (offset 8 for 65):
    the refusal of PostgreSQL's AVG into MySQL quoted `.id, AVG(t.id)` at col 9."""
    sql = "SELECT t.id, AVG(t.id) FROM cities AS t GROUP BY t.id"
    error = refusal(sql, "mysql", "postgres", schema={"cities": {"id": "INT"}})
    assert (error.line, error.col) == (1, 14)
    assert "`AVG(t.id)`" in str(error)
