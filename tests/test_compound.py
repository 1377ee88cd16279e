"""MySQL client scripts (translator/compound.py): DELIMITER, and procedures, functions and
events refused as units, nothing inside them emitted or run; triggers kept whole for
translator/trigger_units.py (corpus triggers.toml)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from engines import EnginePool

from sqlshift import UntranslatableError, translate, translation
from sqlshift.cli import main, split_statements
from sqlshift.translator.compound import compound_kind, split_script

DUMP = """\
CREATE TABLE film (id int PRIMARY KEY, title varchar(20));
-- Dumping routines
DELIMITER ;;
CREATE DEFINER=`root`@`localhost` PROCEDURE rewards(IN min_purchases TINYINT)
BEGIN
  CREATE TEMPORARY TABLE tmp_rewards (a int);
  DROP TABLE film;
  SELECT ';;' AS `a;;b`;
END ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER ins_film AFTER INSERT ON film FOR EACH ROW BEGIN
    DELETE FROM film WHERE id < 0;
  END */;;
DELIMITER ;
INSERT INTO film VALUES (1, 'a');
"""


def _texts(script: str) -> list[str]:
    return [script[u.start : u.end] for u in split_script(script) if not u.client]


def test_split_follows_the_delimiter() -> None:
    parts = _texts(DUMP)
    assert len(parts) == 4
    assert parts[1].startswith("CREATE DEFINER") and parts[1].rstrip().endswith("END")
    assert "SELECT ';;' AS `a;;b`" in parts[1]  # quoted delimiters do not end it
    assert parts[2].startswith("/*!50003 CREATE*/") and parts[2].endswith("END */")
    assert parts[3] == "INSERT INTO film VALUES (1, 'a')"
    # a comment stays with the statement after it
    assert _texts("-- one\nSELECT 1; /* two */ SELECT 2") == [
        "-- one\nSELECT 1",
        "/* two */ SELECT 2",
    ]


def test_default_delimiter_keeps_a_body_whole() -> None:
    script = (
        "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW BEGIN\n"
        "  IF NEW.a > 0 THEN SET NEW.b = CASE WHEN NEW.a > 9 THEN 2 ELSE 1 END; END IF;\n"
        "  lbl: BEGIN SET NEW.c = 1; END lbl;\n"
        "END;\n"
        "SELECT 1; SELECT 'begin;'"
    )
    parts = _texts(script)
    assert len(parts) == 3
    assert parts[0].endswith("END lbl;\nEND")


def test_custom_delimiter_and_delimiter_inside_statement() -> None:
    script = "DELIMITER $$\nSELECT 1; SELECT 2$$\nDELIMITER ;\nSELECT 3;"
    assert _texts(script) == ["SELECT 1; SELECT 2", "SELECT 3"]
    # `delimiter` in the middle of a statement is not the client command
    assert _texts("SELECT 1 AS x,\ndelimiter FROM t;") == ["SELECT 1 AS x,\ndelimiter FROM t"]


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("CREATE PROCEDURE p() BEGIN END", "PROCEDURE"),
        ("create definer = 'u'@'%' sql security invoker function f() returns int", "FUNCTION"),
        ("CREATE DEFINER=CURRENT_USER() TRIGGER t", "TRIGGER"),
        ("/*!50106 CREATE*/ /*!50117 DEFINER=`x`@`y`*/ /*!50106 EVENT e", "EVENT"),
        ("CREATE OR REPLACE TRIGGER t", "TRIGGER"),
        ("CREATE TABLE procedure_log (a int)", None),
        ("CREATE VIEW v AS SELECT 1", None),
        ("SELECT 'CREATE PROCEDURE'", None),
    ],
)
def test_compound_kind(statement: str, kind: str | None) -> None:
    assert compound_kind(statement) == kind


def test_strict_refuses_the_first_unit_with_its_position() -> None:
    with pytest.raises(UntranslatableError) as refused:
        translate(DUMP, "postgres", "mysql")
    assert refused.value.code == "compound-statement"
    assert (refused.value.line, refused.value.col) == (4, 1)
    assert "procedure" in refused.value.reason


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_lenient_emits_nothing_of_a_unit(target: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = translation(DUMP, target, "mysql", strict=False)
    assert [p.code for p in result.problems] == ["compound-statement"]  # the procedure
    assert [p.line for p in result.problems] == [4]
    assert len(result.statements) == (4 if target == "postgres" else 3)  # the trigger's
    assert "DROP" not in result.sql.upper() and "tmp_rewards" not in result.sql
    # the trigger's own DELETE, in its body only
    [trigger] = [s for s in result.statements if "DELETE" in s]
    assert trigger.startswith(("CREATE OR REPLACE FUNCTION ins_film", "CREATE TRIGGER ins_film"))


def test_a_script_of_units_only_translates_to_nothing() -> None:
    script = "DELIMITER //\nCREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1//\n"
    with pytest.warns(UserWarning):
        result = translation(script, "sqlite", "mysql", strict=False)
    assert result.sql == "" and result.statements == ()


def test_same_dialect_is_left_alone() -> None:
    body = "CREATE PROCEDURE p() BEGIN SELECT 1; END"
    assert translate(body, "mysql", "mysql") == body


def test_nothing_inside_a_unit_runs_on_the_target(engines: EnginePool) -> None:
    pg = engines.get("postgres")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        script = translate(DUMP, "postgres", "mysql", strict=False)
    with pg.isolated("other"):
        pg.execute_script(script)
        assert pg.query("SELECT id, title FROM film") == [(1, "a")]
        # the trigger is there, and runs on an insert (its DELETE finds nothing to delete)
        assert pg.query("SELECT tgname FROM pg_trigger WHERE tgname = 'ins_film'") == [
            ("ins_film",)
        ]
        assert pg.query("SELECT count(*) FROM pg_class WHERE relname = 'tmp_rewards'") == [(0,)]


def test_cli_reads_delimiter_scripts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dump = tmp_path / "dump.sql"
    dump.write_text(DUMP)
    assert [s.line for s in split_statements(DUMP, None)] == [1, 4, 10, 14]
    code = main(["translate", "--from", "mysql", "--to", "sqlite", "--lenient", str(dump)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "DROP" not in out.upper() and "CREATE TABLE film" in out and "INSERT INTO film" in out
    assert "CREATE TRIGGER ins_film AFTER INSERT ON film FOR EACH ROW\nBEGIN" in out
    assert f"{dump}:4:1: warning: [compound-statement]" in err
    assert ":10:" not in err
    assert main(["translate", "--from", "mysql", "--to", "sqlite", str(dump)]) == 1


def test_sqlite_trigger_is_one_unit() -> None:
    script = (
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u WHERE [a;b] = 'x\\'; "
        "UPDATE v SET a = 1; END; SELECT 2"
    )
    with pytest.warns(UserWarning):
        result = translation(script, "postgres", "sqlite", strict=False)
    assert [p.code for p in result.problems] == ["compound-statement"]
    assert result.statements == ('SELECT 2 AS "2"',)


@pytest.mark.parametrize(
    "view",
    [
        "CREATE DEFINER=CURRENT_USER SQL SECURITY INVOKER VIEW v AS SELECT 1 AS a",
        "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`localhost` SQL "
        "SECURITY DEFINER */\n/*!50001 VIEW `v` AS select 1 AS `a` */",
        "CREATE ALGORITHM = MERGE DEFINER = 'app'@'%' VIEW v AS SELECT 1 AS a",
    ],
)
def test_view_headers_are_dropped(view: str) -> None:
    """Who a view runs as and how MySQL evaluates it change none of its rows; neither parses
    on the targets (DEFINER=CURRENT_USER did not even parse as MySQL)."""
    for target in ("postgres", "sqlite"):
        assert translate(view, target, "mysql").replace('"', "") == "CREATE VIEW v AS SELECT 1 AS a"
