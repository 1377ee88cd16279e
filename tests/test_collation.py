"""The collation policy (Options.collation): emulation by default, the target's own on request."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlshift import UntranslatableError, translate
from sqlshift.errors import ConfigurationError
from sqlshift.translator.options import Options

TARGET = Options(collation="target")


def test_default_emulates_mysql_case_insensitivity() -> None:
    sql = "SELECT id FROM people WHERE name = 'bob'"
    # case and accents folded on PostgreSQL, the literal folded here; GLOB classes on SQLite
    assert "TRANSLATE(LOWER(RTRIM(name)), 'àá" in translate(sql, "postgres", "mysql")
    assert translate(sql, "postgres", "mysql").endswith(") END = 'bob'")
    assert "RTRIM(name) GLOB '[bBḂḃḄḅḆḇ][oOÒÓ" in translate(sql, "sqlite", "mysql")


def test_unknown_types_are_left_to_the_target() -> None:
    # Without schema= nothing says `name` is text: `id = ?` must not be refused or lowered.
    assert translate("SELECT 1 FROM t WHERE name = ?", "postgres", "mysql").endswith("= $1")


def test_schema_enables_emulation_for_placeholders() -> None:
    out = translate(
        "SELECT 1 FROM t WHERE name = ?", "postgres", "mysql", schema={"t": {"name": "TEXT"}}
    )
    assert "TRANSLATE(LOWER(RTRIM($1)), 'àá" in out
    # SQLite can fold neither accents nor non-ASCII case of a parameter
    with pytest.raises(UntranslatableError) as refused:
        translate(
            "SELECT 1 FROM t WHERE name = ?", "sqlite", "mysql", schema={"t": {"name": "TEXT"}}
        )
    assert refused.value.code == "collation-unicode"


def test_target_policy_keeps_the_targets_collation() -> None:
    sql = "SELECT id FROM people WHERE name = 'bob' ORDER BY name"
    schema = {"people": {"id": "INT", "name": "VARCHAR(50)"}}
    with pytest.raises(UntranslatableError) as refused:
        translate(sql, "postgres", "mysql", schema=schema)
    assert refused.value.code == "collation-order"
    out = translate(sql, "postgres", "mysql", schema=schema, options=TARGET)
    assert "LOWER" not in out


def test_into_mysql_comparisons_are_binary() -> None:
    out = translate("SELECT 1 FROM t WHERE name = 'bob'", "mysql", "postgres")
    assert "CAST(name AS BINARY) = 'bob'" in out
    out = translate("SELECT 1 FROM t WHERE name = 'bob'", "mysql", "postgres", options=TARGET)
    assert "BINARY" not in out


def test_bad_policy_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        Options(collation="nocase")


def test_trailing_spaces_follow_the_source_servers_padding() -> None:
    """PAD SPACE (MariaDB, MySQL 5.7; the default) ignores trailing spaces in `=`; MySQL 8's
    0900 collations (``mysql_padding="no-pad"``) count them."""
    sql = "SELECT id FROM t WHERE name = 'bob ' OR name IN ('al  ', 'x')"
    schema = {"t": {"id": "INT", "name": "VARCHAR(10)"}}
    padded = translate(sql, "postgres", "mysql", schema=schema)
    assert "RTRIM(name)" in padded and "= 'bob'" in padded and "'al'" in padded
    exact = translate(
        sql, "postgres", "mysql", schema=schema, options=Options(mysql_padding="no-pad")
    )
    assert "RTRIM" not in exact and "= 'bob '" in exact
    with pytest.raises(ConfigurationError, match="mysql_padding"):
        Options(mysql_padding="rtrim")


def test_the_cli_takes_the_padding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlshift.cli import main

    query = tmp_path / "q.sql"
    query.write_text("SELECT 1 FROM t WHERE name = 'bob ';\n")
    assert main(["translate", "--from", "mysql", "--to", "postgres", str(query)]) == 0
    assert "= 'bob'" in capsys.readouterr().out
    argv = ["translate", "--from", "mysql", "--to", "postgres", "--mysql-padding", "no-pad"]
    assert main([*argv, str(query)]) == 0
    assert "= 'bob '" in capsys.readouterr().out
