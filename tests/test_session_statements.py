"""MySQL scripts' database and transaction statements (rules/session.py), checked on the real
engines: the translated script leaves the tables MySQL's does."""

from __future__ import annotations

import pytest
from engines import DialectName, EnginePool

from sqlshift import UntranslatableError, translate, translation

SCRIPT = """
CREATE TABLE loaded (id int PRIMARY KEY);
SET autocommit=0;
INSERT INTO loaded VALUES (1);
ROLLBACK;
INSERT INTO loaded VALUES (2);
COMMIT;
INSERT INTO loaded VALUES (3);
CREATE TABLE loaded_too (id int);
ROLLBACK;
INSERT INTO loaded VALUES (4);
SET autocommit=1;
COMMIT;
INSERT INTO loaded VALUES (5)
"""
# 1 rolled back; 3 committed by CREATE TABLE's implicit commit (ROLLBACK then finds nothing);
# 4 committed by SET autocommit=1; 5 in autocommit mode; the last COMMIT is a no-op


def _rows(engines: EnginePool, name: DialectName) -> list[tuple[object, ...]]:
    engine = engines.get(name)
    # one statement at a time, as a client runs a script (PostgreSQL would run a string of
    # several as one implicit transaction, which a ROLLBACK in it undoes from the start)
    statements = [SCRIPT] if name == "mysql" else translation(SCRIPT, name, "mysql").statements
    with engine.isolated("other"):
        for statement in statements:
            if name == "sqlite":  # (executescript() would COMMIT first)
                engine.query(statement)
            else:
                engine.execute_script(statement)
        return engine.query("SELECT id FROM loaded ORDER BY id")


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_autocommit_off_keeps_mysqls_transactions(engines: EnginePool, target: DialectName) -> None:
    expected = _rows(engines, "mysql")
    assert [row[0] for row in expected] == [2, 3, 4, 5]
    assert _rows(engines, target) == expected


def test_transaction_statements_where_mysql_has_them() -> None:
    statements = translation(SCRIPT, "sqlite", "mysql").statements
    assert statements[1:5] == (
        "BEGIN TRANSACTION",
        "INSERT INTO loaded (id) VALUES (1)",
        "ROLLBACK",
        "BEGIN TRANSACTION",
    )
    assert statements[-3:] == (
        "INSERT INTO loaded (id) VALUES (4)",
        "COMMIT",
        "INSERT INTO loaded (id) VALUES (5)",
    )
    # no autocommit statement: COMMIT is the caller's own (it may end a transaction begun
    # by an earlier statement of theirs)
    assert translate("COMMIT", "sqlite", "mysql") == "COMMIT"


def test_database_statements() -> None:
    dump = (
        "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;\n"
        "USE `shop`;\nCREATE TABLE t (id int);\nUSE `shop`"
    )
    for target in ("postgres", "sqlite"):
        assert translation(dump, target, "mysql").statements == ("CREATE TABLE t (id INT)",) or (
            target == "sqlite"
            and translation(dump, target, "mysql").statements == ("CREATE TABLE t (id INTEGER)",)
        )
    with pytest.raises(UntranslatableError) as second:
        translate("USE a; SELECT 1; USE b", "postgres", "mysql")
    assert second.value.code == "database-statement" and second.value.line == 1
    with pytest.raises(UntranslatableError) as drop:
        translate("DROP DATABASE IF EXISTS shop", "postgres", "mysql")
    assert drop.value.code == "database-statement"


def test_a_dump_drops_and_makes_its_own_database() -> None:
    """sakila's schema script starts so: the database is the caller's, made anew by nobody."""
    script = (
        "SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='TRADITIONAL';\n"
        "DROP SCHEMA IF EXISTS sakila;\nCREATE SCHEMA sakila;\nUSE sakila;\n"
        "CREATE TABLE t (id int)"
    )
    assert translation(script, "postgres", "mysql").statements == ("CREATE TABLE t (id INT)",)
    with pytest.raises(UntranslatableError) as other:
        translate("DROP DATABASE other; USE sakila", "postgres", "mysql")
    assert other.value.code == "database-statement"
