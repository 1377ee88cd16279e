"""MySQL triggers translated as units (translator/trigger_units.py): what a body may hold,
where refusals point, and what lenient mode leaves. Behaviour on the engines: corpus
triggers.toml."""

from __future__ import annotations

import warnings

import pytest

from sqlshift import UntranslatableError, translate, translation

TABLE = "CREATE TABLE t (id int PRIMARY KEY, n int, label varchar(10), at datetime);\n"


def _pg(sql: str) -> str:
    return translate(TABLE + sql, "postgres", "mysql")


def test_body_statements_and_expressions_are_translated() -> None:
    out = _pg(
        "CREATE TRIGGER `t bi` BEFORE INSERT ON `t` FOR EACH ROW BEGIN\n"
        "  IF IF(NEW.n > 0, 1, 0) = 1 AND CASE WHEN NEW.n > 9 THEN 1 ELSE 0 END = 0 THEN\n"
        "    SET NEW.label = CONCAT('n', NEW.n), NEW.at = NOW()\n"
        "  END IF;\n"
        "  BEGIN INSERT INTO t2 VALUES (NEW.id) END;\n"
        "END"
    )
    assert 'CREATE OR REPLACE FUNCTION "t bi"() RETURNS trigger' in out
    # IF() and a CASE in the condition: neither ends it; MySQL's IF() is PostgreSQL's CASE
    assert "IF CASE WHEN new.n > 0 THEN 1 ELSE 0 END = 1 AND CASE WHEN new.n > 9" in out
    assert "NEW.label := 'n' || CAST(new.n AS TEXT);" in out  # (two assignments, one SET)
    assert "NEW.at := DATE_TRUNC('SECOND', LOCALTIMESTAMP);" in out  # (DATETIME: seconds)
    assert "  END IF;\n  INSERT INTO t2 VALUES (new.id);\n" in out  # (`;` left out before END)
    assert out.rstrip().endswith('CREATE TRIGGER "t bi" BEFORE INSERT ON t FOR EACH ROW '
                                 'EXECUTE FUNCTION "t bi"()')  # fmt: skip
    assert "RETURN NEW;" in out


@pytest.mark.parametrize(
    ("body", "code", "line", "col"),
    [
        ("BEGIN\n  DECLARE x INT;\nEND", "trigger-body", 3, 3),
        (
            "BEGIN\n  IF NEW.n < 0 THEN\n    SIGNAL SQLSTATE '45000';\n  END IF;\nEND",
            "trigger-body",
            4,
            5,
        ),
        ("FOLLOWS other SET NEW.n = 1", "trigger-order", 2, 51),
        ("SET @x = NEW.n", "trigger-body", 2, 51),
        ("SET NEW.", "trigger-body", 2, 55),  # cut short (the fuzz test: an IndexError)
        ("BEGIN\n  UPDATE t SET label = ZEROFILL_NOPE(1);\nEND", "unknown-function", 3, 3),
    ],
)
def test_refusals_point_into_the_body(body: str, code: str, line: int, col: int) -> None:
    sql = f"CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW {body}"
    with pytest.raises(UntranslatableError) as refused:
        _pg(sql)
    assert (refused.value.code, refused.value.line, refused.value.col) == (code, line, col)


def test_lenient_mode_leaves_a_refused_trigger_out() -> None:
    script = TABLE + (
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.n = 1;\n"
        "INSERT INTO t (id) VALUES (1)"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = translation(script, "sqlite", "mysql", strict=False)
    assert [p.code for p in result.problems] == ["trigger-set-new"]
    assert [p.line for p in result.problems] == [2]
    assert not any("TRIGGER" in s for s in result.statements)
    assert result.statements[-1].startswith("INSERT INTO t")


def test_sqlite_when_and_types_from_schema() -> None:
    trigger = (
        "DELIMITER //\nCREATE TRIGGER tu AFTER UPDATE ON t FOR EACH ROW "
        "IF NEW.n <> OLD.n THEN INSERT INTO log VALUES (NEW.id); END IF//\nDELIMITER ;\n"
    )
    out = translate(trigger, "sqlite", "mysql", schema={"t": {"id": "INT", "n": "INT"}})
    assert out == (
        "CREATE TRIGGER tu AFTER UPDATE ON t FOR EACH ROW WHEN NEW.n <> OLD.n\n"
        "BEGIN\n  INSERT INTO log VALUES (NEW.id);\nEND"
    )


def test_a_trigger_on_another_database_is_refused() -> None:
    with pytest.raises(UntranslatableError) as refused:
        _pg("CREATE TRIGGER tr AFTER INSERT ON other.t FOR EACH ROW DELETE FROM t")
    assert refused.value.code == "trigger-body"


def test_a_second_trigger_for_the_same_event_is_refused() -> None:
    script = TABLE + (
        "CREATE TRIGGER a AFTER INSERT ON t FOR EACH ROW DELETE FROM t2;\n"
        "CREATE TRIGGER b AFTER UPDATE ON t FOR EACH ROW DELETE FROM t2;\n"
        "CREATE TRIGGER c AFTER INSERT ON t FOR EACH ROW DELETE FROM t3"
    )
    for target in ("postgres", "sqlite"):
        with pytest.raises(UntranslatableError) as refused:
            translate(script, target, "mysql")
        assert (refused.value.code, refused.value.line) == ("trigger-order", 4)
