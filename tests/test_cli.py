"""The command line: translate, --check, error reporting and exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from sqlshift.cli import Statement, main, split_statements


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_translate_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "q.sql"
    script.write_text("SELECT IFNULL(a, 0) FROM t;\nSELECT `b` FROM u LIMIT 1, 2;\n")
    status, out, err = run(
        ["translate", "--from", "mysql", "--to", "postgres", str(script)], capsys
    )
    assert (status, err) == (0, "")
    assert out == (
        'SELECT COALESCE(a, 0) AS "IFNULL(a, 0)" FROM t;\nSELECT "b" FROM u LIMIT 2 OFFSET 1;\n'
    )


def test_translate_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT IFNULL(a, 0) FROM t"))
    status, out, err = run(["translate", "--from", "mariadb", "--to", "sqlite", "-"], capsys)
    assert (status, out, err) == (0, 'SELECT COALESCE(a, 0) AS "IFNULL(a, 0)" FROM t;\n', "")


def test_stdin_is_the_default_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT 1 AS one"))
    assert run(["translate", "--from", "pg", "--to", "mysql"], capsys) == (
        0,
        "SELECT 1 AS one;\n",
        "",
    )


def test_semicolons_in_strings_and_comments_do_not_split(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT 'a;b' /* ; */ AS x; SELECT 2;"))
    status, out, _ = run(["translate", "--from", "mysql", "--to", "sqlite"], capsys)
    assert status == 0
    assert out.count(";\n") == 2
    assert "'a;b'" in out


def test_check_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.sql").write_text("SELECT 1;\nSELECT IFNULL(a, 1) FROM t;\n")
    nested = tmp_path / "nested"
    nested.mkdir()
    bad = nested / "bad.sql"
    bad.write_text(
        "SELECT 1;\n"
        "SELECT x,\n"
        "       foo(x) FROM t;  SELECT 'no;split', bar(2);\n"
        "-- comment; with a semicolon\n"
        "SELECT FROM WHERE;\n"
    )
    (tmp_path / "notes.txt").write_text("SELECT foo(1);")  # not *.sql: ignored

    status, out, err = run(
        ["translate", "--check", "--from", "mysql", "--to", "postgres", str(tmp_path)], capsys
    )

    assert status == 1
    assert err == ""
    lines = out.splitlines()
    heads = [line.split("] ", 1)[0] + "]" for line in lines]
    assert heads == [
        f"{bad}:3:8: [unknown-function]",
        f"{bad}:3:43: [unknown-function]",
        f"{bad}:5:13: [parse-error]",
    ]
    assert all(line.split("] ", 1)[1] for line in lines)  # every line has a message


def test_check_clean_input_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.sql"
    # (`ORDER BY a` of unknown type would print an assumption: tests/test_assumptions.py)
    good.write_text("SELECT 1;\nSELECT a FROM t WHERE a > 2 LIMIT 5;\n")
    status, out, err = run(
        ["translate", "--check", "--from", "sqlite", "--to", "mysql", str(good)], capsys
    )
    assert (status, out, err) == (0, "", "")


def test_untranslatable_statement_fails_without_partial_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "q.sql"
    script.write_text("SELECT 1;\nSELECT foo(1);\n")
    status, out, err = run(
        ["translate", "--from", "mysql", "--to", "postgres", str(script)], capsys
    )
    assert status == 1
    assert out == ""
    assert err.startswith(f"{script}:2:8: [unknown-function] ")
    assert err.count("\n") == 1


def test_lenient_translates_and_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "q.sql"
    script.write_text("SELECT foo(1);\n")
    status, out, err = run(
        ["translate", "--lenient", "--from", "mysql", "--to", "postgres", str(script)], capsys
    )
    assert status == 0
    assert "SELECT" in out and "1" in out
    assert err.startswith(f"{script}:1:8: warning: [unknown-function] `foo(1)`: ")
    assert "at line" not in err  # one position, the script's
    assert "strict=False" not in err and "--lenient" in err  # hints in the CLI's terms


def test_bad_dialect_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["translate", "--from", "mysq", "--to", "postgres", "-"], capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("sqlshift: error: ")
    assert "'mysql'" in err  # did you mean


def test_parse_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT 1;\n  SELECT FROM WHERE"))
    status, out, err = run(["translate", "--from", "mysql", "--to", "sqlite"], capsys)
    assert status == 1
    assert out == ""
    assert err.startswith("<stdin>:2:15: [parse-error] ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_untokenizable_input_is_a_parse_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT 'unterminated"))
    status, out, _ = run(["translate", "--check", "--from", "postgres", "--to", "sqlite"], capsys)
    assert status == 1
    assert out.startswith("<stdin>:1:8: [parse-error] syntax error: unterminated string")
    assert out.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["translate", "--from", "mysql"],  # --to missing
        ["frobnicate"],
        [],
        ["translate", "--to", "sqlite", "--check", "--lenient", "-"],
    ],
)
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(argv, capsys)
    assert status == 2
    assert out == ""
    assert err.startswith("sqlshift: error: ")
    assert err.count("\n") == 1


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.sql"
    status, _, err = run(["translate", "--to", "sqlite", str(missing)], capsys)
    assert status == 2
    assert err == f"sqlshift: error: cannot read {missing}: no such file or directory\n"


def test_non_utf8_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "latin1.sql"
    script.write_bytes("SELECT 'café'".encode("latin-1"))
    status, out, err = run(["translate", "--from", "mysql", "--to", "sqlite", str(script)], capsys)
    # the bytes are read as they are; in a text literal they cannot be translated
    assert status == 1
    assert f"{script}:1:8: [not-utf8]" in err and "not UTF-8 text" in err
    assert out == ""


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--version"], capsys)
    assert status == 0
    assert out.startswith("sqlshift ")


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sqlshift", "translate", "--from", "mysql", "--to", "postgres"],
        input="SELECT IFNULL(a, 1) FROM t",
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        'SELECT COALESCE(a, 1) AS "IFNULL(a, 1)" FROM t;\n',
        "",
    )


class TestSplitStatements:
    def test_positions(self) -> None:
        text = "SELECT 1;\n\n  SELECT 2 ;SELECT\n3"
        assert split_statements(text, "mysql") == [
            Statement("SELECT 1", 1, 1),
            Statement("SELECT 2", 3, 3),
            Statement("SELECT\n3", 3, 13),
        ]

    def test_dialect_specific_quoting(self) -> None:
        assert len(split_statements("SELECT $$a;b$$; SELECT 2", "postgres")) == 2
        assert len(split_statements("SELECT `a;b`; SELECT 2 # c;d\n", "mysql")) == 2
        assert len(split_statements("SELECT [a;b]; SELECT 2", "sqlite")) == 2

    def test_trigger_body_is_one_statement(self) -> None:
        text = (
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
            "  UPDATE u SET n = CASE WHEN 1 THEN 2 END;\n"
            "  DELETE FROM v;\n"
            "END;\n"
            "SELECT 1;"
        )
        parts = split_statements(text, "sqlite")
        assert [p.line for p in parts] == [1, 5]
        assert parts[0].text.endswith("END")

    def test_blank_and_comment_only_chunks_are_dropped(self) -> None:
        assert split_statements(" ;; -- nothing\n ; ", "mysql") == []
        assert split_statements("", None) == []


def test_max_statement_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "q.sql"
    script.write_text("SELECT 1 AS x -- " + "y" * 300 + "\n;\nSELECT 2 AS z;\n")
    argv = ["translate", "--from", "mysql", "--to", "postgres", str(script)]
    status, out, err = run([*argv, "--max-statement-bytes", "100"], capsys)
    assert (status, out) == (1, "")
    assert "over the bound of 100 bytes" in err and "--max-statement-bytes N" in err
    status, out, err = run(argv, capsys)  # no bound by default
    assert (status, err) == (0, "") and "SELECT 2 AS z" in out


def test_mysql_server_mariadb_writes_returning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """RETURNING into MySQL is refused with the flag's name as the way out, and written with
    --mysql-server mariadb."""
    script = tmp_path / "r.sql"
    script.write_text("INSERT INTO t (a) VALUES (1) RETURNING id;\n")
    argv = ["translate", "--from", "postgres", "--to", "mysql", str(script)]
    status, out, err = run(argv, capsys)
    assert status == 1 and "[returning]" in err and "pass --mysql-server mariadb" in err
    status, out, err = run([*argv, "--mysql-server", "mariadb"], capsys)
    assert (status, err) == (0, "")
    assert out == "INSERT INTO t (a) VALUES (1) RETURNING id;\n"
