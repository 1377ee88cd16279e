"""RETURNING into MariaDB (issue 15, item 3: a refusal that was over-cautious). MariaDB 10.5+
returns the rows of INSERT (VALUES, SELECT, upserts) and single-table DELETE; MySQL 8 has no
RETURNING at all, so the translator writes it only under ``Options(mysql_server="mariadb")``,
which the executor sets when the server it reaches is MariaDB. Each statement runs natively
on PostgreSQL and translated on MariaDB: the rows returned and the table left must agree."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import open_database

from sqlshift import Options, UntranslatableError, translate
from sqlshift.executor import Database

TABLE = f"sqlshift_returning_{os.getpid()}"

STATEMENTS = [
    f"INSERT INTO {TABLE} (id, name) VALUES (10, 'x'), (11, 'y') RETURNING id, name",
    f"INSERT INTO {TABLE} (id, name) SELECT id + 100, name FROM {TABLE} WHERE id < 3 RETURNING id",
    f"INSERT INTO {TABLE} (id, name) VALUES (1, 'z') ON CONFLICT (id) DO UPDATE "
    "SET name = excluded.name RETURNING id, name",
    f"INSERT INTO {TABLE} (id, name) VALUES (2, 'w'), (12, 'v') ON CONFLICT DO NOTHING "
    "RETURNING id",
    f"DELETE FROM {TABLE} WHERE id >= 2 RETURNING id, name",
]


@pytest.fixture
async def pair() -> AsyncIterator[tuple[Database, Database]]:
    """PostgreSQL running the statements natively, MariaDB running their translations."""
    postgres = await open_database("postgres")
    mariadb = await open_database("mysql", source="postgres")
    try:
        for db in (postgres, mariadb):
            await db.execute(f"DROP TABLE IF EXISTS {TABLE}")
            await db.execute(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, name VARCHAR(10))")
            await db.execute(f"INSERT INTO {TABLE} (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        yield postgres, mariadb
    finally:
        for db in (postgres, mariadb):
            await db.execute(f"DROP TABLE IF EXISTS {TABLE}")
            await db.close()


def _rows(rows: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in rows)


@pytest.mark.parametrize("sql", STATEMENTS, ids=[f"case{i}" for i in range(len(STATEMENTS))])
async def test_mariadb_returns_the_rows_postgres_returns(
    pair: tuple[Database, Database], sql: str
) -> None:
    postgres, mariadb = pair
    expected = _rows(await postgres.fetch_all(sql))
    assert expected
    assert _rows(await mariadb.fetch_all(sql)) == expected
    check = f"SELECT id, name FROM {TABLE}"
    assert _rows(await mariadb.fetch_all(check)) == _rows(await postgres.fetch_all(check))


def test_mysql_8_and_update_returning_stay_refused() -> None:
    """Without knowing the server, RETURNING is refused with a hint that names the option;
    UPDATE ... RETURNING is refused on MariaDB too (it has none)."""
    insert = "INSERT INTO t (a) VALUES (1) RETURNING id"
    with pytest.raises(UntranslatableError, match="mysql_server='mariadb'") as refused:
        translate(insert, "mysql", "postgres")
    assert refused.value.code == "returning"
    mariadb = Options(mysql_server="mariadb")
    assert translate(insert, "mysql", "postgres", options=mariadb).endswith("RETURNING id")
    with pytest.raises(UntranslatableError, match="INSERT and single-table DELETE only"):
        translate("UPDATE t SET a = 2 RETURNING id", "mysql", "postgres", options=mariadb)


async def test_the_executor_knows_it_reaches_mariadb() -> None:
    db = await open_database("mysql", source="postgres")
    try:
        options = db._pipeline.statements.options
        assert options is not None and options.mysql_server == "mariadb"
    finally:
        await db.close()
