"""SQLite through the executor enforces foreign keys, as MySQL and PostgreSQL do; a translated
MySQL dump turns them off and on where it sets FOREIGN_KEY_CHECKS."""

from __future__ import annotations

import warnings

import pytest

import sqlshift
from sqlshift.errors import ExecutionError

DDL = [
    "CREATE TABLE parent (id INT PRIMARY KEY)",
    "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, "
    "FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
]


async def test_keys_hold_and_cascade() -> None:
    db = await sqlshift.connect("sqlite:///:memory:")
    try:
        for statement in DDL:
            await db.execute(statement)
        await db.execute("INSERT INTO parent VALUES (1)")
        await db.execute("INSERT INTO child VALUES (10, 1)")
        with pytest.raises(ExecutionError):
            await db.execute("INSERT INTO child VALUES (11, 99)")  # no parent 99
        await db.execute("DELETE FROM parent WHERE id = 1")
        assert await db.fetch_val("SELECT COUNT(*) FROM child") == 0
    finally:
        await db.close()


async def test_a_mysql_dump_loads_children_first() -> None:
    dump = (
        "SET FOREIGN_KEY_CHECKS=0;\n"
        "CREATE TABLE child (id int PRIMARY KEY, parent_id int, FOREIGN KEY (parent_id) "
        "REFERENCES parent (id) ON DELETE CASCADE);\n"
        "INSERT INTO child VALUES (10, 1);\n"
        "CREATE TABLE parent (id int PRIMARY KEY);\n"
        "INSERT INTO parent VALUES (1);\n"
        "SET FOREIGN_KEY_CHECKS=1;\n"
        "DELETE FROM parent WHERE id = 1"
    )
    db = await sqlshift.connect("sqlite:///:memory:")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            statements = sqlshift.translation(dump, "sqlite", "mysql").statements
        assert statements[0] == "PRAGMA foreign_keys = OFF"
        for statement in statements:
            await db.execute(statement)
        assert await db.fetch_val("SELECT COUNT(*) FROM child") == 0
    finally:
        await db.close()
