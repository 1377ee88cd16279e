"""`sqlshift migrate` / `sqlshift verify` (sqlshift/move/) between the real engines: every
table copied and proven equal, a second run resumes, a changed copy is caught and mended."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pymysql
import pytest
from engines import DEFAULT_MYSQL_URL, DEFAULT_PG_URL, EnginePool, dump_generator

from sqlshift import connect
from sqlshift.cli import main
from sqlshift.move.migrate import MigrationReport, migrate
from sqlshift.move.verify import verify
from sqlshift.translator.compound import split_script

NAME = f"sqlshift_mig_{os.getpid()}"


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{database}").geturl()


@contextlib.contextmanager
def _mysql_database(database: str, dump: str | None = None) -> Iterator[str]:
    """A MariaDB database of its own (loaded with ``dump`` natively, unit by unit as the mysql
    client sends them); its URL."""
    base = os.environ.get("SQLSHIFT_MYSQL_URL", DEFAULT_MYSQL_URL)
    parts = urlsplit(base)
    conn = pymysql.connect(
        host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
        password=parts.password or "", autocommit=True,
    )  # fmt: skip
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
            cursor.execute(f"CREATE DATABASE `{database}`")
            cursor.execute(f"USE `{database}`")
            for unit in split_script(dump or ""):
                if not unit.client:
                    cursor.execute((dump or "")[unit.start : unit.end])
            cursor.execute("SET autocommit = 1")
        yield _with_database(base, database)
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
        conn.close()


@pytest.fixture
def mysql_source(engines: EnginePool) -> Iterator[str]:
    """A MariaDB database holding the application dump."""
    engines.get("mysql")  # (skips, or fails under CI, without a server)
    database = f"{NAME}_src"
    with _mysql_database(database, dump_generator("make_app_dump").make_dump(40, database)) as url:
        yield url


@pytest.fixture
def mysql_target(engines: EnginePool) -> Iterator[str]:
    engines.get("mysql")
    with _mysql_database(f"{NAME}_dst") as url:
        yield url


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(os.environ.get("SQLSHIFT_PG_URL", DEFAULT_PG_URL))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def pg_database(engines: EnginePool) -> Iterator[str]:
    """An empty PostgreSQL database of its own."""
    engines.get("postgres")
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {NAME}"))
    asyncio.run(_pg_admin(f"CREATE DATABASE {NAME}"))
    try:
        yield _with_database(os.environ.get("SQLSHIFT_PG_URL", DEFAULT_PG_URL), NAME)
    finally:
        asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)"))


def _run(coroutine: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return asyncio.run(coroutine)


def _copied(report: MigrationReport) -> dict[str, tuple[str, bool | None]]:
    return {t.name: (t.status, t.verified) for t in report.tables}


@pytest.mark.parametrize("target", ["postgres", "sqlite"])
def test_mysql_database_moves_and_resumes(
    mysql_source: str, target: str, pg_database: str, tmp_path: Path
) -> None:
    url = pg_database if target == "postgres" else f"sqlite:///{tmp_path / 'copy.db'}"
    report = _run(migrate(mysql_source, url, batch_size=7))
    assert _copied(report) == {
        "app_accounts": ("copied", True),
        "app_users": ("copied", True),
    }
    assert [t.rows_written for t in report.tables] == [40, 40]
    assert report.views == {"app_account_users": "created and verified"}
    # the trigger lowers e-mails: a PL/pgSQL function; SQLite's triggers cannot set NEW
    if target == "postgres":
        assert report.triggers == {"app_users_bi": "created"} and report.ok, str(report)
    else:
        assert report.triggers["app_users_bi"].startswith("[trigger-set-new]")
        assert not report.ok and not report.errors
    # again: nothing to do
    again = _run(migrate(mysql_source, url))
    assert {t.status for t in again.tables} == {"skipped"}
    assert again.views == {"app_account_users": "exists"}
    if target == "postgres":
        assert again.triggers == {"app_users_bi": "exists"}

    async def change_and_read() -> tuple[Any, Any]:
        db = await connect(url)
        try:
            await db.execute("UPDATE app_users SET email = 'changed@example.com' WHERE id = 3")
            checks = await verify(mysql_source, url)
            mended = await migrate(mysql_source, url)
            return checks, mended
        finally:
            await db.close()

    checks, mended = _run(change_and_read())
    assert {c.name: c.equal for c in checks} == {"app_accounts": True, "app_users": False}
    assert _copied(mended)["app_users"] == ("copied", True)
    if target == "postgres":  # dropped while its table was copied again, then made again
        assert mended.triggers == {"app_users_bi": "created"}

    async def lowered() -> Any:
        db = await connect(url, source="mysql")
        try:
            await db.execute("INSERT INTO app_users (account_id, email) VALUES (3, 'New@X.org')")
            return await db.fetch_val("SELECT email FROM app_users WHERE email LIKE 'new@%'")
        finally:
            await db.close()

    assert _run(lowered()) == ("new@x.org" if target == "postgres" else "New@X.org")

    async def next_key() -> Any:
        db = await connect(url, source="mysql")
        try:
            await db.execute("INSERT INTO app_accounts (name) VALUES ('after')")
            return await db.fetch_val("SELECT MAX(id) FROM app_accounts")
        finally:
            await db.close()

    assert _run(next_key()) == 1000  # the table's AUTO_INCREMENT=1000 still holds


def test_sqlite_database_moves_to_mysql(mysql_target: str, tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL);"
        "CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owners (id),"
        " born DATE, price DECIMAL(8, 2), photo BLOB, ok BOOLEAN);"
        "CREATE INDEX pets_owner ON pets (owner_id);"
        "INSERT INTO owners VALUES (1, 'Ann', 1.5), (5, 'Bo', NULL);"
        "INSERT INTO pets VALUES (1, 5, '2020-02-29', '12.50', x'00ff', 1), "
        "(2, 1, NULL, '0.10', NULL, 0);"
        "CREATE VIEW pet_owners AS SELECT p.id, o.name FROM pets p JOIN owners o "
        "ON o.id = p.owner_id;"
        "CREATE TRIGGER pets_ai AFTER INSERT ON pets BEGIN SELECT 1; END;"
    )
    conn.close()
    source = f"sqlite:///{path}"
    report = _run(migrate(source, mysql_target))
    assert not report.errors and not report.refused, str(report)
    assert _copied(report) == {"owners": ("copied", True), "pets": ("copied", True)}
    assert report.views == {"pet_owners": "created and verified"}
    # SQLite's own triggers are not translated: said so, and the migration is not whole
    assert report.triggers["pets_ai"].startswith("not copied: a sqlite trigger")
    assert not report.ok
    assert main(["verify", source, mysql_target]) == 0


def test_postgres_database_moves_to_sqlite(pg_database: str, tmp_path: Path) -> None:
    async def fill() -> None:
        conn = await asyncpg.connect(pg_database)
        try:
            await conn.execute(
                "CREATE TABLE items (id INT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                "label TEXT NOT NULL, price NUMERIC(10, 3), seen TIMESTAMPTZ, raw BYTEA, "
                "ok BOOLEAN, meta JSONB);"
                "INSERT INTO items (label, price, seen, raw, ok, meta) VALUES "
                "('a', 1.5, '2024-01-01 10:00:00+00', '\\x00ff', true, '{\"b\": 1, \"a\": [2]}'), "
                "('b', NULL, NULL, NULL, false, NULL);"
                "CREATE VIEW cheap AS SELECT id, label FROM items WHERE price < 2"
            )
        finally:
            await conn.close()

    _run(fill())
    target = f"sqlite:///{tmp_path / 'items.db'}"
    report = _run(migrate(pg_database, target))
    assert report.ok, str(report)
    assert _copied(report) == {"items": ("copied", True)}
    assert report.views == {"cheap": "created and verified"}
    checks = _run(verify(pg_database, target))
    assert [(c.name, c.source_rows, c.target_rows, c.equal) for c in checks] == [
        ("items", 2, 2, True)
    ]


# ------------------------------------------------------------------------------ verify

_VERIFY_SCHEMA = [
    # text keys whose byte order (B, Z, _x, a, c) is not MariaDB's collation order
    "CREATE TABLE words (w VARCHAR(20) NOT NULL PRIMARY KEY, n INT)",
    "CREATE TABLE pairs (a INT NOT NULL, b VARCHAR(10) NOT NULL, v DECIMAL(8, 2), "
    "PRIMARY KEY (a, b))",
    "CREATE TABLE loose (x INT, y VARCHAR(10))",  # no key: compared by row hashes
    "INSERT INTO words VALUES ('a', 1), ('B', 2), ('c', 3), ('_x', 4), ('Z', 5), ('a b', 6)",
    "INSERT INTO pairs VALUES (1, 'x', 1.50), (1, 'Y', 2.00), (2, 'x', NULL), (10, 'a', 0.10)",
    "INSERT INTO loose VALUES (1, 'one'), (1, 'one'), (2, NULL), (NULL, 'n')",
]
_PLANTED = [
    "UPDATE words SET n = 30 WHERE w = 'c'",  # changed
    "DELETE FROM words WHERE w = '_x'",  # missing
    "INSERT INTO words VALUES ('b', 7)",  # extra (beside 'B')
    "UPDATE pairs SET v = 1.51 WHERE a = 1 AND b = 'x'",  # changed
    "DELETE FROM loose WHERE y = 'n'",  # missing
    "INSERT INTO loose VALUES (1, 'one')",  # extra: a third copy of a duplicated row
]


async def _run_each(url: str, statements: list[str]) -> None:
    db = await connect(url)
    try:
        for statement in statements:
            await db.execute(statement)
    finally:
        await db.close()


@pytest.mark.parametrize(
    ("source", "target"), [("sqlite", "postgres"), ("postgres", "mysql"), ("mysql", "sqlite")]
)
def test_verify_names_the_rows_planted_in_a_copy(
    source: str, target: str, pg_database: str, mysql_target: str, tmp_path: Path
) -> None:
    urls = {
        "postgres": pg_database,
        "mysql": mysql_target,
        "sqlite": f"sqlite:///{tmp_path / 'v.db'}",
    }
    # (a MySQL source keeps its case-insensitive default collation: the merge reads its keys in
    # byte order all the same; a MySQL target gets byte-wise columns from the translation)
    _run(_run_each(urls[source], _VERIFY_SCHEMA))
    report = _run(migrate(urls[source], urls[target]))
    assert report.ok, str(report)
    checks = _run(verify(urls[source], urls[target]))
    assert all(c.equal for c in checks), checks
    assert {c.name: c.compared_by for c in checks} == {
        "loose": "row hashes", "pairs": "key (a, b)", "words": "key (w)",
    }  # fmt: skip
    _run(_run_each(urls[target], _PLANTED))
    found = {c.name: c for c in _run(verify(urls[source], urls[target]))}
    words, pairs, loose = found["words"], found["pairs"], found["loose"]
    assert (words.missing, words.extra) == (("w='_x'",), ("w='b'",))
    assert words.changed == ("w='c' (n: 3 != 30)",)
    assert (words.source_rows, words.target_rows, words.differences) == (6, 6, 3)
    assert (pairs.missing, pairs.extra) == ((), ())
    [changed] = pairs.changed  # (the source's 1.50 reads as 1.5 on SQLite)
    assert changed.startswith("a=1, b='x' (v: Decimal('1.5") and "!= Decimal('1.51'))" in changed
    assert (loose.missing, loose.extra, loose.changed) == (("(NULL, 'n')",), ("(1, 'one')",), ())
    assert (loose.source_rows, loose.target_rows, loose.differences) == (4, 4, 2)
    assert not any(c.equal for c in found.values())


def test_verify_cli_lists_differences_as_json_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    for path, rows in ((one, "(1, 'a'), (2, 'b'), (3, 'c')"), (two, "(1, 'a'), (2, 'B')")):
        conn = sqlite3.connect(path)
        conn.executescript(
            f"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES {rows}"
        )
        conn.close()
    first, second = f"sqlite:///{one}", f"sqlite:///{two}"
    assert main(["verify", first, second, "--json", "--limit", "1"]) == 1
    [check] = json.loads(capsys.readouterr().out)
    assert check["missing"] == ["id=3"] and check["differences"] == 2
    assert check["changed"] == ["id=2 (v: 'b' != 'B')"]
    assert main(["verify", first, second]) == 1
    shown = capsys.readouterr().out
    assert "missing id=3" in shown and "changed id=2" in shown, shown
    assert main(["verify", first, first]) == 0
    assert "key (id)" in capsys.readouterr().out


def test_mysql_triggers_come_after_the_data_in_mysql_order(
    engines: EnginePool, pg_database: str
) -> None:
    engines.get("mysql")
    script = (
        "CREATE TABLE tr_items (id int PRIMARY KEY, n int);\n"
        "CREATE TABLE tr_log (id int, n int);\n"
        "INSERT INTO tr_items VALUES (1, 1), (2, 2);\n"
        "CREATE TRIGGER tr_a AFTER INSERT ON tr_items FOR EACH ROW "
        "INSERT INTO tr_log VALUES (NEW.id, NEW.n);\n"
        "CREATE TRIGGER tr_b AFTER INSERT ON tr_items FOR EACH ROW "
        "INSERT INTO tr_log VALUES (NEW.id, NEW.n * 10);\n"
    )
    with _mysql_database(f"{NAME}_trg", script) as source:
        report = _run(migrate(source, pg_database))
    assert report.triggers["tr_a"] == "created"
    assert report.triggers["tr_b"].startswith("[trigger-order] a second AFTER INSERT trigger")
    # the copied rows fired nothing: the log holds what MySQL's did (nothing) and no more

    async def logged() -> Any:
        db = await connect(pg_database)
        try:
            return await db.fetch_val("SELECT count(*) FROM tr_log")
        finally:
            await db.close()

    assert _run(logged()) == 0


def test_names_keep_their_case(pg_database: str, mysql_target: str, tmp_path: Path) -> None:
    """Tables and columns as the catalog spells them: a PostgreSQL "Users"("UserId") was not
    found (the schema reader's names are lower case)."""

    async def fill() -> None:
        conn = await asyncpg.connect(pg_database)
        try:
            await conn.execute(
                'CREATE TABLE "Users" ("UserId" int PRIMARY KEY, "Name" text NOT NULL);'
                """INSERT INTO "Users" VALUES (1, 'a'), (2, 'B')"""
            )
        finally:
            await conn.close()

    _run(fill())
    for target in (f"sqlite:///{tmp_path / 'case.db'}", mysql_target):
        report = _run(migrate(pg_database, target))
        assert report.ok and _copied(report) == {"Users": ("copied", True)}, str(report)
        [check] = _run(verify(pg_database, target))
        assert (check.name, check.equal, check.compared_by) == ("Users", True, "key (userid)")


def test_no_verify_copies_without_proving(
    pg_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`migrate --no-verify` copies as a loader does: every row, no proof (verified None),
    exit status 0; `sqlshift verify` proves the same copy afterwards."""
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, at DATETIME, d DATE);"
        "INSERT INTO t VALUES (1, '2024-02-29 10:00:00.5', '2024-02-29'), (2, NULL, NULL);"
    )
    conn.close()
    source = f"sqlite:///{path}"
    assert main(["migrate", source, pg_database, "--no-verify", "--json"]) == 0
    [table] = json.loads(capsys.readouterr().out)["tables"]
    assert (table["status"], table["rows_written"], table["verified"]) == ("copied", 2, None)
    assert main(["verify", source, pg_database]) == 0


def test_a_second_process_loads_half_of_the_tables(
    mysql_source: str, pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into PostgreSQL, a forked process loads and proves about half of the rows (the load
    is bound by one core); its tables are reported as the parent's are. If it fails, its
    tables fail and the others are copied."""
    from sqlshift.move import migrate as module

    loaded_by = tmp_path / "loaded_by"
    load_share = module._load_share

    async def recording(plan: Any, tables: list[Any]) -> Any:
        loaded_by.write_text(json.dumps([os.getpid(), [t.name for t in tables]]))
        return await load_share(plan, tables)

    monkeypatch.setattr(module, "_load_share", recording)
    report = _run(migrate(mysql_source, pg_database))
    pid, names = json.loads(loaded_by.read_text())
    assert pid != os.getpid() and len(names) == 1, (pid, names)
    assert _copied(report) == {
        "app_accounts": ("copied", True),
        "app_users": ("copied", True),
    }
    assert [t.rows_written for t in report.tables] == [40, 40] and report.ok, str(report)


def test_a_failed_second_process_fails_its_tables_only(
    mysql_source: str, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlshift.move import migrate as module

    async def failing(plan: Any, tables: list[Any]) -> Any:
        raise RuntimeError("the source went away")

    monkeypatch.setattr(module, "_load_share", failing)
    report = _run(migrate(mysql_source, pg_database))
    statuses = {t.name: t.status for t in report.tables}
    assert sorted(statuses.values()) == ["copied", "failed"], str(report)
    failed = next(t for t in report.tables if t.status == "failed")
    assert failed.error == (
        "loaded by a second process, which failed: RuntimeError: the source went away"
    )
    assert not report.ok
    # sequential, the same copy succeeds whole
    again = _run(migrate(mysql_source, pg_database, parallel=False))
    assert {t.status for t in again.tables} <= {"copied", "skipped"} and again.ok, str(again)
